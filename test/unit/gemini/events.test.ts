// Gemini CLI 0.61.0's captured telemetry (fixtures/gemini-cli-0.61.0/) replayed over HTTP through
// the real receiver, then read by GeminiEventReader: the exact figures of every model call, the
// threads by role, the /compress told from an automatic compression, the slash commands.
import t, { type Test } from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startReceiver, TOKEN_HEADER } from '../../../src/telemetry/receiver.js';
import type { LogRecord, TelemetryBatch } from '../../../src/telemetry/records.js';
import { GeminiEventReader, threadOfRole } from '../../../src/gemini/events.js';
import type { AgentEvent } from '../../../src/events/events.js';
import { post } from '../telemetry/http-client.js';

const DIR = fileURLToPath(new URL('../../../fixtures/gemini-cli-0.61.0/otlp-json/', import.meta.url));
const TOKEN = 'gemini-replay-token';
const S1 = '5d04e3d5-f08c-4deb-a9b7-56fc61d59ac6';
const S2 = 'e59c2f90-9197-45f2-9d4a-aeb9319f9770';

async function replay(t: Test): Promise<LogRecord[]> {
  const batches: TelemetryBatch[] = [];
  const receiver = await startReceiver({ token: TOKEN, onTelemetry: (b) => batches.push(b) });
  t.teardown(() => receiver.close());
  for (const file of readdirSync(DIR).sort()) {
    const path = file.includes('_v1_logs') ? '/v1/logs' : '/v1/metrics';
    const reply = await post(receiver.url, path, { headers: { 'content-type': 'application/json', [TOKEN_HEADER]: TOKEN }, body: readFileSync(DIR + file) });
    t.equal(reply.status, 200, `${file} accepted`);
  }
  return batches.flatMap((b) => (b.signal === 'logs' ? b.records : []));
}

function read(records: LogRecord[]): AgentEvent[] {
  const reader = new GeminiEventReader();
  return records.map((r) => reader.read(r));
}

t.test('every model call, with its figures exactly as the captures carry them', async (t) => {
  const events = read(await replay(t));
  const calls = events.filter((e) => e.type === 'api_request');
  t.same(calls.map((c) => [c.sessionId, c.thread, c.querySource, c.inputTokens + c.cacheReadTokens + c.cacheCreationTokens, c.cacheReadTokens, c.outputTokens, c.promptId]), [
    [S1, 'side', 'utility_summarizer', 2321, 700, 22, 'session-summary-generation'],
    [S1, 'main', 'main', 3321, 1400, 22, `${S1}########0`],
    [S1, 'compact', 'utility_compressor', 4321, 2100, 22, 'compress-1795988120099'],
    [S1, 'compact', 'utility_compressor', 5321, 2800, 22, 'compress-1795988120099-verify'],
    [S2, 'side', 'utility_summarizer', 6321, 3500, 22, 'session-summary-generation'],
    [S2, 'main', 'main', 7321, 4200, 22, `${S2}########0`],
  ], 'the context of a call is input_token_count (cached included), never input + cached');
  const main = calls.find((c) => c.thread === 'main');
  t.match(main, { inputTokens: 1921, cacheReadTokens: 1400, cacheCreationTokens: 0, model: 'gemini-2.5-pro', durationMs: 465, threadGuessed: false, t: Date.parse('2026-11-29T21:34:48.588Z') });
});

t.test('/compress is a manual compaction from 3321 to 141 tokens', async (t) => {
  const events = read(await replay(t));
  const compactions = events.filter((e) => e.type === 'compaction');
  t.same(compactions.map((c) => [c.sessionId, c.trigger, c.success, c.preTokens, c.postTokens, c.error]), [[S1, 'manual', true, 3321, 141, null]]);
  const prompts = events.filter((e) => e.type === 'user_prompt');
  t.same(prompts.map((p) => [p.sessionId, p.promptLength, p.commandName]), [
    [S1, 13, null], [S1, null, 'stats'], [S1, null, 'compress'], [S1, null, 'quit'],
    [S2, 8, null], [S2, null, 'quit'],
  ]);
  t.ok(events.some((e) => e.type === 'unknown' && e.name === 'hook_call'), 'other records stay unknown, with their name');
});

t.test('an automatic compression, a failed one, an error, and roles', async (t) => {
  const rec = (attrs: Record<string, string | number>): LogRecord => ({ attributes: { 'session.id': 's', ...attrs }, body: null, timeUnixNano: '0', observedTimeUnixNano: '0', severityText: '', resource: {}, scopeName: '', scopeVersion: '' });
  const reader = new GeminiEventReader();
  reader.read(rec({ 'event.name': 'gemini_cli.api_response', role: 'utility_compressor', prompt_id: 's########4', input_token_count: 600000 }));
  t.match(reader.read(rec({ 'event.name': 'gemini_cli.chat_compression', tokens_before: 600000, tokens_after: 90000 })), { type: 'compaction', trigger: 'auto', success: true, preTokens: 600000, postTokens: 90000 });
  t.match(reader.read(rec({ 'event.name': 'gemini_cli.chat_compression', tokens_before: 500, tokens_after: 500 })), { type: 'compaction', trigger: 'auto', success: false, error: /did not shrink/ });
  t.match(reader.read(rec({ 'event.name': 'gemini_cli.api_error', model: 'm', error: 'quota', status_code: 429, role: 'main', duration_ms: 5 })), { type: 'api_error', error: 'quota', statusCode: 429, querySource: 'main' });
  t.match(reader.read(rec({ 'event.name': 'gemini_cli.api_response', input_token_count: 10, cached_content_token_count: 50 })), { thread: 'main', threadGuessed: true, inputTokens: 0, cacheReadTokens: 10 }, 'cached never above the prompt');
  t.same(threadOfRole('utility_next_speaker'), { thread: 'side', guessed: false });
});
