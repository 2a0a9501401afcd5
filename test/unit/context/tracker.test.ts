// The tracker fed the real fixture sessions (decoded with the project's decoders, no sockets),
// plus hand-made event streams for ordering, missing query_source and several sessions.
import t from 'tap';
import { ClaudeTracker } from '../../helpers/claude-tracker.js';
import { toClaudeEvent, type ClaudeEvent } from '../../../src/claude/events.js';
import type { LogRecord, MetricPoint } from '../../../src/telemetry/records.js';
import {
  EXPECTED, VERSIONS, ENCODINGS, telemetryFiles, hookFiles, decodeFile, jsonCostSum, interleave, replayChecker,
  type Version, type Encoding,
} from './fixture-data.js';

function replay(version: Version, encoding: Encoding, withHooks: boolean, tr: ClaudeTracker,
  check?: (e: ClaudeEvent, tr: ClaudeTracker) => void): void {
  const files = telemetryFiles(version, encoding);
  const steps = withHooks ? interleave(files, hookFiles(version)) : files.map((file) => ({ kind: 'telemetry' as const, file }));
  for (const step of steps) {
    if (step.kind === 'hook') { tr.onHook(step.hook.event, step.hook.payload); continue; }
    const batch = decodeFile(step.file);
    if (batch.signal === 'metrics') { for (const p of batch.points) tr.onMetric(p); continue; }
    for (const r of batch.records) {
      const e = toClaudeEvent(r);
      tr.onEvent(e);
      check?.(e, tr);
    }
  }
}

for (const version of VERSIONS) {
  for (const encoding of ENCODINGS) {
    t.test(`${version} ${encoding}: context after each request equals the hand-computed figure`, async (t) => {
      const tr = new ClaudeTracker({ env: {} });
      const check = replayChecker(t, version);
      replay(version, encoding, false, tr, check.onEvent);
      check.finish(tr);
      // No hooks: the window comes from the table of known models, and agrees with the lab.
      t.equal(tr.snapshot().windowSource, 'known-model');
      if (encoding === 'json') t.ok(Math.abs(tr.runCostUsd() - jsonCostSum(version)) < 1e-9, 'cost = sum read straight from the JSON');
    });
  }

  t.test(`${version} json with hooks: window, session and model from the hooks`, async (t) => {
    const tr = new ClaudeTracker({ env: {} });
    const check = replayChecker(t, version);
    replay(version, 'json', true, tr, check.onEvent);
    check.finish(tr);
    const s = tr.snapshot();
    const sessionId = hookFiles(version)[0]?.payload['session_id'];
    t.equal(s.claudeSessionId, sessionId, 'on screen: the SessionStart session');
    // 2.1.330 has a status line relay (context_window_size 1,000,000); 2.1.197 has none.
    t.equal(s.windowSource, version === '2.1.330' ? 'statusline' : 'known-model');
  });
}

t.test('2.1.330: the status line alone gives the 1M window (model unknown to the table)', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  const statusline = hookFiles('2.1.330').find((h) => h.event === 'statusline');
  t.ok(statusline);
  tr.onHook('statusline', { ...statusline?.payload, model: { id: 'claude-unknown-model' } });
  const s = tr.snapshot();
  t.equal(s.contextWindow, 1_000_000);
  t.equal(s.windowSource, 'statusline');
  t.equal(s.autoCompactAt, 967_000);
});

t.test('the [1m] suffix, absent from the fixtures, is honoured from metrics and SessionStart', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  tr.onMetric(point({ 'session.id': 'S', type: 'input', model: 'claude-opus-4-8[1m]', query_source: 'main' }, 10));
  t.equal(tr.snapshot().contextWindow, 1_000_000);
  t.equal(tr.snapshot().windowSource, 'model-suffix');
  const tr2 = new ClaudeTracker({ env: {} });
  tr2.onHook('SessionStart', { session_id: 'S', source: 'startup', model: 'claude-opus-4-8[1m]' });
  t.equal(tr2.snapshot().windowSource, 'model-suffix');
  // The log event names the model without the suffix: same model, so the suffix still applies.
  tr2.onEvent(ev(mainReq('S', 1, 50_000), 'claude-opus-4-8'));
  t.equal(tr2.snapshot().contextWindow, 1_000_000);
  // After a /model switch to another model the old suffix no longer applies.
  tr2.onEvent(ev(mainReq('S', 2, 50_000), 'claude-sonnet-4-5'));
  t.equal(tr2.snapshot().contextWindow, 200_000);
  t.equal(tr2.snapshot().windowSource, 'known-model');
});

t.test('an observed automatic compaction gives the window of an unknown model', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  tr.onEvent(ev(mainReq('S', 1, 900_000), 'claude-mystery'));
  t.equal(tr.snapshot().windowSource, 'default');
  tr.onEvent(toClaudeEvent(rec({ 'event.name': 'compaction', 'session.id': 'S', 'event.sequence': 2, trigger: 'auto', success: 'true', pre_tokens: '967128', post_tokens: '2978' })));
  const s = tr.snapshot();
  t.equal(s.contextWindow, 1_000_000);
  t.equal(s.windowSource, 'observed-compaction');
  t.equal(s.autoCompactAt, 967_000, 'pre_tokens above the default point leaves it');
});

t.test('an automatic compaction below the computed point lowers it', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  tr.onEvent(ev(mainReq('S', 1, 150_000), 'claude-sonnet-5'));
  tr.onEvent(toClaudeEvent(rec({ 'event.name': 'compaction', 'session.id': 'S', 'event.sequence': 2, trigger: 'auto', success: true, pre_tokens: 152_000, post_tokens: 900 })));
  t.equal(tr.snapshot().autoCompactAt, 152_000);
  t.equal(tr.snapshot().autoCompactSource, 'observed-compaction');
  // A failed or manual one says nothing about the point.
  const tr2 = new ClaudeTracker({ env: {} });
  tr2.onEvent(ev(mainReq('S', 1, 150_000), 'claude-sonnet-5'));
  tr2.onEvent(toClaudeEvent(rec({ 'event.name': 'compaction', 'session.id': 'S', 'event.sequence': 2, trigger: 'manual', success: 'true', pre_tokens: 100_000 })));
  tr2.onEvent(toClaudeEvent(rec({ 'event.name': 'compaction', 'session.id': 'S', 'event.sequence': 3, trigger: 'auto', success: 'false', pre_tokens: 90_000, error: 'Not enough messages to compact.' })));
  t.equal(tr2.snapshot().autoCompactAt, 167_000);
  t.same(tr2.snapshot().compactions.map((c) => [c.trigger, c.success, c.error]), [['manual', true, null], ['auto', false, 'Not enough messages to compact.']]);
});

t.test('Claude\'s recovery from a refused prompt (an API error just before) says nothing of the point or the window', async (t) => {
  // As seen on 2.1.330 with claude-sonnet-4-5: the prompt after an 83k request was refused; Claude
  // compacted (trigger auto, pre_tokens the old context), then sent it again.
  const tr = new ClaudeTracker({ env: {} });
  tr.onEvent(ev(mainReq('S', 1, 82_926), 'claude-sonnet-4-5'));
  tr.onEvent(toClaudeEvent(rec({ 'event.name': 'api_error', 'session.id': 'S', 'event.sequence': 2, error: 'prompt is too long: 202999 tokens > 200000 maximum', status_code: 400, query_source: 'repl_main_thread' })));
  tr.onEvent(toClaudeEvent(rec({ 'event.name': 'compaction', 'session.id': 'S', 'event.sequence': 3, trigger: 'auto', success: 'true', pre_tokens: 82_966, post_tokens: 2_000 })));
  t.same([tr.snapshot().autoCompactAt, tr.snapshot().autoCompactSource], [167_000, 'default'], 'the point stays');
  // Nor does a recovery whose estimate was over the window make it look like a 1M window.
  tr.onEvent(ev(mainReq('S', 4, 170_000), 'claude-sonnet-4-5'));
  tr.onEvent(toClaudeEvent(rec({ 'event.name': 'api_error', 'session.id': 'S', 'event.sequence': 5, error: 'prompt is too long', status_code: 400 })));
  tr.onEvent(toClaudeEvent(rec({ 'event.name': 'compaction', 'session.id': 'S', 'event.sequence': 6, trigger: 'auto', success: 'true', pre_tokens: 233_000, post_tokens: 2_000 })));
  t.same([tr.snapshot().contextWindow, tr.snapshot().windowSource], [200_000, 'known-model'], 'the window stays');
  // A sub-agent's error is not the main conversation's; an error older than the newest request is past.
  tr.onEvent(ev(mainReq('S', 7, 150_000), 'claude-sonnet-4-5'));
  tr.onEvent(toClaudeEvent(rec({ 'event.name': 'api_error', 'session.id': 'S', 'event.sequence': 8, status_code: 400, query_source: 'agent:builtin:general-purpose' })));
  tr.onEvent(toClaudeEvent(rec({ 'event.name': 'compaction', 'session.id': 'S', 'event.sequence': 9, trigger: 'auto', success: 'true', pre_tokens: 152_000, post_tokens: 900 })));
  t.same([tr.snapshot().autoCompactAt, tr.snapshot().autoCompactSource], [152_000, 'observed-compaction'], 'an ordinary automatic compaction still lowers it');
});

t.test('the user override beats every source; bad overrides are refused with the value', async (t) => {
  const tr = new ClaudeTracker({ env: {}, windowOverride: 500_000 });
  replay('2.1.330', 'json', true, tr);
  t.equal(tr.snapshot().contextWindow, 500_000);
  t.equal(tr.snapshot().windowSource, 'user');
  t.equal(tr.snapshot().autoCompactAt, 467_000);
  t.throws(() => new ClaudeTracker({ env: {}, windowOverride: -5 }), /windowOverride.*-5/);
  t.throws(() => new ClaudeTracker({ env: {}, windowOverride: 1.5 }), /1\.5/);
  t.throws(() => new ClaudeTracker({ env: null as never }), /env/);
});

t.test('env settings reach the snapshot', async (t) => {
  const tr = new ClaudeTracker({ env: { CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '50' } });
  tr.onEvent(ev(mainReq('S', 1, 10_000), 'claude-sonnet-5'));
  t.equal(tr.snapshot().autoCompactAt, 90_000);
  t.equal(tr.snapshot().autoCompactSource, 'env-pct');
});

t.test('out-of-order batches: the newest main request is the highest sequence, not the last to arrive', async (t) => {
  const files = telemetryFiles('2.1.197', 'json');
  const events = files.flatMap((f) => { const b = decodeFile(f); return b.signal === 'logs' ? b.records.map(toClaudeEvent) : []; });
  const tr = new ClaudeTracker({ env: {} });
  // Deliver the batches in reverse.
  for (const e of [...events].reverse()) tr.onEvent(e);
  const s = tr.snapshot();
  t.equal(s.contextTokens, 30_798);
  t.equal(s.mainRequests, 7);
  t.same(s.compactions.map((c) => c.trigger), ['manual', 'auto'], 'compactions in sequence order');
  t.equal(s.compactedSinceRequest, false);
  t.equal(s.growthPerTurn, 138, 'turns rebuilt in sequence order: growths 100 and 176');
  // Duplicates (an exporter retry) are not counted twice.
  const costBefore = tr.runCostUsd();
  for (const e of events) tr.onEvent(e);
  t.equal(tr.runCostUsd(), costBefore);
  t.equal(tr.snapshot().mainRequests, 7);
});

t.test('growth per turn and turns left on the 2.1.197 session', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  const seen: (number | null)[] = [];
  replay('2.1.197', 'json', false, tr, (e, tr) => {
    if (e.type === 'user_prompt') seen.push(tr.snapshot().growthPerTurn);
  });
  // Prompt 3 follows two sized turns (31,725 then 31,825): one growth of 100.
  t.same(seen.slice(0, 3), [null, null, 100]);
  const s = tr.snapshot();
  t.equal(s.growthPerTurn, 138);
  t.equal(s.growthHigh, 176);
  t.equal(s.turnsLeft, Math.floor((167_000 - 30_798) / 138));
});

t.test('a long session: the forecast reads the recent turns, old turns are dropped, counts stay whole', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  let seq = 0;
  let ctx = 10_000;
  const prompt = (s: number): ClaudeEvent => toClaudeEvent(rec({ 'event.name': 'user_prompt', 'session.id': 'S', 'event.sequence': s }, 1_000 + s));
  for (let i = 0; i < 60; i++) {
    tr.onEvent(prompt(++seq));
    ctx += i < 45 ? 1_000 : 10;
    tr.onEvent(ev(mainReq('S', ++seq, ctx), 'claude-sonnet-5'));
  }
  const s = tr.snapshot();
  t.equal(s.mainRequests, 60);
  t.equal(s.contextTokens, ctx);
  t.equal(s.growthPerTurn, 10, 'the last turns grew by 10');
  // A very old prompt arriving late changes nothing.
  tr.onEvent(prompt(0));
  t.equal(tr.snapshot().growthPerTurn, 10);
});

t.test('missing query_source: a plausible main moves the gauge, a title or sub-agent request does not', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  const req = (seq: number, size: number, extra: Record<string, unknown> = {}): ClaudeEvent =>
    toClaudeEvent(rec({ 'event.name': 'api_request', 'session.id': 'S', 'event.sequence': seq, model: 'claude-sonnet-5',
      input_tokens: String(size), output_tokens: '40', cache_read_tokens: '0', cache_creation_tokens: '0', cost_usd: '0.01', ...extra }));
  tr.onEvent(req(1, 31_725));
  t.equal(tr.snapshot().contextTokens, 31_725, 'first request of the session');
  tr.onEvent(req(2, 400));
  t.equal(tr.snapshot().contextTokens, 31_725, 'a small title request does not move it');
  tr.onEvent(req(3, 15_000, { 'agent.name': 'general-purpose' }));
  t.equal(tr.snapshot().contextTokens, 31_725, 'a request tagged with an agent is a sub-agent');
  tr.onEvent(req(4, 20_000));
  t.equal(tr.snapshot().contextTokens, 31_725, 'an untagged sub-agent request is smaller: not main');
  tr.onEvent(req(5, 31_900));
  t.equal(tr.snapshot().contextTokens, 31_900, 'the main conversation grows');
  tr.onEvent(toClaudeEvent(rec({ 'event.name': 'compaction', 'session.id': 'S', 'event.sequence': 6, trigger: 'auto', success: 'true', pre_tokens: 31_940, post_tokens: 700 })));
  tr.onEvent(req(7, 29_000));
  t.equal(tr.snapshot().contextTokens, 29_000, 'the first request after a compaction is main');
  t.equal(tr.snapshot().mainRequests, 3);
  t.ok(Math.abs(tr.snapshot().costUsd - 0.06) < 1e-9, 'every request is paid for');
});

t.test('several Claude sessions: the on-screen one follows SessionStart; cost covers the run', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  tr.onHook('SessionStart', { session_id: 'A', source: 'startup', model: 'claude-sonnet-5' });
  tr.onEvent(ev(mainReq('A', 1, 120_000, 0.5), 'claude-sonnet-5'));
  t.equal(tr.snapshot().claudeSessionId, 'A');
  tr.onHook('SessionStart', { session_id: 'B', source: 'clear', model: 'claude-sonnet-5' });
  let s = tr.snapshot();
  t.equal(s.claudeSessionId, 'B');
  t.equal(s.contextTokens, null, 'a fresh conversation');
  t.equal(s.costUsd, 0.5, 'the run has cost 0.5 so far');
  t.equal(s.sessionCostUsd, 0);
  tr.onEvent(ev(mainReq('B', 1, 20_000, 0.25), 'claude-sonnet-5'));
  // A late batch of the old session must not take over the screen nor the gauge.
  tr.onEvent(ev(mainReq('A', 2, 130_000, 0.5, 10_000_000), 'claude-sonnet-5'));
  s = tr.snapshot();
  t.equal(s.claudeSessionId, 'B');
  t.equal(s.contextTokens, 20_000);
  t.equal(s.costUsd, 1.25);
  t.equal(tr.runCostUsd(), 1.25);
  t.equal(tr.snapshotFor('A').contextTokens, 130_000);
  t.same(tr.sessionIds().sort(), ['A', 'B']);
  // Without hooks the session with the newest event is on screen.
  const tr2 = new ClaudeTracker({ env: {} });
  tr2.onEvent(ev(mainReq('A', 1, 1000, 0, 1_000), 'm'));
  tr2.onEvent(ev(mainReq('B', 1, 2000, 0, 2_000), 'm'));
  tr2.onEvent(ev(mainReq('A', 2, 1500, 0, 1_500), 'm'));
  t.equal(tr2.snapshot().claudeSessionId, 'B');
  t.equal(new ClaudeTracker({ env: {} }).snapshot().claudeSessionId, null);
});

t.test('hooks with junk payloads are ignored', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  tr.onHook('SessionStart', null);
  tr.onHook('SessionStart', 'x');
  tr.onHook('statusline', { session_id: 'S', context_window: { context_window_size: 'lots' } });
  t.equal(tr.snapshot().windowSource, 'default');
  t.equal(tr.snapshot().contextWindow, 200_000);
});

// ---- helpers

function rec(attributes: Record<string, unknown>, timeMs = 1_000): LogRecord {
  return {
    timeUnixNano: String(BigInt(timeMs) * 1_000_000n), observedTimeUnixNano: '0', severityText: '',
    body: `claude_code.${String(attributes['event.name'])}`, attributes: attributes as LogRecord['attributes'],
    resource: {}, scopeName: 'com.anthropic.claude_code.events', scopeVersion: 'x',
  };
}

function mainReq(session: string, seq: number, context: number, cost = 0.01, timeMs = 1_000 + seq): LogRecord {
  return rec({
    'event.name': 'api_request', 'session.id': session, 'event.sequence': seq, query_source: 'repl_main_thread',
    input_tokens: context, output_tokens: 40, cache_read_tokens: 0, cache_creation_tokens: 0, cost_usd: cost,
  }, timeMs);
}

function ev(r: LogRecord, model: string): ClaudeEvent {
  return toClaudeEvent({ ...r, attributes: { ...r.attributes, model } });
}

function point(attributes: Record<string, unknown>, value: number): MetricPoint {
  return {
    name: 'claude_code.token.usage', unit: 'tokens', kind: 'sum', temporality: 'delta', monotonic: true, value,
    attributes: attributes as MetricPoint['attributes'], resource: {}, startTimeUnixNano: '1', timeUnixNano: '2',
  };
}

t.test('onEvent says whether an event was new and whether a request counted as main', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  const req = (seq: number, size: number, source?: string): ClaudeEvent =>
    toClaudeEvent(rec({ 'event.name': 'api_request', 'session.id': 'S', 'event.sequence': seq, model: 'claude-sonnet-5',
      input_tokens: size, output_tokens: 40, cache_read_tokens: 0, cache_creation_tokens: 0, cost_usd: 0.01,
      ...(source ? { query_source: source } : {}) }));
  t.same(tr.onEvent(req(1, 30_000, 'repl_main_thread')), { duplicate: false, countedAsMain: true });
  t.same(tr.onEvent(req(1, 30_000, 'repl_main_thread')), { duplicate: true, countedAsMain: false }, 'an exporter retry');
  t.same(tr.onEvent(req(2, 500, 'generate_session_title')), { duplicate: false, countedAsMain: false });
  t.same(tr.onEvent(req(3, 400)), { duplicate: false, countedAsMain: false }, 'a guessed main request the gauge rejected');
  t.same(tr.onEvent(req(4, 31_000)), { duplicate: false, countedAsMain: true }, 'a guessed main request the gauge took');
  t.equal(tr.snapshot().costUsd, 0.04, 'the retry was not paid twice');
});

t.test('after /clear the new conversation keeps the window the run already learned', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  tr.onHook('SessionStart', { session_id: 'A', source: 'startup', model: 'mystery-model' });
  tr.onHook('statusline', { session_id: 'A', context_window: { context_window_size: 500_000 }, model: { id: 'mystery-model' } });
  t.same([tr.snapshot().contextWindow, tr.snapshot().windowSource], [500_000, 'statusline']);
  tr.onHook('SessionStart', { session_id: 'B', source: 'clear' });
  const s = tr.snapshot();
  t.equal(s.claudeSessionId, 'B');
  t.same([s.contextWindow, s.windowSource, s.autoCompactAt], [500_000, 'statusline', 467_000], 'not the 200k default');
  t.equal(new ClaudeTracker({ env: {} }).snapshot().windowSource, 'default', 'a run that learned nothing still says default');
});

t.test('a nested claude (its own session, telemetry only) never informs the conversation guard follows', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  const compaction = (session: string, seq: number, pre: number): ClaudeEvent => toClaudeEvent(rec({
    'event.name': 'compaction', 'session.id': session, 'event.sequence': seq, trigger: 'auto', success: true, pre_tokens: pre, post_tokens: 900,
  }, 5_000 + seq));
  tr.onHook('SessionStart', { session_id: 'OUTER', source: 'startup', model: 'claude-sonnet-4-5' });
  t.ok(tr.isFollowed('OUTER'));
  t.notOk(tr.isFollowed('NESTED'), 'a session no guard hook named is foreign once hooks arrive');
  // Interleaved: the outer grows, a nested `claude -p` sends bigger, newer requests and compacts.
  tr.onEvent(ev(mainReq('OUTER', 1, 60_000), 'claude-sonnet-4-5'));
  tr.onEvent(ev(mainReq('NESTED', 1, 150_000, 0.5, 9_000), 'claude-haiku-4-5'));
  tr.onEvent(ev(mainReq('OUTER', 2, 70_000), 'claude-sonnet-4-5'));
  tr.onEvent(compaction('NESTED', 2, 120_000));
  tr.onEvent(ev(mainReq('NESTED', 3, 3_000, 0.01, 9_500), 'claude-haiku-4-5'));
  const s = tr.snapshot();
  t.equal(s.claudeSessionId, 'OUTER');
  t.equal(s.contextTokens, 70_000, 'the gauge is the outer conversation\'s');
  t.equal(s.mainRequests, 2);
  t.same(s.compactions, [], 'the nested compaction is not the outer\'s');
  t.equal(s.compactedSinceRequest, false);
  t.equal(s.autoCompactAt, 200_000 - 33_000, 'the nested auto compaction does not lower the outer\'s point');
  t.equal(s.autoCompactSource === 'observed-compaction', false);
  t.ok(Math.abs(s.costUsd - 0.53) < 1e-9, 'the run\'s cost includes what the nested claude spent');
  t.ok(Math.abs((s.sessionCostUsd ?? NaN) - 0.02) < 1e-9, 'the conversation\'s own cost does not');
  t.same(tr.sessionIds().sort(), ['NESTED', 'OUTER']);
});

t.test('/clear: the followed conversation changes through guard\'s SessionStart hook, not through telemetry', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  tr.onHook('SessionStart', { session_id: 'A', source: 'startup', model: 'claude-sonnet-4-5' });
  tr.onEvent(ev(mainReq('A', 1, 90_000), 'claude-sonnet-4-5'));
  // Telemetry of an unknown session, newer than everything: not followed, does not take the screen.
  tr.onEvent(ev(mainReq('X', 1, 5_000, 0.01, 50_000), 'claude-sonnet-4-5'));
  t.equal(tr.snapshot().claudeSessionId, 'A');
  // The user types /clear in the outer Claude: its hook names the new conversation.
  tr.onHook('SessionStart', { session_id: 'B', source: 'clear', model: 'claude-sonnet-4-5' });
  t.ok(tr.isFollowed('B'));
  t.ok(tr.isFollowed('A'), 'the conversation before /clear stays the run\'s own');
  t.notOk(tr.isFollowed('X'));
  tr.onEvent(ev(mainReq('B', 1, 12_000, 0.01, 60_000), 'claude-sonnet-4-5'));
  tr.onEvent(ev(mainReq('X', 2, 40_000, 0.01, 70_000), 'claude-sonnet-4-5'));
  t.equal(tr.snapshot().claudeSessionId, 'B');
  t.equal(tr.snapshot().contextTokens, 12_000);
});

t.test('without any hook every session counts as followed (nothing to tell them apart)', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  tr.onEvent(ev(mainReq('A', 1, 90_000), 'claude-sonnet-4-5'));
  t.ok(tr.isFollowed('A'));
  t.ok(tr.isFollowed('B'));
  t.ok(tr.isFollowed(null), 'events without a session id (older versions) always count');
  // A hook of the session on screen makes the rest foreign, and the screen falls back to it.
  tr.onEvent(ev(mainReq('N', 1, 5_000, 0.01, 9_000), 'claude-sonnet-4-5'));
  t.equal(tr.snapshot().claudeSessionId, 'N', 'newest event wins while nothing tells them apart');
  tr.onHook('Stop', { session_id: 'A' });
  t.notOk(tr.isFollowed('N'));
  t.equal(tr.snapshot().claudeSessionId, 'A', 'the hooked session, even without a SessionStart');
});

t.test('a resumed conversation: the status line\'s current_usage is the gauge until this run\'s first main request', async (t) => {
  // As Claude 2.1.330 sent it (bench runs, 2026-12-02): `claude --continue` of a conversation whose
  // newest main request was 142,995 tokens (7,150 input, 21,449 cache creation, 114,396 cache read).
  const usage = (input: number, creation: number, read: number): Record<string, unknown> => ({
    session_id: 'R', model: { id: 'claude-haiku-4-5' },
    context_window: { context_window_size: 200_000, current_usage: { input_tokens: input, output_tokens: 40, cache_creation_input_tokens: creation, cache_read_input_tokens: read } },
  });
  const tr = new ClaudeTracker({ env: {} });
  tr.onHook('SessionStart', { session_id: 'R', source: 'resume', model: 'claude-haiku-4-5' });
  t.equal(tr.snapshot().contextTokens, null, 'nothing known before the status line');
  tr.onHook('statusline', usage(7_150, 21_449, 114_396));
  let s = tr.snapshot();
  t.same([s.contextTokens, s.lastOutputTokens, s.mainRequests, s.contextAt, s.resumed], [142_995, 40, 0, null, true], 'input + cache creation + cache read, before any request of this run, marked resumed');
  tr.onEvent(ev(mainReq('R', 1, 143_064), 'claude-haiku-4-5'));
  s = tr.snapshot();
  t.same([s.contextTokens, s.resumed], [143_064, undefined], 'the first main request of the run takes over');
  tr.onHook('statusline', usage(1, 2, 3));
  t.equal(tr.snapshot().contextTokens, 143_064, 'after it, a status line never moves the gauge');
  // A fresh or cleared conversation: the status line carries no usage (null), and nothing is carried over.
  tr.onHook('SessionStart', { session_id: 'C', source: 'clear' });
  tr.onHook('statusline', { session_id: 'C', context_window: { context_window_size: 200_000, current_usage: null } });
  s = tr.snapshot();
  t.same([s.claudeSessionId, s.contextTokens], ['C', null], 'the cleared conversation starts unknown');
  t.equal(tr.snapshotFor('R').contextTokens, 143_064, 'the other conversation keeps its own');
  // Only for a conversation a SessionStart named resumed: a fresh one's status line (telemetry turned
  // off, say) never makes a gauge of its own.
  const fresh = new ClaudeTracker({ env: {} });
  fresh.onHook('SessionStart', { session_id: 'R', source: 'startup' });
  fresh.onHook('statusline', usage(7_150, 21_449, 114_396));
  t.same([fresh.snapshot().contextTokens, fresh.snapshot().resumed], [null, undefined], 'not resumed: not shown');
  const zero = new ClaudeTracker({ env: {} });
  zero.onHook('SessionStart', { session_id: 'Z', source: 'resume' });
  zero.onHook('statusline', { session_id: 'Z', context_window: { current_usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } });
  t.equal(zero.snapshot().contextTokens, null, 'an all-zero usage is no figure');
});
