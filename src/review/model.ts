// One session's review, pure. Input: a session log's records as src/log/reader.ts parsed them
// (any guard version's: fields may be missing, types may be unknown). Output: the plain data every
// view draws from — the header, one row per main request (a "turn"), the markers (checkpoints,
// compactions, held compactions, window changes, notices) placed at the turn where they happened,
// totals that are sums of the records, and what was skipped. The terminal, HTML and dashboard
// views (./text.ts, ./html.ts, ./dashboard-page.ts) only format this.
import { recordedAgent, type LogEntry } from '../log/records.js';
import type { SessionFile } from '../log/reader.js';
import { formatTokens } from '../lib/text.js';

/** Record types this guard understands; others (a newer guard's) are skipped and counted. */
const KNOWN_TYPES: ReadonlySet<string> = new Set([
  'start', 'request', 'compaction', 'checkpoint', 'claude_session', 'window', 'exit', 'notice', 'compaction_held',
]);

/** Checkpoint phases after which the checkpoint is over (src/policy/policy.ts logs them). */
const FINAL_PHASES: ReadonlySet<string> = new Set(['resumed', 'compacted', 'skipped', 'disarmed', 'warned']);
/** Phases that begin a checkpoint of their own even while another one looks open. */
const FIRST_PHASES: ReadonlySet<string> = new Set(['armed', 'warned']);

export interface ReviewHeader {
  id: string;
  program: string | null;
  /** The agent guard ran it as (older logs: 'claude' for a claude program); null: plain supervision. */
  agent: string | null;
  cwd: string | null;
  /** The model of the newest main request (or of the Claude session record). */
  model: string | null;
  contextWindow: number | null;
  autoCompactAt: number | null;
  startedAt: string | null;
  /** ISO time of the newest record. */
  lastAt: string | null;
  durationMs: number | null;
  /** null with no exit record: still running, or guard was killed. */
  exitCode: number | null;
  exitSignal: string | null;
}

export interface Turn {
  /** 1-based. */
  n: number;
  t: string;
  contextTokens: number | null;
  /** Change from the previous turn's context; null on the first. */
  change: number | null;
  /** contextTokens / the auto-compact point in force then; null when either is unknown. */
  fill: number | null;
  /** The auto-compact point in force at this turn. */
  autoCompactAt: number | null;
  costUsd: number;
  model: string | null;
}

export type MarkerKind = 'checkpoint' | 'compaction' | 'held' | 'window' | 'notice' | 'miss';

export interface Marker {
  kind: MarkerKind;
  t: string;
  /** How many turns had happened when it did (0: before the first). */
  afterTurn: number;
  /** A few words, e.g. "checkpoint (threshold): handoff resumed". */
  label: string;
  /** Checkpoints: every phase, in order. */
  phases?: string[];
  reason?: string | null;
  /** Compactions: Claude compacted although guard meant to get there first. */
  miss?: boolean;
}

export interface Totals {
  requests: { main: number; subagent: number; side: number; compact: number; other: number; all: number };
  tokens: { input: number; output: number; cacheRead: number; cacheCreation: number };
  /** Sum of costUsd over every request record. */
  costUsd: number;
  /** Sum of costUsd over main requests only (the turn table's column). */
  mainCostUsd: number;
  checkpoints: number;
  compactions: number;
  misses: number;
  held: number;
  notices: number;
  peakContextTokens: number | null;
  /** Highest fill of any turn (context / auto-compact point). */
  peakFill: number | null;
}

export interface Skipped {
  /** Lines that were not JSON records. */
  malformed: number;
  /** Records of types this guard does not know, by type. */
  unknown: Record<string, number>;
}

export interface SessionReview {
  header: ReviewHeader;
  turns: Turn[];
  markers: Marker[];
  totals: Totals;
  skipped: Skipped;
  /** No exit record yet. */
  running: boolean;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
function numOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
function tok(n: number | null): string {
  return n === null ? '?' : formatTokens(n);
}
function ms(iso: string | null): number | null {
  if (iso === null) return null;
  const v = Date.parse(iso);
  return Number.isNaN(v) ? null : v;
}

function compactionLabel(e: Record<string, unknown>): string {
  const trigger = str(e.trigger) ?? '?';
  const failed = e.success === false;
  return `compaction (${trigger}${e.miss === true ? ', missed' : ''})${failed ? ' failed' : ''}`;
}

interface OpenCheckpoint { marker: Marker; strategy: string | null }

export function reviewSession(file: Pick<SessionFile, 'id' | 'entries' | 'malformed'>): SessionReview {
  const header: ReviewHeader = {
    id: file.id, program: null, agent: null, cwd: null, model: null, contextWindow: null, autoCompactAt: null, startedAt: null,
    lastAt: null, durationMs: null, exitCode: null, exitSignal: null,
  };
  const totals: Totals = {
    requests: { main: 0, subagent: 0, side: 0, compact: 0, other: 0, all: 0 },
    tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
    costUsd: 0, mainCostUsd: 0, checkpoints: 0, compactions: 0, misses: 0, held: 0, notices: 0,
    peakContextTokens: null, peakFill: null,
  };
  const skipped: Skipped = { malformed: file.malformed, unknown: {} };
  const turns: Turn[] = [];
  const markers: Marker[] = [];
  let running = true;
  let open: OpenCheckpoint | null = null;
  let missPhases = 0;
  let compactionMisses = 0;
  let prevContext: number | null = null;

  for (const entry of file.entries) {
    const e = entry as unknown as Record<string, unknown> & { t: string; type: string };
    if (!KNOWN_TYPES.has(e.type)) {
      skipped.unknown[e.type] = (skipped.unknown[e.type] ?? 0) + 1;
      continue;
    }
    header.startedAt ??= e.t;
    header.lastAt = e.t;
    const afterTurn = turns.length;
    switch ((entry as LogEntry | { type: 'compaction_held' }).type) {
      case 'start':
        header.startedAt = e.t;
        header.program = str(e.program);
        header.agent = recordedAgent(e.agent, header.program);
        header.cwd = str(e.cwd);
        break;
      case 'claude_session':
        header.model ??= str(e.model);
        break;
      case 'window': {
        const window = numOrNull(e.contextWindow);
        const point = numOrNull(e.autoCompactAt);
        const changed = header.contextWindow !== null && (window !== header.contextWindow || point !== header.autoCompactAt);
        header.contextWindow = window;
        header.autoCompactAt = point;
        if (changed) markers.push({ kind: 'window', t: e.t, afterTurn, label: `window ${tok(window)} (${str(e.source) ?? '?'}), auto-compact at ${tok(point)}` });
        break;
      }
      case 'request': {
        const thread = str(e.thread);
        const cost = num(e.costUsd);
        totals.requests.all++;
        if (thread === 'main' || thread === 'subagent' || thread === 'side' || thread === 'compact') totals.requests[thread]++;
        else totals.requests.other++;
        totals.tokens.input += num(e.inputTokens);
        totals.tokens.output += num(e.outputTokens);
        totals.tokens.cacheRead += num(e.cacheReadTokens);
        totals.tokens.cacheCreation += num(e.cacheCreationTokens);
        totals.costUsd += cost;
        if (thread !== 'main') break;
        totals.mainCostUsd += cost;
        const ctx = numOrNull(e.contextTokens);
        const point = header.autoCompactAt;
        const fill = ctx !== null && point !== null && point > 0 ? ctx / point : null;
        const model = str(e.model);
        if (model !== null) header.model = model;
        turns.push({
          n: turns.length + 1, t: e.t, contextTokens: ctx, change: ctx !== null && prevContext !== null ? ctx - prevContext : null,
          fill, autoCompactAt: point, costUsd: cost, model,
        });
        if (ctx !== null) {
          prevContext = ctx;
          totals.peakContextTokens = Math.max(totals.peakContextTokens ?? 0, ctx);
        }
        if (fill !== null) totals.peakFill = Math.max(totals.peakFill ?? 0, fill);
        break;
      }
      case 'checkpoint': {
        const phase = str(e.phase) ?? '?';
        if (phase === 'miss') {
          missPhases++;
          // The compaction record beside it carries the miss too; one marker is enough.
          break;
        }
        if (phase === 'held') {
          // Issue 7's held compactions may come as checkpoint records of phase `held`.
          totals.held++;
          markers.push({ kind: 'held', t: e.t, afterTurn, label: `compaction held back${str(e.detail) ? `: ${str(e.detail)}` : ''}` });
          break;
        }
        const reason = str(e.reason);
        if (open === null || FIRST_PHASES.has(phase)) {
          const marker: Marker = { kind: 'checkpoint', t: e.t, afterTurn, label: '', phases: [], reason };
          open = { marker, strategy: str(e.strategy) };
          markers.push(marker);
          totals.checkpoints++;
        }
        const m = open.marker;
        m.phases!.push(phase);
        m.reason ??= reason;
        open.strategy = str(e.strategy) ?? open.strategy;
        m.label = `checkpoint${m.reason ? ` (${m.reason})` : ''}: ${open.strategy ?? '?'} ${phase}`;
        const detail = str(e.detail) ?? '';
        if (FINAL_PHASES.has(phase) || (phase === 'failed' && !/retrying/.test(detail))) open = null;
        break;
      }
      case 'compaction': {
        totals.compactions++;
        if (e.miss === true) compactionMisses++;
        const pre = numOrNull(e.preTokens);
        const post = numOrNull(e.postTokens);
        markers.push({
          kind: 'compaction', t: e.t, afterTurn, label: `${compactionLabel(e)}${pre !== null || post !== null ? ` ${tok(pre)} → ${tok(post)}` : ''}`,
          miss: e.miss === true,
        });
        if (post !== null) prevContext = post;
        break;
      }
      case 'compaction_held':
        totals.held++;
        markers.push({ kind: 'held', t: e.t, afterTurn, label: `compaction held back${str(e.detail) ? `: ${str(e.detail)}` : ''}` });
        break;
      case 'notice':
        totals.notices++;
        markers.push({ kind: 'notice', t: e.t, afterTurn, label: str(e.text) ?? '' });
        break;
      case 'exit':
        running = false;
        header.exitCode = numOrNull(e.code);
        header.exitSignal = str(e.signal);
        break;
      default:
        break;
    }
  }
  totals.misses = Math.max(missPhases, compactionMisses);
  const a = ms(header.startedAt);
  const b = ms(header.lastAt);
  header.durationMs = a !== null && b !== null ? Math.max(0, b - a) : null;
  return { header, turns, markers, totals, skipped, running };
}

/** "2 lines that were not records, 3 records of unknown type (foo ×3)", or null when nothing was skipped. */
export function skippedNote(s: Skipped): string | null {
  const parts: string[] = [];
  if (s.malformed > 0) parts.push(`${s.malformed} line${s.malformed === 1 ? '' : 's'} that ${s.malformed === 1 ? 'was' : 'were'} not a whole record (cut off mid-write?)`);
  const types = Object.entries(s.unknown);
  const n = types.reduce((sum, [, c]) => sum + c, 0);
  if (n > 0) parts.push(`${n} record${n === 1 ? '' : 's'} of a type this guard does not know (${types.map(([k, c]) => `${k} ×${c}`).join(', ')})`);
  return parts.length === 0 ? null : `skipped ${parts.join(' and ')}`;
}
