// The one writer to the program's pty: origins, the user-input event, unsent input, a closed pty
// (src/writer/writer.ts).
import t from 'tap';
import { MAX_USER_HOLD_MS, PtyWriter } from '../../../src/writer/writer.js';
import { UnsentScanner } from '../../../src/input/unsent.js';
import { FakeClock } from '../../helpers/fake-clock.js';

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

t.test('writer: the user\'s writes held back while guard types in two parts come after, in order, none lost', async (t) => {
  const sent: string[] = [];
  const clock = new FakeClock();
  const w = new PtyWriter({ write: (d) => { sent.push(String(d)); } }, new UnsentScanner(), () => clock.now(), clock);
  const users: string[] = [];
  w.onUserInput((u) => users.push(u.data));
  const hold = w.holdUserInput();
  w.write('/compress', 'guard');
  w.write('a', 'user');
  w.write('bc', 'user');
  t.same(sent, ['/compress'], 'the user\'s keys wait');
  t.equal(w.hasUnsentInput(), false, 'not yet in the box');
  w.write('\r', 'guard');
  hold.dispose();
  t.same(sent, ['/compress', '\r', 'a', 'bc'], 'guard\'s Enter first, then the user\'s keys in order');
  t.same(users, ['a', 'bc'], 'each reported as the user\'s once written');
  t.equal(w.hasUnsentInput(), true, 'and now the box has them');
  hold.dispose();
  t.same(sent, ['/compress', '\r', 'a', 'bc'], 'a second dispose writes nothing again');
});

t.test('writer: a hold nobody releases ends by itself after MAX_USER_HOLD_MS', async (t) => {
  const sent: string[] = [];
  const clock = new FakeClock();
  const w = new PtyWriter({ write: (d) => { sent.push(String(d)); } }, new UnsentScanner(), () => clock.now(), clock);
  w.holdUserInput();
  w.write('x', 'user');
  clock.advance(MAX_USER_HOLD_MS - 1);
  t.same(sent, [], 'still held just before the cap');
  clock.advance(1);
  t.same(sent, ['x'], 'the keys flow at the cap');
  w.write('y', 'user');
  t.same(sent, ['x', 'y'], 'and later keys go straight through');
});
