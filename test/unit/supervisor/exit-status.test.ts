// How the program ended and guard's exit status for it (src/supervisor/exit-status.ts).
import t from 'tap';
import { exitStatus, programEnd } from '../../../src/supervisor/exit-status.js';

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
