// Small text pieces shared by guard's listings, pure: aligned tables, local time stamps, `~`
// paths and a block-glyph curve. Used by `guard ls` and by the review (src/review/text.ts).
import { displayWidth } from '../lib/text.js';
import { commandName } from '../lib/program-name.js';

/** Blocks for the context curve, lowest to highest. */
const SPARK = '▁▂▃▄▅▆▇█';
/** The curve keeps at most this many points (newest), so it fits a normal terminal. */
const CURVE_MAX_POINTS = 60;

/** Left-aligned columns separated by two spaces; widths in display cells. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - displayWidth(c)))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** "2026-11-24 04:45" in local time. */
export function formatStamp(iso: string | null): string {
  if (iso === null) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '-';
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** "04:45:12" in local time. */
export function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '??:??:??';
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function tildePath(p: string | null, home: string): string {
  if (p === null) return '-';
  return home !== '' && (p === home || p.startsWith(home + '/')) ? '~' + p.slice(home.length) : p;
}

/** A sparkline of the main context, scaled to `top` (the auto-compact point when known). */
export function contextCurve(values: number[], top: number): string {
  const pts = values.slice(-CURVE_MAX_POINTS);
  if (pts.length === 0 || !(top > 0)) return '';
  return pts.map((v) => SPARK[Math.max(0, Math.min(SPARK.length - 1, Math.floor((v / top) * SPARK.length)))]).join('');
}

/**
 * The program as `guard ls` and `guard log` show it, with the agent guard ran it as when its name
 * does not already say so: `claude`, `codex`, `/opt/wrap/ai (gemini)`.
 */
export function programLabel(program: string | null, agent: string | null | undefined): string {
  const shown = program ?? '?';
  if (!agent) return shown;
  return commandName(shown) === agent ? shown : `${shown} (${agent})`;
}
