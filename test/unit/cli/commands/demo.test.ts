import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCommand, type DemoIo } from '../../../../src/cli/commands/demo.js';
import { isolatedClaudeEnv, offlineClaudeEnv } from '../../../../src/demo/offline-claude.js';

function captureIo(isTTY: boolean): DemoIo & { out: string; err: string } {
  const io = { out: '', err: '', isTTY, stdout: (s: string) => { io.out += s; }, stderr: (s: string) => { io.err += s; } };
  return io;
}

t.test('without Claude Code on the PATH, the demo says how to install it and exits non-zero', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'guard-demo-none-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const io = captureIo(true);
  const code = await demoCommand([], { io, env: { PATH: root } });
  t.equal(code, 1);
  t.match(io.err, /Claude Code \(`claude`\) is not on your PATH/);
  t.match(io.err, /npm install -g @anthropic-ai\/claude-code/);
  t.equal(io.out, '');
});

t.test('guard demo --help prints its help on stdout and exits 0', async (t) => {
  for (const flag of ['--help', '-h']) {
    const io = captureIo(false);
    t.equal(await demoCommand([flag], { io, env: { PATH: '' } }), 0);
    t.match(io.out, /^usage: guard demo\n/);
    t.match(io.out, /throw-away HOME/);
    t.equal(io.err, '');
  }
});

t.test("the demo's Claude sees none of the user's Claude, Anthropic or OpenTelemetry variables", async (t) => {
  const env = isolatedClaudeEnv({
    PATH: '/usr/bin', TERM: 'xterm', GUARD_HOME: '/g', HOME: '/home/me',
    CLAUDE_CONFIG_DIR: '/home/me/.claude', ANTHROPIC_AUTH_TOKEN: 'secret', ANTHROPIC_MODEL: 'opus',
    CLAUDE_CODE_USE_BEDROCK: '1', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector', UNSET: undefined,
  }, 'http://127.0.0.1:9', '/tmp/demo-home');
  t.same(env, {
    PATH: '/usr/bin', TERM: 'xterm', GUARD_HOME: '/g',
    ...offlineClaudeEnv('http://127.0.0.1:9', '/tmp/demo-home'),
  });
  t.equal(env.HOME, '/tmp/demo-home');
});

t.test('the demo refuses arguments, naming the bad one', async (t) => {
  const io = captureIo(true);
  t.equal(await demoCommand(['--fast'], { io, env: { PATH: '' } }), 2);
  t.match(io.err, /"--fast"/);
});

t.test('the demo needs a terminal', async (t) => {
  const io = captureIo(false);
  t.equal(await demoCommand([], { io, env: { PATH: join(import.meta.dirname, '..', '..', '..', '..', 'node_modules', '.bin') } }), 2);
  t.match(io.err, /needs a terminal/);
});
