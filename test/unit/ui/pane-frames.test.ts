// The pane's frames, end to end without a pty: a program's bytes go into PaneUi (fake pty,
// terminal and clock), the frames it writes go into a second headless terminal (the user's), and
// that terminal's pane rows must equal the program's own screen (a headless terminal fed the same
// bytes) cell for cell: wide characters, emoji with and without a variation selector, ✓ marks,
// colours, overwritten halves of wide characters, scroll regions. Frames are drawn at many points
// of the stream, so rows left out of a frame as unchanged (the model's dirty rows) must truly be
// unchanged. Also: frames while output floods come at the flood rate, and a keystroke's echo
// is not held by it.
import t from 'tap';
import xtermHeadless from '@xterm/headless';
import { PaneUi, FRAME_MS, FLOOD_BYTES, FLOOD_FRAME_MS, FLOOD_FULL_READS, PTY_READ_FULL } from '../../../src/ui/pane-ui.js';
import { Notices } from '../../../src/ui/notices.js';
import { PrefixCommands } from '../../../src/input/commands.js';
import { PtyWriter } from '../../../src/writer/writer.js';
import { UnsentScanner } from '../../../src/input/unsent.js';
import { Emitter } from '../../../src/lib/disposables.js';
import type { ProgramPty } from '../../../src/supervisor/pty.js';
import type { TerminalIo } from '../../../src/supervisor/terminal-io.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import type { FooterSource } from '../../../src/ui/footer-source.js';
import { DEFAULT_COLOURS, ScreenModel } from '../../../src/screen/model.js';

const { Terminal } = xtermHeadless;
type Term = InstanceType<typeof Terminal>;

const COLS = 40;
const ROWS = 12;
const FOOTER = 'footer';

function pane(opts: { clock?: FakeClock; size?: { cols: number; rows: number } } = {}) {
  const clock = opts.clock ?? new FakeClock(1_000_000);
  const written: string[] = [];
  const typed: string[] = [];
  const data = new Emitter<Buffer>();
  const ptyFake: ProgramPty = {
    pid: 1,
    onData: (fn) => data.on(fn),
    onExit: () => ({ dispose() {} }),
    write: (d) => { typed.push(String(d)); },
    resize: () => {},
    kill: () => {},
    pause: () => {},
    resume: () => {},
  };
  const io: TerminalIo = {
    stdinIsTTY: true, stdoutIsTTY: true,
    size: () => opts.size ?? ({ cols: COLS, rows: ROWS }),
    setRawMode: () => {}, write: (d) => { written.push(String(d)); }, writeSync: (d) => { written.push(d); },
    onInput: () => ({ dispose() {} }), onInputEnd: () => ({ dispose() {} }), pauseInput: () => {},
    onResize: () => ({ dispose() {} }), onSignal: () => ({ dispose() {} }), onProcessExit: () => ({ dispose() {} }),
    onUncaught: () => ({ dispose() {} }), stderr: () => {}, suspend: () => {},
  };
  const footerText = { now: FOOTER };
  const footerChange = new Emitter<void>();
  const footer: FooterSource = { lines: () => [footerText.now], onChange: (fn) => footerChange.on(fn), dispose: () => {} };
  const setFooter = (text: string): void => { footerText.now = text; footerChange.fire(); };
  const errors: unknown[] = [];
  const ui = new PaneUi({
    pty: ptyFake, writer: new PtyWriter(ptyFake, new UnsentScanner(), clock.now), io, clock, footer, commands: new PrefixCommands(),
    notices: new Notices(clock), colours: Promise.resolve(DEFAULT_COLOURS), version: '0.0.0', scrollback: 100,
    onError: (e) => errors.push(e),
  });
  ui.start();
  return { ui, clock, written, typed, errors, setFooter };
}

type Cell = [string, number, number, number, number, number, number];
/**
 * Every cell of the top `rows` rows of the screen: text, width, colours (mode and value), bold,
 * italic, inverse. An erased cell reads as a space: they look alike, and the renderer writes a
 * row's trailing blanks as one erase.
 */
function grid(term: Term, rows: number): Cell[][] { return gridOf(term.buffer.active, term.cols, rows); }

function gridOf(buf: Term['buffer']['active'], cols: number, rows: number): Cell[][] {
  const cell = buf.getNullCell();
  const out: Cell[][] = [];
  for (let y = 0; y < rows; y++) {
    const line = buf.getLine(buf.baseY + y);
    const row: Cell[] = [];
    for (let x = 0; x < cols; x++) {
      const c = line?.getCell(x, cell);
      if (c) row.push([c.getChars() || (c.getWidth() === 1 ? ' ' : ''), c.getWidth(), c.getFgColorMode(), c.getFgColor(), c.getBgColorMode(), c.getBgColor(), (c.isBold() ? 1 : 0) | (c.isItalic() ? 2 : 0) | (c.isInverse() ? 4 : 0)]);
    }
    out.push(row);
  }
  return out;
}

const feed = (term: Term, s: string | Uint8Array): Promise<void> => new Promise((r) => term.write(s, r));

/** Words as coding agents and test runners print them: CJK, wide emoji, emoji made wide by VS16, marks. */
const WORDS = ['ok', '✓', '✗ fail', '中文', '日本語', '한국어', '全角ＡＢＣ', '🚀', '🙂 done', '✅', '❤️', '⚠️ note', '✔️', 'e\u0301', 'src/x.ts'];

function program(): string {
  let s = '';
  for (let i = 0; i < 30; i++) {
    for (let w = 0; w < 6; w++) {
      const word = WORDS[(i * 5 + w) % WORDS.length] as string;
      s += [`\x1b[3${(i + w) % 8}m`, `\x1b[38;5;${(i * 7 + w) % 256}m`, `\x1b[1;38;2;${i * 8};${w * 40};90m`][(i + w) % 3] + word + '\x1b[0m ';
    }
    s += '\r\n';
  }
  // Writes into the halves of wide characters, erases and deletes through them, a scroll region,
  // inserted and deleted lines, a background colour erase: rows change in place, not by scrolling.
  s += '\x1b[2;1H中文中文中文\x1b[2;2Hx\x1b[3;1H🚀🚀🚀\x1b[3;4H\x1b[2X\x1b[4;1H日本語\x1b[4;1H\x1b[1P';
  s += '\x1b[5;1H\x1b[44m\x1b[K❤️ ⚠️ ✔️\x1b[0m\x1b[6;3r\x1b[6;1H\r\n✓ in region\r\n✅ again\x1b[r\x1b[8;1H\x1b[2L\x1b[9;1H\x1b[1M';
  s += '\x1b[11;35H中文中文'; // wraps across the last columns
  return s;
}

t.test('the user\'s terminal shows the program\'s own screen cell for cell: wide characters, emoji, ✓ marks', async (t) => {
  const { ui, written, errors } = pane();
  const paneRows = ui.paneSize().rows;
  const own = new Terminal({ cols: COLS, rows: paneRows, scrollback: 100, allowProposedApi: true });
  const user = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  t.teardown(() => { ui.dispose(); own.dispose(); user.dispose(); });
  const bytes = Buffer.from(program());
  // Odd chunk sizes split UTF-8 sequences and escape sequences, as pty reads do.
  let frames = 0;
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = [7, 61, 250, 13][k % 4] as number;
    const chunk = bytes.subarray(i, i + n);
    i += n;
    ui.feedOutput(Buffer.from(chunk));
    await feed(own, chunk);
    if (k % 3 === 0) {
      await ui.drained();
      ui.flushFrame();
      frames++;
      await feed(user, written.splice(0).join(''));
      t.same(grid(user, paneRows), grid(own, paneRows), `the screens agree after frame ${frames}`);
    }
  }
  await ui.drained();
  ui.flushFrame();
  await feed(user, written.splice(0).join(''));
  t.same(grid(user, paneRows), grid(own, paneRows), 'and at the end');
  t.equal(user.buffer.active.getLine(paneRows)?.translateToString(true), FOOTER);
  t.same(errors, []);
  t.ok(frames > 10, 'many frames drawn on the way');
});

t.test('the warm-up, while the program has written nothing, draws nothing and leaves the pane empty', async (t) => {
  const { ui, clock, written, errors } = pane();
  t.teardown(() => ui.dispose());
  const before = written.length;
  clock.advance(0);
  t.equal(written.length, before, 'nothing more on the user\'s terminal');
  t.same(ui.paneText().filter((row) => row.trim() !== ''), [], 'the program\'s screen is still empty');
  ui.feedOutput(Buffer.from('hello'));
  await ui.drained();
  ui.flushFrame();
  t.equal(ui.paneText()[0]?.trimEnd(), 'hello', 'the program\'s first output lands on the clean screen');
  t.same(errors, []);
});

t.test('the model says which rows changed (xterm 6\'s row tracker; on an upgrade that drops it, every row is redrawn)', async (t) => {
  const m = new ScreenModel({ cols: COLS, rows: 10, scrollback: 100, colours: Promise.resolve(DEFAULT_COLOURS), version: '0.0.0' });
  t.teardown(() => m.dispose());
  const write = (s: string): Promise<void> => new Promise((r) => m.write(s, r));
  t.equal(m.takeDirtyRows(), null, 'at first, every row');
  await write('line one 中文\r\nline two 🚀\r\n$ ');
  m.takeDirtyRows();
  await write('x');
  t.same(m.takeDirtyRows(), { start: 2, end: 2 }, 'an echo: its own row only');
  t.same(m.takeDirtyRows(), { start: 0, end: -1 }, 'then none');
  await write('\x1b[5;1H❤️\x1b[2;1H✓');
  t.same(m.takeDirtyRows(), { start: 1, end: 4 }, 'the rows between the first and the last written');
  await write('\x1b[?1049h');
  t.equal(m.takeDirtyRows(), null, 'a screen switch: every row');
  m.resize(COLS - 1, 10);
  t.equal(m.takeDirtyRows(), null, 'a resize: every row');
  await write('\x1bc');
  t.equal(m.takeDirtyRows(), null, 'a reset (RIS): every row');
});

t.test('while output floods, frames come at the flood rate; guard\'s footer and a keystroke\'s echo are drawn at once', async (t) => {
  const clock = new FakeClock(1_000_000);
  const { ui, written, setFooter, errors } = pane({ clock });
  t.teardown(() => ui.dispose());
  const flood = Buffer.from('中文 ✓ 🚀 flood line\r\n'.repeat(Math.ceil(FLOOD_BYTES / 20)));
  const floodOnce = async (): Promise<void> => {
    ui.feedOutput(flood);
    await ui.drained();
    clock.advance(FRAME_MS);
    written.length = 0;
    clock.delays.length = 0;
    ui.feedOutput(Buffer.from('more\r\n'));
    await ui.drained();
  };
  await floodOnce();
  t.same(clock.delays, [FLOOD_FRAME_MS], 'after a frame that ended a flood, the next waits for the flood rate');
  clock.advance(FRAME_MS);
  t.equal(written.join(''), '', 'nothing drawn at the normal rate');
  // guard's own words in the footer (a notice may be brief) wait for no flood rate.
  setFooter('guard: a notice');
  clock.advance(0);
  t.match(written.join(''), 'guard: a notice', 'a footer change in a flood is drawn at the normal rate (due now)');
  // Flooding again; the user types, the program echoes: that output is drawn at once.
  await floodOnce();
  t.same(clock.delays, [FLOOD_FRAME_MS], 'flooding again');
  ui.feedInput(Buffer.from('k'));
  ui.feedOutput(Buffer.from('k'));
  await ui.drained();
  clock.advance(0);
  t.match(written.join(''), /\x1b\[\d+;1Hk/, 'the echo is drawn without time passing');
  // Nor does the normal frame rate hold an echo back: a frame was drawn just now.
  written.length = 0;
  ui.feedInput(Buffer.from('j'));
  ui.feedOutput(Buffer.from('j'));
  await ui.drained();
  clock.advance(0);
  t.match(written.join(''), 'kj', 'drawn at once although the last frame is not FRAME_MS old');
  t.same(errors, []);
});

/** Every line of a buffer, history and screen: text, and the colours and flags of each cell. */
function allLines(buf: Term['buffer']['active']): string[] {
  const cell = buf.getNullCell();
  const out: string[] = [`cursor ${buf.cursorX},${buf.cursorY} base ${buf.baseY} length ${buf.length}`];
  for (let y = 0; y < buf.length; y++) {
    const line = buf.getLine(y);
    let s = line?.isWrapped ? 'W|' : ' |';
    for (let x = 0; line && x < line.length; x++) {
      const c = line.getCell(x, cell);
      if (c) s += `${c.getChars() || '·'}${c.getWidth()}${c.getFgColorMode()}:${c.getFgColor()}/${c.isBold()};`;
    }
    out.push(s);
  }
  return out;
}

t.test('a flood of plain lines: what scrolls out of reach is skipped, and history and screen are as if all was parsed', async (t) => {
  for (const [name, line, skips] of [
    ['plain coloured lines', (i: number) => `\x1b[3${i % 8}m${WORDS[i % WORDS.length]} line ${i}\x1b[0m ${'x'.repeat(i % 50)}\r\n`, true],
    ['lines with a cursor move', (i: number) => `${i % 500 === 7 ? '\x1b[2;3H' : ''}\x1b[1mline ${i}\x1b[0m ✓\r\n`, false],
    // Set once early on (in held output) and never reset: the head's SGR must reach the kept lines, though
    // only the batch's last part is joined (PaneUi.skipHeldTail).
    ['bold set early on, never reset', (i: number) => `${i === 1000 ? '\x1b[1;35m' : ''}${WORDS[i % WORDS.length]} line ${i} ${'x'.repeat(i % 50)}\r\n`, true],
    ['no escape at all', (i: number) => `${WORDS[i % WORDS.length]} line ${i} ${'x'.repeat(i % 50)}\r\n`, true],
  ] as const) {
    const { ui, written, errors } = pane();
    const paneRows = ui.paneSize().rows;
    const own = new Terminal({ cols: COLS, rows: paneRows, scrollback: 100, allowProposedApi: true });
    const user = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
    const bytes = Buffer.from(Array.from({ length: 20_000 }, (_, i) => line(i)).join(''));
    // pty-sized reads, splitting characters and sequences
    for (let i = 0; i < bytes.length; i += 4095) ui.feedOutput(Buffer.from(bytes.subarray(i, i + 4095)));
    await feed(own, bytes);
    await ui.drained();
    ui.flushFrame();
    await feed(user, written.splice(0).join(''));
    t.same(allLines(ui.model.buffer), allLines(own.buffer.active), `${name}: every line of the history and the screen`);
    t.same(grid(user, paneRows), grid(own, paneRows), `${name}: the user's terminal shows it`);
    if (skips) t.ok(ui.skippedBytes > bytes.length / 2, `${name}: most of it was not parsed (${ui.skippedBytes} of ${bytes.length} bytes)`);
    else t.equal(ui.skippedBytes, 0, `${name}: nothing skipped`);
    t.same(errors, []);
    ui.dispose(); own.dispose(); user.dispose();
  }
});

t.test('a flood that begins inside an escape sequence is skipped too: its first line goes to xterm alone', async (t) => {
  const { ui, written, errors } = pane();
  t.teardown(() => ui.dispose());
  const paneRows = ui.paneSize().rows;
  const own = new Terminal({ cols: COLS, rows: paneRows, scrollback: 100, allowProposedApi: true });
  t.teardown(() => own.dispose());
  const bytes = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `\x1b[3${i % 8}m${WORDS[i % WORDS.length]} ${i}\x1b[0m ✓\r\n`).join(''));
  // The program's first read ends inside an SGR (ESC [ 3): xterm gets it before the flood is
  // seen, parses it, and waits inside the sequence when the held batch is handed over.
  const cut = bytes.indexOf('\x1b[3', 10) + 3;
  ui.feedOutput(Buffer.from(bytes.subarray(0, cut)));
  await ui.drained();
  for (let i = cut; i < bytes.length; i += 4095) ui.feedOutput(Buffer.from(bytes.subarray(i, i + 4095)));
  await feed(own, bytes);
  await ui.drained();
  ui.flushFrame();
  t.same(allLines(ui.model.buffer), allLines(own.buffer.active), 'every line of the history and the screen');
  t.ok(ui.skippedBytes > bytes.length / 2, `most of it was not parsed (${ui.skippedBytes} of ${bytes.length} bytes)`);
  t.ok(written.join('').length > 0, 'drawn');
  t.same(errors, []);
});

/** The line numbers (`line N`) on a model's or terminal's rows, history included, top to bottom. */
function lineNumbers(buf: Term['buffer']['active']): number[] {
  const out: number[] = [];
  for (let y = 0; y < buf.length; y++) {
    const m = /line (\d+)/.exec(buf.getLine(y)?.translateToString(true) ?? '');
    if (m) out.push(Number(m[1]));
  }
  return out;
}

t.test('while a flood goes on, a batch\'s history is parsed with the next batch; the screen shows at once, and the end is as if all was parsed', async (t) => {
  const names = ['the flood goes on to its end', 'the program stops after a batch', 'the pane grows, then the program stops', 'a byte that is not plain comes later'] as const;
  for (const name of names) {
    const grow = name.includes('grows');
    // Line-drawing characters from then on (ESC ( 0): not plain, and it lasts, so the batch
    // that holds it must be parsed whole.
    const charset = name === 'a byte that is not plain comes later' ? 80_000 : -1;
    const size = { cols: COLS, rows: ROWS };
    const clock = new FakeClock(1_000_000);
    const { ui, errors } = pane({ clock, size });
    const realWait = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
    const bytes = Buffer.from(Array.from({ length: 120_000 }, (_, i) => `${i === charset ? '\x1b(0' : ''}\x1b[3${i % 8}mline ${i}\x1b[0m ${'x'.repeat(i % 25)}\r\n`).join(''));
    let at = 0;
    // Three pty reads every 2 ms (6 MB/s): the flood goes on, a batch is handed over every HOLD_MAX_MS.
    const readSome = async (reads: number): Promise<void> => {
      for (let k = 0; k < reads && at < bytes.length; k++, at += 4095) {
        ui.feedOutput(Buffer.from(bytes.subarray(at, at + 4095)));
        if ((at / 4095) % 3 !== 0) clock.advance(1);
        if ((at / 4095) % 16 === 0) await realWait();
      }
    };
    while (ui.skippedBytes === 0 && at < bytes.length) await readSome(1);
    await realWait();
    t.ok(ui.skippedBytes > 0 && at < bytes.length / 2, `${name}: a batch was skipped while the flood goes on (${ui.skippedBytes} bytes by ${at} of ${bytes.length})`);
    // The screen is the last lines handed over, as a terminal fed everything up to them shows them.
    const shown = lineNumbers(ui.model.buffer);
    const last = shown[shown.length - 1] as number;
    const own = new Terminal({ cols: COLS, rows: ui.paneSize().rows, scrollback: 100, allowProposedApi: true });
    await feed(own, bytes.subarray(0, bytes.indexOf(`line ${last}\x1b`) + `line ${last}\x1b[0m ${'x'.repeat(last % 25)}\r\n`.length));
    t.same(grid(own, ui.paneSize().rows), gridOf(ui.model.buffer, COLS, ui.paneSize().rows), `${name}: the screen is right at once`);
    t.not(lineNumbers(ui.model.buffer).join(), lineNumbers(own.buffer.active).join(), `${name}: the history waits for the next batch`);
    if (name === 'the program stops after a batch' || grow) {
      // Taller by more than the kept lines cover. The program stops at the end of its line and
      // prints something that is not plain: the lines put back are parsed with it, whole.
      if (grow) { size.rows = ROWS + 30; ui.resize(); }
      const eol = bytes.indexOf('\r\n', at) + 2;
      ui.feedOutput(Buffer.from(bytes.subarray(at, eol)));
      at = eol;
    } else await readSome(Infinity);
    ui.feedOutput(Buffer.from('\x1b[Kprompt$ '));
    clock.advance(FRAME_MS);
    await ui.drained();
    const numbers = lineNumbers(ui.model.buffer);
    if (charset < 0) {
      t.same(numbers, numbers.map((_, k) => (numbers[0] as number) + k), `${name}: the history's lines are consecutive`);
      t.equal(numbers[numbers.length - 1], bytes.subarray(0, at).toString().split('\r\n').length - 2, `${name}: and end with the last`);
    } else t.same(numbers, [], `${name}: the words are line-drawing characters now`);
    if (!grow) {
      // Only a terminal fed everything: the lines put back are the history, up to the prompt.
      const all = new Terminal({ cols: COLS, rows: ui.paneSize().rows, scrollback: 100, allowProposedApi: true });
      await feed(all, Buffer.concat([bytes.subarray(0, at), Buffer.from('\x1b[Kprompt$ ')]));
      t.same(allLines(ui.model.buffer), allLines(all.buffer.active), `${name}: every line of the history and the screen as if all was parsed`);
      all.dispose();
    }
    t.same(errors, []);
    ui.dispose(); own.dispose();
  }
});

t.test('once the program has ended, a flood keeps only the screen\'s worth of lines: the screen is as if all was parsed', async (t) => {
  const { ui, errors } = pane();
  t.teardown(() => ui.dispose());
  const rows = ui.paneSize().rows;
  const own = new Terminal({ cols: COLS, rows, scrollback: 100, allowProposedApi: true });
  t.teardown(() => own.dispose());
  const bytes = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `\x1b[3${i % 8}mline ${i}\x1b[0m ${'x'.repeat(i % 30)}\r\n`).join(''));
  ui.programEnded();
  for (let i = 0; i < bytes.length; i += 4095) ui.feedOutput(Buffer.from(bytes.subarray(i, i + 4095)));
  await feed(own, bytes);
  await ui.drained();
  t.same(gridOf(ui.model.buffer, COLS, rows), grid(own, rows), 'the screen');
  t.same([ui.model.buffer.cursorX, ui.model.buffer.cursorY], [own.buffer.active.cursorX, own.buffer.active.cursorY], 'the cursor');
  // The first reads went to the model before the flood was seen; then only the last lines.
  const history = lineNumbers(ui.model.buffer);
  t.ok(history.some((n, k) => k > 0 && n !== (history[k - 1] as number) + 1), 'the history was not parsed: its lines jump');
  t.ok(ui.skippedBytes > bytes.length - (FLOOD_FULL_READS + 1) * 4095 - 4000, `all but the first reads and the screen's worth skipped (${ui.skippedBytes} of ${bytes.length} bytes)`);
  t.same(errors, []);
});

t.test('full pty reads are a flood once FLOOD_FULL_READS came without the program pausing, shorter reads among them or not', async (t) => {
  for (const pause of [false, true]) {
    const clock = new FakeClock(1_000_000);
    const { ui, errors } = pane({ clock });
    const full = (i: number): Buffer => Buffer.from(`read ${i} `.padEnd(PTY_READ_FULL, 'x'));
    for (let i = 0; i < FLOOD_FULL_READS; i++) {
      ui.feedOutput(i === 2 ? Buffer.from('short\r\n') : full(i));
      if (pause) clock.advance(FRAME_MS);
    }
    ui.feedOutput(full(9));
    ui.feedOutput(Buffer.from('\r\nlast line'));
    await new Promise((r) => setTimeout(r, 20));
    const text = ui.paneText().join('\n');
    if (pause) t.match(text, /last line/, 'with pauses between them: not a flood, shown at once');
    else t.notMatch(text, /last line/, 'without a pause: a flood, held for the frames');
    t.same(errors, []);
    ui.dispose();
  }
});

t.test('in a flood, output is held for the pane\'s frames; once the program pauses, its unfinished last line shows', async (t) => {
  const clock = new FakeClock(1_000_000);
  const { ui, written, errors, setFooter } = pane({ clock });
  t.teardown(() => ui.dispose());
  const realWait = (): Promise<void> => new Promise((r) => setTimeout(r, 30));
  const lines = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `\x1b[32mflood ${i}\x1b[0m ✓\r\n`).join(''));
  for (let i = 0; i < lines.length; i += 4095) ui.feedOutput(Buffer.from(lines.subarray(i, i + 4095)));
  t.notMatch(ui.paneText().join('\n'), /flood 19999/, 'held: not yet in the model');
  // guard's own words are not held with the program's output (which is still coming).
  clock.advance(FRAME_MS - 1);
  ui.feedOutput(Buffer.from('\x1b[32mflood 20000\x1b[0m ✓\r\n'));
  setFooter('guard: a notice');
  clock.advance(1);
  t.match(written.join(''), 'guard: a notice', 'a footer change is drawn while output is held');
  t.notMatch(ui.paneText().join('\n'), /flood 19999/, 'still held');
  ui.feedOutput(Buffer.from('prompt$ '));
  // Frames come; the program has written nothing since: everything is handed over, the prompt too.
  for (let k = 0; k < 6; k++) { clock.advance(FLOOD_FRAME_MS); await realWait(); }
  const text = ui.paneText().join('\n');
  t.match(text, /flood 20000 ✓\nprompt\$/, 'the last lines and the unfinished one are on the pane');
  t.match(written.join(''), /prompt\$/, 'and drawn');
  t.ok(ui.skippedBytes > 0, 'the flood was skipped in part');
  t.same(errors, []);
});
