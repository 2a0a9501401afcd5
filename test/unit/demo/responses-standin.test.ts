// The Responses API stand-in without Codex: the SSE stream over real HTTP on 127.0.0.1 (events in
// order, usage on response.completed with the cached part inside input_tokens), the padding
// lifecycle (PAD/FILE counted until a compaction summary), thread kinds from Codex's turn
// metadata, the scripted tool calls, the analytics post, and refusals.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startResponsesStandin, type ResponsesStandin } from '../../../src/demo/responses-standin.js';
import { responsesPadding, responsesThread, writeFileCommand, type ResponsesBody } from '../../../src/demo/responses-script.js';
import { responsesUsage } from '../../../src/demo/responses-sse.js';
import { SUMMARY_MARKER } from '../../../src/demo/standin-script.js';

const ENV = { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n  <cwd>/work/proj</cwd>\n</environment_context>' }] };
const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const assistant = (text: string) => ({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
const body = (input: unknown[], extra: Record<string, unknown> = {}): ResponsesBody =>
  ({ model: 'standin-model', stream: true, tools: [{ type: 'function', name: 'exec_command' }], input: [ENV, ...input], ...extra }) as ResponsesBody;
const meta = (kind: string, source: string) => JSON.stringify({ request_kind: kind, thread_source: source });

interface Sse { event: string; data: Record<string, unknown> }
function parseSse(text: string): Sse[] {
  return text.split('\n\n').filter((f) => f.trim() !== '').map((f) => ({
    event: /^event: (.+)$/m.exec(f)?.[1] ?? '',
    data: JSON.parse(/^data: (.+)$/m.exec(f)?.[1] ?? 'null') as Record<string, unknown>,
  }));
}
async function post(api: ResponsesStandin, b: unknown, headers: Record<string, string> = {}, path = '/responses') {
  const res = await fetch(`${api.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof b === 'string' ? b : JSON.stringify(b) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

t.test('usage: the cached part is inside input_tokens', async (t) => {
  t.same(responsesUsage(10_000, 40), { input_tokens: 10_000, input_tokens_details: { cached_tokens: 7_500 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 10_040 });
  t.throws(() => responsesUsage(1.5, 0), /1\.5/);
  t.throws(() => responsesUsage(1, -1), /-1/);
});

t.test('a streamed answer over HTTP, response.created … response.completed', async (t) => {
  const api = await startResponsesStandin();
  t.teardown(() => api.close());
  t.match(api.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  const b = body([user('hello')]);
  const res = await post(api, b, { 'x-codex-turn-metadata': meta('turn', 'user') });
  t.equal(res.status, 200);
  t.match(res.type, /^text\/event-stream/);
  const events = parseSse(res.text);
  const names = events.map((e) => e.event);
  t.equal(names[0], 'response.created');
  t.equal(names.at(-1), 'response.completed');
  t.ok(names.includes('response.output_text.delta') && names.includes('response.output_item.done'));
  events.forEach((e, k) => { t.equal(e.data.type, e.event); t.equal(e.data.sequence_number, k); });
  const rec = api.requests[0]!;
  const tokens = Math.floor(JSON.stringify(b).length / 4);
  t.equal(rec.contextTokens, tokens, 'characters / 4');
  t.equal(rec.thread, 'main');
  t.equal(rec.prompt, 'hello', 'Codex\'s environment message is not what the user typed');
  const done = events.at(-1)!.data as { response: { usage: { input_tokens: number; input_tokens_details: { cached_tokens: number } }; output: Array<{ content: Array<{ text: string }> }> } };
  t.equal(done.response.usage.input_tokens, tokens);
  t.equal(done.response.usage.input_tokens_details.cached_tokens, Math.floor(tokens * 0.75));
  t.equal(done.response.output[0]!.content[0]!.text, `Reply 1: context about ${tokens} tokens.`);
  t.equal(api.lastMain(), rec);
});

t.test('padding grows turn by turn and goes with a compaction summary', async (t) => {
  t.equal(responsesPadding(body([user('PAD:1000 first')])), 1000);
  t.equal(responsesPadding(body([user('PAD:1000 first'), assistant('ok PAD:5'), user('PAD:500 more')])), 1500, 'assistant text never counts');
  t.equal(responsesPadding(body([user('TOOL:cat x'), { type: 'function_call', call_id: 'c', name: 'exec_command', arguments: '{}' }, { type: 'function_call_output', call_id: 'c', output: 'FILE:2000' }])), 2000, 'a tool output\'s FILE:N');
  // Codex keeps recent user messages and puts the summary after them: only what follows counts.
  t.equal(responsesPadding(body([user('PAD:1000 first'), user(`${SUMMARY_MARKER} summary`), user('PAD:300 after')])), 300);
  const api = await startResponsesStandin({ padPerRequest: 7 });
  t.teardown(() => api.close());
  await post(api, body([user('PAD:4000 go')]), { 'x-codex-turn-metadata': meta('turn', 'user') });
  t.equal(api.requests[0]!.padding, 4007, 'markers plus padPerRequest on the main thread');
});

t.test('threads: the turn metadata first, then the body', async (t) => {
  t.equal(responsesThread(body([user('x')]), { request_kind: 'compaction', thread_source: 'user' }), 'compact');
  t.equal(responsesThread(body([user('x')]), { request_kind: 'turn', thread_source: 'thread_title' }), 'title');
  t.equal(responsesThread(body([user('You are performing a CONTEXT CHECKPOINT COMPACTION. Create a handoff summary')]), {}), 'compact');
  t.equal(responsesThread(body([user('Generate a title')], { text: { format: { type: 'json_schema', schema: { properties: { title: {} } } } } }), {}), 'title');
  t.equal(responsesThread(body([user('x')]), { request_kind: 'turn', thread_source: 'subagent' }), 'side');
  t.equal(responsesThread(body([user('x')]), {}), 'main');
  const api = await startResponsesStandin();
  t.teardown(() => api.close());
  const title = parseSse((await post(api, body([user('Generate a title')]), { 'x-codex-turn-metadata': meta('turn', 'thread_title') })).text);
  const out = (title.at(-1)!.data as { response: { output: Array<{ content: Array<{ text: string }> }> } }).response.output[0]!.content[0]!.text;
  t.same(JSON.parse(out), { title: 'Standin session' }, 'the title request gets the JSON it asked for');
  const sum = parseSse((await post(api, body([user('PAD:10 x'), user('compact now')]), { 'x-codex-turn-metadata': meta('compaction', 'user') })).text);
  t.match(JSON.stringify(sum.at(-1)!.data), SUMMARY_MARKER);
  t.same(api.responses('title').length, 1);
  t.same(api.responses('compact').length, 1);
  t.equal(api.lastMain(), undefined);
});

t.test('TOOL: and the checkpoint note are exec_command calls that run', async (t) => {
  const api = await startResponsesStandin();
  t.teardown(() => api.close());
  const ev = parseSse((await post(api, body([user('TOOL:echo hi')]))).text);
  const item = (ev.at(-1)!.data as { response: { output: Array<{ type: string; name: string; arguments: string; call_id: string }> } }).response.output[0]!;
  t.equal(item.type, 'function_call');
  t.equal(item.name, 'exec_command');
  t.same(JSON.parse(item.arguments), { cmd: 'echo hi' });
  const after = parseSse((await post(api, body([user('TOOL:echo hi'), { type: 'function_call', call_id: item.call_id, name: 'exec_command', arguments: item.arguments }, { type: 'function_call_output', call_id: item.call_id, output: 'hi' }]))).text);
  t.match(JSON.stringify(after.at(-1)!.data), /Tool done\. Reply 2/);
  const dir = mkdtempSync(join(tmpdir(), 'guard-responses-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const note = parseSse((await post(api, body([user('start the work'), user(`Write a checkpoint note to ${dir}/notes/note.md so that the work can continue`)]))).text);
  const call = (note.at(-1)!.data as { response: { output: Array<{ arguments: string }> } }).response.output[0]!;
  execFileSync('/bin/sh', ['-c', (JSON.parse(call.arguments) as { cmd: string }).cmd]);
  const written = readFileSync(`${dir}/notes/note.md`, 'utf8');
  t.match(written, /^# Checkpoint note\n/);
  t.match(written, /- start the work/);
  t.match(writeFileCommand('/a b/c.md', 'x\n'), /^mkdir -p "\$\(dirname '\/a b\/c\.md'\)" && cat > '\/a b\/c\.md' <<'STANDIN_EOF'\nx\nSTANDIN_EOF$/);
});

t.test('analytics, unknown routes, bad bodies, the window', async (t) => {
  const api = await startResponsesStandin({ window: 100 });
  t.teardown(() => api.close());
  t.equal((await post(api, { n: 1 }, {}, '/analytics/codex/turn-costs')).status, 200);
  t.equal((await post(api, {}, {}, '/nothing')).status, 404);
  t.equal((await fetch(`${api.baseUrl}/responses`)).status, 405);
  const bad = await post(api, '{not json');
  t.equal(bad.status, 400);
  t.match(bad.text, /malformed JSON body/);
  const big = await post(api, body([user('PAD:1000 too much')]));
  t.equal(big.status, 400);
  t.match(JSON.parse(big.text), { error: { code: 'context_length_exceeded' } });
  t.equal(api.requests.at(-1)!.contextTokens! > 100, true, 'the refused request records its size');
  await t.rejects(startResponsesStandin({ port: 70000 }), /port must be an integer/);
  await t.rejects(startResponsesStandin({ window: -1 }), /window must be a non-negative number, got -1/);
});
