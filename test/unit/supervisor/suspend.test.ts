// The Ctrl-Z watch (src/supervisor/suspend.ts) and the line-mode probe's pure parts
// (src/supervisor/tty-mode.ts), on the fake clock with a scripted probe: which keys start the
// looks, when they happen, that a cooked terminal suspends guard exactly once per press, and that
// nothing else ever does.
import t from 'tap';
import { SuspendWatch, SUSPEND_PROBES_MS, SUSPEND_KEY } from '../../../src/supervisor/suspend.js';
import { parseLineMode, sttyArgs, ttyLineMode, type LineMode } from '../../../src/supervisor/tty-mode.js';
import { FakeClock } from '../../helpers/fake-clock.js';

/** Lets the probe's promises settle between clock steps. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function watch(answers: Array<LineMode | null>) {
  const clock = new FakeClock();
  const asked: number[] = [];
  let suspended = 0;
  const w = new SuspendWatch({
    clock,
    lineMode: async () => { asked.push(clock.now()); return answers.length > 1 ? answers.shift() ?? null : answers[0] ?? null; },
    suspend: () => { suspended++; },
  });
  return { clock, w, asked, suspended: () => suspended };
}

async function runAll(clock: FakeClock, until = 5_000): Promise<void> {
  for (let ms = 0; ms < until; ms += 10) { clock.advance(10); await settle(); }
}

t.test('a Ctrl-Z that left the terminal cooked suspends guard once', async (t) => {
  const s = watch(['raw', 'cooked']);
  s.w.typed(Buffer.from('\x1a'));
  await runAll(s.clock);
  t.equal(s.suspended(), 1, 'suspended once');
  t.same(s.asked, SUSPEND_PROBES_MS.slice(0, 2), 'looked until the terminal was cooked, then stopped looking');
  t.equal(s.clock.count(), 0, 'no look left pending');
});

t.test('a Ctrl-Z the program kept (still raw) never suspends', async (t) => {
  const s = watch(['raw']);
  s.w.typed('\x1a');
  await runAll(s.clock);
  t.equal(s.suspended(), 0);
  t.same(s.asked, [...SUSPEND_PROBES_MS], 'every look was taken, no more');
});

t.test('an unknown answer is asked again at the next look', async (t) => {
  const s = watch([null, null, 'cooked']);
  s.w.typed('\x1a');
  await runAll(s.clock);
  t.equal(s.suspended(), 1);
  t.equal(s.asked.length, 3);
});

t.test('other input starts no look, even on a cooked terminal', async (t) => {
  const s = watch(['cooked']);
  s.w.typed('hello\r');
  s.w.typed('\x1b[A');
  s.w.typed('\x03');
  await runAll(s.clock);
  t.equal(s.suspended(), 0);
  t.same(s.asked, []);
});

t.test('Ctrl-Z in the encodings terminals send', async (t) => {
  for (const key of ['\x1a', 'x\x1ay', '\x1b[122;5u', '\x1b[122;5:1u', '\x1b[27;5;122~']) t.ok(SUSPEND_KEY.test(key), JSON.stringify(key));
  for (const key of ['z', '\x1b[122u', '\x1b[122;5:3u', '\x1b[27;2;122~', '\x1b[90;5u']) t.notOk(SUSPEND_KEY.test(key), JSON.stringify(key));
  const s = watch(['cooked']);
  s.w.typed('\x1b[122;5u');
  await runAll(s.clock);
  t.equal(s.suspended(), 1, 'the kitty protocol\'s Ctrl-Z suspends too');
});

/** A watch whose probe answers only when the test says (pending[i] answers the i-th look). */
function heldWatch() {
  const clock = new FakeClock();
  let suspended = 0;
  const pending: Array<(m: LineMode) => void> = [];
  const w = new SuspendWatch({ clock, lineMode: () => new Promise((r) => pending.push(r)), suspend: () => { suspended++; } });
  return { clock, w, pending, suspended: () => suspended };
}

t.test('a second Ctrl-Z starts the looks afresh; the first press\'s answers are dropped', async (t) => {
  const { clock, w, pending, suspended } = heldWatch();
  w.typed('\x1a');
  clock.advance(SUSPEND_PROBES_MS[0] ?? 0);
  t.equal(pending.length, 1, 'the first press is being asked about');
  w.typed('\x1a');
  pending[0]?.('cooked');
  await settle();
  t.equal(suspended(), 0, 'a late answer for the first press does nothing');
  clock.advance(SUSPEND_PROBES_MS[0] ?? 0);
  pending[1]?.('cooked');
  await settle();
  t.equal(suspended(), 1, 'the second press\'s look suspends');
});

t.test('looks still asking when one suspended do not suspend again', async (t) => {
  const { clock, w, pending, suspended } = heldWatch();
  w.typed('\x1a');
  clock.advance(SUSPEND_PROBES_MS[1] ?? 0);
  t.equal(pending.length, 2, 'two looks asking at once (a slow stty)');
  pending[1]?.('cooked');
  await settle();
  pending[0]?.('cooked');
  await settle();
  t.equal(suspended(), 1);
});

t.test('disposed: no look, no suspension', async (t) => {
  const s = watch(['cooked']);
  s.w.typed('\x1a');
  s.w.dispose();
  await runAll(s.clock);
  t.equal(s.suspended(), 0);
  t.same(s.asked, []);
  s.w.typed('\x1a');
  t.equal(s.clock.count(), 0, 'typing after dispose sets no timer');
});

t.test('a probe that throws counts as unknown', async (t) => {
  const clock = new FakeClock();
  let suspended = 0;
  const w = new SuspendWatch({ clock, lineMode: () => Promise.reject(new Error('stty gone')), suspend: () => { suspended++; } });
  w.typed('\x1a');
  for (let ms = 0; ms < 3000; ms += 10) { clock.advance(10); await settle(); }
  t.equal(suspended, 0);
});

t.test('parseLineMode reads GNU and BSD stty -a', async (t) => {
  const gnuRaw = 'speed 38400 baud; rows 24; columns 80; line = 0;\nintr = ^C; susp = ^Z;\n-parenb cs8\n-isig -icanon -iexten -echo -echoe -echok\n';
  const gnuCooked = 'speed 38400 baud; rows 24; columns 80; line = 0;\n-parenb cs8\nisig icanon iexten echo echoe echok -echonl\n';
  const bsdCooked = 'speed 9600 baud; 24 rows; 80 columns;\nlflags: icanon isig iexten echo echoe -echok echoke\n';
  const bsdRaw = 'speed 9600 baud;\nlflags: -icanon -isig -iexten -echo\n';
  t.equal(parseLineMode(gnuRaw), 'raw');
  t.equal(parseLineMode(gnuCooked), 'cooked');
  t.equal(parseLineMode(bsdCooked), 'cooked');
  t.equal(parseLineMode(bsdRaw), 'raw');
  t.equal(parseLineMode('stty: /dev/pts/9: No such file or directory\n'), null);
  t.equal(parseLineMode(''), null);
});

t.test('sttyArgs names the device the platform\'s way and refuses anything else', async (t) => {
  t.same(sttyArgs('/dev/pts/3', 'linux'), ['-F', '/dev/pts/3', '-a']);
  t.same(sttyArgs('/dev/ttys003', 'darwin'), ['-f', '/dev/ttys003', '-a']);
  t.throws(() => sttyArgs('-a', 'linux'), /expected a terminal device path, got "-a"/);
  t.equal(await ttyLineMode('not-a-device', async () => 'icanon'), null, 'a bad name is unknown, not asked');
  t.equal(await ttyLineMode('/dev/pts/3', async () => null), null, 'a failed stty is unknown');
  t.equal(await ttyLineMode('/dev/pts/3', async () => 'isig -icanon'), 'raw');
});

t.test('the real stty reads a real pty, raw and cooked', async (t) => {
  const pty = await import('@lydell/node-pty');
  const p = pty.spawn('/bin/sh', ['-c', 'stty raw -echo; echo RAW-NOW; read x; stty sane; echo COOKED-NOW; read y'], { cols: 80, rows: 24 });
  const name = (p as unknown as { ptsName?: string }).ptsName;
  t.type(name, 'string', 'node-pty names the program\'s side');
  let out = '';
  const seen = (s: string): Promise<void> => new Promise((resolve) => { const d = p.onData((x) => { out += x; if (out.includes(s)) { d.dispose(); resolve(); } }); if (out.includes(s)) resolve(); });
  try {
    await seen('RAW-NOW');
    t.equal(await ttyLineMode(name as string), 'raw');
    p.write('\n'); // raw: no \r→\n translation, so `read` needs the newline itself
    await seen('COOKED-NOW');
    t.equal(await ttyLineMode(name as string), 'cooked');
  } finally {
    p.kill();
  }
});
