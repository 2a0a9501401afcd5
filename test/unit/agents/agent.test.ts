// The agent adapter interface (src/agents/agent.ts): the wiring (src/app/agent-run.ts), tracker,
// policy and injector take what is agent-specific from the adapter. A made-up agent ("fake":
// its own record names, /compress, /new, a 1,048,576 window compacting at half) runs through the
// real receiver, tracker and policy; the Claude adapter keeps Claude's rules; old logs read as
// Claude's.
import t from 'tap';
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgentRun } from '../../../src/app/agent-run.js';
import type { AgentAdapter, AgentEvent, HookFact } from '../../../src/agents/agent.js';
import { claudeAdapter } from '../../../src/agents/claude/adapter.js';
import { agentFor } from '../../../src/cli/agents.js';
import { TOKEN_HEADER } from '../../../src/telemetry/receiver.js';
import { makePolicyConfig } from '../../../src/policy/config.js';
import { initialPolicyState, stepPolicy, type PolicyAction, type PolicyInput, type PolicyState } from '../../../src/policy/policy.js';
import { Injector } from '../../../src/policy/injector.js';
import { ContextTracker } from '../../../src/context/tracker.js';
import { CLAUDE_WINDOW_RULES } from '../../../src/claude/window.js';
import type { WindowRules } from '../../../src/context/window.js';
import type { MetricPoint } from '../../../src/telemetry/records.js';
import { resolvePaths } from '../../../src/paths.js';
import { startRunRecording, type RunRecording } from '../../../src/log/run-recording.js';
import { listLive } from '../../../src/registry/live.js';
import { parseLog } from '../../../src/log/reader.js';
import type { SessionLog } from '../../../src/log/session-log.js';
import { recordedAgent, type LogEntry } from '../../../src/log/records.js';
import { programLabel } from '../../../src/log/format.js';
import { reviewSession } from '../../../src/review/model.js';
import { headerLines } from '../../../src/review/text.js';
import type { LogRecord } from '../../../src/telemetry/records.js';
import type { ContextSnapshot } from '../../../src/context/snapshot.js';
import { post } from '../telemetry/http-client.js';

const FAKE_WINDOW = 1_048_576;
const fakeRules: WindowRules = {
  window: () => ({ window: FAKE_WINDOW, source: 'known-model' }),
  autoCompactPoint: (window) => ({ at: Math.floor(window * 0.5), source: 'default' }),
};
const FAKE_COMMANDS = { compact: '/compress', compactTakesInstructions: false, clear: '/new' };

function fakeEvent(rec: LogRecord): AgentEvent {
  const a = rec.attributes;
  const base = { sessionId: typeof a['sid'] === 'string' ? a['sid'] : null, t: Number(a['t'] ?? 0), sequence: null, promptId: null };
  if (rec.body === 'fake.response') {
    return {
      ...base, type: 'api_request', thread: a['role'] === 'main' ? 'main' : 'side', threadGuessed: false, querySource: String(a['role']),
      model: 'fake-1', inputTokens: Number(a['input']), outputTokens: 5, cacheReadTokens: 0, cacheCreationTokens: 0, costUsd: 0, durationMs: null, agentName: null,
    };
  }
  return { ...base, type: 'unknown', name: String(rec.body), attributes: a };
}
function fakeHook(event: string, payload: unknown): HookFact {
  const p = (payload ?? {}) as Record<string, unknown>;
  const sessionId = typeof p['session_id'] === 'string' ? p['session_id'] : null;
  if (event === 'AfterAgent') return { type: 'Stop', sessionId, promptId: null, stopHookActive: false, runningSubagents: 0 };
  if (event === 'SessionStart') return { type: 'SessionStart', sessionId, transcriptPath: null, cwd: null, source: typeof p['source'] === 'string' ? p['source'] : null, model: null };
  return { type: 'unknown', event, payload };
}

function fakeAdapter(configDir: string, seen: { connectedTo?: string }): AgentAdapter {
  return {
    name: 'gemini', displayName: 'Fake',
    setup: () => ({
      env: {}, window: fakeRules, forwardsUserTelemetry: false, warnings: ['fake warning'],
      connect: (to) => {
        seen.connectedTo = to.receiverUrl;
        const file = join(configDir, 'settings.json');
        writeFileSync(file, JSON.stringify({ endpoint: to.receiverUrl }), { mode: 0o600 });
        return { args: ['--fake'], extraEnv: { FAKE_TOKEN: to.token, FAKE_URL: to.receiverUrl }, warnings: [], dispose: () => rmSync(file, { force: true }) };
      },
    }),
    toEvent: fakeEvent, toHook: fakeHook, isMainQuery: (q) => q === 'main',
    commands: FAKE_COMMANDS, readPromptBox: () => ({ kind: 'absent' }), canHoldCompaction: false, holdSettleMs: 0, suspendsItself: false,
  };
}

type Attr = { key: string; value: Record<string, string> };
const attr = (key: string, v: string | number): Attr => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
const logs = (body: string, attributes: Attr[]): string =>
  JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: String(Date.now() * 1e6), body: { stringValue: body }, attributes }] }] }] });

t.test('a made-up agent runs through the wiring: its set-up, its events, its window, its config removed at close', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'guard-agent-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const entries: LogEntry[] = [];
  const log = { append: (r: LogEntry) => { entries.push(r); } } as unknown as SessionLog;
  const recording: RunRecording = { id: 't', paths: resolvePaths({ env: { GUARD_HOME: home } }), log, live: null, warnings: [], finish: () => undefined };
  const seen: { connectedTo?: string } = {};
  const run = await startAgentRun(fakeAdapter(home, seen), { args: ['mine'], cwd: home, env: {}, policy: makePolicyConfig(), color: false, recording, stderr: () => undefined });
  let closed = false;
  t.teardown(() => (closed ? undefined : run.close()));
  t.equal(run.agent.name, 'gemini');
  t.same(run.supervised.args, ['--fake'], 'the adapter\'s args');
  t.ok(run.warnings.includes('fake warning'), 'its warnings');
  const env = run.supervised.extraEnv!;
  t.equal(env['FAKE_URL'], seen.connectedTo, 'connected to the receiver that started');
  t.ok(existsSync(join(home, 'settings.json')), 'its private config exists while it runs');

  const headers = { [TOKEN_HEADER]: env['FAKE_TOKEN']!, 'content-type': 'application/json' };
  const res = await post(env['FAKE_URL']!, '/v1/logs', { headers, body: logs('fake.response', [attr('sid', 'S1'), attr('role', 'main'), attr('input', 42_204), attr('t', Date.now())]) });
  t.equal(res.status, 200);
  const side = await post(env['FAKE_URL']!, '/v1/logs', { headers, body: logs('fake.response', [attr('sid', 'S1'), attr('role', 'title'), attr('input', 900), attr('t', Date.now())]) });
  t.equal(side.status, 200);
  const snap = run.tracker.snapshot();
  t.equal(snap.contextTokens, 42_204, 'the main request\'s context, exactly; the side request does not move it');
  t.equal(snap.contextWindow, FAKE_WINDOW, 'the adapter\'s window');
  t.equal(snap.autoCompactAt, FAKE_WINDOW / 2, 'and its auto-compact point');
  t.same(entries.filter((e) => e.type === 'request').map((e) => e.type === 'request' && [e.thread, e.inputTokens]), [['main', 42_204], ['side', 900]], 'both logged with their threads');
  t.match(entries.find((e) => e.type === 'window'), { contextWindow: FAKE_WINDOW, autoCompactAt: FAKE_WINDOW / 2 });
  t.match(run.supervised.footerSource!.lines(120).join('\n'), /42\.2k/, 'the footer shows it');

  const hook = (event: string, body: object) => post(env['FAKE_URL']!, `/guard/hook/${event}`, { headers, body: JSON.stringify(body) });
  t.equal((await hook('SessionStart', { session_id: 'S2', source: 'startup' })).status, 200);
  t.equal(run.tracker.onScreenId(), 'S2', 'its hooks, read by its adapter, name the conversation on screen');
  t.match(entries.find((e) => e.type === 'claude_session' && e.claudeSessionId === 'S2'), { source: 'startup' });

  await run.close();
  closed = true;
  t.notOk(existsSync(join(home, 'settings.json')), 'the private config is removed at close');
});

// 1M window, point 524,288; the 80% threshold is 419,430.
function snapAt(contextTokens: number): ContextSnapshot {
  return {
    claudeSessionId: 's1', model: 'fake-1', contextTokens, lastOutputTokens: 0, contextWindow: FAKE_WINDOW, windowSource: 'known-model',
    autoCompactAt: FAKE_WINDOW / 2, autoCompactSource: 'default', growthPerTurn: null, growthHigh: null, turnsLeft: null, costUsd: 0, mainRequests: 1, compactions: [],
  };
}
type Untimed = PolicyInput extends infer I ? (I extends PolicyInput ? Omit<I, 't'> : never) : never;
function drive(s0: PolicyState, inputs: Untimed[]): { s: PolicyState; typed: string[] } {
  let s = s0;
  const typed: string[] = [];
  let t = 1_000_000;
  for (const input of inputs) {
    const r = stepPolicy(s, { ...input, t: t++ } as PolicyInput);
    s = r.state;
    typed.push(...r.actions.flatMap((a: PolicyAction) => (a.type === 'type' ? [a.text] : [])));
  }
  return { s, typed };
}
const idle = { type: 'activity', activity: 'idle', hasUnsentInput: false } as const;
const typedOk = { type: 'typed', ok: true } as const;

t.test('the policy types the adapter\'s commands: a handoff ends with /new, a compaction is a bare /compress', async (t) => {
  const handoff = drive(initialPolicyState(makePolicyConfig(), FAKE_COMMANDS), [{ type: 'context', snapshot: snapAt(430_000) }, idle, typedOk]);
  t.match(handoff.typed[0], /^Write a checkpoint note to /, 'the note prompt first');
  const path = handoff.s.notePath!;
  const after = drive(handoff.s, [
    { type: 'hook', hook: { type: 'Stop', sessionId: 's1', promptId: null, stopHookActive: false, runningSubagents: 0 } }, idle,
    { type: 'noteChecked', path, ok: true }, idle, typedOk,
  ]);
  t.same(after.typed, ['/new'], 'then the agent\'s fresh-conversation command');
  t.equal(after.s.phase, 'clearing', 'waiting for its SessionStart');
  const resumed = drive(after.s, [{ type: 'hook', hook: { type: 'SessionStart', sessionId: 's2', transcriptPath: null, cwd: null, source: 'clear', model: null } }, idle]);
  t.match(resumed.typed[0], new RegExp(`^Continue from the checkpoint note in ${path.replace(/\./g, '\\.')}`), 'and the resume prompt');

  const compact = drive(initialPolicyState(makePolicyConfig({ strategy: 'compact' }), FAKE_COMMANDS), [{ type: 'context', snapshot: snapAt(430_000) }, idle]);
  t.same(compact.typed, ['/compress'], 'no instructions after a command that takes none');
});

t.test('an agent without a fresh-conversation command compacts instead of handing over', async (t) => {
  const r = drive(initialPolicyState(makePolicyConfig(), { ...FAKE_COMMANDS, clear: null }), [{ type: 'context', snapshot: snapAt(430_000) }, idle]);
  t.same(r.typed, ['/compress']);
});

t.test('the injector waits for the new conversation after the adapter\'s clear command, not after text that merely starts with it', async (t) => {
  const writes: string[] = [];
  const inj = new Injector({
    write: (d) => { writes.push(d); }, keyBox: () => ({ box: { kind: 'empty' }, modal: null, mayHaveUnsent: false }), screenShowsEmpty: () => undefined, holdUserInput: () => ({ dispose: () => undefined }),
  }, { promptBox: () => ({ kind: 'empty' }) }, '/new');
  t.ok(inj.inject('/newline is not a command').ok);
  t.notOk(inj.waitingForSessionStart);
  t.ok(inj.inject('/new').ok);
  t.ok(inj.waitingForSessionStart, 'after /new: waiting');
  t.match(inj.inject('hello'), { ok: false, reason: 'awaiting-session-start' });
  inj.onHook({ type: 'SessionStart', sessionId: 's2', transcriptPath: null, cwd: null, source: 'clear', model: null });
  t.ok(inj.inject('hello').ok);
});

t.test('the tracker takes the window rules, the main-thread test and the metric reader it is given; it has none of its own', async (t) => {
  const err = (querySource: string): AgentEvent => ({ sessionId: 's', t: 1, sequence: null, promptId: null, type: 'api_error', model: null, error: 'x', statusCode: 400, durationMs: null, querySource });
  const fake = new ContextTracker({ env: {}, windowRules: fakeRules, isMainQuery: (q) => q === 'main' });
  fake.onEvent(err('main'));
  t.equal(fake.snapshot().contextWindow, FAKE_WINDOW);
  t.equal(fake.snapshot().autoCompactAt, FAKE_WINDOW / 2);
  const bare = { env: {}, windowRules: fakeRules, isMainQuery: () => true };
  t.throws(() => new ContextTracker({ env: {} } as unknown as typeof bare), /windowRules must be the agent's rules, got undefined/);
  t.throws(() => new ContextTracker({ env: {}, windowRules: fakeRules } as unknown as typeof bare), /isMainQuery must be a function, got undefined/);
  t.throws(() => new ContextTracker({ ...bare, readMetric: 'x' } as unknown as typeof bare), /readMetric must be a function, got x/);
  // Metric points count only as the agent's reader reads them: without one, none does.
  const point: MetricPoint = { name: 'fake.tokens', unit: '', kind: 'sum', temporality: 'delta', monotonic: true, value: 42, attributes: { conv: 's' }, resource: {}, startTimeUnixNano: '1', timeUnixNano: '2' };
  const unread = new ContextTracker(bare);
  unread.onMetric(point);
  t.equal(unread.snapshot().metricTotals, undefined, 'no reader: no counters');
  const read = new ContextTracker({ ...bare, readMetric: (p) => p.name === 'fake.tokens' ? { counter: 'output', sessionId: 's', mainModel: 'fake-model[1m]' } : null });
  read.onMetric(point);
  read.onMetric({ ...point, name: 'fake.other' });
  t.same(read.snapshotFor('s').metricTotals, { costUsd: 0, input: 0, output: 42, cacheRead: 0, cacheCreation: 0 }, 'the reader\'s counter, its session');
  t.equal(claudeAdapter.readMetric !== undefined, true, 'the Claude adapter reads Claude\'s counters');
  t.equal(claudeAdapter.setup({ args: [], cwd: '/', env: { HOME: '/nonexistent' } }).window, CLAUDE_WINDOW_RULES, 'the Claude adapter gives Claude\'s rules');
});

t.test('the Claude adapter: its commands, its PreCompact hold, its threads', async (t) => {
  t.same(claudeAdapter.commands, { compact: '/compact', compactTakesInstructions: true, clear: '/clear' });
  t.equal(claudeAdapter.canHoldCompaction, true);
  t.equal(claudeAdapter.isMainQuery('repl_main_thread'), true);
  t.equal(claudeAdapter.isMainQuery(null), true, 'none: taken as main');
  t.equal(claudeAdapter.isMainQuery('agent:x'), false);
  t.equal(agentFor('/usr/local/bin/claude')?.name, 'claude');
  t.equal(agentFor('vim'), null, 'any other program: plain supervision');
});

t.test('the agent field: written when known; older logs and entries read as Claude\'s for a claude program', async (t) => {
  t.equal(recordedAgent('codex', 'codex'), 'codex');
  t.equal(recordedAgent(undefined, 'claude'), 'claude', 'an old log of a claude run');
  t.equal(recordedAgent(undefined, '/opt/bin/claude.exe'), 'claude');
  t.equal(recordedAgent(undefined, 'vim'), null, 'plain supervision has none');
  t.equal(programLabel('claude', 'claude'), 'claude', 'said once when the name says it');
  t.equal(programLabel('/opt/wrap/ai', 'gemini'), '/opt/wrap/ai (gemini)');
  t.equal(programLabel('vim', null), 'vim');
  const start = (extra: object): LogEntry => ({ t: '2026-11-30T00:00:00.000Z', type: 'start', id: 'x', pid: 1, program: 'ai', args: [], cwd: '/p', guardVersion: '0', ...extra }) as LogEntry;
  const withAgent = reviewSession({ id: 'x', entries: [start({ agent: 'codex' })], malformed: 0 });
  t.equal(withAgent.header.agent, 'codex');
  t.match(headerLines(withAgent, '/home/u')[0], /^session x {2}ai \(codex\) {2}\/p$/, 'the review shows it');
  const old = reviewSession({ id: 'x', entries: [{ ...start({}), program: 'claude' } as LogEntry], malformed: 0 });
  t.equal(old.header.agent, 'claude');
});

t.test('a run records its agent in the start record and the `guard ls` entry; plain supervision records none', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'guard-agent-rec-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const rec = startRunRecording({ env: { GUARD_HOME: home }, pid: process.pid, program: 'codex', agent: 'codex', loggedArgs: [], cwd: '/p', guardVersion: '0', flushOnExit: false });
  t.match(listLive(join(home, 'live')), [{ id: rec.id, agent: 'codex' }]);
  rec.finish({ code: 0, signal: null });
  t.match(parseLog(readFileSync(join(home, 'sessions', `${rec.id}.jsonl`), 'utf8')).entries[0], { type: 'start', agent: 'codex' });
  const plain = startRunRecording({ env: { GUARD_HOME: home }, pid: process.pid, program: 'vim', agent: null, loggedArgs: [], cwd: '/p', guardVersion: '0', flushOnExit: false });
  t.notOk('agent' in (listLive(join(home, 'live'))[0] ?? {}), 'no agent field for plain supervision');
  plain.finish({ code: 0, signal: null });
  t.notOk('agent' in (parseLog(readFileSync(join(home, 'sessions', `${plain.id}.jsonl`), 'utf8')).entries[0] ?? {}));
});
