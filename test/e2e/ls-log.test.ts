// `guard ls --json` and `guard log` end to end through bin/guard.js (on the build tap's `before`
// makes), against a temporary GUARD_HOME seeded by guard's own SessionLog and live registry.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SessionLog } from '../../src/log/session-log.js';
import { LiveRegistration } from '../../src/registry/live.js';
import { resolvePaths } from '../../src/paths.js';
import { loggableArgs } from '../../src/cli/agents.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GUARD = path.join(ROOT, 'bin/guard.js');

function guard(home: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, GUARD_HOME: home, TZ: 'UTC', NO_COLOR: '1' };
  // Generous: the machine running the suite may be busy; a hang still ends the test.
  const r = spawnSync(process.execPath, [GUARD, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`guard ${args.join(' ')}: ${r.error.message}; stderr: ${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.before(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist/guard.cjs'))) throw new Error('build first: npm run build');
});

function tmpHome(t: { teardown(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-e2e-home-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

t.test('guard ls: empty, then the running sessions with the contract fields; dead ones cleaned up', async (t) => {
  const home = tmpHome(t);
  const empty = guard(home, ['ls']);
  t.equal(empty.status, 0, empty.stderr);
  t.equal(empty.stdout, 'no guarded sessions running\n');
  t.same(JSON.parse(guard(home, ['ls', '--json']).stdout), []);

  const { liveDir } = resolvePaths({ env: { GUARD_HOME: home } });
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  const gone = new Promise((r) => child.once('exit', r));
  const mine = LiveRegistration.create({ liveDir, entry: {
    id: '20261124-050000-aaaa', pid: process.pid, program: 'claude', cwd: '/work/proj', claudeSessionId: 'c-1', model: 'claude-sonnet-5',
    contextTokens: null, contextWindow: 200_000, autoCompactAt: 167_000, costUsd: 0, state: 'starting', logPath: null, startedAt: '2026-11-24T05:00:00.000Z',
  } });
  t.teardown(() => mine.remove());
  mine.update({ contextTokens: 121_400, costUsd: 1.234, state: 'idle' });
  mine.flush();
  const other = LiveRegistration.create({ liveDir, entry: {
    id: '20261124-050100-bbbb', pid: child.pid!, program: 'sh', cwd: '/tmp', claudeSessionId: null, model: null,
    contextTokens: null, contextWindow: null, autoCompactAt: null, costUsd: 0, state: 'running', logPath: null, startedAt: '2026-11-24T05:01:00.000Z',
  } });

  const r = guard(home, ['ls', '--json']);
  t.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  t.same(list.map((e) => e.id), ['20261124-050000-aaaa', '20261124-050100-bbbb']);
  t.match(list[0], {
    id: '20261124-050000-aaaa', pid: process.pid, program: 'claude', cwd: '/work/proj', claudeSessionId: 'c-1', model: 'claude-sonnet-5',
    contextTokens: 121_400, contextWindow: 200_000, autoCompactAt: 167_000, costUsd: 1.234, state: 'idle',
  });
  const human = guard(home, ['ls']);
  t.match(human.stdout, /^ID\s+PID\s+PROGRAM\s+STATE\s+CONTEXT\s+COST\s+CWD\n/);
  t.match(human.stdout, new RegExp(`20261124-050000-aaaa  ${process.pid}\\s+claude\\s+idle\\s+121\\.4k / 167k \\(73%\\)  \\$1\\.23\\s+/work/proj`));

  child.kill('SIGKILL');
  await gone;
  const after = JSON.parse(guard(home, ['ls', '--json']).stdout) as Array<Record<string, unknown>>;
  t.same(after.map((e) => e.id), ['20261124-050000-aaaa'], 'the dead guard is not listed');
  t.notOk(fs.existsSync(other.path), 'and its entry is deleted');
  t.equal(guard(home, ['ls', '--bogus']).status, 2);
});

t.test('guard log --json latest prints the run\'s records per the contract; list and timeline', async (t) => {
  const home = tmpHome(t);
  const none = guard(home, ['log']);
  t.equal(none.status, 0);
  t.match(none.stdout, /^no sessions recorded yet/);
  const miss = guard(home, ['log', 'latest']);
  t.equal(miss.status, 1);
  t.match(miss.stderr, /no session "latest"/);

  const { sessionsDir } = resolvePaths({ env: { GUARD_HOME: home } });
  let now = Date.UTC(2026, 10, 24, 5, 0, 0);
  const clock = () => now;
  const older = SessionLog.open({ sessionsDir, id: '20261124-040000-0000', now: clock, flushOnExit: false, start: { pid: 1, program: 'sh', args: ['-c', 'exit 7'], cwd: '/tmp', guardVersion: '0.1.0' } });
  older.append({ type: 'exit', code: 7, signal: null });
  older.close();
  // Its args as a run hands them to the log (src/cli/commands/run.ts: loggableArgs).
  const log = SessionLog.open({ sessionsDir, now: clock, flushOnExit: false, start: { pid: 4242, program: 'claude', args: loggableArgs('claude', ['--model', 'sonnet', 'secret prompt']), cwd: '/work/proj', guardVersion: '0.1.0' } });
  const req = (thread: 'main' | 'side' | 'subagent' | 'compact', input: number, cacheRead: number, ctx?: number) => ({
    type: 'request' as const, claudeSessionId: 'c-1', thread, querySource: thread === 'main' ? 'repl_main_thread' : 'x', model: 'claude-sonnet-5',
    inputTokens: input, outputTokens: 500, cacheReadTokens: cacheRead, cacheCreationTokens: 100, costUsd: 0.25, durationMs: 1200,
    ...(ctx === undefined ? {} : { contextTokens: ctx }),
  });
  log.append({ type: 'claude_session', claudeSessionId: 'c-1', source: 'startup', model: 'claude-sonnet-5' });
  log.append({ type: 'window', contextWindow: 200_000, source: 'known-model', autoCompactAt: 167_000 });
  now += 5000; log.append(req('main', 1000, 20_000, 21_100));
  now += 1000; log.append(req('side', 300, 0));
  now += 5000; log.append(req('subagent', 5000, 0));
  now += 5000; log.append(req('main', 2000, 130_000, 132_100));
  now += 1000; log.append({ type: 'checkpoint', phase: 'armed', strategy: 'handoff', contextTokens: 132_100 });
  now += 1000; log.append({ type: 'checkpoint', phase: 'done', strategy: 'handoff', contextTokens: 132_100, notePath: '.guard/checkpoints/x.md' });
  now += 1000; log.append({ type: 'compaction', claudeSessionId: 'c-1', trigger: 'manual', success: true, preTokens: 132_600, postTokens: 9_000, error: null });
  now += 5000; log.append(req('main', 500, 9_000, 9_600));
  now += 1000; log.append({ type: 'exit', code: 0, signal: null });
  log.close();
  fs.appendFileSync(log.path, '{"t": "broken\n');

  const r = guard(home, ['log', '--json', 'latest']);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /skipped 1 line that was not a whole record/);
  const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const rec of recs) {
    t.type(rec.t, 'string');
    t.equal(new Date(rec.t as string).toISOString(), rec.t, 't is ISO 8601');
    t.type(rec.type, 'string');
  }
  t.same(recs.map((x) => x.type), ['start', 'claude_session', 'window', 'request', 'request', 'request', 'request', 'checkpoint', 'checkpoint', 'compaction', 'request', 'exit']);
  t.notMatch(r.stdout, /secret prompt/, 'the prompt in argv is not stored');
  const mains = recs.filter((x) => x.type === 'request' && x.thread === 'main');
  t.same(mains.map((x) => x.contextTokens), [21_100, 132_100, 9_600]);
  for (const m of recs.filter((x) => x.type === 'request')) {
    for (const k of ['thread', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheCreationTokens', 'costUsd']) t.ok(k in m, `request has ${k}`);
  }
  t.notOk('contextTokens' in recs[4]!, 'no contextTokens on a side request');
  t.match(recs.find((x) => x.type === 'compaction'), { trigger: 'manual', preTokens: 132_600, postTokens: 9_000 });
  t.match(recs.find((x) => x.type === 'checkpoint'), { phase: 'armed', strategy: 'handoff', contextTokens: 132_100 });
  t.match(recs[recs.length - 1], { type: 'exit', code: 0 });

  const byPrefix = guard(home, ['log', '--json', log.id.slice(0, 17)]);
  t.equal(byPrefix.stdout, r.stdout, 'a unique prefix finds the same run');
  t.equal(guard(home, ['log', 'nope']).status, 1);

  const list = guard(home, ['log', '--json']);
  const sums = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(sums.map((s) => s.id), [log.id, '20261124-040000-0000']);
  t.match(sums[0], { t: '2026-11-24T05:00:00.000Z', type: 'session' }, 'list lines carry t and type too');
  t.match(sums[0], { program: 'claude', cwd: '/work/proj', exitCode: 0, peakContextTokens: 132_100, checkpoints: 1, compactions: 1, costUsd: 1.25, durationMs: 25_000, malformed: 1, turns: 3, model: 'claude-sonnet-5' });
  t.match(sums[1], { program: 'sh', exitCode: 7 });
  const table = guard(home, ['log']).stdout;
  t.match(table, /^ID\s+WHEN\s+HOW LONG\s+FOLDER\s+MODEL\s+PEAK FILL\s+CHECKPOINTS\s+MISSES\s+COST\n/);
  t.match(table, new RegExp(`${log.id}\\s+2026-11-24 05:00\\s+25s\\s+/work/proj\\s+sonnet-5\\s+79%\\s+1\\s+0\\s+\\$1\\.25\n`));

  // Not a terminal: the text chart, the turn table with the checkpoint after its turn, the totals.
  const tl = guard(home, ['log', 'latest']);
  t.equal(tl.status, 0);
  t.match(tl.stdout, /context  ▂▇▁  \(scale: auto-compact point 167k\)\n {10}\*\n/, 'the curve, and the checkpoint and compaction both at turn 2');
  t.match(tl.stdout, /\n2 +05:00:16 +132\.1k +\+111k +79% +\$0\.25\n +05:00:17 {2}── checkpoint: handoff done\n +05:00:19 {2}── compaction \(manual\) 132\.6k → 9k\n3 +05:00:24 +9\.6k +\+600 +6% +\$0\.25\n/);
  t.match(tl.stdout, /cost \$1\.25 \(main \$0\.75, other \$0\.50\)/);
  t.match(tl.stdout, /\(skipped 1 line that was not a whole record/);
});

t.test('a run removes the session logs no run wrote to for keepLogsDays (90 by default), in the background; 0 keeps them', async (t) => {
  const home = tmpHome(t);
  const { sessionsDir } = resolvePaths({ env: { GUARD_HOME: home } });
  const DAY = 86_400_000;
  /** A finished run's log, last written `days` ago. */
  const seed = (id: string, days: number): string => {
    const when = Date.now() - days * DAY;
    const log = SessionLog.open({ sessionsDir, id, now: () => when, flushOnExit: false, start: { pid: 1, program: 'sh', args: [], cwd: '/tmp', guardVersion: '0.1.0' } });
    log.append({ type: 'exit', code: 0, signal: null });
    log.close();
    fs.utimesSync(log.path, new Date(when), new Date(when));
    return log.path;
  };
  const old = seed('20260801-100000-0a0a', 91);
  const recent = seed('20261001-100000-0b0b', 60);
  /** `guard log --json`: one session a line, newest first. */
  const listed = (): { id: string; program: string }[] => guard(home, ['log', '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; program: string });
  t.same(listed().map((r) => r.id), ['20261001-100000-0b0b', '20260801-100000-0a0a'], 'both listed first');
  // A run of any program: the logs are pruned 5 s after its spawn (SWEEP_DELAY_MS), while it runs.
  const run = guard(home, ['sleep', '7']);
  t.equal(run.status, 0, run.stderr);
  t.notOk(fs.existsSync(old), 'the log older than 90 days is gone');
  t.ok(fs.existsSync(recent), 'the 60-day-old log stays');
  const ids = listed();
  t.equal(ids.length, 2, 'guard log lists this run and the recent one');
  t.equal(ids[1]?.id, '20261001-100000-0b0b');
  t.equal(ids[0]?.program, 'sleep');

  t.equal(guard(home, ['config', 'set', 'keepLogsDays', '0']).status, 0);
  const ancient = seed('20250101-100000-0c0c', 700);
  const kept = guard(home, ['sleep', '7']);
  t.equal(kept.status, 0, kept.stderr);
  t.ok(fs.existsSync(ancient), 'keepLogsDays 0: a 700-day-old log stays');
  t.equal(guard(home, ['config', 'set', 'keepLogsDays', 'soon']).stderr.trim(), 'guard config: keepLogsDays must be a whole number of days from 0 to 36500; got "soon"');
});
