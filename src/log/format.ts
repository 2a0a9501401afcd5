// The human views of the session log, pure. Input: summaries and records from ./reader.ts (and
// a time zone choice through `Date`). Output: text for `guard log`: a table of recent runs, and a
// run's timeline with key figures and a small text curve of the main context.
import type { LogEntry, RequestRecord } from './records.js';
import type { SessionSummary } from './reader.js';
import { displayWidth, formatCost, formatDuration, formatTokens, shortModel } from '../ui/footer.js';

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

function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '??:??:??';
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function tildePath(p: string | null, home: string): string {
  if (p === null) return '-';
  return home !== '' && (p === home || p.startsWith(home + '/')) ? '~' + p.slice(home.length) : p;
}

export function sessionsTable(list: SessionSummary[], home: string): string {
  const rows = list.map((s) => [
    s.id,
    formatStamp(s.startedAt),
    s.durationMs === null ? '-' : formatDuration(s.durationMs),
    s.program ?? '-',
    s.exitCode === null ? '-' : String(s.exitCode),
    s.peakContextTokens === null ? '-' : formatTokens(s.peakContextTokens),
    formatCost(s.costUsd),
    String(s.checkpoints),
    String(s.compactions),
    tildePath(s.cwd, home),
  ]);
  return table(['ID', 'STARTED', 'DURATION', 'PROGRAM', 'EXIT', 'PEAK CTX', 'COST', 'CHECKPOINTS', 'COMPACTIONS', 'CWD'], rows);
}

/** A sparkline of the main context, scaled to `top` (the auto-compact point when known). */
export function contextCurve(values: number[], top: number): string {
  const pts = values.slice(-CURVE_MAX_POINTS);
  if (pts.length === 0 || !(top > 0)) return '';
  return pts.map((v) => SPARK[Math.max(0, Math.min(SPARK.length - 1, Math.floor((v / top) * SPARK.length)))]).join('');
}

function pctOf(n: number, of: number | null): string {
  return of !== null && of > 0 ? ` (${Math.round((n / of) * 100)}%)` : '';
}

function requestLine(r: RequestRecord, autoCompactAt: number | null): string {
  const tokens = `in ${formatTokens(r.inputTokens)} cache ${formatTokens(r.cacheReadTokens)}+${formatTokens(r.cacheCreationTokens)} out ${formatTokens(r.outputTokens)}`;
  const ctx = typeof r.contextTokens === 'number' ? `context ${formatTokens(r.contextTokens)}${pctOf(r.contextTokens, autoCompactAt)}  ` : '';
  const model = r.model ? `  ${shortModel(r.model)}` : '';
  return `request ${r.thread.padEnd(8)} ${ctx}${tokens}  ${formatCost(r.costUsd)}${model}`;
}

function entryLine(e: LogEntry, autoCompactAt: number | null): string {
  switch (e.type) {
    case 'start': return `start    ${e.program} ${e.args.join(' ')}`.trimEnd() + `  (pid ${e.pid}, guard ${e.guardVersion})`;
    case 'request': return requestLine(e, autoCompactAt);
    case 'compaction': {
      const figures = `${e.preTokens === null ? '?' : formatTokens(e.preTokens)} → ${e.postTokens === null ? '?' : formatTokens(e.postTokens)}`;
      return `compaction ${e.trigger} ${e.success ? figures : `failed${e.error ? `: ${e.error}` : ''}`}${e.miss ? '  (missed: Claude compacted before guard)' : ''}`;
    }
    case 'checkpoint': {
      const ctx = e.contextTokens === null ? '' : `  context ${formatTokens(e.contextTokens)}`;
      return `checkpoint ${e.strategy} ${e.phase}${ctx}${e.notePath ? `  note ${e.notePath}` : ''}${e.detail ? `  ${e.detail}` : ''}`;
    }
    case 'claude_session': return `claude session ${e.claudeSessionId}${e.source ? ` (${e.source})` : ''}${e.model ? `  ${e.model}` : ''}`;
    case 'window': return `window   ${formatTokens(e.contextWindow)} (${e.source}), auto-compact at ${formatTokens(e.autoCompactAt)}`;
    case 'exit': return `exit     ${e.code}${e.signal ? ` (${e.signal})` : ''}`;
    default: return `${(e as { type: string }).type}`;
  }
}

export interface TimelineInput {
  summary: SessionSummary;
  entries: LogEntry[];
  home: string;
}

export function timeline({ summary: s, entries, home }: TimelineInput): string {
  const out: string[] = [];
  out.push(`session ${s.id}  ${s.program ?? '?'}  ${tildePath(s.cwd, home)}`);
  out.push(`started ${formatStamp(s.startedAt)}  duration ${s.durationMs === null ? '-' : formatDuration(s.durationMs)}  exit ${s.exitCode ?? '-'}  cost ${formatCost(s.costUsd)}`);
  out.push(`requests ${s.requests} (main ${s.mainRequests})  peak context ${s.peakContextTokens === null ? '-' : formatTokens(s.peakContextTokens)}  checkpoints ${s.checkpoints}  compactions ${s.compactions}`);
  let autoCompactAt: number | null = null;
  const curve: number[] = [];
  const lines: string[] = [];
  for (const e of entries) {
    if (e.type === 'window' && typeof e.autoCompactAt === 'number') autoCompactAt = e.autoCompactAt;
    if (e.type === 'request' && e.thread === 'main' && typeof e.contextTokens === 'number') curve.push(e.contextTokens);
    let text: string;
    try {
      text = entryLine(e, autoCompactAt);
    } catch {
      // A record of the right type with fields missing (an older or newer guard wrote it).
      text = `${e.type} ${JSON.stringify(e)}`;
    }
    lines.push(`${clock(e.t)}  ${text}`);
  }
  if (curve.length > 0) {
    const top = autoCompactAt ?? Math.max(...curve);
    out.push(`context  ${contextCurve(curve, top)}  (${autoCompactAt !== null ? `scale: auto-compact point ${formatTokens(top)}` : `scale: peak ${formatTokens(top)}`})`);
  }
  if (s.malformed > 0) out.push(`(${s.malformed} malformed line${s.malformed === 1 ? '' : 's'} skipped)`);
  out.push('');
  out.push(...lines);
  return out.join('\n') + '\n';
}
