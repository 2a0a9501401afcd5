// The early launch (src/supervisor/launch.ts): a program started before the supervisor listens
// loses nothing it wrote, nor its exit, and the supervisor takes it over at its own layout.
import t from 'tap';
import { holdingPty, launchProgram, programEnv, PROGRAM_TERM } from '../../../src/supervisor/launch.js';
import { runSupervised } from '../../../src/supervisor/supervise.js';
import { resolveProgram } from '../../../src/supervisor/resolve.js';
import { Emitter } from '../../../src/lib/disposables.js';
import type { ProgramPty, PtyExit } from '../../../src/supervisor/pty.js';
import type { TerminalIo } from '../../../src/supervisor/terminal-io.js';
import { fakeTerminalIo } from '../../helpers/fake-terminal-io.js';

function fakePty(): ProgramPty & { data: Emitter<Buffer>; exit: Emitter<PtyExit>; resized: Array<[number, number]> } {
  const data = new Emitter<Buffer>();
  const exit = new Emitter<PtyExit>();
  const resized: Array<[number, number]> = [];
  return {
    data, exit, resized, pid: 42,
    onData: (fn) => data.on(fn),
    onExit: (fn) => exit.on(fn),
    write: () => {}, resize: (c, r) => { resized.push([c, r]); }, kill: () => {}, pause: () => {}, resume: () => {},
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

t.test('output and exit from before the first listener are handed to it, in order, after it subscribed', async (t) => {
  const inner = fakePty();
  const p = holdingPty(inner);
  inner.data.fire(Buffer.from('one '));
  inner.data.fire(Buffer.from('two '));
  inner.exit.fire({ exitCode: 3, signal: 0 });
  const got: string[] = [];
  p.onData((d) => got.push(d.toString()));
  t.same(got, [], 'nothing is delivered inside the subscribing call');
  let ended: PtyExit | null = null;
  p.onExit((e) => { ended = e; got.push('exit'); });
  await tick();
  t.same(got, ['one ', 'two ', 'exit'], 'the kept output, then the kept exit');
  t.same(ended, { exitCode: 3, signal: 0 });
  inner.data.fire(Buffer.from('late'));
  t.same(got.at(-1), 'late', 'then events as they come');
});

t.test('a listener that goes before the hand-over gets nothing; a second listener gets events from then on', async (t) => {
  const inner = fakePty();
  const p = holdingPty(inner);
  inner.data.fire(Buffer.from('kept'));
  const first: string[] = [];
  p.onData((d) => first.push(d.toString())).dispose();
  const second: string[] = [];
  p.onData((d) => second.push(d.toString()));
  await tick();
  inner.data.fire(Buffer.from('live'));
  t.same(first, [], 'disposed before the hand-over');
  t.same(second, ['live']);
  t.equal(p.pid, 42);
});

t.test('the program\'s environment: the user\'s, guard\'s on top, TERM for the pane only', async (t) => {
  const env = { HOME: '/h', TERM: 'screen', GONE: undefined };
  t.same(programEnv(env, { OTEL: '1', HOME: '/guard' }, true), { HOME: '/guard', TERM: PROGRAM_TERM, OTEL: '1' });
  t.same(programEnv(env, undefined, false), { HOME: '/h', TERM: 'screen' });
});

t.test('a launch needs a whole size; the bad value is in the message', async (t) => {
  t.throws(() => launchProgram({ file: '/bin/true', args: [], cwd: '/', env: {}, cols: 80, rows: 0, pane: true }), { message: /at least 1x1, got 80x0/ });
  t.throws(() => launchProgram({ file: '/bin/true', args: [], cwd: '/', env: {}, cols: 1.5, rows: 24, pane: true }), { message: /got 1.5x24/ });
});

function fakeIo(out: string[], size = { cols: 60, rows: 10 }): TerminalIo {
  return fakeTerminalIo(out, { size: () => size });
}

t.test('a real program launched before the supervisor: what it wrote at once reaches the terminal, and its status is guard\'s', async (t) => {
  const found = resolveProgram('sh', process.env, process.cwd());
  if (!found.ok) throw new Error('no sh on PATH');
  const launched = launchProgram({
    file: found.file, args: ['-c', 'echo early-words; exit 5'], cwd: process.cwd(), env: programEnv(process.env, undefined, false), cols: 60, rows: 10, pane: false,
  });
  // The program runs, writes and ends before anyone listens.
  await new Promise((r) => setTimeout(r, 300));
  const out: string[] = [];
  const end = await runSupervised({ program: 'sh', args: [], footer: false, io: fakeIo(out), launched });
  t.equal(end.status, 5);
  t.match(out.join(''), 'early-words');
});

t.test('the supervisor resizes a launched program to its own layout, and refuses a launch for the other mode', async (t) => {
  const inner = fakePty();
  const launched = { file: '/bin/x', args: [], pty: holdingPty(inner), cols: 60, rows: 9, pane: false };
  const out: string[] = [];
  const running = runSupervised({ program: 'x', args: [], footer: false, io: fakeIo(out, { cols: 70, rows: 20 }), launched });
  await tick();
  t.same(inner.resized, [[70, 20]], 'pass-through: the whole terminal, as the terminal is now');
  inner.exit.fire({ exitCode: 0, signal: 0 });
  t.equal((await running).status, 0);
  await t.rejects(runSupervised({ program: 'x', args: [], footer: true, io: fakeIo([]), launched }), { message: /launched without the pane, footer is true/ });
  await t.rejects(runSupervised({ program: 'x', args: [], footer: false, io: { ...fakeIo([]), stdoutIsTTY: false }, launched }), { message: /needs a terminal on stdout/ });
});
