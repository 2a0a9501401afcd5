// The context chart's data, pure. Input: a SessionReview (./model.ts) and how many points fit.
// Output: one point per turn (or per group of turns when there are more than fit: the group's
// largest context, so a peak is never averaged away), the auto-compact point in force at each,
// and the markers placed on those points with a one-letter key. The terminal chart
// (./terminal-chart.ts), the text fallback (./text.ts) and the SVG (./html.ts) all draw this.
import type { Marker, SessionReview } from './model.js';

/** One letter per marker kind, shown on the chart's x axis and in its key. */
export const MARKER_KEYS: Record<Marker['kind'], string> = {
  checkpoint: 'C', compaction: 'K', held: 'H', window: 'W', notice: 'N', miss: 'M',
};
/** Kinds drawn on the chart (notices and window changes are listed in the table only). */
const CHARTED: ReadonlySet<Marker['kind']> = new Set(['checkpoint', 'compaction', 'held', 'miss']);

export interface ChartPoint {
  /** The first and last turn (1-based) this point stands for. */
  fromTurn: number;
  toTurn: number;
  contextTokens: number;
  autoCompactAt: number | null;
}

export interface ChartMarker {
  /** Index into points. */
  at: number;
  key: string;
  marker: Marker;
}

export interface ChartData {
  points: ChartPoint[];
  markers: ChartMarker[];
  /** The highest value the chart must show: the auto-compact point or the peak, whichever is higher. */
  top: number;
  /** The auto-compact point at the end (the dashed line), null when never known. */
  autoCompactAt: number | null;
}

export function chartData(review: SessionReview, maxPoints = Infinity): ChartData {
  if (!(maxPoints >= 1)) throw new RangeError(`chartData: maxPoints must be ≥ 1, got ${String(maxPoints)}`);
  const turns = review.turns.filter((t) => t.contextTokens !== null);
  const per = Math.max(1, Math.ceil(turns.length / maxPoints));
  const points: ChartPoint[] = [];
  for (let i = 0; i < turns.length; i += per) {
    const group = turns.slice(i, i + per);
    const first = group[0]!;
    const last = group.at(-1)!;
    points.push({
      fromTurn: first.n, toTurn: last.n,
      contextTokens: Math.max(...group.map((t) => t.contextTokens ?? 0)),
      autoCompactAt: last.autoCompactAt,
    });
  }
  const markers: ChartMarker[] = [];
  for (const m of review.markers) {
    if (!CHARTED.has(m.kind) || points.length === 0) continue;
    // At the turn it followed (before the first turn: at the first point).
    let at = points.findIndex((p) => m.afterTurn <= p.toTurn);
    if (at < 0) at = points.length - 1;
    markers.push({ at, key: MARKER_KEYS[m.kind], marker: m });
  }
  const peak = Math.max(0, ...points.map((p) => p.contextTokens));
  const autoCompactAt = review.header.autoCompactAt;
  return { points, markers, top: Math.max(peak, autoCompactAt ?? 0, ...points.map((p) => p.autoCompactAt ?? 0)), autoCompactAt };
}
