import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { LiveRegistration, listLive, UPDATE_INTERVAL_MS, type RegistrationOptions } from '../../../src/registry/live.js';
import { isPidAlive } from '../../../src/lib/pid.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-reg-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

const entry = (id: string, pid = process.pid): RegistrationOptions['entry'] => ({
  id, pid, program: 'claude', cwd: '/proj', claudeSessionId: null, model: null, contextTokens: null,
  contextWindow: 200_000, autoCompactAt: 167_000, costUsd: 0, state: 'starting', logPath: '/x.jsonl',
});

const read = (p: string): Record<string, unknown> => JSON.parse(fs.readFileSync(p, 'utf8'));

t.test('entry written at once, 0600 in a 0700 folder, with the contract fields', async (t) => {
  const dir = path.join(tmp(t), 'live');
  let now = Date.UTC(2026, 10, 24, 5, 0, 0);
  const reg = LiveRegistration.create({ liveDir: dir, entry: entry('20261124-050000-aaaa'), now: () => now, timers: new FakeClock() });
  t.equal(fs.statSync(dir).mode & 0o777, 0o700);
  t.equal(fs.statSync(reg.path).mode & 0o777, 0o600);
  const e = read(reg.path);
  for (const k of ['id', 'pid', 'program', 'cwd', 'claudeSessionId', 'model', 'contextTokens', 'contextWindow', 'autoCompactAt', 'costUsd', 'state', 'startedAt', 'updatedAt', 'logPath']) t.ok(k in e, k);
  t.equal(e.startedAt, '2026-11-24T05:00:00.000Z');
  t.same(fs.readdirSync(dir), ['20261124-050000-aaaa.json'], 'no temp file left');
  reg.remove();
  t.same(fs.readdirSync(dir), []);
  reg.remove();
  reg.update({ state: 'idle' });
  t.same(fs.readdirSync(dir), [], 'updates after remove do nothing');
});

t.test('updates are coalesced to one write per interval', async (t) => {
  const dir = tmp(t);
  let now = 1_000_000;
  const timers = new FakeClock();
  const writes: string[] = [];
  const fsi = {
    writeFileSync: (p: string, d: string) => { writes.push(d); fs.writeFileSync(p, d); },
    renameSync: fs.renameSync,
    unlinkSync: fs.unlinkSync,
  };
  const reg = LiveRegistration.create({ liveDir: dir, entry: entry('a'), now: () => now, timers, fs: fsi });
  t.equal(writes.length, 1);
  now += 100;
  reg.update({ state: 'working' });
  reg.update({ contextTokens: 1000 });
  reg.update({ contextTokens: 2000, costUsd: 0.5 });
  t.equal(writes.length, 1, 'no write within the interval');
  t.same(timers.delays, [UPDATE_INTERVAL_MS - 100], 'one timer for the rest of the interval');
  now += 400;
  timers.runAll();
  t.equal(writes.length, 2);
  t.match(JSON.parse(writes[1]!), { state: 'working', contextTokens: 2000, costUsd: 0.5, updatedAt: new Date(1_000_500).toISOString() });
  now += 600;
  reg.update({ state: 'idle' });
  t.equal(writes.length, 3, 'written at once when the last write is old enough');
  now += 10;
  reg.update({ state: 'checkpointing' });
  reg.flush();
  t.equal(writes.length, 4, 'flush writes pending fields now');
  t.equal(read(reg.path).state, 'checkpointing');
  reg.remove();
});

t.test('bad options are refused with the bad value', async (t) => {
  const dir = tmp(t);
  t.throws(() => LiveRegistration.create({ liveDir: dir, entry: entry('../evil') }), /got "\.\.\/evil"/);
  t.throws(() => LiveRegistration.create({ liveDir: dir, entry: { ...entry('a'), pid: 0 } }), /got 0/);
  const file = path.join(dir, 'file');
  fs.writeFileSync(file, '');
  t.throws(() => LiveRegistration.create({ liveDir: path.join(file, 'live'), entry: entry('a') }), { name: 'GuardPathError' });
});

t.test('readers skip and delete entries of dead processes and unreadable files', async (t) => {
  const dir = tmp(t);
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const childPid = child.pid!;
  const exited = new Promise((r) => child.once('exit', r));
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  const mine = LiveRegistration.create({ liveDir: dir, entry: { ...entry('20261124-050000-mine'), startedAt: '2026-11-24T05:00:00.000Z' } });
  const theirs = LiveRegistration.create({ liveDir: dir, entry: { ...entry('20261124-050001-kid', childPid), startedAt: '2026-11-24T05:00:01.000Z' } });
  fs.writeFileSync(path.join(dir, 'broken.json'), '{"id": "half');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'left alone');
  t.same(listLive(dir).map((e) => e.id), ['20261124-050000-mine', '20261124-050001-kid']);
  t.notOk(fs.existsSync(path.join(dir, 'broken.json')), 'unreadable entry deleted');
  child.kill('SIGKILL');
  await exited;
  t.notOk(isPidAlive(childPid));
  t.ok(isPidAlive(process.pid));
  t.same(listLive(dir, { clean: false }).map((e) => e.id), ['20261124-050000-mine']);
  t.ok(fs.existsSync(theirs.path), 'clean: false leaves it');
  t.same(listLive(dir).map((e) => e.id), ['20261124-050000-mine']);
  t.notOk(fs.existsSync(theirs.path), 'dead entry deleted');
  t.ok(fs.existsSync(path.join(dir, 'notes.txt')));
  mine.remove();
  t.same(listLive(dir), []);
  t.same(listLive(path.join(dir, 'missing')), []);
});
