import t from 'tap';
import { spawnSync } from 'node:child_process';
import { shellQuote } from '../../../src/lib/shell.js';

t.test('shellQuote', async (t) => {
  t.equal(shellQuote('/a/b.js'), '/a/b.js');
  t.equal(shellQuote("/it's here"), `'/it'\\''s here'`);
  // What sh makes of it: the same string back, one word.
  for (const s of ["/it's here", 'a b', '$HOME', '`x`', 'a"b', "''", 'x;y', 'ü ✓']) {
    const r = spawnSync('sh', ['-c', `printf '%s|' ${shellQuote(s)}`], { encoding: 'utf8' });
    t.equal(r.stdout, `${s}|`, JSON.stringify(s));
  }
});
