import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionLog, FLUSH_DELAY_MS, type LogFs } from '../../../src/log/session-log.js';
import { idTime, parseLog, readSession, listSessions, listSessionIds, resolveSessionId, SessionNotFoundError } from '../../../src/log/reader.js';
import { newSessionId, SESSION_ID_RE } from '../../../src/log/id.js';
import { GuardPathError } from '../../../src/paths.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-log-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** The start of a run; its args come redacted (src/cli/agents.ts loggableArgs) and are written as given. */
const START = { pid: 42, program: 'claude', args: ['--model', 'sonnet', '<redacted>'], cwd: '/proj', guardVersion: '0.1.0' };

t.test('session ids sort by time and carry a random tail', async (t) => {
  const id = newSessionId(Date.UTC(2026, 10, 24, 4, 45, 12), () => 'ab12');
  t.equal(id, '20261124-044512-ab12');
  t.match(newSessionId(Date.now()), SESSION_ID_RE);
  t.ok(newSessionId(Date.UTC(2026, 0, 1)) < newSessionId(Date.UTC(2026, 0, 2)));
  t.equal(idTime(id), '2026-11-24T04:45:12.000Z');
  t.equal(idTime('nonsense'), null);
});

t.test('records are queued, written in one batch, 0600 in a 0700 folder', async (t) => {
  const dir = path.join(tmp(t), 'sessions');
  const timers = new FakeClock();
  let now = Date.UTC(2026, 10, 24, 4, 45, 12);
  const log = SessionLog.open({ sessionsDir: dir, now: () => now, timers, flushOnExit: false, start: START });
  t.match(log.id, /^20261124-044512-[0-9a-f]{4}$/);
  t.equal(log.path, path.join(dir, `${log.id}.jsonl`));
  t.equal(fs.statSync(dir).mode & 0o777, 0o700);
  t.equal(fs.statSync(log.path).mode & 0o777, 0o600);
  now += 1500;
  log.append({ type: 'request', claudeSessionId: 's1', thread: 'main', querySource: 'repl_main_thread', model: 'claude-sonnet-5',
    inputTokens: 10, outputTokens: 20, cacheReadTokens: 1000, cacheCreationTokens: 90, costUsd: 0.01, durationMs: 900, contextTokens: 1100 });
  t.equal(fs.readFileSync(log.path, 'utf8'), '', 'nothing written on the caller\'s stack');
  t.same(timers.delays, [FLUSH_DELAY_MS], 'one timer for a burst');
  timers.runAll();
  const lines = fs.readFileSync(log.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines.length, 2);
  t.same(Object.keys(lines[0]).slice(0, 2), ['t', 'type'], 't and type lead');
  t.same(lines[0], { t: '2026-11-24T04:45:12.000Z', type: 'start', id: log.id, pid: 42, program: 'claude', args: ['--model', 'sonnet', '<redacted>'], cwd: '/proj', guardVersion: '0.1.0' });
  t.equal(lines[1].t, '2026-11-24T04:45:13.500Z');
  t.equal(lines[1].contextTokens, 1100);
  log.append({ type: 'exit', code: 3, signal: null });
  log.close();
  t.equal(timers.count(), 0, 'close cancels the timer');
  t.match(fs.readFileSync(log.path, 'utf8'), /"type":"exit","code":3/, 'close flushes synchronously');
  log.append({ type: 'exit', code: 4, signal: null });
  log.close();
  t.notMatch(fs.readFileSync(log.path, 'utf8'), /"code":4/, 'appends after close are ignored');
});

t.test('prompts and responses never reach the file', async (t) => {
  const dir = tmp(t);
  const log = SessionLog.open({ sessionsDir: dir, flushOnExit: false, timers: new FakeClock() });
  log.append({ type: 'checkpoint', phase: 'armed', strategy: 'handoff', contextTokens: 1, prompt: 'secret words', response: 'more secrets' } as never);
  log.close();
  const text = fs.readFileSync(log.path, 'utf8');
  t.notMatch(text, /secret/);
  t.match(text, /"phase":"armed"/);
});

t.test('a failing write is reported once and never thrown', async (t) => {
  const errors: GuardPathError[] = [];
  const failing: LogFs = {
    openSync: () => 7,
    writeSync: () => { throw Object.assign(new Error('full'), { code: 'ENOSPC' }); },
    closeSync: () => undefined,
  };
  const log = SessionLog.open({ sessionsDir: '/nowhere', id: '20260101-000000-aaaa', fs: failing, timers: new FakeClock(), flushOnExit: false, onError: (e) => errors.push(e) });
  log.append({ type: 'exit', code: 0, signal: null });
  log.flushSync();
  log.append({ type: 'exit', code: 0, signal: null });
  log.flushSync();
  t.equal(errors.length, 1);
  t.match(errors[0]!.message, /\/nowhere\/20260101-000000-aaaa\.jsonl \(ENOSPC\)/);
  t.ok(log.failed);
});

t.test('an unwritable sessions folder is a GuardPathError', async (t) => {
  const root = tmp(t);
  fs.writeFileSync(path.join(root, 'f'), '');
  t.throws(() => SessionLog.open({ sessionsDir: path.join(root, 'f', 'sessions'), flushOnExit: false }), { name: 'GuardPathError' });
  t.throws(() => SessionLog.open({ sessionsDir: '', flushOnExit: false }), /got ""/);
  const dir = path.join(root, 's');
  SessionLog.open({ sessionsDir: dir, id: '20260101-000000-aaaa', flushOnExit: false }).close();
  t.throws(() => SessionLog.open({ sessionsDir: dir, id: '20260101-000000-aaaa', flushOnExit: false }), /create a session log in .* \(EEXIST\)/, 'never reuses a file');
});

t.test('flushes by itself on process exit', async (t) => {
  const dir = tmp(t);
  const script = `
    import { SessionLog } from ${JSON.stringify(path.resolve('src/log/session-log.ts'))};
    const log = SessionLog.open({ sessionsDir: ${JSON.stringify(dir)}, id: '20260101-000000-bbbb' });
    log.append({ type: 'exit', code: 9, signal: null });
    process.exit(9);`;
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  t.equal(r.status, 9, r.stderr);
  t.match(fs.readFileSync(path.join(dir, '20260101-000000-bbbb.jsonl'), 'utf8'), /"code":9/);
});

t.test('malformed lines are skipped with a count', async (t) => {
  const text = [
    '{"t":"2026-01-01T00:00:00.000Z","type":"start","id":"x","pid":1,"program":"sh","args":[],"cwd":"/","guardVersion":"0"}',
    'not json',
    '[1,2]',
    '{"type":"exit"}',
    '',
    '{"t":"2026-01-01T00:00:05.000Z","type":"exit","code":0,"signal":null}',
    '{"t":"2026-01-01T00:00:06.000Z","type":"req',
  ].join('\n');
  const p = parseLog(text);
  t.equal(p.entries.length, 2);
  t.equal(p.malformed, 4);
});

function seed(dir: string, id: string, lines: object[], extra = ''): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${id}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n' + extra);
}

t.test('list, summaries, latest and prefixes', async (t) => {
  const dir = tmp(t);
  const req = (t: string, thread: string, ctx: number | undefined, cost: number): object =>
    ({ t, type: 'request', claudeSessionId: 'c1', thread, querySource: null, model: 'm', inputTokens: 1, outputTokens: 1, cacheReadTokens: 1, cacheCreationTokens: 1, costUsd: cost, durationMs: 1, ...(ctx === undefined ? {} : { contextTokens: ctx }) });
  seed(dir, '20261124-010000-aaaa', [
    { t: '2026-11-24T01:00:00.000Z', type: 'start', id: '20261124-010000-aaaa', pid: 5, program: 'claude', args: [], cwd: '/p', guardVersion: '0' },
    req('2026-11-24T01:00:10.000Z', 'main', 50_000, 0.5),
    req('2026-11-24T01:00:20.000Z', 'side', undefined, 0.01),
    req('2026-11-24T01:00:30.000Z', 'main', 140_000, 1),
    { t: '2026-11-24T01:00:40.000Z', type: 'checkpoint', phase: 'armed', strategy: 'handoff', contextTokens: 140_000 },
    { t: '2026-11-24T01:00:41.000Z', type: 'checkpoint', phase: 'note-written', strategy: 'handoff', contextTokens: 141_000 },
    { t: '2026-11-24T01:00:42.000Z', type: 'claude_session', claudeSessionId: 'c2', source: 'clear', model: null },
    req('2026-11-24T01:00:50.000Z', 'main', 9_000, 0.2),
    { t: '2026-11-24T01:01:00.000Z', type: 'checkpoint', phase: 'armed', strategy: 'handoff', contextTokens: 140_000 },
    { t: '2026-11-24T01:01:10.000Z', type: 'compaction', claudeSessionId: 'c2', trigger: 'manual', success: true, preTokens: 150_000, postTokens: 8_000, error: null },
    { t: '2026-11-24T01:02:00.000Z', type: 'exit', code: 0, signal: null },
  ], 'garbage line\n');
  seed(dir, '20261124-020000-bbbb', [{ t: '2026-11-24T02:00:00.000Z', type: 'start', id: 'b', pid: 6, program: 'sh', args: [], cwd: '/q', guardVersion: '0' }]);
  seed(dir, '20261124-020000-bccc', [{ t: '2026-11-24T02:00:00.000Z', type: 'start', id: 'c', pid: 7, program: 'sh', args: [], cwd: '/q', guardVersion: '0' }]);
  fs.writeFileSync(path.join(dir, 'README.txt'), 'not a log');
  t.same(listSessionIds(dir), ['20261124-020000-bccc', '20261124-020000-bbbb', '20261124-010000-aaaa']);
  t.same(listSessionIds(path.join(dir, 'missing')), []);
  t.equal(resolveSessionId(dir, 'latest'), '20261124-020000-bccc');
  // Started in the same second: the later start is the newer run, whatever the random tails say.
  const same = tmp(t);
  seed(same, '20261124-030000-ffff', [{ t: '2026-11-24T03:00:00.100Z', type: 'start', id: 'f', pid: 8, program: 'sh', args: [], cwd: '/q', guardVersion: '0' }]);
  seed(same, '20261124-030000-0000', [{ t: '2026-11-24T03:00:00.900Z', type: 'start', id: '0', pid: 9, program: 'claude', args: [], cwd: '/q', guardVersion: '0' }]);
  seed(same, '20261124-025959-9999', [{ t: '2026-11-24T02:59:59.999Z', type: 'start', id: '9', pid: 10, program: 'sh', args: [], cwd: '/q', guardVersion: '0' }]);
  fs.writeFileSync(path.join(same, '20261124-030000-8888.jsonl'), 'not json\n');
  t.same(listSessionIds(same), ['20261124-030000-0000', '20261124-030000-ffff', '20261124-030000-8888', '20261124-025959-9999'], 'same second: by the first record\'s time; an unreadable one last in its second');
  t.equal(resolveSessionId(same, 'latest'), '20261124-030000-0000', 'latest: the one that started last');
  t.equal(resolveSessionId(dir, '20261124-01'), '20261124-010000-aaaa');
  t.throws(() => resolveSessionId(dir, '20261124-020000-b'), { name: 'SessionNotFoundError', message: /matches 2 sessions/ });
  t.throws(() => resolveSessionId(dir, 'nope'), new SessionNotFoundError('nope'));
  t.throws(() => resolveSessionId(tmp(t), 'latest'), { name: 'SessionNotFoundError' });
  const list = listSessions(dir);
  t.equal(list.length, 3);
  const a = list[2]!;
  t.match(a, {
    id: '20261124-010000-aaaa', startedAt: '2026-11-24T01:00:00.000Z', durationMs: 120_000, program: 'claude', cwd: '/p', pid: 5,
    exitCode: 0, peakContextTokens: 140_000, requests: 4, mainRequests: 3, checkpoints: 2, compactions: 1, claudeSessions: 2, malformed: 1,
  });
  t.equal(Math.round(a.costUsd * 100), 171);
  t.equal(list[0]!.exitCode, null, 'no exit record yet');
  t.equal(listSessions(dir, { limit: 1 }).length, 1);
  t.throws(() => listSessions(dir, { limit: 0 }), /got 0/);
  const one = readSession(dir, '20261124-01');
  t.equal(one.entries.length, 11);
  t.equal(one.malformed, 1);
});
