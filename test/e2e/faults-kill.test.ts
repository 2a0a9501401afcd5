// guard killed with SIGKILL, and Claude's telemetry turned off (as managed settings would): end
// to end with the real Claude Code under bin/guard.js.
// Every process started here is ended here (the session's dispose()).
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFile, mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { startClaudeSession } from '../helpers/claude-session.js';
import { waitForIdle, GUARD_BIN } from '../helpers/claude-env.js';
import { SWEEP_DELAY_MS } from '../../src/cli/commands/run-session.js';
import { guardLsSync, gone, programPid, sessionLogRecords, telemetryOffClaude } from '../helpers/faults.js';

t.test('guard killed with SIGKILL: guard ls drops it at once, Claude ends on its own, temp files go', async (t) => {
  const runs = 2;
  for (let i = 0; i < runs; i++) {
    const session = await startClaudeSession({ guardArgs: [] });
    t.teardown(() => session.dispose());
    const home = session.env.guardHome;
    const before = guardLsSync(home);
    t.equal(before.length, 1, 'listed while it runs');
    const entry = before[0]!;
    t.equal(entry.guardPid, session.term.proc.pid, 'the entry names guard itself');
    t.type(entry.guardStart, 'string', 'and its start time');
    const claudePid = await programPid(session);
    // What a guard killed in the middle of a write leaves behind.
    const tmpFile = path.join(home, 'live', `${String(entry.id)}.json.${session.term.proc.pid}.tmp`);
    await writeFile(tmpFile, '{');
    session.term.kill('SIGKILL');
    await session.term.exited;
    t.same(guardLsSync(home), [], 'the next guard ls does not list it (Claude may still be ending)');
    t.notOk(fs.existsSync(tmpFile), 'its leftover temp file was removed');
    t.ok(await gone(claudePid), 'Claude, left without a terminal, ended by itself (SIGHUP from the closed pty)');
  }
});

t.test('guard killed with SIGKILL leaves its private folders behind; the next run removes them', async (t) => {
  const session = await startClaudeSession({ guardArgs: [] });
  t.teardown(() => session.dispose());
  const { tmp } = session.env;
  const guardPid = session.term.proc.pid;
  const runFolders = async (): Promise<string[]> => (await readdir(tmp)).filter((f) => /^guard-(hooks|settings)-/.test(f)).sort();
  const killed = await runFolders();
  t.equal(killed.length, 2, 'a hook folder and a settings folder while Claude runs');
  for (const f of killed) t.match(f, new RegExp(`^guard-(hooks|settings)-${guardPid}-[0-9a-z]+-[A-Za-z0-9]{6}$`), 'named with the pid of the guard that made it');
  const claudePid = await programPid(session);
  session.term.kill('SIGKILL');
  await session.term.exited;
  t.ok(await gone(claudePid), 'Claude ended');
  t.same(await runFolders(), killed, 'a guard killed with SIGKILL could not remove them');
  // The next run, of any program, with the same temporary folder: it sweeps a while after its spawn.
  const seconds = Math.ceil(SWEEP_DELAY_MS / 1000) + 4;
  const next = spawnSync(process.execPath, [GUARD_BIN, 'sleep', String(seconds)], { env: session.env.env, encoding: 'utf8', timeout: 60_000 });
  t.equal(next.status, 0, `the next run's status is its program's (${next.stderr})`);
  t.same(await runFolders(), [], 'it removed the killed guard\'s folders, and left none of its own');
});

t.test('no telemetry (turned off as managed settings do): the footer says so, and guard types nothing', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'guard-no-telemetry-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await telemetryOffClaude(dir);
  // Each request is 150k of a 200k window (auto-compact at 167k): with telemetry, guard would arm
  // (default threshold 80%) at the first turn and type its checkpoint at idle.
  const session = await startClaudeSession({
    guardArgs: [],
    claudeArgs: ['--model', 'claude-sonnet-4-5'],
    standin: { padPerRequest: 150_000 },
    extraEnv: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}` },
  });
  t.teardown(() => session.dispose());
  await session.turn('hello');
  const s = await session.term.waitFor('no telemetry from Claude', 30_000);
  const footer = s.split('\n').at(-1) ?? '';
  t.match(footer, /no gauge, no checkpoints/, 'the footer says what is missing');
  t.notMatch(footer, /\$0\.00|0 \/ /, 'no zeros shown as figures');
  await new Promise((r) => setTimeout(r, 3_000));
  await waitForIdle(session.term);
  t.equal(session.api.messages('main').length, 1, 'Claude sent only the user\'s prompt: guard typed nothing');
  t.notOk(sessionLogRecords(session.env.guardHome).some((r) => r.type === 'checkpoint'), 'no checkpoint in the log');
});
