// How long session logs are kept. Input: the sessions folder (`<state>/sessions/`, written by
// ./session-log.ts), the user's `keepLogsDays` (src/config/settings.ts), the clock, and the ids
// of the runs still live (the registry, src/registry/live.ts). Output: the logs no run wrote to
// for that long are removed; the ids removed are returned. Called by a run in the background,
// after its program started (src/cli/commands/run-session.ts), beside the sweep of run folders.
//
// What it never removes:
// - a log written to within the period: its modification time is its last record's;
// - a live run's log, however old its last record (a guard left at an idle prompt for months);
// - a name guard did not give (`<id>.jsonl` with a session id, ./id.ts): the user's own files;
// - a link or anything but a plain file (never followed).
// The review's row cache drops the rows of removed logs when it next reads the folder
// (src/review/store.ts). Checkpoint notes live in the user's project and are never touched here.
// Best effort: a log that cannot be removed stays for a later run; nothing here rejects. The
// folder is read with the asynchronous calls: a heavy user's thousands of logs are looked at
// while the program runs, and a synchronous scan would hold up a keystroke's echo.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { GuardPaths } from '../paths.js';
import { listLive } from '../registry/live.js';
import { SESSION_ID_RE } from './id.js';

const LOG_SUFFIX = '.jsonl';
const DAY_MS = 86_400_000;

export interface RetentionFs {
  readdir(dir: string): Promise<string[]>;
  lstat(p: string): Promise<{ isFile(): boolean; mtimeMs: number }>;
  unlink(p: string): Promise<void>;
}

export interface PruneOptions {
  /** Days a log is kept after its last record; 0 keeps every log. */
  keepDays: number;
  /** Now, in ms since the epoch. */
  now: number;
  /** Ids of the runs still live: their logs stay. */
  liveIds: ReadonlySet<string>;
  fs?: RetentionFs;
}

export async function pruneSessionLogs(sessionsDir: string, o: PruneOptions): Promise<string[]> {
  if (!(Number.isInteger(o.keepDays) && o.keepDays >= 0)) throw new RangeError(`pruneSessionLogs: keepDays must be a whole number of days, got ${String(o.keepDays)}`);
  if (o.keepDays === 0) return [];
  const fsi = o.fs ?? fsp;
  const before = o.now - o.keepDays * DAY_MS;
  let names: string[];
  try {
    names = await fsi.readdir(sessionsDir);
  } catch {
    return []; // no folder yet, or not readable: nothing to prune
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.endsWith(LOG_SUFFIX)) continue;
    const id = name.slice(0, -LOG_SUFFIX.length);
    if (!SESSION_ID_RE.test(id) || o.liveIds.has(id)) continue;
    const file = path.join(sessionsDir, name);
    try {
      const st = await fsi.lstat(file);
      if (!st.isFile() || st.mtimeMs >= before) continue;
      await fsi.unlink(file);
      removed.push(id);
    } catch {
      // Gone since the listing, or not ours to remove: a later run tries again.
    }
  }
  return removed;
}

/** A run's pruning (src/cli/commands/run-session.ts): its state folder's logs, the live runs' aside. */
export async function pruneRunLogs(paths: Pick<GuardPaths, 'sessionsDir' | 'liveDir'>, keepDays: number, now: number = Date.now()): Promise<string[]> {
  if (keepDays === 0) return [];
  let liveIds: Set<string>;
  try {
    liveIds = new Set(listLive(paths.liveDir, { clean: false }).map((e) => e.id));
  } catch {
    return []; // the registry cannot be read: which runs are live is unknown, so nothing goes
  }
  return pruneSessionLogs(paths.sessionsDir, { keepDays, now, liveIds });
}
