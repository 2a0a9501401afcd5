// The review's one reader of files. Input: the sessions folder guard's SessionLog writes
// (src/log/reader.ts lists and parses it). Output: reviews and session rows, newest first,
// optionally only those started since a time (decided from the id's time before the file is
// read, so a report over a short period reads few files). A file that vanishes or cannot be read
// is left out, never fatal: sessions start and end while the dashboard and reports read.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { idTime, listSessionIds, parseLog, readSession } from '../log/reader.js';
import { reviewSession, type SessionReview } from './model.js';
import { sessionRow, type SessionRow } from './sessions.js';

export interface ListOptions {
  /** At most this many (newest first). */
  limit?: number;
  /** Only sessions started at or after this time (ms since the epoch). */
  sinceMs?: number;
}

export function readReview(sessionsDir: string, ref: string): { review: SessionReview; path: string } {
  const file = readSession(sessionsDir, ref);
  return { review: reviewSession(file), path: file.path };
}

export function listRows(sessionsDir: string, o: ListOptions = {}): SessionRow[] {
  const limit = o.limit ?? Infinity;
  const out: SessionRow[] = [];
  for (const id of listSessionIds(sessionsDir)) {
    if (out.length >= limit) break;
    if (o.sinceMs !== undefined) {
      const started = idTime(id);
      // Ids sort by time: once one is older than the period, so are the rest.
      if (started !== null && Date.parse(started) < o.sinceMs) break;
    }
    let text: string;
    try {
      text = fs.readFileSync(path.join(sessionsDir, `${id}.jsonl`), 'utf8');
    } catch {
      continue;
    }
    out.push(sessionRow(reviewSession({ id, ...parseLog(text) })));
  }
  return out;
}
