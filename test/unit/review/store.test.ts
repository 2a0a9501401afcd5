// The review's reader (src/review/store.ts): rows newest first, --since by the id's time, and the
// row cache (reused while a log is unchanged, recomputed when it grows, dropped with the log,
// rebuilt when the cache file is corrupt).
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RowCache, listRows, listRowsCached } from '../../../src/review/store.js';

const line = (o: Record<string, unknown>): string => JSON.stringify(o) + '\n';
const main = (t: string, ctx: number, cost: number): string => line({ t, type: 'request', thread: 'main', contextTokens: ctx, costUsd: cost, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheCreationTokens: 0 });

t.test('rows, --since, and the cache', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-store-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sessions = path.join(dir, 'sessions');
  fs.mkdirSync(sessions);
  const a = path.join(sessions, '20261120-100000-aaaa.jsonl');
  const b = path.join(sessions, '20261125-100000-bbbb.jsonl');
  fs.writeFileSync(a, main('2026-11-20T10:00:01.000Z', 1000, 0.5));
  fs.writeFileSync(b, main('2026-11-25T10:00:01.000Z', 2000, 0.25));
  t.same(listRows(sessions).map((r) => [r.id, r.turns, r.costUsd]), [['20261125-100000-bbbb', 1, 0.25], ['20261120-100000-aaaa', 1, 0.5]], 'newest first');
  t.same(listRows(sessions, { sinceMs: Date.UTC(2026, 10, 22) }).map((r) => r.id), ['20261125-100000-bbbb'], '--since by the id\'s time');

  const cacheFile = path.join(dir, 'review-cache.json');
  listRowsCached(sessions, cacheFile);
  t.equal(fs.statSync(cacheFile).mode & 0o777, 0o600, 'the cache is private');
  // A cached row is used while the log is unchanged: prove it by editing the cache.
  const data = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { rows: Record<string, { row: { costUsd: number } }> };
  data.rows['20261120-100000-aaaa']!.row.costUsd = 99;
  fs.writeFileSync(cacheFile, JSON.stringify(data));
  t.equal(listRowsCached(sessions, cacheFile).find((r) => r.id === '20261120-100000-aaaa')?.costUsd, 99, 'unchanged log: the cached row');
  fs.appendFileSync(a, main('2026-11-20T10:00:02.000Z', 3000, 0.5));
  t.match(listRowsCached(sessions, cacheFile).find((r) => r.id === '20261120-100000-aaaa'), { costUsd: 1, turns: 2 }, 'the log grew: recomputed');
  fs.rmSync(b);
  listRowsCached(sessions, cacheFile);
  t.same(Object.keys((JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { rows: object }).rows), ['20261120-100000-aaaa'], 'a deleted log leaves the cache');
  fs.writeFileSync(cacheFile, '{"version": 1, "rows": ');
  t.equal(RowCache.load(cacheFile).rows.size, 0, 'a corrupt cache is ignored');
  t.same(listRowsCached(sessions, cacheFile).map((r) => r.costUsd), [1], 'and rebuilt from the logs');
});
