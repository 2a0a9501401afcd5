// Codex CLI's real telemetry (fixtures/codex-0.171.0, captured from 0.171.0) replayed over HTTP
// through guard's real receiver, typed by src/codex/events.ts, and fed with the captured hooks to
// the context tracker: the exact token figures of each request, the title thread kept apart, and
// the gauge showing the newest main request's input_token_count (cached tokens not added again).
import t, { type Test } from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startReceiver, TOKEN_HEADER } from '../../../src/telemetry/receiver.js';
import type { LogRecord } from '../../../src/telemetry/records.js';
import { toCodexEvent } from '../../../src/codex/events.js';
import { ContextTracker } from '../../../src/context/tracker.js';
import { codexAdapter } from '../../../src/agents/codex/adapter.js';
import type { ApiRequestEvent } from '../../../src/events/events.js';
import { post } from '../telemetry/http-client.js';

const DIR = fileURLToPath(new URL('../../../fixtures/codex-0.171.0/', import.meta.url));
const TOKEN = 'codex-test-token-0123456789';
const FIRST_MAIN = '01a2293a-1a77-7140-821b-ce84bc98e262';
const FIRST_TITLE = '01a2293a-37dd-7df2-a63d-84b80bb1beb9';
const MAIN = '01a2293c-e00c-70d2-aae9-e641254c1392';
const TITLE = '01a2293d-0f02-7913-b45a-312425f7e0df';

async function replay(t: Test): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const receiver = await startReceiver({ token: TOKEN, onTelemetry: (b) => { if (b.signal === 'logs') records.push(...b.records); } });
  t.teardown(() => receiver.close());
  for (const file of readdirSync(`${DIR}otlp-json`).sort()) {
    const reply = await post(receiver.url, '/v1/logs', {
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: TOKEN }, body: readFileSync(`${DIR}otlp-json/${file}`),
    });
    t.equal(reply.status, 200, `${file} accepted`);
  }
  return records;
}

/** The captured hook posts: `<time> hook <Event>: <json>` per line. */
function hooks(): Array<{ event: string; payload: unknown }> {
  return readFileSync(`${DIR}hooks/hooks.jsonl`, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => {
    const m = /^\S+ hook (\w+): (.*)$/.exec(l);
    if (!m) throw new Error(`unexpected hook line: ${l}`);
    return { event: m[1]!, payload: JSON.parse(m[2]!) as unknown };
  });
}

t.test('every request of the capture, with its exact figures', async (t) => {
  const events = (await replay(t)).map(toCodexEvent);
  const requests = events.filter((e): e is ApiRequestEvent => e.type === 'api_request');
  const context = (e: ApiRequestEvent): number => e.inputTokens + e.cacheReadTokens + e.cacheCreationTokens;
  t.same(requests.map((e) => [e.sessionId, context(e)]), [
    [FIRST_MAIN, 6234], [FIRST_TITLE, 7234], [FIRST_MAIN, 8234],
    [MAIN, 9234], [TITLE, 10234], [MAIN, 11234], [MAIN, 12234], [MAIN, 13234], [MAIN, 14234], [MAIN, 15234],
    [MAIN, 16234], [MAIN, 17234], [MAIN, 18234], [MAIN, 19234], [MAIN, 20234],
  ], 'one request per response.completed with tokens; context = input_token_count');
  const first = requests[0]!;
  t.equal(first.cacheReadTokens, 4000, 'cached_token_count kept as the cached part');
  t.equal(first.inputTokens, 2234, 'the rest is uncached input: 6,234 − 4,000, never 6,234 + 4,000');
  t.equal(first.outputTokens, 17);
  t.equal(first.model, 'standin-model');
  t.equal(first.thread, 'main');
  t.ok(first.threadGuessed, 'no attribute names the thread: a guess the tracker checks');
  t.ok(first.t > 0 && first.sequence === null);
  const prompts = events.filter((e) => e.type === 'user_prompt');
  t.equal(prompts.length, 13, 'each codex.user_prompt (title prompts included)');
  t.same(prompts.slice(0, 2).map((e) => e.type === 'user_prompt' ? e.promptLength : null), [11, 424]);
  t.notOk(events.some((e) => e.type === 'api_error'), 'no failed request in the capture');
  t.ok(events.some((e) => e.type === 'unknown' && e.name === 'turn_ttft'), 'other events kept, prefix cut');
});

t.test('the tracker follows the hooked conversation: the newest main request, exactly', async (t) => {
  const events = (await replay(t)).map(toCodexEvent);
  const tracker = new ContextTracker({ env: {}, windowRules: codexAdapter.setup({ args: [], cwd: '/', env: { HOME: '/nonexistent' } }).window, isMainQuery: codexAdapter.isMainQuery });
  // The capture's hooks (second session only) go first: hooks post at once, logs about a second
  // later. They include the SessionStart Codex sends after its compaction (source "compact").
  const hs = hooks();
  t.same([...new Set(hs.map((h) => (h.payload as { session_id?: string }).session_id))], [MAIN], 'every hook names the main conversation');
  t.ok(hs.some((h) => h.event === 'SessionStart' && (h.payload as { source?: string }).source === 'compact'));
  for (const h of hs) tracker.onHookFact(codexAdapter.toHook(h.event, h.payload));
  for (const e of events) tracker.onEvent(e);
  const snap = tracker.snapshot();
  t.equal(snap.claudeSessionId, MAIN, 'the conversation the hooks name');
  t.equal(snap.contextTokens, 20234, 'the newest main request: input_token_count, cached not added');
  t.notOk(tracker.isFollowed(TITLE), 'the title thread has no hooks: never the gauge');
  t.equal(tracker.snapshotFor(TITLE).contextTokens, 10234, 'kept apart with its own figure');
});

t.test('records that carry no tokens, failed requests, bad values', async (t) => {
  const rec = (attributes: LogRecord['attributes']): LogRecord => ({
    timeUnixNano: '0', observedTimeUnixNano: '1795988277561698415', severityText: 'INFO', body: null, attributes, resource: {}, scopeName: 'codex_otel.log_only', scopeVersion: '',
  });
  t.equal(toCodexEvent(rec({ 'event.name': 'codex.sse_event', 'event.kind': 'response.completed', 'conversation.id': 'c' })).type, 'unknown',
    'the stream\'s own response.completed (no token counts) is not a request');
  t.equal(toCodexEvent(rec({ 'event.name': 'codex.sse_event', 'event.kind': 'response.output_text.delta', input_token_count: '5' })).type, 'unknown');
  const odd = toCodexEvent(rec({ 'event.name': 'codex.sse_event', 'event.kind': 'response.completed', input_token_count: '100', cached_token_count: '150' }));
  t.match(odd, { type: 'api_request', inputTokens: 100, cacheReadTokens: 0, cacheCreationTokens: 0 }, 'a cached count above the input is not trusted');
  t.equal(odd.t, 1795988277561, 'no event.timestamp: the observed time');
  const failed = toCodexEvent(rec({ 'event.name': 'codex.api_request', 'http.response.status_code': '400', 'conversation.id': 'c', model: 'm' }));
  t.match(failed, { type: 'api_error', statusCode: 400, sessionId: 'c', error: 'HTTP 400' });
  t.equal(toCodexEvent(rec({ 'event.name': 'codex.api_request', 'http.response.status_code': '200' })).type, 'unknown', 'a good request adds nothing to its response');
  t.match(toCodexEvent(rec({})), { type: 'unknown', name: '', sessionId: null });
});
