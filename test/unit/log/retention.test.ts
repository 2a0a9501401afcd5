// Session-log retention (src/log/retention.ts) on real folders: what is old goes, and nothing
// else does: a recent log, a live run's log, names guard did not give, links, folders, the
// review cache; 0 keeps everything; a log that cannot be removed does not stop the rest.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pruneRunLogs, pruneSessionLogs, type RetentionFs } from '../../../src/log/retention.js';
import { startRunRecording } from '../../../src/log/run-recording.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 2, 3, 0, 0);

function tmp(t: { teardown(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-keep-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A file last written `days` before NOW. */
function written(file: string, days: number, text = '{"type":"start"}\n'): string {
  fs.writeFileSync(file, text);
  const when = new Date(NOW - days * DAY);
  fs.utimesSync(file, when, when);
  return file;
}

const ID_OLD = '20260801-100000-a1b2c3';
const ID_RECENT = '20260905-100000-d4e5f6';
const ID_LIVE = '20260701-100000-0a0b0c';

t.test('logs not written to for longer than kept go; everything else stays', async (t) => {
  const dir = tmp(t);
  written(path.join(dir, `${ID_OLD}.jsonl`), 91);
  written(path.join(dir, `${ID_RECENT}.jsonl`), 89);
  written(path.join(dir, `${ID_LIVE}.jsonl`), 150);
  written(path.join(dir, 'notes.jsonl'), 400);
  written(path.join(dir, '20260101-000000-XYZ.jsonl'), 400);
  written(path.join(dir, `${ID_OLD}.jsonl.bak`), 400);
  const outside = written(path.join(tmp(t), 'elsewhere.jsonl'), 400);
  const link = path.join(dir, '20260102-000000-0c0c0c.jsonl');
  fs.symlinkSync(outside, link);
  fs.lutimesSync(link, new Date(NOW - 400 * DAY), new Date(NOW - 400 * DAY));
  fs.mkdirSync(path.join(dir, '20260103-000000-0d0d0d.jsonl'));

  const removed = await pruneSessionLogs(dir, { keepDays: 90, now: NOW, liveIds: new Set([ID_LIVE]) });
  t.same(removed, [ID_OLD]);
  t.same(fs.readdirSync(dir).sort(), [
    '20260101-000000-XYZ.jsonl', '20260102-000000-0c0c0c.jsonl', '20260103-000000-0d0d0d.jsonl',
    `${ID_LIVE}.jsonl`, `${ID_OLD}.jsonl.bak`, `${ID_RECENT}.jsonl`, 'notes.jsonl',
  ], 'the recent log, the live run\'s, names guard did not give, the link and the folder');
  t.ok(fs.existsSync(outside), 'the link was not followed');

  const shorter = await pruneSessionLogs(dir, { keepDays: 30, now: NOW, liveIds: new Set() });
  t.same(shorter.sort(), [ID_LIVE, ID_RECENT].sort(), 'a shorter period, the run no longer live: both go');
});

t.test('0 keeps every log; a missing folder is nothing to do; a bad period is refused with its value', async (t) => {
  const dir = tmp(t);
  written(path.join(dir, `${ID_OLD}.jsonl`), 10_000);
  t.same(await pruneSessionLogs(dir, { keepDays: 0, now: NOW, liveIds: new Set() }), []);
  t.ok(fs.existsSync(path.join(dir, `${ID_OLD}.jsonl`)));
  t.same(await pruneSessionLogs(path.join(dir, 'none'), { keepDays: 1, now: NOW, liveIds: new Set() }), []);
  await t.rejects(pruneSessionLogs(dir, { keepDays: -1, now: NOW, liveIds: new Set() }), /keepDays must be a whole number of days, got -1/);
  await t.rejects(pruneSessionLogs(dir, { keepDays: 1.5, now: NOW, liveIds: new Set() }), /got 1.5/);
});

t.test('a log that cannot be removed stays, and the others still go', async (t) => {
  const dir = tmp(t);
  for (const id of [ID_OLD, ID_RECENT, ID_LIVE]) written(path.join(dir, `${id}.jsonl`), 200);
  const refusing: RetentionFs = {
    readdir: (d) => fs.promises.readdir(d),
    lstat: (p) => fs.promises.lstat(p),
    unlink: async (p) => {
      if (p.includes(ID_RECENT)) throw Object.assign(new Error(`EACCES: permission denied, unlink '${p}'`), { code: 'EACCES' });
      await fs.promises.unlink(p);
    },
  };
  const removed = await pruneSessionLogs(dir, { keepDays: 90, now: NOW, liveIds: new Set(), fs: refusing });
  t.same(removed.sort(), [ID_LIVE, ID_OLD].sort());
  t.same(fs.readdirSync(dir), [`${ID_RECENT}.jsonl`]);
});

t.test('a run prunes its state folder, the logs of guards still running aside', async (t) => {
  const home = tmp(t);
  const rec = startRunRecording({ env: { GUARD_HOME: home }, pid: process.pid, program: 'claude', loggedArgs: [], cwd: '/p', guardVersion: '0.1.0', flushOnExit: false });
  t.teardown(() => rec.finish({ code: 0, signal: null }));
  t.ok(rec.log && rec.live, 'this run has a log and a live entry');
  const own = rec.log?.path ?? '';
  rec.log?.flushSync();
  const old = new Date(Date.now() - 200 * DAY);
  fs.utimesSync(own, old, old);
  const ended = written(path.join(rec.paths.sessionsDir, `${ID_OLD}.jsonl`), 0);
  fs.utimesSync(ended, old, old);

  t.same(await pruneRunLogs(rec.paths, 90), [ID_OLD], 'the ended run\'s log goes; this live run\'s stays, though its last write reads old');
  t.ok(fs.existsSync(own));
  t.same(await pruneRunLogs(rec.paths, 0), [], '0: nothing');
  rec.finish({ code: 0, signal: null });
  fs.utimesSync(own, old, old);
  t.same(await pruneRunLogs(rec.paths, 90), [rec.id], 'once the run ended, its old log goes too');
});
