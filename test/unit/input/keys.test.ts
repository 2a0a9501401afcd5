// The user's bytes split into keys, pastes, mouse and focus reports (src/input/keys.ts).
import t from 'tap';
import { KeyTokenizer, encodeMouse } from '../../../src/input/keys.js';

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
