// The live registry behind `guard ls`. Input: each running guard's current figures (from the
// context tracker and guard's state). Output: one `<state>/live/<id>.json` per running guard,
// replaced atomically (temp file + rename, 0600) at most every UPDATE_INTERVAL_MS, removed on exit.
// Readers list the entries and delete those whose guard is gone or whose file is unreadable, and
// temp files a killed guard left behind. An entry names its guard by pid AND start time (Linux:
// /proc/<pid>/stat), so a guard killed with SIGKILL drops out at the next `guard ls` at once,
// even while its program lingers or another process has taken the pid.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FILE_MODE, GuardPathError, ensurePrivateDir } from '../paths.js';
import { backgroundClock, type Clock } from '../lib/clock.js';
import type { Disposable } from '../lib/disposables.js';
import { isPidAlive } from '../lib/pid.js';
import type { ContextSnapshot } from '../context/snapshot.js';
import type { GuardState } from '../events/state.js';

/** Often enough that `guard ls` is current within a second; rarely enough to cost nothing. */
export const UPDATE_INTERVAL_MS = 500;
const ENTRY_SUFFIX = '.json';
const TMP_RE = /\.json\.(\d+)\.tmp$/;
/** A temp file is written and renamed within a millisecond; one this old belongs to a dead writer. */
const STALE_TMP_MS = 60_000;

/** One running guard, as `guard ls --json` prints it (the PRODUCT.md contract plus extras). */
export interface LiveEntry {
  id: string;
  /** The program's pid (guard's own until the program runs). */
  pid: number;
  /** guard's own pid and start time (processStartTime); the entry lives as long as that process. */
  guardPid?: number;
  guardStart?: string | null;
  program: string;
  /** The agent guard runs it as ('claude', 'codex', 'gemini'); absent for plain supervision
   * (entries of older guards: read with log/records.ts recordedAgent). */
  agent?: string;
  cwd: string;
  claudeSessionId: string | null;
  model: string | null;
  /** The context in use (CLAUDE-CODE.md); null before the first main request or for non-claude programs. */
  contextTokens: number | null;
  contextWindow: number | null;
  autoCompactAt: number | null;
  costUsd: number;
  /** A GuardState ('starting' | 'working' | 'idle' | 'checkpointing' | 'exited'), or 'running' for other programs. */
  state: string;
  /** ISO 8601. */
  startedAt: string;
  updatedAt: string;
  /** The run's session log, when it has one. */
  logPath: string | null;
  /** Whole turns left before the auto-compact point at the recent growth (claude runs). */
  turnsLeft?: number | null;
  /** What guard is about to do, in a few words (the footer's), e.g. "handoff at 80%". */
  next?: string | null;
}

export type LiveFields = Omit<LiveEntry, 'updatedAt'>;

/** The entry's figures from the tracker's snapshot and guard's state (pure). */
export function liveFieldsOf(snap: ContextSnapshot, state: GuardState): Partial<LiveFields> {
  return {
    claudeSessionId: snap.claudeSessionId,
    model: snap.model,
    contextTokens: snap.contextTokens,
    contextWindow: snap.contextWindow,
    autoCompactAt: snap.autoCompactAt,
    costUsd: snap.costUsd,
    state,
    turnsLeft: snap.turnsLeft,
  };
}

export interface RegistryFs {
  writeFileSync(p: string, data: string, o: { mode: number; flag: string }): void;
  renameSync(from: string, to: string): void;
  unlinkSync(p: string): void;
}

export interface RegistrationOptions {
  /** `paths.liveDir`; created 0700 if missing. */
  liveDir: string;
  entry: Omit<LiveFields, 'startedAt'> & { startedAt?: string };
  now?: () => number;
  /** The coalescing timer's clock; its timer never keeps guard alive by default. */
  timers?: Pick<Clock, 'setTimeout'>;
  fs?: RegistryFs;
  minIntervalMs?: number;
  /** Called once when a write fails; the registration then stops writing. */
  onError?: (err: GuardPathError) => void;
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** This guard's own entry. Throws GuardPathError from create() when the folder is unusable. */
export class LiveRegistration {
  readonly path: string;
  private fields: LiveFields;
  private lastWrite = -Infinity;
  private timer: Disposable | null = null;
  private removed = false;
  private failed = false;
  private readonly now: () => number;
  private readonly timers: Pick<Clock, 'setTimeout'>;
  private readonly fsi: RegistryFs;
  private readonly interval: number;
  private readonly onError: ((err: GuardPathError) => void) | undefined;

  private constructor(opts: RegistrationOptions) {
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? backgroundClock;
    this.fsi = opts.fs ?? fs;
    this.interval = opts.minIntervalMs ?? UPDATE_INTERVAL_MS;
    this.onError = opts.onError;
    this.path = path.join(opts.liveDir, opts.entry.id + ENTRY_SUFFIX);
    this.fields = { ...opts.entry, startedAt: opts.entry.startedAt ?? new Date(this.now()).toISOString() };
  }

  static create(opts: RegistrationOptions): LiveRegistration {
    const e = opts.entry;
    if (!/^[\w.-]+$/.test(e.id)) throw new TypeError(`LiveRegistration: id must be a plain file name, got ${JSON.stringify(e.id)}`);
    if (!Number.isInteger(e.pid) || e.pid <= 0) throw new TypeError(`LiveRegistration: pid must be a positive whole number, got ${String(e.pid)}`);
    const interval = opts.minIntervalMs ?? UPDATE_INTERVAL_MS;
    if (!(interval >= 0)) throw new RangeError(`LiveRegistration: minIntervalMs must be ≥ 0, got ${String(interval)}`);
    if (!opts.fs) ensurePrivateDir(opts.liveDir);
    const reg = new LiveRegistration(opts);
    reg.writeNow();
    if (reg.failed) throw new GuardPathError(reg.path, undefined, 'register live session at');
    return reg;
  }

  get entry(): LiveEntry {
    return { ...this.fields, updatedAt: new Date(this.lastWrite === -Infinity ? this.now() : this.lastWrite).toISOString() };
  }

  /** Merges the fields; the file is rewritten now if the last write is old enough, else once later. */
  update(partial: Partial<Omit<LiveFields, 'id' | 'startedAt'>>): void {
    if (this.removed || this.failed) return;
    this.fields = { ...this.fields, ...partial };
    if (this.timer !== null) return;
    const wait = this.lastWrite + this.interval - this.now();
    if (wait <= 0) this.writeNow();
    else this.timer = this.timers.setTimeout(() => { this.timer = null; this.writeNow(); }, wait);
  }

  /** Writes pending fields now (e.g. the final state before exit). */
  flush(): void {
    if (this.timer !== null) {
      this.timer.dispose();
      this.timer = null;
    }
    if (!this.removed && !this.failed) this.writeNow();
  }

  /** Deletes the entry; later updates do nothing. Safe to call twice. */
  remove(): void {
    if (this.timer !== null) {
      this.timer.dispose();
      this.timer = null;
    }
    if (this.removed) return;
    this.removed = true;
    try {
      this.fsi.unlinkSync(this.path);
    } catch {
      // Already gone (a reader cleaned it up, or the folder was removed): the goal is met.
    }
  }

  private writeNow(): void {
    const t = this.now();
    const entry: LiveEntry = { ...this.fields, updatedAt: new Date(t).toISOString() };
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      this.fsi.writeFileSync(tmp, `${JSON.stringify(entry)}\n`, { mode: FILE_MODE, flag: 'w' });
      this.fsi.renameSync(tmp, this.path);
      this.lastWrite = t;
    } catch (err) {
      this.failed = true;
      try { this.fsi.unlinkSync(tmp); } catch { /* nothing was written */ }
      this.onError?.(new GuardPathError(this.path, codeOf(err), 'write live session entry'));
    }
  }
}

/**
 * When the process started, as an opaque string that differs between two processes that had the
 * same pid: field 22 of /proc/<pid>/stat (clock ticks since boot). null when it cannot be read
 * (no such process, or no /proc: then only the pid is checked).
 */
export function processStartTime(pid: number, read: (p: string) => string = (p) => fs.readFileSync(p, 'utf8')): string | null {
  let stat: string;
  try { stat = read(`/proc/${pid}/stat`); } catch { return null; }
  // The command name (field 2) is in parentheses and may hold spaces and ')': split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 is fields[19].
  const start = fields[19];
  return start !== undefined && /^\d+$/.test(start) ? start : null;
}


function isLiveEntry(v: unknown): v is LiveEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.id === 'string' && typeof e.pid === 'number' && Number.isInteger(e.pid) && e.pid > 0
    && typeof e.program === 'string' && typeof e.state === 'string'
    && (e.guardPid === undefined || (typeof e.guardPid === 'number' && Number.isInteger(e.guardPid) && e.guardPid > 0));
}

export interface ListLiveOptions {
  isAlive?: (pid: number) => boolean;
  startTime?: (pid: number) => string | null;
  now?: () => number;
  /** Delete stale and unreadable entries (default true). */
  clean?: boolean;
}

/** Entries of running guards, oldest first. Missing folder → []. */
export function listLive(liveDir: string, opts: ListLiveOptions = {}): LiveEntry[] {
  const isAlive = opts.isAlive ?? isPidAlive;
  const startTime = opts.startTime ?? processStartTime;
  const now = opts.now ?? Date.now;
  const clean = opts.clean ?? true;
  // The guard that wrote the entry still runs: same pid, same start time (when both are known).
  const running = (e: LiveEntry): boolean => {
    if (e.guardPid === undefined) return isAlive(e.pid);
    if (!isAlive(e.guardPid)) return false;
    if (typeof e.guardStart !== 'string') return true;
    const st = startTime(e.guardPid);
    return st === null || st === e.guardStart;
  };
  let names: string[];
  try {
    names = fs.readdirSync(liveDir);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return [];
    throw new GuardPathError(liveDir, codeOf(err), 'read folder');
  }
  const out: LiveEntry[] = [];
  for (const name of names) {
    const tmp = TMP_RE.exec(name);
    if (tmp && clean) removeStaleTmp(path.join(liveDir, name), Number(tmp[1]), isAlive, now);
    if (!name.endsWith(ENTRY_SUFFIX)) continue;
    const file = path.join(liveDir, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      // Vanished between readdir and read: another reader or its owner removed it.
      if (codeOf(err) === 'ENOENT') continue;
      parsed = null;
    }
    if (!isLiveEntry(parsed) || !running(parsed)) {
      if (clean) {
        try { fs.unlinkSync(file); } catch { /* someone else cleaned it */ }
      }
      continue;
    }
    out.push(parsed);
  }
  return out.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id.localeCompare(b.id)));
}

/** A temp file whose writer is gone (or that is far older than a write takes). */
function removeStaleTmp(file: string, writerPid: number, isAlive: (pid: number) => boolean, now: () => number): void {
  try {
    if (isAlive(writerPid) && now() - fs.statSync(file).mtimeMs < STALE_TMP_MS) return;
    fs.unlinkSync(file);
  } catch { /* gone already */ }
}
