// The real Claude Code (node_modules/.bin/claude) run directly — not under guard — in a 110x32
// test terminal against the stand-in Messages API, with its telemetry sent to a tiny OTLP
// collector. Proves the harness others build guard's e2e tests on: every scripted behaviour
// works on the real binary, the screen shows what the stand-in reported, and Claude's own
// api_request telemetry carries exactly the stand-in's token counts.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StandinRequest, ThreadKind } from '../../src/demo/standin-api.js';
import { submit, waitForIdle, isIdle } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import { until } from '../helpers/until.js';

const REPLY_RE = /Reply (\d+): context about (\d+) tokens\./;

/** The "Reply N: context about X tokens." lines on screen, as [N, X]. */
function replies(screen: string): Array<[number, number]> {
  return [...screen.matchAll(new RegExp(REPLY_RE.source, 'g'))].map((m) => [Number(m[1]), Number(m[2])]);
}
function tuple(i: number, cr: number, cc: number, o: number): string { return `${i}/${cr}/${cc}/${o}`; }
function threadOfQuerySource(qs: string): ThreadKind {
  if (qs === 'repl_main_thread' || qs === 'sdk') return 'main';
  if (qs === 'compact') return 'compact';
  if (qs.startsWith('agent')) return 'subagent';
  return 'side';
}

t.test('Claude Code 2.1.330 against the stand-in API', async (t) => {
  const session = await startClaudeSession({ telemetry: true, waitReady: false });
  const { api, env, term } = session;
  const otlp = session.otlp!;
  t.teardown(async () => {
    if (process.env.STANDIN_DEBUG) for (const r of api.requests) t.comment(`${r.seq} ${r.status} ${r.thread} pad=${r.padding} ctx=${r.contextTokens} ${JSON.stringify(r.prompt.slice(0, 60))} → ${JSON.stringify(r.answer).slice(0, 90)}`);
    await session.dispose();
  });

  // Start: the welcome and the prompt box, no first-run screen, no request yet.
  const start = await term.waitFor((s) => s.includes('Claude Code') && isIdle(s), 30_000);
  t.match(start, /Claude Code v2\.1\.330/, 'welcome banner');
  t.notMatch(start, /theme|trust this folder|Do you want to use this API key/i, 'no first-run screen');
  t.equal(api.requests.length, 0, 'no request before the first prompt');
  await waitForIdle(term);

  // A plain turn: the reply on screen names the context the stand-in reported.
  let s = await session.turn('hello', { until: REPLY_RE });
  const hello = api.lastMain();
  t.ok(hello, 'a main request arrived');
  t.equal(hello?.prompt, 'hello');
  t.same(replies(s).at(-1), [hello?.seq, hello?.contextTokens], 'screen shows the stand-in\'s context figure');
  t.equal(hello?.headers['anthropic-version'], '2023-06-01');
  t.equal(hello?.search, '?beta=true');
  t.ok(hello?.stream, 'streamed');

  // A tool call: Bash really runs the command; its output goes back in the next request.
  s = await session.turn('TOOL:echo standin-$((6*7))', { until: 'Tool done.' });
  const toolReqs = api.messages('main').filter((r) => r.seq > (hello?.seq ?? 0));
  t.equal(toolReqs[0]?.answer?.kind, 'tool_use', 'the stand-in asked for a Bash call');
  t.match(JSON.stringify(toolReqs[1]?.body?.messages?.at(-1)), /standin-42/, 'the tool result carries the command\'s output');
  t.match(s, /standin-42|echo standin/, 'the tool call is on screen');

  // A sub-agent: its requests are told apart from the main thread's and get plain replies.
  const beforeAgent = api.requests.length;
  await session.turn('AGENT go', { until: /Agent\(standin subagent\)/ });
  const sub = await api.waitForRequest((r) => r.thread === 'subagent', 20_000);
  // 2.1.330 runs sub-agents in the background: a notification turn follows the sub-agent's end.
  await api.waitForRequest((r) => r.thread === 'main' && r.seq > sub.seq, 20_000);
  s = await waitForIdle(term);
  t.ok(api.requests.slice(beforeAgent).some((r) => r.answer?.kind === 'tool_use' && /^(Agent|Task)$/.test(r.answer.name)), 'Agent tool called');
  t.match(sub.prompt, /\[standin-subagent\] go/, 'the sub-agent got the stand-in\'s task');
  t.ok((sub.contextTokens ?? 0) < (hello?.contextTokens ?? 0), 'a sub-agent runs in its own, smaller context');
  t.match(s, /Agent "standin subagent" finished|completed in background|Reply/, 'sub-agent end on screen');

  // Padding: the context grows by the padding, the screen says so.
  const beforePad = api.lastMain()?.contextTokens ?? 0;
  s = await session.turn('PAD:150000 big read', { until: (x) => x.includes('PAD:150000') && /Reply \d+: context about 1\d{5} tokens/.test(x) });
  const padded = api.lastMain();
  t.equal(padded?.padding, 150_000, 'the PAD marker is counted');
  t.ok((padded?.contextTokens ?? 0) >= beforePad + 150_000, `context grew past ${beforePad} + 150000: ${padded?.contextTokens}`);
  t.same(replies(s).at(-1), [padded?.seq, padded?.contextTokens], 'screen shows the padded context');

  // /compact: the compaction call is recognised, and the next main request is small again.
  await session.turn('/compact keep it', { until: /Compacted/ });
  const compacts = api.messages('compact');
  t.equal(compacts.length, 1, 'one compaction call');
  t.equal(compacts[0]?.padding, 150_000, 'the compaction call carries the whole (padded) conversation');
  s = await session.turn('after', { until: (x) => x.includes('after') && (replies(x).at(-1)?.[1] ?? 1e9) < 100_000 });
  const after = api.lastMain();
  t.equal(after?.padding, 0, 'the padding left with the compacted messages');
  t.ok((after?.contextTokens ?? 1e9) < (padded?.contextTokens ?? 0) / 5, `context shrank: ${padded?.contextTokens} → ${after?.contextTokens}`);

  // The handoff guard performs: a checkpoint note written by Claude's Write tool, then /clear;
  // the next request starts a new conversation (new session id) without the padding.
  await session.turn('PAD:20000 more reading', { until: /PAD:20000[\s\S]*Reply \d+/ });
  const beforeClear = api.lastMain();
  t.equal(beforeClear?.padding, 20_000);
  s = await session.turn('Please write a checkpoint note to .guard/checkpoints/cp1.md now', { until: 'Checkpoint note written' });
  const noteReq = api.messages('main').find((r) => r.answer?.kind === 'tool_use' && r.answer.name === 'Write');
  t.match(noteReq?.answer, { input: { file_path: `${env.cwd}/.guard/checkpoints/cp1.md` } }, 'Write aimed at the project folder');
  const note = await readFile(join(env.cwd, '.guard/checkpoints/cp1.md'), 'utf8');
  t.match(note, /## Goal[\s\S]*## Done[\s\S]*## Next/, 'the note is on disk with content');
  await session.turn('/clear', { until: (x) => !x.includes('Checkpoint note written') });
  s = await session.turn('resume from .guard/checkpoints/cp1.md', { until: /resume from[\s\S]*Reply \d+/ });
  const resumed = api.lastMain();
  t.equal(resumed?.padding, 0, 'no padding after /clear');
  t.ok((resumed?.contextTokens ?? 1e9) < (beforeClear?.contextTokens ?? 0) - 20_000, `context after /clear: ${resumed?.contextTokens}`);
  t.not(resumed?.sessionId, beforeClear?.sessionId, '/clear starts a new session id');
  t.equal(resumed?.body?.messages?.filter((m) => m.role === 'assistant').length, 0, 'a fresh conversation');

  // Over the window (1M for the default model in 2.1.330): the stand-in refuses as the API does.
  // Claude then compacts on its own and retries; what it shows next varies (a reply, or
  // "Context limit reached"), so only the stand-in's record and the telemetry are asserted.
  const beforeBig = api.requests.length;
  submit(term, 'PAD:1100000 too big');
  const refusedReq = await api.waitForRequest((r) => r.seq > beforeBig && r.status === 400, 20_000);
  await api.waitForRequest((r) => r.seq > refusedReq.seq && r.thread === 'compact', 20_000);
  await waitForIdle(term);
  const refusal = refusedReq.answer;
  t.match(refusal?.kind === 'error' ? refusal.message : '', /^prompt is too long: \d+ tokens > 1000000 maximum$/);
  t.equal(refusedReq.window, 1_000_000);
  t.equal(refusedReq.padding, 1_100_000);

  // Telemetry: Claude's api_request events carry exactly the stand-in's figures.
  const answered = api.messages().filter((r) => r.status === 200);
  // Waited for without failing: the assertion below says which counts are missing.
  await until(() => otlp.events('api_request').length >= answered.length, 15_000, 'an api_request event per answered request').catch(() => undefined);
  const events = otlp.events('api_request');
  const fromApi = answered.map((r: StandinRequest) => tuple(r.usage!.input_tokens, r.usage!.cache_read_input_tokens, r.usage!.cache_creation_input_tokens, r.usage!.output_tokens)).sort();
  const fromOtel = events.map((e) => tuple(Number(e.attrs.input_tokens), Number(e.attrs.cache_read_tokens), Number(e.attrs.cache_creation_tokens), Number(e.attrs.output_tokens))).sort();
  t.same(fromOtel, fromApi, 'api_request token counts equal what the stand-in reported');
  for (const e of events) {
    const key = tuple(Number(e.attrs.input_tokens), Number(e.attrs.cache_read_tokens), Number(e.attrs.cache_creation_tokens), Number(e.attrs.output_tokens));
    const r = answered.find((x) => tuple(x.usage!.input_tokens, x.usage!.cache_read_input_tokens, x.usage!.cache_creation_input_tokens, x.usage!.output_tokens) === key);
    t.equal(r?.thread, threadOfQuerySource(String(e.attrs.query_source)), `thread guess for ${String(e.attrs.query_source)}`);
  }
  t.ok(otlp.posts.every((p) => p.authorized), 'every export carried the token header');
  t.ok(otlp.events('api_error').length >= 1, 'the refusal shows up as api_error');
  t.match(otlp.events('compaction').map((e) => e.attrs.trigger), ['manual', 'auto'], 'our /compact, then Claude\'s own after the refusal');
  const sessionIds = new Set(otlp.events('api_request').map((e) => e.attrs['session.id']));
  t.ok([...sessionIds].every((id) => answered.some((r) => r.sessionId === id)), 'telemetry session.id matches the x-claude-code-session-id header');
  t.comment(`query sources: ${[...new Set(events.map((e) => String(e.attrs.query_source)))].join(', ')}`);
});
