import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCommand, type DemoIo } from '../../../src/cli/commands/demo.js';

function captureIo(isTTY: boolean): DemoIo & { out: string; err: string } {
  const io = { out: '', err: '', isTTY, stdout: (s: string) => { io.out += s; }, stderr: (s: string) => { io.err += s; } };
  return io;
}

t.test('without Claude Code installed, the demo says how to install it and exits non-zero', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'guard-demo-none-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const io = captureIo(true);
  const code = await demoCommand([], { io, packageRoot: root });
  t.equal(code, 1);
  t.match(io.err, /Claude Code is not installed/);
  t.match(io.err, /npm ci/);
  t.equal(io.out, '');
});

t.test('the demo refuses arguments, naming the bad one', async (t) => {
  const io = captureIo(true);
  t.equal(await demoCommand(['--fast'], { io }), 2);
  t.match(io.err, /"--fast"/);
});

t.test('the demo needs a terminal', async (t) => {
  const io = captureIo(false);
  t.equal(await demoCommand([], { io }), 2);
  t.match(io.err, /needs a terminal/);
});
