// The input router, with fakes: prefix key, kitty keys, mouse, paste, focus, scroll back.
import t from 'tap';
import { kittyKey, legacyKey } from '../../../src/input/keys.js';
import { InputRouter, type ScrollControl } from '../../../src/input/router.js';
import { PrefixCommands } from '../../../src/input/commands.js';
import { PtyWriter } from '../../../src/writer/writer.js';
import { UnsentScanner } from '../../../src/input/unsent.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { DEFAULT_MODES, type ProgramModes } from '../../../src/screen/modes.js';

function setup(modes: Partial<ProgramModes> = {}, paneRows = 20) {
  const sent: string[] = [];
  const writer = new PtyWriter({ write: (d) => { sent.push(String(d)); } }, new UnsentScanner());
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
    notice: (s) => notices.push(s), clock: new FakeClock(),
  });
  return { sent, writer, commands, notices, router, modes: m, offset: () => offset, setHistory: (n: number) => { history = n; } };
}
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
