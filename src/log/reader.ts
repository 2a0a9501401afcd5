// The session log's reader. Input: the files under `<state>/sessions/` that SessionLog wrote.
// Output: a run's records (malformed lines skipped and counted, never fatal) and one summary per
// run for `guard log`'s list. Lookup by exact id, `latest`, or a unique prefix of an id.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LogEntry } from './records.js';

const LOG_SUFFIX = '.jsonl';
/** How many runs `guard log` lists when not told otherwise. */
export const DEFAULT_LIST_LIMIT = 20;

export interface ParsedLog {
  entries: LogEntry[];
  /** Lines that were not a JSON object with string `t` and `type` (e.g. cut off by a crash). */
  malformed: number;
}

export interface SessionFile extends ParsedLog {
  id: string;
  path: string;
}

export interface SessionSummary {
  id: string;
  path: string;
  /** ISO 8601, from the start record (or the first record). */
  startedAt: string | null;
  /** ISO 8601 of the newest record. */
  lastAt: string | null;
  durationMs: number | null;
  program: string | null;
  cwd: string | null;
  pid: number | null;
  /** null while the run has no exit record (still running, or guard died). */
  exitCode: number | null;
  /** Largest contextTokens of any main request. */
  peakContextTokens: number | null;
  costUsd: number;
  requests: number;
  mainRequests: number;
  checkpoints: number;
  compactions: number;
  claudeSessions: number;
  malformed: number;
}

export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError';
  constructor(readonly ref: string, readonly candidates: string[] = []) {
    super(candidates.length > 1
      ? `guard log: "${ref}" matches ${candidates.length} sessions (${candidates.slice(0, 5).join(', ')}${candidates.length > 5 ? ', …' : ''}); give more of the id`
      : `guard log: no session "${ref}"`);
  }
}

/** The time an id was made (`20261124-044512-ab12` → 2026-11-24T04:45:12.000Z); null if it is not one. */
export function idTime(id: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(id);
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function parseLog(text: string): ParsedLog {
  const entries: LogEntry[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      malformed++;
      continue;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)
      && typeof (value as { t?: unknown }).t === 'string' && typeof (value as { type?: unknown }).type === 'string') {
      entries.push(value as LogEntry);
    } else {
      malformed++;
    }
  }
  return { entries, malformed };
}

/**
 * Ids of every run with a log, newest first. Missing folder → []. Ids sort by their start to the
 * second (./id.ts); runs started in the same second, by their first record's time (to the
 * millisecond), else by id. Seen in CI: two runs a few milliseconds apart, and `latest` named
 * the earlier one, whose random tail sorted higher.
 */
export function listSessionIds(sessionsDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(sessionsDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const ids = names.filter((n) => n.endsWith(LOG_SUFFIX)).map((n) => n.slice(0, -LOG_SUFFIX.length)).sort().reverse();
  const out: string[] = [];
  for (let i = 0; i < ids.length;) {
    const second = (ids[i] as string).slice(0, ID_SECOND_CHARS);
    let j = i + 1;
    while (j < ids.length && (ids[j] as string).slice(0, ID_SECOND_CHARS) === second) j++;
    const group = ids.slice(i, j);
    if (group.length > 1) {
      const started = new Map(group.map((id) => [id, firstRecordMs(path.join(sessionsDir, id + LOG_SUFFIX))]));
      // Stable: equal times keep the id order.
      group.sort((a, b) => (started.get(b) as number) - (started.get(a) as number));
    }
    out.push(...group);
    i = j;
  }
  return out;
}

/** `YYYYMMDD-HHMMSS`: the part of an id that is its start, to the second. */
const ID_SECOND_CHARS = 15;
/** A log's first line is its start record, well under this. */
const FIRST_RECORD_BYTES = 4096;

/** The time of a log's first record in ms since the epoch; 0 when it cannot be read. */
function firstRecordMs(file: string): number {
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(FIRST_RECORD_BYTES);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const line = buf.subarray(0, n).toString('utf8').split('\n', 1)[0] ?? '';
    const t = (JSON.parse(line) as { t?: unknown }).t;
    const ms = typeof t === 'string' ? Date.parse(t) : NaN;
    return Number.isNaN(ms) ? 0 : ms;
  } catch {
    return 0;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** `latest`, an exact id, or a prefix matching exactly one id. */
export function resolveSessionId(sessionsDir: string, ref: string): string {
  const ids = listSessionIds(sessionsDir);
  if (ref === 'latest') {
    const newest = ids[0];
    if (newest === undefined) throw new SessionNotFoundError(ref);
    return newest;
  }
  if (ids.includes(ref)) return ref;
  const matches = ref === '' ? [] : ids.filter((id) => id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  throw new SessionNotFoundError(ref, matches);
}

export function readSession(sessionsDir: string, ref: string): SessionFile {
  const id = resolveSessionId(sessionsDir, ref);
  const file = path.join(sessionsDir, id + LOG_SUFFIX);
  return { id, path: file, ...parseLog(fs.readFileSync(file, 'utf8')) };
}

function ms(iso: string | null): number | null {
  if (iso === null) return null;
  const v = Date.parse(iso);
  return Number.isNaN(v) ? null : v;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function summarize(file: SessionFile): SessionSummary {
  const s: SessionSummary = {
    id: file.id, path: file.path, startedAt: null, lastAt: null, durationMs: null, program: null, cwd: null, pid: null,
    exitCode: null, peakContextTokens: null, costUsd: 0, requests: 0, mainRequests: 0, checkpoints: 0,
    compactions: 0, claudeSessions: 0, malformed: file.malformed,
  };
  const claudeIds = new Set<string>();
  // A checkpoint is a run of phases; each one begins with the same phase, so count those.
  let firstPhase: string | null = null;
  for (const e of file.entries) {
    s.startedAt ??= e.t;
    s.lastAt = e.t;
    switch (e.type) {
      case 'start':
        s.startedAt = e.t;
        s.program = typeof e.program === 'string' ? e.program : null;
        s.cwd = typeof e.cwd === 'string' ? e.cwd : null;
        s.pid = typeof e.pid === 'number' ? e.pid : null;
        break;
      case 'request':
        s.requests++;
        s.costUsd += num(e.costUsd);
        if (e.claudeSessionId) claudeIds.add(e.claudeSessionId);
        if (e.thread === 'main') {
          s.mainRequests++;
          if (typeof e.contextTokens === 'number') s.peakContextTokens = Math.max(s.peakContextTokens ?? 0, e.contextTokens);
        }
        break;
      case 'compaction':
        s.compactions++;
        break;
      case 'checkpoint':
        firstPhase ??= e.phase;
        if (e.phase === firstPhase) s.checkpoints++;
        break;
      case 'claude_session':
        if (e.claudeSessionId) claudeIds.add(e.claudeSessionId);
        break;
      case 'exit':
        s.exitCode = typeof e.code === 'number' ? e.code : null;
        break;
      default:
        break;
    }
  }
  s.claudeSessions = claudeIds.size;
  const a = ms(s.startedAt);
  const b = ms(s.lastAt);
  s.durationMs = a !== null && b !== null ? Math.max(0, b - a) : null;
  return s;
}

/** Summaries of the newest runs, newest first; an unreadable file is skipped. */
export function listSessions(sessionsDir: string, opts: { limit?: number } = {}): SessionSummary[] {
  const limit = opts.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`listSessions: limit must be a whole number ≥ 1, got ${String(limit)}`);
  const out: SessionSummary[] = [];
  for (const id of listSessionIds(sessionsDir)) {
    if (out.length >= limit) break;
    const file = path.join(sessionsDir, id + LOG_SUFFIX);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    out.push(summarize({ id, path: file, ...parseLog(text) }));
  }
  return out;
}
