// `guard log`'s text, pure. Input: a SessionReview (./model.ts) or session summaries, the home
// folder (for ~), and optionally chart lines drawn by ./terminal-chart.ts. Output: the text to
// print — the header, the chart (or its text fallback: a curve of block glyphs against the
// auto-compact point with the marker keys under it), the turn table with checkpoints and
// compactions in the row after the turn they followed, the totals and a note of what was skipped.
import { clock, contextCurve, formatStamp, programLabel, table, tildePath } from '../log/format.js';
import { formatCost, formatDuration, formatTokens, shortModel } from '../lib/text.js';
import { chartData, type ChartData } from './chart.js';
import { skippedNote, type SessionReview } from './model.js';
import type { SessionRow } from './sessions.js';

/** The text curve keeps at most this many points, so it fits a normal terminal. */
export const TEXT_CHART_POINTS = 60;

export function pct(fill: number | null): string {
  return fill === null ? '-' : `${Math.round(fill * 100)}%`;
}

function signed(n: number | null): string {
  if (n === null) return '-';
  return n >= 0 ? `+${formatTokens(n)}` : `-${formatTokens(-n)}`;
}

export function headerLines(r: SessionReview, home: string): string[] {
  const h = r.header;
  const window = h.contextWindow === null ? '' : `  window ${formatTokens(h.contextWindow)}${h.autoCompactAt === null ? '' : ` (auto-compact at ${formatTokens(h.autoCompactAt)})`}`;
  const exit = r.running ? 'running (no exit record yet)' : `exit ${h.exitCode ?? '-'}${h.exitSignal ? ` (${h.exitSignal})` : ''}`;
  return [
    `session ${h.id}  ${programLabel(h.program, h.agent)}  ${tildePath(h.cwd, home)}`,
    `model ${h.model ? shortModel(h.model) : '-'}${window}`,
    `started ${formatStamp(h.startedAt)}  duration ${h.durationMs === null ? '-' : formatDuration(h.durationMs)}  ${exit}`,
  ];
}

/** The text fallback of the chart: the curve, and under it each marker's key at its point. */
export function textChart(data: ChartData): string[] {
  if (data.points.length === 0 || !(data.top > 0)) return [];
  const scale = data.autoCompactAt ?? data.top;
  const curve = contextCurve(data.points.map((p) => p.contextTokens), scale);
  const keys = Array.from({ length: data.points.length }, () => ' ');
  for (const m of data.markers) keys[m.at] = keys[m.at] === ' ' ? m.key : '*';
  const label = data.autoCompactAt !== null ? `scale: auto-compact point ${formatTokens(scale)}` : `scale: peak ${formatTokens(scale)}`;
  const lines = [`context  ${curve}  (${label})`];
  if (data.markers.length > 0) lines.push(`         ${keys.join('').trimEnd()}`);
  return lines;
}

/** The key under the chart: "C checkpoint (threshold): handoff resumed, after turn 4". */
export function chartKey(data: ChartData): string[] {
  return data.markers.map((m) => `  ${m.key}  after turn ${m.marker.afterTurn}: ${m.marker.label}`);
}

export function turnTable(r: SessionReview): string {
  const rows = r.turns.map((turn) => [
    String(turn.n), clock(turn.t), turn.contextTokens === null ? '-' : formatTokens(turn.contextTokens), signed(turn.change),
    pct(turn.fill), formatCost(turn.costUsd),
  ]);
  const [head = '', ...lines] = table(['TURN', 'TIME', 'CONTEXT', 'CHANGE', 'FILL', 'COST'], rows).trimEnd().split('\n');
  // Markers go on their own line after the turn they followed, so they never widen a column.
  const indent = ' '.repeat(Math.max(4, String(r.turns.length).length) + 2);
  const markerLines = (n: number): string[] => r.markers.filter((m) => m.afterTurn === n).map((m) => `${indent}${clock(m.t)}  ── ${m.label}`);
  const out = [head, ...markerLines(0)];
  lines.forEach((line, i) => out.push(line, ...markerLines(i + 1)));
  return out.join('\n') + '\n';
}

export function totalsLines(r: SessionReview): string[] {
  const x = r.totals;
  const q = x.requests;
  return [
    `turns ${r.turns.length}  requests ${q.all} (main ${q.main}, sub-agent ${q.subagent}, side ${q.side}, compaction ${q.compact}${q.other ? `, other ${q.other}` : ''})`,
    `tokens in ${formatTokens(x.tokens.input)}  cache read ${formatTokens(x.tokens.cacheRead)}  cache write ${formatTokens(x.tokens.cacheCreation)}  out ${formatTokens(x.tokens.output)}`,
    `cost ${formatCost(x.costUsd)} (main ${formatCost(x.mainCostUsd)}, other ${formatCost(x.costUsd - x.mainCostUsd)})  peak context ${x.peakContextTokens === null ? '-' : formatTokens(x.peakContextTokens)} (${pct(x.peakFill)})`,
    `checkpoints ${x.checkpoints}  compactions ${x.compactions}  misses ${x.misses}  held back ${x.held}  notices ${x.notices}`,
  ];
}

export interface ReviewTextOptions {
  home: string;
  /** Lines of a drawn chart (the terminal chart); without them, the text fallback. */
  chartLines?: string[];
}

export function reviewText(r: SessionReview, o: ReviewTextOptions): string {
  const data = chartData(r, TEXT_CHART_POINTS);
  const out = [...headerLines(r, o.home), ''];
  const chart = o.chartLines ?? textChart(data);
  if (chart.length > 0) out.push(...chart, ...chartKey(data), '');
  out.push(turnTable(r).trimEnd(), '', ...totalsLines(r));
  const note = skippedNote(r.skipped);
  if (note !== null) out.push(`(${note})`);
  return out.join('\n') + '\n';
}

export function sessionsText(rows: SessionRow[], home: string): string {
  return table(['ID', 'WHEN', 'HOW LONG', 'FOLDER', 'MODEL', 'PEAK FILL', 'CHECKPOINTS', 'MISSES', 'COST'], rows.map((s) => [
    s.id, formatStamp(s.startedAt) + (s.running ? ' (running)' : ''), s.durationMs === null ? '-' : formatDuration(s.durationMs),
    tildePath(s.cwd, home), s.model ? shortModel(s.model) : '-', pct(s.peakFill), String(s.checkpoints), String(s.misses), formatCost(s.costUsd),
  ]));
}
