// The session log's writer. Input: records from the run (requests, compactions, checkpoint
// phases, Claude session ids, the exit) as typed in ./records.ts. Output: one JSON object per
// line, appended to `<state>/sessions/<id>.jsonl`, a file private to the user (0600).
//
// Writes never hold up the terminal: append() only queues; a short timer writes the queue in one
// small append (a burst of telemetry becomes one write). flushSync() writes what is queued at
// once and is what the exit path calls; by default the log also flushes itself on process exit.
// A failing disk never throws into the run: the log reports once through onError and goes quiet.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FILE_MODE, GuardPathError, ensurePrivateDir, ensurePrivateFile } from '../paths.js';
import type { LogEntry, StartRecord } from './records.js';
import { newSessionId } from './id.js';
import { stripForbiddenFields } from './redact.js';
import { backgroundClock, type Clock } from '../lib/clock.js';
import type { Disposable } from '../lib/disposables.js';

/** Long enough to gather a burst of records into one write, far below what a user notices. */
export const FLUSH_DELAY_MS = 50;
/** A queue this big is written at once rather than waiting for the timer. */
const MAX_QUEUED_BYTES = 64 * 1024;
/** Tries at a fresh random tail when an id is taken (two runs in the same second). */
const ID_ATTEMPTS = 5;

/** A record as the caller hands it over: `t` is filled in from the clock when absent. */
type WithOptionalTime<E> = E extends LogEntry ? Omit<E, 't'> & { t?: string } : never;
export type LogInput = WithOptionalTime<LogEntry>;

export interface LogFs {
  openSync(p: string, flags: string, mode: number): number;
  writeSync(fd: number, data: string): number;
  closeSync(fd: number): void;
}

export interface SessionLogOptions {
  /** `paths.sessionsDir`; created 0700 if missing. */
  sessionsDir: string;
  /** The run id (shared with the live registry); a new one from the clock when absent. */
  id?: string;
  /** When given, the `start` record is written first; its args as they may be logged (an agent's redacted: src/cli/agents.ts loggableArgs). */
  start?: Omit<StartRecord, 't' | 'type' | 'id'>;
  now?: () => number;
  fs?: LogFs;
  /** The batching timer's clock; its timer never keeps guard alive by default (the exit path flushes). */
  timers?: Pick<Clock, 'setTimeout'>;
  /** Called once if a write fails; the log then drops further records. */
  onError?: (err: GuardPathError) => void;
  /** Flush synchronously on process 'exit' (default true; tests turn it off). */
  flushOnExit?: boolean;
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export class SessionLog {
  readonly id: string;
  readonly path: string;
  private fd: number | null;
  private queue: string[] = [];
  private queuedBytes = 0;
  private timer: Disposable | null = null;
  private failedWith: GuardPathError | null = null;
  private readonly fsi: LogFs;
  private readonly timers: Pick<Clock, 'setTimeout'>;
  private readonly now: () => number;
  private readonly onError: ((err: GuardPathError) => void) | undefined;
  private readonly exitListener: (() => void) | null;

  private constructor(id: string, file: string, fd: number, opts: SessionLogOptions) {
    this.id = id;
    this.path = file;
    this.fd = fd;
    this.fsi = opts.fs ?? fs;
    this.timers = opts.timers ?? backgroundClock;
    this.now = opts.now ?? Date.now;
    this.onError = opts.onError;
    this.exitListener = opts.flushOnExit === false ? null : () => this.close();
    if (this.exitListener) process.once('exit', this.exitListener);
  }

  /**
   * Creates the sessions folder (0700) and a new log file (0600, exclusive create).
   * Throws GuardPathError when that is impossible: the run may catch it and go on unlogged.
   */
  static open(opts: SessionLogOptions): SessionLog {
    if (typeof opts.sessionsDir !== 'string' || opts.sessionsDir === '') {
      throw new TypeError(`SessionLog: sessionsDir must be a folder path, got ${JSON.stringify(opts.sessionsDir)}`);
    }
    const fsi = opts.fs ?? fs;
    const now = opts.now ?? Date.now;
    if (!opts.fs) ensurePrivateDir(opts.sessionsDir);
    let lastErr: unknown;
    for (let attempt = 0; attempt < (opts.id ? 1 : ID_ATTEMPTS); attempt++) {
      const id = opts.id ?? newSessionId(now());
      const file = path.join(opts.sessionsDir, `${id}.jsonl`);
      try {
        // 'ax': append-only, and never reuse another run's file.
        const fd = fsi.openSync(file, 'ax', FILE_MODE);
        if (!opts.fs) ensurePrivateFile(file);
        const log = new SessionLog(id, file, fd, opts);
        if (opts.start) {
          const s = opts.start;
          log.append({ type: 'start', id, pid: s.pid, program: s.program, args: s.args, cwd: s.cwd, guardVersion: s.guardVersion, ...(s.agent ? { agent: s.agent } : {}) });
        }
        return log;
      } catch (err) {
        if (err instanceof GuardPathError) throw err;
        lastErr = err;
        if (codeOf(err) !== 'EEXIST') break;
      }
    }
    throw new GuardPathError(opts.sessionsDir, codeOf(lastErr), 'create a session log in');
  }

  get failed(): boolean {
    return this.failedWith !== null;
  }

  get closed(): boolean {
    return this.fd === null;
  }

  /** Queues one record; never throws and never writes on the caller's stack. */
  append(input: LogInput): void {
    if (this.fd === null || this.failedWith) return;
    const record = stripForbiddenFields({ ...input, t: input.t ?? new Date(this.now()).toISOString() });
    // `t` and `type` first, for people reading the file with less.
    const { t, type, ...rest } = record as { t: string; type: string } & Record<string, unknown>;
    const line = `${JSON.stringify({ t, type, ...rest })}\n`;
    this.queue.push(line);
    this.queuedBytes += line.length;
    if (this.queuedBytes >= MAX_QUEUED_BYTES) this.flushSync();
    else if (this.timer === null) this.timer = this.timers.setTimeout(() => { this.timer = null; this.flushSync(); }, FLUSH_DELAY_MS);
  }

  /** Writes every queued record now. */
  flushSync(): void {
    if (this.timer !== null) {
      this.timer.dispose();
      this.timer = null;
    }
    if (this.fd === null || this.queue.length === 0 || this.failedWith) return;
    const data = this.queue.join('');
    this.queue = [];
    this.queuedBytes = 0;
    try {
      this.fsi.writeSync(this.fd, data);
    } catch (err) {
      this.failedWith = new GuardPathError(this.path, codeOf(err), 'write session log');
      this.onError?.(this.failedWith);
    }
  }

  /** Flushes and closes; later appends are ignored. Safe to call twice. */
  close(): void {
    if (this.fd === null) return;
    this.flushSync();
    try {
      this.fsi.closeSync(this.fd);
    } catch {
      // Closing a descriptor we opened fails only if it is already gone: nothing to save.
    }
    this.fd = null;
    if (this.exitListener) process.removeListener('exit', this.exitListener);
  }
}
