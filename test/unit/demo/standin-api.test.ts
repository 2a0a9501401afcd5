// The Messages API stand-in without Claude: usage arithmetic, window rules, SSE framing over
// real HTTP on 127.0.0.1, the padding lifecycle, the 400 over the window, and each keyword script.
import t from 'tap';
import { startStandinApi, type StandinApi } from '../../../src/demo/standin-api.js';
import { answerEvents, frame } from '../../../src/demo/sse.js';
import {
  SUBAGENT_MARKER, SUMMARY_MARKER, answerFor, padInConversation, threadKind, type MessagesBody,
} from '../../../src/demo/standin-script.js';
import { DEFAULT_MODELS_1M, contextOf, promptTokens, splitUsage, windowForRequest } from '../../../src/demo/standin-usage.js';

const TOOLS = [{ name: 'Bash' }, { name: 'Agent', input_schema: { properties: { description: {}, prompt: {}, subagent_type: {} }, required: ['description', 'prompt'] } }, { name: 'Write' }];
const ENV_MSG = { role: 'system', content: [{ type: 'text', text: '# Environment\n - Primary working directory: /work/proj\n' }] };
const reminder = (s: string) => ({ type: 'text', text: `<system-reminder>\n${s}\n</system-reminder>\n` });
const user = (text: string) => ({ role: 'user', content: [reminder('attribution'), { type: 'text', text }] });
const assistant = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }] });
const body = (messages: unknown[], extra: Record<string, unknown> = {}): MessagesBody =>
  ({ model: 'claude-sonnet-4-5', stream: true, max_tokens: 32000, system: [{ type: 'text', text: 'You are Claude Code' }], tools: TOOLS, messages, ...extra }) as MessagesBody;

interface Sse { event: string; data: Record<string, unknown> & { type: string } }
function parseSse(text: string): Sse[] {
  return text.split('\n\n').filter((f) => f.trim() !== '').map((f) => {
    const ev = /^event: (.+)$/m.exec(f)?.[1] ?? '';
    const data = JSON.parse(/^data: (.+)$/m.exec(f)?.[1] ?? 'null') as Sse['data'];
    return { event: ev, data };
  });
}
async function post(api: StandinApi, b: unknown, headers: Record<string, string> = {}, path = '/v1/messages?beta=true') {
  const res = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers }, body: typeof b === 'string' ? b : JSON.stringify(b) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

t.test('usage arithmetic: 80/15/5 in whole tokens that sum exactly', async (t) => {
  for (const total of [0, 1, 3, 7, 19, 100, 13_534, 999_999, 1_000_001]) {
    const u = splitUsage(total);
    t.equal(contextOf(u), total, `sums to ${total}`);
    t.equal(u.cache_read_input_tokens, Math.floor(total * 0.8 + 1e-9));
    t.equal(u.cache_creation_input_tokens, Math.floor((total * 15) / 100));
    t.ok(u.input_tokens >= 0 && Number.isInteger(u.input_tokens));
    t.equal(u.output_tokens, 40);
  }
  // The fixtures' stand-in: 13,534 tokens → 10,827 / 2,030 / 677.
  t.same(splitUsage(13_534), { input_tokens: 677, cache_read_input_tokens: 10_827, cache_creation_input_tokens: 2_030, output_tokens: 40 });
  t.equal(promptTokens(55_045, 0), 13_761);
  t.equal(promptTokens(400, 1_000), 1_100);
  t.throws(() => splitUsage(1.5), /1\.5/);
  t.throws(() => promptTokens(-1, 0), /-1/);
});

t.test('window rules', async (t) => {
  const o = { window: 200_000, window1m: 1_000_000, models1m: DEFAULT_MODELS_1M };
  t.equal(windowForRequest('claude-sonnet-4-5', undefined, o), 200_000);
  t.equal(windowForRequest('claude-sonnet-4-5', 'claude-code-20250219,context-1m-2025-08-07', o), 1_000_000);
  t.equal(windowForRequest('claude-sonnet-4-5[1m]', undefined, o), 1_000_000);
  t.equal(windowForRequest('claude-opus-5-5', 'claude-code-20250219', o), 1_000_000, '2.1.330 treats 5.5 models as 1M');
  t.equal(windowForRequest('claude-haiku-5-5', undefined, o), 1_000_000);
  t.equal(windowForRequest(null, undefined, o), 200_000);
});

t.test('SSE framing of a streamed text answer over HTTP', async (t) => {
  const api = await startStandinApi();
  t.teardown(() => api.close());
  const b = body([user('hello')]);
  const res = await post(api, b);
  t.equal(res.status, 200);
  t.match(res.type, /^text\/event-stream/);
  t.ok(res.text.endsWith('\n\n'), 'frames end with a blank line');
  const events = parseSse(res.text);
  const names = events.map((e) => e.event);
  t.same(names.slice(0, 3), ['message_start', 'ping', 'content_block_start']);
  t.same(names.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
  t.ok(names.slice(3, -3).length >= 1 && names.slice(3, -3).every((n) => n === 'content_block_delta'), 'only deltas in between');
  for (const e of events) t.equal(e.data.type, e.event, `data.type matches event for ${e.event}`);
  const rec = api.requests[0]!;
  const start = events[0]!.data as unknown as { message: { usage: Record<string, number>; model: string; role: string } };
  t.equal(start.message.model, 'claude-sonnet-4-5');
  t.equal(start.message.role, 'assistant');
  t.equal(start.message.usage.cache_read_input_tokens, rec.usage?.cache_read_input_tokens);
  t.equal(start.message.usage.cache_creation_input_tokens, rec.usage?.cache_creation_input_tokens);
  t.equal(start.message.usage.input_tokens, rec.usage?.input_tokens);
  const delta = events.at(-2)!.data as unknown as { delta: { stop_reason: string }; usage: Record<string, number> };
  t.equal(delta.delta.stop_reason, 'end_turn');
  t.equal(delta.usage.output_tokens, 40);
  const text = events.filter((e) => e.event === 'content_block_delta').map((e) => (e.data.delta as { text: string }).text).join('');
  t.equal(text, `Reply 1: context about ${rec.contextTokens} tokens.`);
  t.equal(rec.contextTokens, promptTokens(JSON.stringify(b).length, 0), 'usage is body characters / 4');
  t.equal(rec.thread, 'main');
  t.equal(rec.querySource, 'repl_main_thread');
  t.equal(rec.search, '?beta=true');
  t.equal(rec.headers['anthropic-version'], '2023-06-01');
});

t.test('tool_use framing: input_json_delta pieces rebuild the input', async (t) => {
  const events = answerEvents({
    id: 'msg_1', model: 'm', stopReason: 'tool_use', usage: splitUsage(100),
    content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'echo "a long enough command to be split in pieces"' } }],
  });
  const start = events.find((e) => e.event === 'content_block_start')!;
  t.same(start.data.content_block, { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} });
  const parts = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta as { type: string; partial_json: string });
  t.ok(parts.length > 1, 'sent in pieces');
  t.ok(parts.every((p) => p.type === 'input_json_delta'));
  t.same(JSON.parse(parts.map((p) => p.partial_json).join('')), { command: 'echo "a long enough command to be split in pieces"' });
  t.equal((events.find((e) => e.event === 'message_delta')!.data.delta as { stop_reason: string }).stop_reason, 'tool_use');
  t.equal(frame({ event: 'ping', data: { type: 'ping' } }), 'event: ping\ndata: {"type":"ping"}\n\n');
});

t.test('non-streaming requests get a JSON message; count_tokens; HEAD/GET /; errors', async (t) => {
  const api = await startStandinApi();
  t.teardown(() => api.close());
  const res = await post(api, body([user('hello')], { stream: false }));
  t.equal(res.status, 200);
  const msg = JSON.parse(res.text) as { type: string; content: Array<{ type: string; text: string }>; usage: Record<string, number>; stop_reason: string };
  t.equal(msg.type, 'message');
  t.equal(msg.stop_reason, 'end_turn');
  t.match(msg.content[0]?.text, /^Reply \d+: context about \d+ tokens\.$/);
  t.equal(msg.usage.output_tokens, 40);
  const count = await post(api, body([user('PAD:500 x')]), {}, '/v1/messages/count_tokens?beta=true');
  t.equal(count.status, 200);
  t.ok((JSON.parse(count.text) as { input_tokens: number }).input_tokens > 500);
  t.equal((await fetch(api.url, { method: 'HEAD' })).status, 200);
  t.equal((await fetch(api.url)).status, 200);
  const bad = await post(api, '{not json');
  t.equal(bad.status, 400);
  t.match(JSON.parse(bad.text), { type: 'error', error: { type: 'invalid_request_error' } });
  t.equal((await post(api, {}, {}, '/v1/nope')).status, 404);
  t.equal((await post(api, body([user('still fine')]))).status, 200, 'still answers after bad input');
});

t.test('over the window: 400 prompt is too long, as the real API', async (t) => {
  const api = await startStandinApi({ window: 50_000 });
  t.teardown(() => api.close());
  const res = await post(api, body([user('PAD:60000 big')]));
  t.equal(res.status, 400);
  const err = JSON.parse(res.text) as { type: string; error: { type: string; message: string } };
  t.equal(err.type, 'error');
  t.equal(err.error.type, 'invalid_request_error');
  const rec = api.requests.at(-1)!;
  t.equal(err.error.message, `prompt is too long: ${rec.contextTokens} tokens > 50000 maximum`);
  t.equal(rec.status, 400);
  t.equal(api.lastMain(), undefined, 'a refused request is not the newest answered main request');
  t.equal((await post(api, body([user('PAD:40000 fits')]))).status, 200, 'under the window it answers');
  t.equal((await post(api, body([user('PAD:60000 big')]), { 'anthropic-beta': 'context-1m-2025-08-07' })).status, 200, 'the context-1m beta lifts the window');
  api.window = 10_000;
  t.equal((await post(api, body([user('PAD:40000 fits no more')]))).status, 400, 'window settable at run time');
  const custom = await startStandinApi({ windowFor: () => 5_000 });
  t.teardown(() => custom.close());
  t.equal((await post(custom, body([user('PAD:6000 x')]))).status, 400, 'windowFor decides');
});

t.test('padding lifecycle: PAD markers count while in the conversation, gone after compaction or /clear', async (t) => {
  const api = await startStandinApi();
  t.teardown(() => api.close());
  const r1 = body([ENV_MSG, user('hello')]);
  const turn1 = [ENV_MSG, user('hello'), assistant('Reply 1')];
  const r2 = body([...turn1, user('PAD:1000 big read')]);
  const r3 = body([...turn1, user('PAD:1000 big read'), assistant('Reply 2'), user('more PAD:500')]);
  t.equal(padInConversation(r1), 0);
  t.equal(padInConversation(r2), 1_000);
  t.equal(padInConversation(r3), 1_500, 'markers add up');
  const compacted = body([{ role: 'user', content: `This session is being continued.\nSummary:\n${SUMMARY_MARKER} PAD:1000 echoed` }, ENV_MSG, assistant('Reply 2'), user('after')]);
  t.equal(padInConversation(compacted), 0, 'a stand-in summary does not carry padding');
  t.equal(padInConversation(body([user('hello again')])), 0, 'after /clear the padding is gone');
  t.equal(padInConversation(body([{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'PAD:999' }] }])), 0, 'tool output does not pad');
  t.equal(padInConversation(body([{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'FILE:60000\n' }] }])), 60_000, 'a FILE:N in tool output is a large file read');
  t.equal(padInConversation(body([{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: [{ type: 'text', text: 'FILE:500' }] }] }])), 500, 'also as text blocks');
  t.equal(padInConversation(body([user('TOOL:echo FILE:$((500))'), user('FILE:700 typed')])), 0, 'FILE:N typed by the user is not a file');

  await post(api, r2);
  const small = api.lastMain()!;
  t.equal(small.padding, 1_000);
  await post(api, compacted);
  t.equal(api.lastMain()!.padding, 0);
  t.ok(api.lastMain()!.contextTokens! < small.contextTokens!, 'context shrinks after the compaction');

  api.padPerRequest = 2_000;
  await post(api, body([user('hello')]));
  t.equal(api.lastMain()!.padding, 2_000, 'padPerRequest on main requests');
  await post(api, body([user(`${SUBAGENT_MARKER} task`)]));
  t.equal(api.requests.at(-1)!.thread, 'subagent');
  t.equal(api.requests.at(-1)!.padding, 0, 'not on sub-agent requests');
});

t.test('keyword scripts', async (t) => {
  const ctx = { seq: 7, contextTokens: 1234, thread: 'main' as const, refuseWrites: false };
  t.same(answerFor(body([user('hello')]), ctx), { kind: 'text', text: 'Reply 7: context about 1234 tokens.' });
  t.same(answerFor(body([user('TOOL:echo hi')]), ctx), { kind: 'tool_use', name: 'Bash', input: { command: 'echo hi', description: 'Run the scripted command' } });
  const afterTool = body([user('TOOL:echo hi'), { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'echo hi' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'hi' }] }]);
  t.match(answerFor(afterTool, ctx), { kind: 'text', text: /^Tool done\. Reply 7/ });

  const agent = answerFor(body([user('AGENT look around')]), ctx);
  t.match(agent, { kind: 'tool_use', name: 'Agent', input: { description: String, prompt: `${SUBAGENT_MARKER} look around` } });
  t.notOk(agent.kind === 'tool_use' && 'subagent_type' in agent.input, 'optional subagent_type left out (general-purpose by default)');
  const taskTool = body([user('AGENT x')], { tools: [{ name: 'Task', input_schema: { properties: { subagent_type: {} }, required: ['subagent_type'] } }] });
  t.match(answerFor(taskTool, ctx), { kind: 'tool_use', name: 'Task', input: { subagent_type: 'general-purpose' } }, 'older Task tool');
  const notification = body([user('AGENT go'), assistant('Tool done.'), { role: 'user', content: [reminder('<task-notification>done</task-notification>')] }, ENV_MSG]);
  t.match(answerFor(notification, ctx), { kind: 'text', text: /^Reply 7/ }, 'a task notification is not a second AGENT');

  const sub = body([user(`${SUBAGENT_MARKER} go`)]);
  t.equal(threadKind(sub), 'subagent');
  t.match(answerFor(sub, { ...ctx, thread: 'subagent' }), { kind: 'text', text: /^Sub-agent: Reply 7/ });

  const note = answerFor(body([ENV_MSG, user('goal: build it'), assistant('ok'), user('Please write a checkpoint note to .guard/checkpoints/a.md now')]), ctx);
  t.match(note, { kind: 'tool_use', name: 'Write', input: { file_path: '/work/proj/.guard/checkpoints/a.md', content: /## Goal\ngoal: build it[\s\S]*## Done[\s\S]*## Next/ } });
  t.match(answerFor(body([user('Write a checkpoint note to `/abs/n.md`.')]), ctx), { kind: 'tool_use', name: 'Write', input: { file_path: '/abs/n.md' } });
  t.match(answerFor(body([ENV_MSG, user('WRITE:notes/x.md')]), ctx), { kind: 'tool_use', name: 'Write', input: { file_path: '/work/proj/notes/x.md' } });
  t.match(answerFor(body([user('write checkpoint note to a.md')]), { ...ctx, refuseWrites: true }), { kind: 'text' }, 'refuseWrites answers with text');
  const afterWrite = body([user('WRITE:/abs/n.md'), { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'Write', input: { file_path: '/abs/n.md', content: 'x' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', content: 'ok' }] }]);
  t.match(answerFor(afterWrite, ctx), { kind: 'text', text: /^Checkpoint note written to \/abs\/n\.md\./ });

  const compact = body([user('PAD:100 x'), assistant('Reply'), { role: 'user', content: 'CRITICAL: Respond with TEXT ONLY.\n\nYour task is to create a detailed summary of the conversation so far, paying close attention' }]);
  t.equal(threadKind(compact), 'compact');
  const summary = answerFor(compact, { ...ctx, thread: 'compact' });
  t.match(summary, { kind: 'text', text: new RegExp(`<summary>[\\s\\S]*${SUMMARY_MARKER.replace(/[[\]]/g, '\\$&')}`) });
  t.notMatch(summary.kind === 'text' ? summary.text : '', /PAD:/, 'a summary never carries padding');
  t.equal(threadKind(body([user('Generate a title')], { tools: [] })), 'side');
  t.match(answerFor(body([user('<command-name>/compact</command-name>\n<command-args>x</command-args>')]), ctx), { kind: 'text' }, 'slash-command records are not prompts');
});

t.test('scripting and records through the server', async (t) => {
  const api = await startStandinApi({ latencyMs: 20, refuseWrites: true });
  t.teardown(() => api.close());
  const waiting = api.waitForRequest((r) => r.prompt === 'second', 5_000);
  api.enqueue({ kind: 'tool_use', name: 'Bash', input: { command: 'true' } });
  const first = parseSse((await post(api, body([user('first')]))).text);
  t.ok(first.some((e) => e.event === 'content_block_start' && (e.data.content_block as { name?: string }).name === 'Bash'), 'enqueued answer used');
  t.match(parseSse((await post(api, body([user('second')]))).text).find((e) => e.event === 'content_block_delta')?.data, { delta: { text: /^Reply/ } }, 'then the script again');
  t.equal((await waiting).prompt, 'second');
  api.enqueue({ kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' });
  const over = await post(api, body([user('third')]));
  t.equal(over.status, 529);
  t.match(JSON.parse(over.text), { error: { type: 'overloaded_error' } });
  const note = parseSse((await post(api, body([user('WRITE:/tmp/x.md')]))).text);
  t.notOk(note.some((e) => e.event === 'content_block_start' && (e.data.content_block as { type: string }).type === 'tool_use'), 'refuseWrites: no Write call');
  const seen: number[] = [];
  const off = api.onRequest((r) => seen.push(r.seq));
  await post(api, body([user('fourth')]));
  off();
  await post(api, body([user('fifth')]));
  t.equal(seen.length, 1, 'listener removed');
  t.same(api.requests.map((r) => r.seq), api.requests.map((_, i) => i + 1), 'records numbered in order');
  t.ok(api.requests.every((r) => r.usage === null || r.contextTokens === contextOf(r.usage)));
  await t.rejects(api.waitForRequest(() => false, 50), /no matching request/);
  t.ok(api.requests.at(-1)?.body, 'bodies recorded by default');
  const lean = await startStandinApi({ recordBodies: false });
  t.teardown(() => lean.close());
  await post(lean, body([user('PAD:10 x')]));
  t.equal(lean.requests[0]?.body, null, 'recordBodies: false drops the body');
  t.equal(lean.requests[0]?.padding, 10, 'but keeps what was computed from it');
  await t.rejects(startStandinApi({ latencyMs: -1 }), /latencyMs.*-1/);
  await t.rejects(startStandinApi({ port: 70000 }), /70000/);
});
