// The one writer to the program's pty: origins, the user-input event, unsent input, a closed pty
// (src/writer/writer.ts).
import t from 'tap';
import { PtyWriter } from '../../../src/writer/writer.js';
import { UnsentScanner } from '../../../src/input/unsent.js';

t.test('writer: Up may have recalled a prompt into the box; it tells the injector to hold off', async (t) => {
  const w = new PtyWriter({ write: () => undefined }, new UnsentScanner());
  w.write('\x1b[A', 'user');
  t.equal(w.hasUnsentInput(), true);
  t.equal(w.keyBox().box.kind, 'unsure');
  w.write('\x03', 'user');
  t.equal(w.hasUnsentInput(), false, 'Ctrl-C empties the box');
});

t.test('writer: origins, user-input event, closed pty', async (t) => {
  const sent: string[] = [];
  const w = new PtyWriter({ write: (d) => { sent.push(String(d)); } }, new UnsentScanner());
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
  const broken = new PtyWriter({ write: () => { throw new Error('EIO'); } }, new UnsentScanner());
  t.doesNotThrow(() => broken.write('x', 'user'));
});
