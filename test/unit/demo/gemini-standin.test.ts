// The Gemini API stand-in without Gemini CLI: usage arithmetic, SSE framing over real HTTP on
// 127.0.0.1, the padding lifecycle (PAD:N, FILE:N, padPerRequest, a compression summary), the 400
// over the window, the utility and compression calls, countTokens, and the keyword script.
import t from 'tap';
import { startGeminiStandin, type GeminiStandin } from '../../../src/demo/gemini-standin.js';
import { SUMMARY_MARKER } from '../../../src/demo/standin-script.js';
import { answerFor, padInContents, sessionCwd, threadOf, type GenerateBody } from '../../../src/demo/gemini-script.js';
import { GEMINI_WINDOW, usageFor } from '../../../src/demo/gemini-wire.js';

const TOOLS = [{ functionDeclarations: [{ name: 'run_shell_command' }, { name: 'write_file' }, { name: 'read_file' }] }];
const CONTEXT = { role: 'user', parts: [{ text: '<session_context>\n- **Workspace Directories:**\n  - /work/proj\n</session_context>' }] };
const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const model = (text: string) => ({ role: 'model', parts: [{ text }] });
const main = (contents: unknown[]): GenerateBody => ({ contents: [CONTEXT, ...contents], systemInstruction: { parts: [{ text: 'You are Gemini CLI' }] }, tools: TOOLS } as GenerateBody);

interface Chunk { candidates: Array<{ content: { parts: Array<Record<string, unknown>> }; finishReason?: string }>; usageMetadata: Record<string, number>; modelVersion: string }
async function stream(api: GeminiStandin, body: unknown, m = 'gemini-2.5-pro') {
  const res = await fetch(`${api.url}/v1beta/models/${m}:streamGenerateContent?alt=sse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  const chunks = res.headers.get('content-type')?.startsWith('text/event-stream')
    ? text.split('\r\n\r\n').filter((f) => f !== '').map((f) => JSON.parse(f.replace(/^data: /, '')) as Chunk) : [];
  return { status: res.status, text, chunks };
}
const textOf = (chunks: Chunk[]) => chunks.map((c) => c.candidates[0]?.content.parts.map((p) => p.text ?? '').join('')).join('');

t.test('usage: the prompt count includes the cached part; total = prompt + output', async (t) => {
  for (const n of [0, 1, 7, 12_547, GEMINI_WINDOW]) {
    const u = usageFor(n, 40);
    t.equal(u.promptTokenCount, n);
    t.equal(u.cachedContentTokenCount, Math.floor((n * 80) / 100));
    t.ok(u.cachedContentTokenCount <= u.promptTokenCount);
    t.equal(u.totalTokenCount, n + 40);
  }
  t.throws(() => usageFor(-1, 0), /prompt must be a non-negative integer, got -1/);
  t.throws(() => usageFor(1.5, 0), /got 1.5/);
});

t.test('threads, padding and the session folder, from bodies alone', async (t) => {
  t.equal(threadOf(main([user('hi')])), 'main');
  t.equal(threadOf({ contents: [user('summarise the last session')] }), 'utility');
  t.equal(threadOf({ contents: [user('x')], systemInstruction: { parts: [{ text: 'You are a specialized system component responsible for distilling chat history into a <state_snapshot>' }] } }), 'compress');
  t.equal(padInContents(main([user('PAD:1000 read'), model('ok'), user('and PAD:250')])), 1250);
  t.equal(padInContents(main([user('xPAD:99 is not a marker')])), 0);
  const tool = { role: 'user', parts: [{ functionResponse: { name: 'run_shell_command', response: { output: 'FILE:5000' } } }] };
  t.equal(padInContents(main([user('TOOL:cat big'), { role: 'model', parts: [{ functionCall: { name: 'run_shell_command', args: {} } }] }, tool])), 5000, 'FILE:N in a tool output counts');
  t.equal(padInContents(main([user(`${SUMMARY_MARKER} PAD:9000`), user('next')])), 0, 'a compression summary carries no padding');
  t.equal(sessionCwd(main([user('hi')])), '/work/proj');
});

t.test('the script: text, shell call, note write, tool answered', async (t) => {
  const ctx = { seq: 3, promptTokens: 1234, thread: 'main' as const, cwd: null };
  t.same(answerFor(main([user('hello')]), ctx), { kind: 'text', text: 'Reply 3: context about 1234 tokens.' });
  t.same(answerFor(main([user('TOOL:echo hi')]), ctx), { kind: 'call', name: 'run_shell_command', args: { command: 'echo hi', description: 'Run the scripted command' } });
  const note = answerFor(main([user('build it'), model('ok'), user('Please write a checkpoint note to .guard/checkpoint-1.md now')]), ctx);
  t.equal(note.kind, 'call');
  if (note.kind === 'call') {
    t.equal(note.name, 'write_file');
    t.equal(note.args['file_path'], '/work/proj/.guard/checkpoint-1.md', 'relative paths resolve in the session folder');
    t.match(String(note.args['content']), /## Goal\nbuild it/);
  }
  const answered = main([user('WRITE: /tmp/n.md'), { role: 'model', parts: [{ functionCall: { name: 'write_file', args: { file_path: '/tmp/n.md' } } }] }, { role: 'user', parts: [{ functionResponse: { name: 'write_file', response: { output: 'ok' } } }] }]);
  t.same(answerFor(answered, ctx), { kind: 'text', text: 'Checkpoint note written to /tmp/n.md. Reply 3: context about 1234 tokens.' });
  t.match(answerFor({ contents: [user('x')] }, { ...ctx, thread: 'compress' }), { kind: 'text', text: new RegExp(SUMMARY_MARKER.replace(/[[\]]/g, '\\$&')) });
  t.same(answerFor(main([user('TOOL:ls')]), { ...ctx }).kind, 'call');
  t.same(answerFor({ contents: [user('TOOL:ls')], tools: [] }, { ...ctx, thread: 'utility' }), { kind: 'text', text: 'Stand-in session summary.' });
});

t.test('over HTTP: SSE chunks with usageMetadata, padding, window, other routes', async (t) => {
  const api = await startGeminiStandin();
  t.teardown(() => api.close());
  const b1 = main([user('hello PAD:1000')]);
  const r1 = await stream(api, b1);
  t.equal(r1.status, 200);
  t.ok(r1.text.startsWith('data: {'), 'SSE data frames');
  t.ok(r1.chunks.length >= 2, 'the text comes in pieces');
  const last = r1.chunks.at(-1)!;
  const expected = Math.floor(JSON.stringify(b1).length / 4) + 1000;
  t.equal(last.usageMetadata['promptTokenCount'], expected, 'body chars / 4 + PAD');
  t.equal(last.usageMetadata['candidatesTokenCount'], 40);
  t.equal(last.candidates[0]?.finishReason, 'STOP');
  t.equal(last.modelVersion, 'gemini-2.5-pro');
  t.equal(textOf(r1.chunks), `Reply 1: context about ${expected} tokens.`);
  t.equal(api.lastMain()?.usage?.promptTokenCount, expected);
  t.equal(api.lastMain()?.padding, 1000);

  api.padPerRequest = 500;
  const r2 = await stream(api, b1);
  t.equal(r2.chunks.at(-1)?.usageMetadata['promptTokenCount'], expected + 500, 'padPerRequest adds to main requests');
  const util = await stream(api, { contents: [user('summarise PAD:1')] }, 'gemini-3.5-flash-lite');
  t.equal(util.chunks.at(-1)?.usageMetadata['promptTokenCount'], Math.floor(JSON.stringify({ contents: [user('summarise PAD:1')] }).length / 4) + 1, 'not to utility calls');
  t.equal(api.generations('utility').length, 1);
  api.padPerRequest = 0;

  const over = await stream(api, main([user(`PAD:${GEMINI_WINDOW}`)]));
  t.equal(over.status, 400);
  t.match(JSON.parse(over.text), { error: { code: 400, status: 'INVALID_ARGUMENT', message: /input token count \(\d+\) exceeds the maximum number of tokens allowed \(1048576\)/ } });
  t.equal(api.requests.at(-1)?.status, 400);

  const gen = await fetch(`${api.url}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', body: JSON.stringify({ contents: [user('next speaker?')] }) });
  t.equal(gen.status, 200);
  t.match(await gen.json(), { candidates: [{ content: { parts: [{ text: 'Stand-in session summary.' }] } }], usageMetadata: { candidatesTokenCount: 40 } });
  const count = await fetch(`${api.url}/v1beta/models/gemini-2.5-pro:countTokens`, { method: 'POST', body: JSON.stringify({ contents: [user('PAD:10')] }) });
  t.same(await count.json(), { totalTokens: Math.floor(JSON.stringify({ contents: [user('PAD:10')] }).length / 4) + 10 });

  const bad = await stream(api, '{not json');
  t.equal(bad.status, 400);
  t.match(JSON.parse(bad.text), { error: { message: /malformed JSON body/ } });
  const none = await fetch(`${api.url}/v1/messages`, { method: 'POST', body: '{}' });
  t.equal(none.status, 404);
  const get = await fetch(`${api.url}/v1beta/models/m:generateContent`);
  t.equal(get.status, 405);

  api.enqueue({ kind: 'error', status: 429, errorStatus: 'RESOURCE_EXHAUSTED', message: 'quota' });
  const q = await stream(api, main([user('hi')]));
  t.equal(q.status, 429);
  t.match(JSON.parse(q.text), { error: { status: 'RESOURCE_EXHAUSTED' } });
  const seen = await api.waitForRequest((r) => r.status === 429, 100);
  t.equal(seen.thread, 'main');
});

t.test('bad options are refused with the value', async (t) => {
  await t.rejects(startGeminiStandin({ port: 70_000 }), /port must be an integer 0–65535, got 70000/);
  await t.rejects(startGeminiStandin({ padPerRequest: -5 }), /padPerRequest must be a non-negative number, got -5/);
});
