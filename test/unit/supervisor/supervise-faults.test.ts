// guard's own faults, unit by unit: a part's boundary switches it off once (src/supervisor/parts.ts);
// notices have one home and one duration (src/ui/notices.ts); an uncaught error inside guard no
// longer ends the program (supervise.ts, with a fake terminal); a failing writer (disk full) is
// reported once and the run goes on; the registry names its guard by pid and start time.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isolatedPart, partClock } from '../../../src/supervisor/parts.js';
import { Notices, NOTICE_MS } from '../../../src/ui/notices.js';
import { runSupervised, endMessage } from '../../../src/supervisor/supervise.js';
import { exitedWith, programEnd } from '../../../src/supervisor/exit-status.js';
import { Emitter } from '../../../src/lib/disposables.js';
import type { TerminalIo } from '../../../src/supervisor/terminal-io.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { fakeTerminalIo } from '../../helpers/fake-terminal-io.js';
import { realClock } from '../../../src/lib/clock.js';
import { SessionLog } from '../../../src/log/session-log.js';
import { listLive, processStartTime, LiveRegistration } from '../../../src/registry/live.js';
import type { GuardPathError } from '../../../src/paths.js';

t.test('a part that throws is switched off once, said once, and later calls are skipped', async (t) => {
  const said: unknown[] = [];
  const p = isolatedPart('checkpoints', (err) => said.push(err));
  let calls = 0;
  const cb = p.wrap(() => { calls++; throw new Error('boom'); });
  cb(); cb(); cb();
  t.equal(calls, 1, 'the broken part ran once');
  t.equal(said.length, 1, 'its fault was said once');
  t.ok(p.failed);
  t.equal(p.run(() => 5, 7), 7, 'an off part gives the fallback');
  const q = isolatedPart('gauge', () => { throw new Error('the report itself fails'); });
  t.doesNotThrow(() => q.run(() => { throw new Error('x'); }, undefined), 'a failing report does not reach the caller');
  const fired: string[] = [];
  const clock = new FakeClock();
  const timers = partClock(clock, isolatedPart('t', () => fired.push('fault')));
  timers.setTimeout(() => { throw new Error('in a timer'); }, 10);
  t.doesNotThrow(() => clock.advance(10), 'a throw in a part\'s timer stays in the part');
  t.same(fired, ['fault']);
  t.throws(() => isolatedPart('', () => {}), /non-empty string, got ""/);
});

t.test('notices: one duration; a newer one shows at once and the one it interrupted gets its full time', async (t) => {
  const clock = new FakeClock();
  const n = new Notices(clock);
  n.post('policy warning');
  clock.advance(2000);
  n.post('key list');
  t.equal(n.current(), 'key list', 'Ctrl-G ? shows at once');
  clock.advance(NOTICE_MS - 1);
  t.equal(n.current(), 'key list');
  clock.advance(1);
  t.equal(n.current(), 'policy warning', 'the warning comes back …');
  clock.advance(NOTICE_MS - 2000 - 1);
  t.equal(n.current(), 'policy warning', '… for the time it had left');
  clock.advance(1);
  t.equal(n.current(), undefined);
  n.post('same'); n.post('same');
  clock.advance(NOTICE_MS);
  t.equal(n.current(), undefined, 'the same text is not queued twice');
  n.post('disk full', { fault: true, detail: 'guard: cannot write /x (ENOSPC)' });
  n.post('disk full', { fault: true, detail: 'guard: cannot write /x (ENOSPC)' });
  t.same(n.faults(), ['guard: cannot write /x (ENOSPC)'], 'faults kept once, with their detail, for the exit');
  t.throws(() => n.post(''), /non-empty string, got ""/);
  n.dispose();
});

function fakeIo(out: string[]): TerminalIo & { uncaught: Emitter<unknown>; signals: Map<string, () => void> } {
  const uncaught = new Emitter<unknown>();
  const signals = new Map<string, () => void>();
  return {
    ...fakeTerminalIo(out, {
      onSignal: (sig, fn) => { signals.set(sig, fn); return { dispose: () => { signals.delete(sig); } }; },
      onUncaught: (fn) => uncaught.on(fn),
    }),
    uncaught, signals,
  };
}

for (const footer of [true, false]) {
  t.test(`an uncaught error inside guard (${footer ? 'footer' : '--no-footer'}) does not end the program; said once`, async (t) => {
    const out: string[] = [];
    const io = fakeIo(out);
    const notices = new Notices(realClock);
    t.teardown(() => notices.dispose());
    const { status } = await runSupervised({
      program: 'sh', args: ['-c', 'sleep 0.4; echo survived; exit 3'], footer, io, notices,
      onStart: () => { setTimeout(() => { io.uncaught.fire(new Error('first')); io.uncaught.fire(new Error('second')); }, 100); },
    });
    t.equal(status, 3, 'the program ran to its end and its status is guard\'s');
    t.match(out.join(''), 'survived');
    t.same(notices.faults(), ['guard: internal error (first); the program keeps running'], 'said once');
  });
}

for (const footer of [true, false]) {
  t.test(`a fault in what listens for the program's end (${footer ? 'footer' : '--no-footer'}): the terminal is handed back, guard returns the status and says so`, async (t) => {
    const out: string[] = [];
    const raw: boolean[] = [];
    const io = { ...fakeIo(out), stdinIsTTY: true, setRawMode: (on: boolean) => { raw.push(on); } };
    const notices = new Notices(realClock);
    t.teardown(() => notices.dispose());
    const { status } = await runSupervised({
      program: 'sh', args: ['-c', 'echo ran; exit 4'], footer, io, notices,
      onStart: (session) => session.onExit(() => { throw new Error('listener broke'); }),
    });
    t.equal(status, 4, 'the program\'s status');
    t.same([raw[0], raw[raw.length - 1]], [true, false], 'the terminal was put in raw mode, and out of it at the end');
    t.match(out.join(''), /\x1b\[\?25h/, 'the cursor is shown again (the hand-back sequence)');
    t.match(out.join(''), /guard: internal error at the end \(listener broke\); sh had ended, its status is guard's/, 'said');
  });
}

t.test('every ending signal ends the program (not guard at once) and guard returns its status', async (t) => {
  for (const sig of ['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE'] as const) {
    const io = fakeIo([]);
    const { status } = await runSupervised({ program: 'sleep', args: ['30'], footer: false, io, onStart: () => { setTimeout(() => io.signals.get(sig)?.(), 100); } });
    t.equal(status, 129, `${sig}: the program got the hang-up (128 + SIGHUP)`);
  }
});

t.test('how a program ended on its own is said: a crash, an early failure; not a normal end', async (t) => {
  t.equal(endMessage('claude', programEnd(null, 'SIGSEGV'), 60_000, false), 'guard: claude was killed by SIGSEGV (status 139)\n');
  t.equal(endMessage('claude', exitedWith(2), 200, false), 'guard: claude exited with status 2 right after it started\n');
  t.equal(endMessage('claude', exitedWith(2), 60_000, false), '', 'a failure after a long run is the program\'s to tell');
  t.equal(endMessage('claude', programEnd(null, 'SIGHUP'), 100, true), '', 'guard ended it: nothing to say');
  t.equal(endMessage('claude', exitedWith(0), 100, false), '');
  t.equal(endMessage('claude', exitedWith(139), 60_000, false), '', 'a plain `exit 139` is no crash');
  t.equal(endMessage('claude', exitedWith(130), 200, false), 'guard: claude exited with status 130 right after it started\n', 'nor is an early `exit 130` a SIGINT');
});

t.test('a failing writer (disk full) is reported once; later records are dropped quietly', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-faults-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const errors: GuardPathError[] = [];
  let writes = 0;
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  const log = SessionLog.open({
    sessionsDir: dir, id: 'x', flushOnExit: false,
    fs: { openSync: () => 3, writeSync: () => { writes++; throw full; }, closeSync: () => {} },
    onError: (e) => errors.push(e),
  });
  log.append({ type: 'exit', code: 0, signal: null });
  log.flushSync();
  log.append({ type: 'exit', code: 0, signal: null });
  log.flushSync();
  t.equal(errors.length, 1, 'one report');
  t.equal(errors[0]?.code, 'ENOSPC');
  t.equal(writes, 1, 'no retry storm on a full disk');
  t.doesNotThrow(() => log.close());

  const liveErrors: GuardPathError[] = [];
  let failNext = false;
  const reg = LiveRegistration.create({
    liveDir: dir, minIntervalMs: 0, entry: { id: 'x', pid: process.pid, program: 'claude', cwd: '/', claudeSessionId: null, model: null, contextTokens: null, contextWindow: null, autoCompactAt: null, costUsd: 0, state: 'starting', logPath: null },
    fs: { writeFileSync: (p, d, o) => { if (failNext) throw full; fs.writeFileSync(p, d, o); }, renameSync: fs.renameSync, unlinkSync: fs.unlinkSync },
    onError: (e) => liveErrors.push(e),
  });
  failNext = true;
  reg.update({ state: 'idle' });
  reg.update({ state: 'working' });
  t.equal(liveErrors.length, 1, 'the registry reports once too');
  reg.remove();
});

t.test('the registry names its guard by pid and start time; a reused pid or a dead guard drops out; temp files go', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-faults-live-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const mine = processStartTime(process.pid);
  t.match(mine, /^\d+$/, 'this process\'s start time is read from /proc');
  t.equal(processStartTime(process.pid, () => '123 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 19'), '4242', 'a command name with ") " is skipped');
  t.equal(processStartTime(2 ** 22 + 1), null, 'no such process');
  const base = { program: 'claude', cwd: '/', claudeSessionId: null, model: null, contextTokens: null, contextWindow: null, autoCompactAt: null, costUsd: 0, state: 'idle', startedAt: '2026-01-01T00:00:00.000Z', updatedAt: '', logPath: null };
  fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ ...base, id: 'a', pid: process.pid, guardPid: process.pid, guardStart: mine }));
  fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ ...base, id: 'b', pid: process.pid, guardPid: process.pid, guardStart: '1' }));
  fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ ...base, id: 'c', pid: process.pid, guardPid: 2 ** 22 + 1, guardStart: '1' }));
  fs.writeFileSync(path.join(dir, 'a.json.4194305.tmp'), '{');
  fs.writeFileSync(path.join(dir, `a.json.${process.pid}.tmp`), '{');
  t.same(listLive(dir).map((e) => e.id), ['a'], 'b: the pid now belongs to another process; c: guard is gone (its program may live on)');
  t.same(fs.readdirSync(dir).sort(), ['a.json', `a.json.${process.pid}.tmp`], 'stale entries and a dead writer\'s temp file removed; a live writer\'s kept');
  listLive(dir, { now: () => Date.now() + 120_000 });
  t.same(fs.readdirSync(dir), ['a.json'], 'a temp file far older than a write is removed too');
});
