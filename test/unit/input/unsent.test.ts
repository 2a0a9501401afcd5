// The scanner that says whether anything may be unsent in Claude's prompt box (src/input/unsent.ts).
import t from 'tap';
import { DOUBLE_ESC_MS, UnsentScanner } from '../../../src/input/unsent.js';

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
