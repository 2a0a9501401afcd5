// Finding the program to run: PATH lookup, paths, not found, not executable (src/supervisor/resolve.ts).
import t from 'tap';
import { resolveProgram, type FileProbe } from '../../../src/supervisor/resolve.js';

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
