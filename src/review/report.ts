// `guard report`'s figures, pure. Input: session rows (./sessions.ts), a grouping and "now".
// Output: one group per day / project / model / agent (or one "all" group), each with sessions, turns,
// tokens by type, cost, checkpoints, misses and peak fill; and that as a table, JSON or CSV.
import { table } from '../log/format.js';
import { formatCost, formatTokens, shortModel } from '../lib/text.js';
import type { SessionFigures, SessionRow } from './sessions.js';
import { pct } from './text.js';

export type GroupBy = 'day' | 'project' | 'model' | 'agent' | 'all';
export const GROUPS: readonly GroupBy[] = ['day', 'project', 'model', 'agent'];

export interface ReportGroup extends SessionFigures {
  key: string;
  sessions: number;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `7d`, `12h`, `30m`, `2w`, or a date (`2026-11-01`, any ISO 8601) → ms since the epoch. */
export function parseSince(text: string, now: number): number {
  const m = /^(\d+)([mhdw])$/.exec(text);
  if (m) return now - Number(m[1]) * UNITS[m[2]!]!;
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(at)) throw new RangeError(`guard report: --since wants a period like 7d, 12h, 30m, 2w or a date like 2026-11-01, got ${JSON.stringify(text)}`);
  return at;
}

function keyOf(r: SessionRow, by: GroupBy): string {
  switch (by) {
    case 'all': return 'all';
    case 'day': return r.startedAt?.slice(0, 10) ?? '?';
    case 'project': return r.cwd ?? '?';
    case 'model': return r.model ?? '?';
    // null: a plain supervised program; absent: a row cached by a guard that did not record agents.
    case 'agent': return r.agent === undefined ? '?' : r.agent ?? 'none';
  }
}

function emptyGroup(key: string): ReportGroup {
  return {
    key, sessions: 0, turns: 0, requests: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0,
    costUsd: 0, checkpoints: 0, compactions: 0, misses: 0, held: 0, peakContextTokens: null, peakFill: null,
  };
}

function maxOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** Groups in key order (days oldest first); with `all`, one group. */
export function aggregate(rows: SessionRow[], by: GroupBy): ReportGroup[] {
  const groups = new Map<string, ReportGroup>();
  for (const r of rows) {
    const key = keyOf(r, by);
    let g = groups.get(key);
    if (!g) groups.set(key, g = emptyGroup(key));
    g.sessions++;
    g.turns += r.turns;
    g.requests += r.requests;
    g.inputTokens += r.inputTokens;
    g.outputTokens += r.outputTokens;
    g.cacheReadTokens += r.cacheReadTokens;
    g.cacheCreationTokens += r.cacheCreationTokens;
    g.costUsd += r.costUsd;
    g.checkpoints += r.checkpoints;
    g.compactions += r.compactions;
    g.misses += r.misses;
    g.held += r.held;
    g.peakContextTokens = maxOrNull(g.peakContextTokens, r.peakContextTokens);
    g.peakFill = maxOrNull(g.peakFill, r.peakFill);
  }
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const COLUMNS: ReadonlyArray<keyof ReportGroup> = [
  'key', 'sessions', 'turns', 'requests', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheCreationTokens', 'costUsd',
  'checkpoints', 'compactions', 'misses', 'held', 'peakContextTokens', 'peakFill',
];

/** Dollars to the micro-dollar and fills to 1/10,000: sums of binary fractions carry noise beyond that. */
function rounded(g: ReportGroup): ReportGroup {
  return { ...g, costUsd: Math.round(g.costUsd * 1e6) / 1e6, peakFill: g.peakFill === null ? null : Math.round(g.peakFill * 1e4) / 1e4 };
}

export function reportJson(groups: ReportGroup[], by: GroupBy, sinceIso: string | null): string {
  return JSON.stringify({ by, since: sinceIso, groups: groups.map(rounded) }, null, 2) + '\n';
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportCsv(groups: ReportGroup[], by: GroupBy): string {
  const head = COLUMNS.map((c) => (c === 'key' ? by : c));
  return [head, ...groups.map(rounded).map((g) => COLUMNS.map((c) => g[c]))].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

export function reportTable(groups: ReportGroup[], by: GroupBy, home: string): string {
  const label = (k: string): string => (by === 'model' && k !== '?' ? shortModel(k) : by === 'project' && home && k.startsWith(home) ? '~' + k.slice(home.length) : k);
  return table(
    [by === 'all' ? 'ALL' : by.toUpperCase(), 'SESSIONS', 'TURNS', 'IN', 'CACHE READ', 'CACHE WRITE', 'OUT', 'COST', 'CHECKPOINTS', 'MISSES', 'PEAK FILL'],
    groups.map((g) => [
      label(g.key), String(g.sessions), String(g.turns), formatTokens(g.inputTokens), formatTokens(g.cacheReadTokens),
      formatTokens(g.cacheCreationTokens), formatTokens(g.outputTokens), formatCost(g.costUsd), String(g.checkpoints), String(g.misses), pct(g.peakFill),
    ]),
  );
}
