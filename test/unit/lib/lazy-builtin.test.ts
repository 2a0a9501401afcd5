// The toolkit's lazily loaded built-ins and random bytes (src/lib/lazy-builtin.ts): a getter
// loads its module once; randomBytes gives the length asked, different bytes each time, and
// refuses a bad length with the value in the message.
import t from 'tap';
import * as nodeCrypto from 'node:crypto';
import { crypto, lazyBuiltin, randomBytes } from '../../../src/lib/lazy-builtin.js';

t.test('a lazy built-in is the module itself, loaded once', async (t) => {
  t.equal(crypto().createHash, nodeCrypto.createHash);
  const os = lazyBuiltin<typeof import('node:os')>('node:os');
  t.equal(os(), os(), 'the same module object each time');
  t.type(os().tmpdir(), 'string');
});

t.test('randomBytes: the length asked, never the same twice, bad lengths refused', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const b = randomBytes(24);
    t.equal(b.length, 24);
    seen.add(b.toString('hex'));
  }
  t.equal(seen.size, 50, '50 draws, 50 different values');
  t.equal(randomBytes(1).length, 1);
  for (const bad of [0, -1, 1.5, NaN]) t.throws(() => randomBytes(bad), new RegExp(`got ${String(bad)}`));
});
