// A program that crashes, exits at once, or is not there, under bin/guard.js: a clear message and
// the program's status.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { GUARD_BIN } from '../helpers/claude-env.js';
import { startTerminal } from '../helpers/terminal.js';

t.test('a program that crashes, exits at once, or is not there: a clear message and its status', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-faults-home-'));
  t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  const run = async (args: string[]): Promise<{ status: number; screen: string }> => {
    const g = startTerminal({ file: process.execPath, args: [GUARD_BIN, ...args], env: { ...process.env, GUARD_HOME: home }, cols: 100, rows: 12 });
    t.teardown(() => g.dispose());
    const e = await g.waitExit(30_000);
    return { status: e.exitCode, screen: g.screen() };
  };
  const crash = await run([process.execPath, '-e', 'process.kill(process.pid, "SIGSEGV")']);
  t.equal(crash.status, 139, 'a crash: 128 + SIGSEGV');
  t.match(crash.screen, /guard: .*node.* was killed by SIGSEGV/, 'and says so');
  const early = await run(['sh', '-c', 'echo bad config >&2; exit 3']);
  t.equal(early.status, 3, 'exits at once: its status');
  t.match(early.screen, 'bad config', 'its own message stays on the screen');
  t.match(early.screen, /guard: sh exited with status 3/, 'and guard says it ended');
  const missing = await run(['no-such-program-xyz']);
  t.equal(missing.status, 127);
  t.match(missing.screen, 'guard: no-such-program-xyz: command not found');
  const claudeMissing = spawnSync(process.execPath, [GUARD_BIN, 'claude'], { env: { PATH: '/nonexistent', GUARD_HOME: home }, encoding: 'utf8', timeout: 60_000 });
  t.equal(claudeMissing.status, 127);
  t.match(claudeMissing.stderr, /claude: command not found\. Install Claude Code/);
  // Claude's own --settings file unreadable: guard stops before Claude starts, says why, and the
  // run is in guard's log all the same, ended with that status.
  const env = { ...process.env, GUARD_HOME: home };
  const unreadable = path.join(home, 'no-such-settings.json');
  const badSettings = spawnSync(process.execPath, [GUARD_BIN, 'claude', '--settings', unreadable], { env, encoding: 'utf8', timeout: 60_000 });
  t.equal(badSettings.status, 2);
  t.match(badSettings.stderr, `cannot read the settings file ${unreadable}`);
  const log = spawnSync(process.execPath, [GUARD_BIN, 'log', '--json', 'latest'], { env, encoding: 'utf8', timeout: 60_000 });
  const records = log.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; program?: string; agent?: string; code?: number });
  t.match(records[0], { type: 'start', program: 'claude', agent: 'claude' }, 'the failed run is in guard log');
  t.match(records.at(-1), { type: 'exit', code: 2 }, 'ended with the status guard exited with');
});
