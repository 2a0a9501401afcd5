// The supervisor's pure parts: finding the program, exit statuses, guard's own options.
import t from 'tap';
import { resolveProgram, type FileProbe } from '../../../src/supervisor/resolve.js';
import { exitStatus, programEnd } from '../../../src/supervisor/exit-status.js';
import { parseRunArgs } from '../../../src/cli/commands/run.js';

const files = (m: Record<string, 'exec' | 'noexec'>): FileProbe => ({ probe: (f) => m[f] ?? null });

t.test('resolveProgram: PATH lookup, paths, not found, not executable', async (t) => {
  const env = { PATH: '/a:/b' };
  t.same(resolveProgram('x', env, '/cwd', files({ '/b/x': 'exec' })), { ok: true, file: '/b/x' });
  t.same(resolveProgram('x', env, '/cwd', files({ '/a/x': 'noexec', '/b/x': 'exec' })), { ok: true, file: '/b/x' });
  t.same(resolveProgram('x', env, '/cwd', files({ '/a/x': 'noexec' })), { ok: false, reason: 'not-executable' });
  t.same(resolveProgram('x', env, '/cwd', files({})), { ok: false, reason: 'not-found' });
  t.same(resolveProgram('./bin/x', env, '/cwd', files({ '/cwd/bin/x': 'exec' })), { ok: true, file: '/cwd/bin/x' });
  t.same(resolveProgram('', env, '/cwd', files({})), { ok: false, reason: 'not-found' });
});

t.test('exitStatus: the code, or 128 + the signal', async (t) => {
  t.equal(exitStatus(7, 0), 7);
  t.equal(exitStatus(0, 9), 137);
  t.equal(exitStatus(null, 'SIGTERM'), 143);
  t.equal(exitStatus(null, null), 0);
});

t.test('programEnd: the signal only when one ended the program, never rebuilt from the status', async (t) => {
  t.same(programEnd(130, 0), { status: 130, signal: null }, 'node-pty: exit 130');
  t.same(programEnd(0, 2), { status: 130, signal: 'SIGINT' }, 'node-pty: killed by signal 2');
  t.same(programEnd(130, null), { status: 130, signal: null }, 'child_process: exit 130');
  t.same(programEnd(null, 'SIGINT'), { status: 130, signal: 'SIGINT' }, 'child_process: killed by SIGINT');
  t.same(programEnd(null, null), { status: 0, signal: null });
});

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
