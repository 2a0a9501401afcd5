// guard's own options before the program's name (parseRunArgs, src/cli/commands/run.ts).
import t from 'tap';
import { parseRunArgs } from '../../../../src/cli/commands/run.js';

t.test('parseRunArgs: guard options before the program, the rest untouched', async (t) => {
  t.same(parseRunArgs(['--no-footer', 'ls', '--no-footer', '-l']), { program: 'ls', args: ['--no-footer', '-l'], footer: false });
  t.same(parseRunArgs(['--strategy', 'compact', '--threshold=70', '--window', '200k', 'claude', '-c']),
    { program: 'claude', args: ['-c'], footer: true, strategy: 'compact', threshold: 70, window: 200000 });
  t.same(parseRunArgs(['--', '--weird-name']), { program: '--weird-name', args: [], footer: true });
  t.throws(() => parseRunArgs(['--strategy', 'later', 'x']), /"later"/);
  t.throws(() => parseRunArgs(['--threshold', '150', 'x']), /"150"/);
  t.throws(() => parseRunArgs(['--window', 'big', 'x']), /"big"/);
  t.throws(() => parseRunArgs(['--window']), /needs a value/);
  t.throws(() => parseRunArgs(['--frobnicate', 'x']), /"--frobnicate"/);
  t.throws(() => parseRunArgs([]), /no program/);
});
