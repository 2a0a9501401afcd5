import t from 'tap';
import { spawn } from 'node:child_process';
import { isPidAlive } from '../../../src/lib/pid.js';

t.test('isPidAlive: the kernel\'s answer', async (t) => {
  t.ok(isPidAlive(process.pid), 'this process');
  t.ok(isPidAlive(1), 'pid 1 (EPERM for a user who may not signal it: it exists)');
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const exited = new Promise((r) => child.once('exit', r));
  t.ok(isPidAlive(child.pid!), 'a running child');
  child.kill('SIGKILL');
  await exited;
  t.notOk(isPidAlive(child.pid!), 'the same child once killed and reaped');
  t.notOk(isPidAlive(2 ** 22 + 1), 'above any pid_max');
});
