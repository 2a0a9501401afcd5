// The input side, with fakes: the tokenizer, the router (prefix key, mouse, paste, focus, scroll
// back) and the writer's "unsent input" tracking.
import t from 'tap';
import { KeyTokenizer, encodeMouse } from '../../src/input/keys.js';
import { InputRouter, type ScrollControl } from '../../src/input/router.js';
import { PrefixCommands } from '../../src/input/commands.js';
import { PtyWriter, InputTracker } from '../../src/supervisor/writer.js';
import { DEFAULT_MODES, type ProgramModes } from '../../src/screen/modes.js';

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

t.test('writer: unsent input follows typing, Enter, Ctrl-C, paste and escape sequences', async (t) => {
  const tr = new InputTracker();
  t.equal(tr.hasUnsent(), false);
  tr.feed('ab');
  t.equal(tr.hasUnsent(), true);
  tr.feed('\x7f\x7f');
  t.equal(tr.hasUnsent(), false, 'backspaced away');
  tr.feed('x\r');
  t.equal(tr.hasUnsent(), false, 'Enter sends');
  tr.feed('\x1b[D\x1b[C\x1b[<0;3;4M\x1b[I\x1bOD');
  t.equal(tr.hasUnsent(), false, 'left/right arrows, mouse and focus reports are not typing');
  tr.feed('\x1b[200~line1\rline2\x1b[201~');
  t.equal(tr.hasUnsent(), true, 'a paste with a newline inside is not sent');
  tr.feed('\x03');
  t.equal(tr.hasUnsent(), false, 'Ctrl-C clears');
  tr.feed('\x1b[M !!');
  t.equal(tr.hasUnsent(), false, 'X10 mouse payload bytes are not typing');
  tr.feed('\x1b[2');
  tr.feed('00~abc');
  t.equal(tr.hasUnsent(), true, 'a paste start split across writes');
  tr.feed('\x1b[201~\x15');
  t.equal(tr.hasUnsent(), false);
  tr.feed('\x1b');
  tr.feed('a');
  t.equal(tr.hasUnsent(), true, 'Esc pressed, then a letter typed: the letter is text');
  tr.feed('\r\x1bb');
  t.equal(tr.hasUnsent(), false, 'Alt+b in one piece is a shortcut, not text');
});

t.test('writer: Up/Down may have recalled a prompt into the box: unsent until Enter, Ctrl-C or Ctrl-U', async (t) => {
  for (const [up, sent, name] of [['\x1b[A', '\r', 'Up then Enter'], ['\x1bOA', '\x03', 'application-mode Up then Ctrl-C'], ['\x1b[B', '\x15', 'Down then Ctrl-U']] as const) {
    const tr = new InputTracker();
    tr.feed(up);
    t.equal(tr.hasUnsent(), true, `${name}: a recalled prompt may sit in the box`);
    tr.feed('\x1b[<64;10;5M');
    t.equal(tr.hasUnsent(), true, `${name}: still there after a wheel report`);
    tr.feed(sent);
    t.equal(tr.hasUnsent(), false, `${name}: gone`);
  }
  const w = new PtyWriter({ write: () => undefined });
  w.write('\x1b[A', 'user');
  t.equal(w.hasUnsentInput(), true, 'the writer tells the injector to hold off');
});

t.test('writer: origins, user-input event, closed pty', async (t) => {
  const sent: string[] = [];
  const w = new PtyWriter({ write: (d) => { sent.push(String(d)); } });
  const users: string[] = [];
  w.onUserInput((d) => users.push(d));
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
