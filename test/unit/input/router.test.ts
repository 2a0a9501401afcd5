// The input side, with fakes: the tokenizer, the router (prefix key, mouse, paste, focus, scroll
// back) and the writer's "unsent input" tracking.
import t from 'tap';
import { KeyTokenizer, encodeMouse, kittyKey, legacyKey } from '../../../src/input/keys.js';
import { InputRouter, type ScrollControl } from '../../../src/input/router.js';
import { PrefixCommands } from '../../../src/input/commands.js';
import { PtyWriter } from '../../../src/supervisor/writer.js';
import { DOUBLE_ESC_MS, UnsentScanner } from '../../../src/input/unsent.js';
import { DEFAULT_MODES, type ProgramModes } from '../../../src/screen/modes.js';

function setup(modes: Partial<ProgramModes> = {}, paneRows = 20) {
  const sent: string[] = [];
  const writer = new PtyWriter({ write: (d) => { sent.push(String(d)); } });
  const commands = new PrefixCommands();
  const notices: string[] = [];
  let offset = 0;
  let history = 100;
  const scroll: ScrollControl = {
    scrolled: () => offset > 0,
    canScroll: () => !m.altScreen && history > 0,
    scrollBy: (n) => { offset = Math.max(0, Math.min(history, offset + n)); },
    page: (d) => { offset = Math.max(0, Math.min(history, offset + d * (paneRows - 1))); },
    live: () => { offset = 0; },
  };
  const m: ProgramModes = { ...DEFAULT_MODES, ...modes };
  const router = new InputRouter({
    writer, modes: () => m, paneRows: () => paneRows, commands, scroll,
    notice: (s) => notices.push(s), setTimer: () => ({ dispose() {} }),
  });
  return { sent, writer, commands, notices, router, modes: m, offset: () => offset, setHistory: (n: number) => { history = n; } };
}

t.test('tokenizer: keys, escape sequences, split sequences, paste, mouse, focus', async (t) => {
  const k = new KeyTokenizer();
  t.same(k.feed('ab\x1b[A\x1bOB\x1bx'), [
    { kind: 'key', data: 'a' }, { kind: 'key', data: 'b' }, { kind: 'key', data: '\x1b[A' },
    { kind: 'key', data: '\x1bOB' }, { kind: 'key', data: '\x1bx' },
  ]);
  t.same(k.feed('\x1b[<0;5'), [], 'half a mouse report waits');
  t.same(k.feed(';7M'), [{ kind: 'mouse', event: { button: 0, col: 5, row: 7, release: false } }]);
  t.same(k.feed('\x1b[200~hel'), [{ kind: 'paste', data: '\x1b[200~', start: true, end: false }, { kind: 'paste', data: 'hel', start: false, end: false }]);
  t.same(k.feed('lo\x07\x1b[20'), [{ kind: 'paste', data: 'lo\x07', start: false, end: false }], 'a possible end marker is held back');
  t.same(k.feed('1~x'), [{ kind: 'paste', data: '\x1b[201~', start: false, end: true }, { kind: 'key', data: 'x' }]);
  t.same(k.feed('\x1b[I\x1b[O'), [{ kind: 'focus', focused: true }, { kind: 'focus', focused: false }]);
  t.same(k.feed('\x1b[M #$'), [{ kind: 'mouse', event: { button: 0, col: 3, row: 4, release: false } }]);
  t.same(k.feed('\x1b]11;rgb:0/0/0\x1b\\'), [{ kind: 'reply', data: '\x1b]11;rgb:0/0/0\x1b\\' }]);
  t.same(k.feed('\x1b'), [{ kind: 'key', data: '\x1b' }], 'a lone Esc is the Esc key');
  t.same(k.feed('🙂'), [{ kind: 'key', data: '🙂' }], 'a surrogate pair is one key');
});

t.test('encodeMouse: SGR and X10', async (t) => {
  t.equal(encodeMouse({ button: 0, col: 5, row: 3, release: false }, true), '\x1b[<0;5;3M');
  t.equal(encodeMouse({ button: 0, col: 5, row: 3, release: true }, true), '\x1b[<0;5;3m');
  t.equal(encodeMouse({ button: 0, col: 5, row: 3, release: false }, false), '\x1b[M %#');
  t.equal(encodeMouse({ button: 0, col: 5, row: 3, release: true }, false), '\x1b[M#%#');
  t.equal(encodeMouse({ button: 0, col: 200, row: 3, release: false }, false), null);
});

t.test('keys go through unchanged; Ctrl-G Ctrl-G sends one Ctrl-G; Ctrl-G <key> runs a command', async (t) => {
  const s = setup();
  let ran = 0;
  s.commands.register('c', { description: 'checkpoint now', run: () => { ran++; } });
  s.router.feed('hi\x1b[A\r');
  t.same(s.sent, ['hi\x1b[A\r']);
  s.router.feed('\x07\x07');
  t.same(s.sent.at(-1), '\x07');
  s.router.feed('\x07c');
  t.equal(ran, 1);
  t.equal(s.sent.length, 2, 'nothing sent for the command');
  s.router.feed('\x07');
  s.router.feed('z');
  t.equal(s.sent.length, 2, 'an unknown command key is not sent');
  t.match(s.notices[0], 'Ctrl-G z');
  t.throws(() => s.commands.register('\x07', { description: 'x', run() {} }));
});

t.test('kitty keyboard protocol: guard\'s prefix key and Esc mean the same; the program gets the bytes as they came', async (t) => {
  const s = setup();
  let ran = 0;
  s.commands.register('c', { description: 'checkpoint now', run: () => { ran++; } });
  s.router.feed('\x1b[103;5u');
  s.router.feed('c');
  t.equal(ran, 1, 'Ctrl-G as CSI 103;5u, then c');
  s.router.feed('\x1b[103;5u\x1b[103;5u');
  t.same(s.sent, ['\x1b[103;5u'], 'Ctrl-G twice sends one, in the kitty form');
  s.router.feed('\x1b[13;2u');
  t.same(s.sent.at(-1), '\x1b[13;2u', 'Shift-Enter passes through unchanged');
  t.same(kittyKey('\x1b[97:65;2u'), { code: 97, mods: 1, release: false });
  t.same(kittyKey('\x1b[99;69u'), { code: 99, mods: 4, release: false }, 'Caps Lock does not change Ctrl-C');
  t.equal(legacyKey('\x1b[99;5u'), '\x03');
  t.equal(legacyKey('\x1b[27u'), '\x1b');
  t.equal(legacyKey('\x1b[13;2u'), '\x1b[13;2u', 'Shift-Enter has no legacy form');
  t.equal(kittyKey('\x1b[A'), null);
});

t.test('a Ctrl-G inside a bracketed paste is pasted, not a prefix', async (t) => {
  const s = setup({ bracketedPaste: true });
  s.router.feed('\x1b[200~a\x07b\x1b[201~');
  t.same(s.sent.join(''), '\x1b[200~a\x07b\x1b[201~');
  const off = setup({ bracketedPaste: false });
  off.router.feed('\x1b[200~a\rb\x1b[201~');
  t.same(off.sent.join(''), 'a\rb', 'markers dropped when the program did not ask for them');
});

t.test('mouse: the program gets reports inside its pane in its encoding; footer and wheel are guard\'s', async (t) => {
  const s = setup({ mouseTracking: 'vt200', sgrMouse: true }, 20);
  s.router.feed('\x1b[<0;4;21M'); // footer row
  t.same(s.sent, []);
  s.router.feed('\x1b[<0;4;20M\x1b[<0;4;20m');
  t.same(s.sent, ['\x1b[<0;4;20M\x1b[<0;4;20m']);
  const drag = setup({ mouseTracking: 'drag', sgrMouse: true }, 20);
  drag.router.feed('\x1b[<0;4;10M\x1b[<32;4;25M\x1b[<0;4;25m');
  t.same(drag.sent.join(''), '\x1b[<0;4;10M\x1b[<32;4;20M\x1b[<0;4;20m', 'a drag out of the pane is clamped to it');
  const x10 = setup({ mouseTracking: 'vt200', sgrMouse: false });
  x10.router.feed('\x1b[<0;5;3M');
  t.same(x10.sent, ['\x1b[M %#']);
  const none = setup({});
  none.router.feed('\x1b[<64;5;3M');
  t.equal(none.offset(), 3, 'wheel up scrolls history when the program has not asked for the mouse');
  t.same(none.sent, []);
  const alt = setup({ altScreen: true });
  alt.router.feed('\x1b[<65;5;3M');
  t.same(alt.sent, ['\x1b[B\x1b[B\x1b[B'], 'on the alternate screen the wheel becomes arrow keys');
});

t.test('focus reports only when the program asked', async (t) => {
  const off = setup();
  off.router.feed('\x1b[I');
  t.same(off.sent, []);
  const on = setup({ focusReports: true });
  on.router.feed('\x1b[I\x1b[O');
  t.same(on.sent, ['\x1b[I\x1b[O']);
});

t.test('scroll back: Shift-PgUp, Ctrl-G [, keys while scrolled, any other key returns to live', async (t) => {
  const s = setup({}, 11);
  s.commands.register('[', { description: 'scroll back', run: () => { /* the pane registers the real one */ } });
  s.router.feed('\x1b[5;2~');
  t.equal(s.offset(), 10);
  s.router.feed('\x1b[A');
  t.equal(s.offset(), 11);
  s.router.feed('\x1b[6~');
  t.equal(s.offset(), 1);
  s.router.feed('x');
  t.equal(s.offset(), 0);
  t.same(s.sent, ['x'], 'the key that ends scrolling reaches the program');
  s.router.feed('\x1b[5;2~q');
  t.equal(s.offset(), 0);
  t.same(s.sent, ['x'], 'q only leaves scroll back');
  const alt = setup({ altScreen: true });
  alt.router.feed('\x1b[5;2~');
  t.same(alt.sent, ['\x1b[5;2~'], 'on the alternate screen Shift-PgUp is the program\'s');
});

t.test('scanner: follows typing, Enter, Ctrl-C, paste and escape sequences', async (t) => {
  const sc = new UnsentScanner();
  const feed = (d: string, now = 0) => sc.feed(d, now);
  t.equal(sc.mayHaveUnsent(), false);
  feed('ab');
  t.same(sc.state, { kind: 'typed', text: 'ab' });
  feed('\x7f\x7f');
  t.equal(sc.mayHaveUnsent(), false, 'backspaced away');
  t.same(feed('x\r'), { keys: true, submitted: true }, 'Enter sends');
  t.equal(sc.mayHaveUnsent(), false);
  t.same(feed('\x1b[<0;3;4M\x1b[I\x1b[M !!'), { keys: false, submitted: false }, 'mouse (SGR and X10) and focus reports are not keys');
  t.equal(sc.mayHaveUnsent(), false);
  feed('\x1b[200~line1\rline2\x1b[201~');
  t.same(sc.state, { kind: 'typed', text: 'line1\nline2' }, 'a paste with a newline inside is not sent');
  feed('\x03');
  t.equal(sc.mayHaveUnsent(), false, 'Ctrl-C clears');
  feed('\x1b[2');
  t.equal(sc.mayHaveUnsent(), true, 'half a sequence: unsure');
  feed('00~abc');
  t.equal(sc.mayHaveUnsent(), true, 'a paste start split across writes');
  feed('\x1b[201~\x15');
  t.equal(sc.mayHaveUnsent(), false, 'Ctrl-U on one line empties it');
  feed('\x1b');
  feed('a');
  t.same(sc.state, { kind: 'typed', text: 'a' }, 'Esc pressed, then a letter typed: the letter is text');
  feed('\r\x1bb');
  t.same(sc.state, { kind: 'unsure', why: 'key ESC' + 'b' }, 'Alt+b in one piece is a word move guard cannot follow');
  t.same(feed('\r'), { keys: true, submitted: true }, 'an Enter in an unsure box most likely sent it');
  t.equal(sc.state.kind, 'unsure', '… but only the screen can tell it is empty');
  sc.screenShowsEmpty();
  t.equal(sc.mayHaveUnsent(), false, 'the screen settles it');
});

t.test('scanner: keys that add a line or edit where guard cannot see never count as sent', async (t) => {
  const cases: Array<[string, string[], string]> = [
    ['backslash then Enter (a pause between)', ['first line', '\\', '\r'], 'typed'],
    ['Ctrl-J', ['first', '\n'], 'typed'],
    ['Shift-Enter, kitty protocol', ['first', '\x1b[13;2u'], 'typed'],
    ['Alt-Enter, legacy', ['first', '\x1b\r'], 'typed'],
    ['cursor edit: Left, then Backspace at the start', ['x', '\x1b[D', '\x7f'], 'unsure'],
    ['history recall: Up', ['\x1b[A'], 'unsure'],
    ['Tab completion', ['src/ma', '\t'], 'unsure'],
    ['Enter after an @-mention picks a file', ['read @src/ma', '\r'], 'unsure'],
  ];
  for (const [name, writes, kind] of cases) {
    const sc = new UnsentScanner();
    let submitted = false;
    for (const w of writes) submitted = sc.feed(w, 0).submitted || submitted;
    t.equal(sc.state.kind, kind, `${name}: ${kind}`);
    t.equal(sc.mayHaveUnsent(), true, `${name}: may be unsent`);
    if (kind === 'typed') t.equal(submitted, false, `${name}: nothing sent`);
  }
  const bs = new UnsentScanner();
  bs.feed('first line', 0); bs.feed('\\', 0); bs.feed('\r', 0); bs.feed('second line', 0);
  t.same(bs.state, { kind: 'typed', text: 'first line\nsecond line' }, 'the backslash became the newline, as Claude shows it');
  t.same(bs.feed('\r', 0), { keys: true, submitted: true });
  t.equal(bs.mayHaveUnsent(), false);
  const kitty = new UnsentScanner();
  kitty.feed('\x1b[99;5u', 0);
  t.equal(kitty.mayHaveUnsent(), false, 'kitty Ctrl-C');
  kitty.feed('ab\x1b[106;5u', 0);
  t.same(kitty.state, { kind: 'typed', text: 'ab\n' }, 'kitty Ctrl-J');
  kitty.feed('\x1b[97;1:3u', 0);
  t.same(kitty.state, { kind: 'typed', text: 'ab\n' }, 'a key release changes nothing');
  t.same(kitty.feed('\x1b[13u', 0), { keys: true, submitted: true }, 'kitty Enter (all keys as codes) sends');
});

t.test('scanner: views over the prompt (Ctrl-R, Ctrl-O, Esc Esc) hold guard off until closed', async (t) => {
  const sc = new UnsentScanner();
  sc.feed('\x12', 0);
  t.equal(sc.modal, 'history-search');
  sc.feed('hel', 0);
  t.equal(sc.state.kind, 'empty', 'search text does not go to the box');
  t.equal(sc.mayHaveUnsent(), true);
  sc.feed('\x1b', 10);
  t.equal(sc.modal, null, 'Esc closes it');
  t.equal(sc.state.kind, 'unsure', 'the search may have left its match in the box');
  sc.screenShowsEmpty();
  sc.feed('\x0f', 0);
  t.equal(sc.modal, 'transcript');
  sc.feed('\x0f', 0);
  t.equal(sc.modal, null, 'Ctrl-O again closes the transcript');
  t.equal(sc.mayHaveUnsent(), false, 'and leaves the box as it was');
  sc.feed('\x1b', 1_000);
  t.equal(sc.modal, null, 'one Esc (interrupt) opens nothing');
  sc.feed('\x1b', 1_000 + DOUBLE_ESC_MS + 1);
  t.equal(sc.modal, null, 'two slow ones neither');
  sc.feed('\x1b', 1_000 + DOUBLE_ESC_MS + 100);
  t.equal(sc.modal, 'rewind', 'two quick ones open the rewind picker');
  sc.feed('\r', 5_000);
  t.equal(sc.modal, null);
  t.equal(sc.state.kind, 'unsure', 'Enter in the picker put an old prompt back in the box');
  const k = new UnsentScanner();
  k.feed('\x1b[114;5u', 0);
  t.equal(k.modal, 'history-search', 'kitty Ctrl-R');
  k.feed('\x1b[27u', 5);
  t.equal(k.modal, null, 'kitty Esc');
});

t.test('writer: Up may have recalled a prompt into the box; it tells the injector to hold off', async (t) => {
  const w = new PtyWriter({ write: () => undefined });
  w.write('\x1b[A', 'user');
  t.equal(w.hasUnsentInput(), true);
  t.equal(w.keyBox().box.kind, 'unsure');
  w.write('\x03', 'user');
  t.equal(w.hasUnsentInput(), false, 'Ctrl-C empties the box');
});

t.test('writer: origins, user-input event, closed pty', async (t) => {
  const sent: string[] = [];
  const w = new PtyWriter({ write: (d) => { sent.push(String(d)); } });
  const users: string[] = [];
  w.onUserInput((u) => users.push(u.data));
  w.write('\x1b[?1;2c', 'reply');
  w.write('hel', 'user');
  t.equal(w.hasUnsentInput(), true);
  w.write('/compact\r', 'guard');
  t.equal(w.hasUnsentInput(), true, 'guard typing does not clear what the user typed');
  t.same(users, ['hel']);
  t.same(sent, ['\x1b[?1;2c', 'hel', '/compact\r']);
  w.close();
  w.write('x', 'user');
  t.equal(sent.length, 3);
  const broken = new PtyWriter({ write: () => { throw new Error('EIO'); } });
  t.doesNotThrow(() => broken.write('x', 'user'));
});
