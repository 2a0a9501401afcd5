// The review's one reader of files. Input: the sessions folder guard's SessionLog writes
// (src/log/reader.ts lists and parses it). Output: reviews and session rows, newest first,
// optionally only those started since a time (decided from the id's time before the file is
// read, so a report over a short period reads few files). A file that vanishes or cannot be read
// is left out, never fatal: sessions start and end while the dashboard and reports read.
//
// Rows are remembered in a cache file (`<state>/review-cache.json`, 0600) keyed by each log's
// size and modification time: a log is only appended to, so an unchanged size and time mean an
// unchanged row. The logs stay the one source of truth; the cache is derived, rebuilt when
// missing or unreadable, and a failure to write it costs only speed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FILE_MODE } from '../paths.js';
import { idTime, listSessionIds, parseLog, readSession } from '../log/reader.js';
import { reviewSession, type SessionReview } from './model.js';
import { sessionRow, type SessionRow } from './sessions.js';

/** Bumped when SessionRow or the review's rules change, so older cached rows are recomputed. */
const CACHE_VERSION = 1;
export const CACHE_FILE = 'review-cache.json';

interface CachedRow { size: number; mtimeMs: number; row: SessionRow }

/** Rows by session id, with the size and time of the log they were computed from. */
export class RowCache {
  rows = new Map<string, CachedRow>();
  /** Set when a row was added, replaced or dropped since load. */
  changed = false;

  /** The rows saved in `file`; empty when it is missing, unreadable or of another version. */
  static load(file: string): RowCache {
    const c = new RowCache();
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown; rows?: unknown };
      if (data.version === CACHE_VERSION && typeof data.rows === 'object' && data.rows !== null) c.rows = new Map(Object.entries(data.rows as Record<string, CachedRow>));
    } catch {
      // Missing or unreadable: rebuilt from the logs.
    }
    return c;
  }

  /** Writes the rows (temp file + rename, 0600) when they changed; a failure costs only speed. */
  save(file: string): void {
    if (!this.changed) return;
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify({ version: CACHE_VERSION, rows: Object.fromEntries(this.rows) }), { mode: FILE_MODE });
      fs.renameSync(tmp, file);
      this.changed = false;
    } catch {
      try { fs.unlinkSync(tmp); } catch { /* nothing was written */ }
    }
  }
}

export interface ListOptions {
  /** At most this many (newest first). */
  limit?: number;
  /** Only sessions started at or after this time (ms since the epoch). */
  sinceMs?: number;
  /** Rows already computed; updated in place (rows of logs that are gone are dropped). */
  cache?: RowCache;
}

export function readReview(sessionsDir: string, ref: string): { review: SessionReview; path: string } {
  const file = readSession(sessionsDir, ref);
  return { review: reviewSession(file), path: file.path };
}

export function listRows(sessionsDir: string, o: ListOptions = {}): SessionRow[] {
  const limit = o.limit ?? Infinity;
  const cache = o.cache ?? new RowCache();
  const out: SessionRow[] = [];
  const ids = listSessionIds(sessionsDir);
  for (const id of ids) {
    if (out.length >= limit) break;
    if (o.sinceMs !== undefined) {
      const started = idTime(id);
      // Ids sort by time: once one is older than the period, so are the rest.
      if (started !== null && Date.parse(started) < o.sinceMs) break;
    }
    const file = path.join(sessionsDir, `${id}.jsonl`);
    try {
      const st = fs.statSync(file);
      const hit = cache.rows.get(id);
      if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) {
        out.push(hit.row);
        continue;
      }
      const row = sessionRow(reviewSession({ id, ...parseLog(fs.readFileSync(file, 'utf8')) }));
      cache.rows.set(id, { size: st.size, mtimeMs: st.mtimeMs, row });
      cache.changed = true;
      out.push(row);
    } catch {
      // Vanished or unreadable since the folder was listed.
    }
  }
  const present = new Set(ids);
  for (const id of cache.rows.keys()) {
    if (!present.has(id)) { cache.rows.delete(id); cache.changed = true; }
  }
  return out;
}

/** listRows with the cache file under the state folder: loaded first, saved after. */
export function listRowsCached(sessionsDir: string, cacheFile: string, o: Omit<ListOptions, 'cache'> = {}): SessionRow[] {
  const cache = RowCache.load(cacheFile);
  const rows = listRows(sessionsDir, { ...o, cache });
  cache.save(cacheFile);
  return rows;
}
