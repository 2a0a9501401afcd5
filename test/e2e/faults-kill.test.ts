// guard killed with SIGKILL, and Claude's telemetry turned off: end to end with the real Claude
// Code under bin/guard.js (needs a fresh `npx tsc -p tsconfig.json`). Every process started here
// is ended here (the session's dispose()).
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { startClaudeSession } from '../helpers/claude-session.js';
import { waitForIdle } from '../helpers/claude-env.js';
import { guardLs, gone, programPid, sessionLogRecords } from '../helpers/faults.js';

t.test('guard killed with SIGKILL: guard ls drops it at once, Claude ends on its own, temp files go', async (t) => {
  const runs = 2;
  for (let i = 0; i < runs; i++) {
    const session = await startClaudeSession({ guardArgs: [] });
    t.teardown(() => session.dispose());
    const home = session.env.guardHome;
    const before = guardLs(home);
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
    t.same(guardLs(home), [], 'the next guard ls does not list it (Claude may still be ending)');
    t.notOk(fs.existsSync(tmpFile), 'its leftover temp file was removed');
    t.ok(await gone(claudePid), 'Claude, left without a terminal, ended by itself (SIGHUP from the closed pty)');
  }
});

t.test('no telemetry (turned off in Claude\'s settings): the footer says so, and guard types nothing', async (t) => {
  // The settings' env block wins over the CLAUDE_CODE_ENABLE_TELEMETRY=1 guard puts in Claude's environment.
  // Each request is 150k of a 200k window (auto-compact at 167k): with telemetry, guard would arm
  // (default threshold 80%) at the first turn and type its checkpoint at idle.
  const session = await startClaudeSession({
    guardArgs: [],
    claudeArgs: ['--model', 'claude-sonnet-4-5', '--settings', JSON.stringify({ env: { CLAUDE_CODE_ENABLE_TELEMETRY: '0' } })],
    standin: { padPerRequest: 150_000 },
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

