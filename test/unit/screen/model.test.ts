// The screen model (replies, modes), the outer-terminal modes it implies, the colour query at
// start, and the renderer, checked by drawing a model into a second headless terminal.
import t from 'tap';
import xtermHeadless from '@xterm/headless';
import { ScreenModel, DEFAULT_COLOURS, type TerminalColours } from '../../../src/screen/model.js';
import { DEFAULT_MODES, OUTER_RESET, diffOuterModes, outerModesFor } from '../../../src/screen/modes.js';
import { parseOuterReplies, queryOuterTerminal, OUTER_QUERY, OUTER_QUERY_TIMEOUT_MS } from '../../../src/screen/outer-query.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { Renderer, renderLine } from '../../../src/ui/renderer.js';
import { sgrFor, COLOR_MODE_P16, COLOR_MODE_P256, COLOR_MODE_RGB, F_BOLD, F_INVERSE } from '../../../src/ui/sgr.js';
import { cells } from '../../helpers/terminal.js';

const { Terminal } = xtermHeadless;

function model(colours: Promise<TerminalColours> = Promise.resolve(DEFAULT_COLOURS), cols = 40, rows = 10, kittyKeyboard?: Promise<boolean>) {
  const m = new ScreenModel({ cols, rows, scrollback: 100, colours, version: '9.9.9', ...(kittyKeyboard ? { kittyKeyboard } : {}) });
  const replies: string[] = [];
  m.onReply((r) => replies.push(r));
  const write = (s: string): Promise<void> => new Promise((r) => m.write(s, r));
  return { m, replies, write };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

t.test('queries: DA1 after the kitty query, XTVERSION, colours, all in order', async (t) => {
  let answer!: (c: TerminalColours) => void;
  const colours = new Promise<TerminalColours>((r) => { answer = r; });
  const { m, replies, write } = model(colours);
  t.teardown(() => m.dispose());
  await write('\x1b[?u\x1b[c');
  t.same(replies, ['\x1b[?1;2c'], 'CSI ?u gets no answer; CSI c does');
  await write('\x1b[>0q\x1b]11;?\x1b\\\x1b[c');
  t.same(replies.slice(1), ['\x1bP>|guard(9.9.9)\x1b\\'], 'the DA1 answer waits behind the colour answer');
  answer({ fg: 'rgb:1111/2222/3333', bg: 'rgb:aaaa/bbbb/cccc' });
  await tick();
  t.same(replies.slice(2), ['\x1b]11;rgb:aaaa/bbbb/cccc\x1b\\', '\x1b[?1;2c']);
  await write('\x1b]10;?\x07');
  await tick();
  t.same(replies.at(-1), '\x1b]10;rgb:1111/2222/3333\x1b\\');
});

t.test('kitty keyboard: answered only for a terminal that speaks it, in order; flags per screen mirrored as push, set, pop', async (t) => {
  let say!: (yes: boolean) => void;
  const outer = new Promise<boolean>((r) => { say = r; });
  const { m, replies, write } = model(undefined, 40, 10, outer);
  t.teardown(() => m.dispose());
  await write('\x1b[?u\x1b[c');
  t.same(replies, [], 'both answers wait for the outer terminal\'s word');
  say(true);
  await tick();
  t.same(replies, ['\x1b[?0u', '\x1b[?1;2c'], 'the kitty answer, then DA1');
  const seen: number[] = [];
  m.onModes((x) => seen.push(x.kittyFlags));
  await write('\x1b[<u\x1b[>5u');
  t.equal(m.modes().kittyFlags, 5, 'Claude 2.1.330 pops, then pushes 5');
  await write('\x1b[?u');
  t.same(replies.at(-1), '\x1b[?5u', 'the answer reports the flags on now');
  await write('\x1b[?1049h');
  t.equal(m.modes().kittyFlags, 0, 'the alternate screen has its own stack');
  await write('\x1b[>1u\x1b[=3;2u');
  t.equal(m.modes().kittyFlags, 3, 'set with mode 2 ors bits in');
  await write('\x1b[=1;3u');
  t.equal(m.modes().kittyFlags, 2, 'mode 3 clears them');
  await write('\x1b[?1049l');
  t.equal(m.modes().kittyFlags, 5, 'back on the main screen, its flags');
  await write('\x1b[<5u');
  t.equal(m.modes().kittyFlags, 0, 'popping more than was pushed empties the stack');
  t.same(seen.filter((f, i) => f !== seen[i - 1]), [5, 0, 3, 2, 5, 0]);

  const no = model(undefined, 40, 10, Promise.resolve(false));
  t.teardown(() => no.m.dispose());
  await tick();
  await no.write('\x1b[?u\x1b[c');
  t.same(no.replies, ['\x1b[?1;2c'], 'a terminal without it: only DA1, at once');

  const off = outerModesFor({ ...DEFAULT_MODES, kittyFlags: 5 }, false, false);
  t.equal(off.kittyFlags, 0, 'never mirrored onto a terminal that does not speak it');
  const on = outerModesFor({ ...DEFAULT_MODES, kittyFlags: 5 }, false, true);
  t.equal(diffOuterModes(OUTER_RESET, on), '\x1b[>5u');
  t.equal(diffOuterModes(on, { ...on, kittyFlags: 1 }), '\x1b[=1;1u');
  t.equal(diffOuterModes(on, OUTER_RESET), '\x1b[<u');
});

t.test('clipboard writes (OSC 52) go to the user\'s terminal; clipboard reads do not', async (t) => {
  const { m, write, replies } = model();
  t.teardown(() => m.dispose());
  const outer: string[] = [];
  m.onForOuter((s) => outer.push(s));
  await write('\x1b]52;c;aGVsbG8=\x07\x1b]52;c;?\x07');
  t.same(outer, ['\x1b]52;c;aGVsbG8=\x07']);
  t.same(replies, []);
});

t.test('modes: mouse, SGR encoding, paste, focus, cursor keys, cursor visibility and shape', async (t) => {
  const { m, write } = model();
  t.teardown(() => m.dispose());
  const seen: string[] = [];
  m.onModes((x) => seen.push(x.mouseTracking));
  t.same(m.modes(), DEFAULT_MODES);
  await write('\x1b[?1003h\x1b[?1006h\x1b[?2004h\x1b[?1004h\x1b[?1h\x1b[?25l\x1b[5 q\x1b[?2031h\x1b[?1049h');
  t.same(m.modes(), {
    ...DEFAULT_MODES, mouseTracking: 'any', sgrMouse: true, bracketedPaste: true, focusReports: true,
    appCursorKeys: true, cursorVisible: false, cursorStyle: 5, colorSchemeReports: true, altScreen: true,
  });
  t.same(seen, ['any'], 'one change event per parsed batch');
  await write('\x1bc');
  t.same(m.modes(), DEFAULT_MODES, 'RIS resets everything');
});

t.test('outer modes follow the program\'s; guard asks for button events when the program did not', async (t) => {
  t.same(outerModesFor(DEFAULT_MODES, true).mouseTracking, 'vt200');
  t.same(outerModesFor(DEFAULT_MODES, false), OUTER_RESET);
  const on = outerModesFor({ ...DEFAULT_MODES, mouseTracking: 'drag', bracketedPaste: true, cursorStyle: 2 }, true);
  t.equal(diffOuterModes(OUTER_RESET, on), '\x1b[?1002h\x1b[?1006h\x1b[?2004h\x1b[2 q');
  t.equal(diffOuterModes(on, OUTER_RESET), '\x1b[?1002l\x1b[?1006l\x1b[?2004l\x1b[0 q');
  t.equal(diffOuterModes(on, on), '');
});

t.test('the outer query at start: colours and kitty flags parsed, typed keys kept, defaults on timeout', async (t) => {
  const p = parseOuterReplies('\x1b]10;rgb:ffff/0000/0000\x07x\x1b]11;rgb:0/0/0\x1b\\y\x1b[?62;22c');
  t.same(p, { colours: { fg: 'rgb:ffff/0000/0000', bg: 'rgb:0/0/0' }, kittyFlags: null, done: true, rest: 'xy' }, 'no kitty answer: no kitty protocol');
  t.match(parseOuterReplies('\x1b[?0u\x1b[?62;22c'), { kittyFlags: 0, done: true, rest: '' }, 'kitty, no flags on yet');
  t.match(parseOuterReplies('\x1b[?1u'), { kittyFlags: 1, done: false });
  let feed!: (d: Buffer) => void;
  const written: string[] = [];
  const io = {
    write: (s: string) => { written.push(s); },
    onData: (fn: (d: Buffer) => void) => { feed = fn; return { dispose() {} }; },
    clock: new FakeClock(),
  };
  const answered = queryOuterTerminal(io);
  t.same(written, [OUTER_QUERY]);
  feed(Buffer.from('\x1b]11;rgb:1/2/3\x1b\\a'));
  feed(Buffer.from('\x1b[?0u\x1b[?1;2c'));
  t.same(await answered, { colours: { fg: DEFAULT_COLOURS.fg, bg: 'rgb:1/2/3' }, kittyFlags: 0, leftover: Buffer.from('a') });
  const silent = queryOuterTerminal(io);
  io.clock.advance(OUTER_QUERY_TIMEOUT_MS);
  t.same(await silent, { colours: DEFAULT_COLOURS, kittyFlags: null, leftover: Buffer.alloc(0) });
});

t.test('sgrFor writes each colour kind as it was written', async (t) => {
  t.equal(sgrFor(0, 0, 0), '\x1b[0m');
  t.equal(sgrFor(COLOR_MODE_P16 | 1, COLOR_MODE_P16 | 12, F_BOLD), '\x1b[0;1;31;104m');
  t.equal(sgrFor(COLOR_MODE_P256 | 208, 0, F_INVERSE), '\x1b[0;7;38;5;208m');
  t.equal(sgrFor(COLOR_MODE_RGB | 0x0ac81e, COLOR_MODE_RGB | 0x5a005a, 0), '\x1b[0;38;2;10;200;30;48;2;90;0;90m');
});

const feedTerm = (term: InstanceType<typeof Terminal>, s: string): Promise<void> => new Promise((r) => term.write(s, r));

t.test('renderer: a frame drawn into another terminal gives the same cells; unchanged rows are not redrawn', async (t) => {
  const { m, write } = model(undefined, 30, 6);
  const outer = new Terminal({ cols: 30, rows: 7, allowProposedApi: true });
  t.teardown(() => { m.dispose(); outer.dispose(); });
  await write('\x1b[31mred\x1b[0m \x1b[1;3mbi\x1b[0m\r\n中文🙂x\r\n\x1b[44m\x1b[K\x1b[38;2;1;2;3mrgb\x1b[0m\r\n\x1b[5;10H\x1b[7minv\x1b[0m');
  const r = new Renderer();
  const frame = r.frame({ buffer: m.buffer, cols: 30, paneRows: 6, scrollOffset: 0, cursorVisible: true, footer: ['footer line'] }, m.buffer.getNullCell());
  await feedTerm(outer, frame);
  t.same(cells(outer, 6), cells(m.term, 6));
  t.equal(outer.buffer.active.getLine(6)?.translateToString(true), 'footer line');
  t.equal(outer.buffer.active.cursorY, 4);
  t.equal(outer.buffer.active.cursorX, 12);
  await write('\x1b[2;1Hchanged');
  const next = r.frame({ buffer: m.buffer, cols: 30, paneRows: 6, scrollOffset: 0, cursorVisible: true, footer: ['footer line'] }, m.buffer.getNullCell());
  t.match(next, '\x1b[2;1H', 'the changed row is drawn');
  t.notMatch(next, '\x1b[1;1H', 'the first row is not');
  t.notMatch(next, 'footer line', 'nor the unchanged footer');
  const quiet = r.frame({ buffer: m.buffer, cols: 30, paneRows: 6, scrollOffset: 0, cursorVisible: true, footer: ['footer line'], paneDirty: false }, m.buffer.getNullCell());
  t.equal(quiet, '', 'nothing changed, nothing written');
});

t.test('renderer: the footer is drawn when its lines change or it moves, and a frame handing over the same lines again leaves it alone', async (t) => {
  const { m, write } = model(undefined, 30, 4);
  const outer = new Terminal({ cols: 30, rows: 6, allowProposedApi: true });
  t.teardown(() => { m.dispose(); outer.dispose(); });
  const r = new Renderer();
  const cell = m.buffer.getNullCell();
  const draw = async (footer: readonly string[], paneRows = 4): Promise<string> => {
    const out = r.frame({ buffer: m.buffer, cols: 30, paneRows, scrollOffset: 0, cursorVisible: true, footer }, cell);
    await feedTerm(outer, out);
    return out;
  };
  const row = (y: number): string => outer.buffer.active.getLine(y)?.translateToString(true) ?? '';
  const lines = ['ctx 10%', 'guard'];
  await draw(lines);
  t.same([row(4), row(5)], lines, 'first frame');
  await write('echo');
  t.notMatch(await draw(lines), 'ctx', 'an echo with the same footer array: the footer is not written');
  t.notMatch(await draw(['ctx 10%', 'guard']), 'ctx', 'a new array with the same lines: not written either');
  const changed = await draw(['ctx 11%', 'guard']);
  t.match(changed, 'ctx 11%', 'changed lines are written');
  t.notMatch(changed, 'guard', 'only the line that changed');
  t.same([row(4), row(5)], ['ctx 11%', 'guard']);
  outer.write('\x1b[2J');
  const moved = ['ctx 12%'];
  await draw(moved, 5);
  await draw(moved, 3);
  t.equal(row(3), 'ctx 12%', 'the same array below a shorter pane: drawn where it now sits');
});

t.test('renderer: scrolled back shows history and hides the cursor', async (t) => {
  const { m, write } = model(undefined, 20, 3);
  t.teardown(() => m.dispose());
  await write('l1\r\nl2\r\nl3\r\nl4\r\nl5');
  const outer = new Terminal({ cols: 20, rows: 4, allowProposedApi: true });
  t.teardown(() => outer.dispose());
  const frame = new Renderer().frame({ buffer: m.buffer, cols: 20, paneRows: 3, scrollOffset: 2, cursorVisible: true, footer: [], indicator: '[2/2]' }, m.buffer.getNullCell());
  await feedTerm(outer, frame);
  t.same([0, 1, 2].map((y) => outer.buffer.active.getLine(y)?.translateToString(true)), ['l1' + ' '.repeat(13) + '[2/2]', 'l2', 'l3']);
  t.notMatch(frame, '\x1b[?25h');
  t.equal(renderLine(undefined, 10, m.buffer.getNullCell()), '\x1b[K');
});

t.test('parsedModes, which frames read, are the modes after every parse', async (t) => {
  const { m, write } = model();
  t.teardown(() => m.dispose());
  t.same(m.parsedModes, m.modes(), 'at start');
  const seqs = [
    '\x1b[?25l', '\x1b[?2026h', '\x1b[?1049h', '\x1b[?1006h\x1b[?1000h', '\x1b[>5u', '\x1b[?2004h', '\x1b[4 q', '\x1b[?2026l\x1b[?25h',
    '\x1b[?1049l', '\x1bc', '\x1b=', '\x1b[?1h', '\x1b[?1004h\x1b[?2031h', '\x1b[>1u\x1b[=3;2u', '\x1b[<u', '\x1b>', '\x1b[?1l\x1b[?25l', '\x1b[!p',
    // A sequence cut between two writes: the mode changes with the second.
    '\x1b[?10', '49h', 'text on the alternate screen', '\x1b[?1049', 'l',
  ];
  for (const seq of seqs) {
    await write(seq);
    t.same(m.parsedModes, m.modes(), `after ${JSON.stringify(seq)}`);
  }
  await write('\x1b[?25l');
  t.equal(m.parsedModes.cursorVisible, false, 'a hidden cursor is seen');
});

t.test('the modes are built again only after a parse that went through a mode\'s sequence', async (t) => {
  const { m, write } = model();
  t.teardown(() => m.dispose());
  let built = 0;
  const modes = m.modes.bind(m);
  m.modes = () => { built++; return modes(); };
  await write('\x1b[?25l');
  t.equal(built, 1, 'a mode\'s sequence');
  await write('plain text, \x1b[1mbold\x1b[0m, colours \x1b[31mred\x1b[m, moves \x1b[2;3H\x1b[K, a title \x1b]0;t\x07\r\n');
  await write('~');
  t.equal(built, 1, 'not for output that changes no mode (an echo, text, SGR, cursor moves, a title)');
  await write('\x1b=');
  t.equal(built, 2);
  t.equal(m.parsedModes.appKeypad, true);
});

t.test('output written while nothing is queued is on the screen when write returns (an echo waits for no timer)', async (t) => {
  const { m, write } = model();
  t.teardown(() => m.dispose());
  const row = (y: number): string => m.buffer.getLine(m.buffer.baseY + y)?.translateToString(true) ?? '';
  m.write('$ l');
  t.equal(row(0), '$ l', 'the first output');
  await write('');
  for (const key of ['s', ' ', '-', 'l']) m.write(key);
  t.equal(row(0), '$ ls -l', 'each echo in turn');
  // A big write leaves a queue (xterm parses it in slices); what comes after it waits its turn.
  const big = 'x'.repeat(40 * 9).concat('\r\n').repeat(400);
  let parsed = false;
  m.write(big, () => { parsed = true; });
  m.write('\x1b[2J\x1b[Hafter');
  await write('');
  t.ok(parsed, 'the queue was parsed');
  t.equal(row(0), 'after', 'in order');
  m.write('\x1b[?1049h\x1b[Halt');
  t.equal(m.buffer.type, 'alternate', 'buffer follows the switch to the alternate screen');
  t.equal(row(0), 'alt');
  m.write('\x1b[?1049l');
  t.equal(m.buffer.type, 'normal', 'and back');
  t.equal(row(0), 'after');
});
