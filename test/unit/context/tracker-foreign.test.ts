// Another copy of the agent that runs guard's hooks (src/context/tracker.ts, childrenShareHooks):
// Gemini's shell tool hands its environment on, guard's private GEMINI_CLI_HOME with it, so a
// `gemini -p …` the agent runs posts its own SessionStart (source startup) and turns. Read with
// Gemini's adapter as a run reads them: the child takes neither the screen nor the gauge; the
// run's own /clear still starts its next conversation. An agent without the flag keeps taking a
// new start as its own.
import t from 'tap';
import { createGeminiAdapter, geminiWindowRules } from '../../../src/agents/gemini/adapter.js';
import { ContextTracker } from '../../../src/context/tracker.js';
import type { AgentEvent } from '../../../src/events/events.js';

const gemini = createGeminiAdapter();
const MAIN = '594170b2-a89c-437d-ad2b-1cdd2db5ca6b';
const CHILD = '54e6611e-a1ab-4552-bcab-6be5ded1c96c';
const NEXT = '0b7de60f-5763-4aea-9686-b7a132e81c80';

function tracker(childrenShareHooks: boolean): ContextTracker {
  return new ContextTracker({ env: {}, windowRules: geminiWindowRules(0.5), isMainQuery: gemini.isMainQuery, ...(childrenShareHooks ? { childrenShareHooks } : {}) });
}
/** A hook as Gemini posts it (0.61.0 payload fields). */
const hook = (tr: ContextTracker, event: string, sessionId: string, extra: Record<string, unknown> = {}): void =>
  tr.onHookFact(gemini.toHook(event, { session_id: sessionId, hook_event_name: event, cwd: '/p', timestamp: '2026-12-02T03:44:10.000Z', ...extra }));
let seq = 0;
const request = (sessionId: string, context: number): AgentEvent => ({
  sessionId, t: 1_000 + ++seq, sequence: null, promptId: null, type: 'api_request', thread: 'main', threadGuessed: false, querySource: 'main',
  model: 'standin-model', inputTokens: context, outputTokens: 30, cacheReadTokens: 0, cacheCreationTokens: 0, costUsd: 0, durationMs: 100, agentName: null,
});

t.test('a child gemini\'s start and turns are foreign: the run\'s conversation keeps the screen and the gauge', async (t) => {
  const tr = tracker(true);
  hook(tr, 'SessionStart', MAIN, { source: 'startup' });
  tr.onEvent(request(MAIN, 12_569));
  t.equal(tr.snapshot().contextTokens, 12_569);
  hook(tr, 'SessionStart', CHILD, { source: 'startup' });
  hook(tr, 'BeforeAgent', CHILD, { prompt: 'child says hi' });
  hook(tr, 'AfterAgent', CHILD, { prompt_response: 'hi' });
  t.ok(tr.isForeign(CHILD), 'the second fresh start is another copy of Gemini');
  t.notOk(tr.isFollowed(CHILD));
  t.ok(tr.onEvent(request(CHILD, 900)).countedAsMain, 'its request is its own conversation\'s main request');
  t.equal(tr.onScreenId(), MAIN, 'the run\'s conversation stays on screen');
  t.equal(tr.snapshot().contextTokens, 12_569, 'and its gauge');
  t.notOk(tr.isForeign(MAIN));
  hook(tr, 'SessionStart', NEXT, { source: 'clear' });
  t.equal(tr.onScreenId(), NEXT, 'the run\'s own /clear starts its next conversation');
  t.ok(tr.isFollowed(NEXT));
  hook(tr, 'SessionStart', CHILD, { source: 'clear' });
  t.equal(tr.onScreenId(), NEXT, 'a foreign session stays foreign, whatever it says later');
});

t.test('without the flag (Claude, Codex), a new start is the run\'s own, as before', async (t) => {
  const tr = tracker(false);
  hook(tr, 'SessionStart', MAIN, { source: 'startup' });
  tr.onEvent(request(MAIN, 12_569));
  hook(tr, 'SessionStart', CHILD, { source: 'startup' });
  t.notOk(tr.isForeign(CHILD));
  t.equal(tr.onScreenId(), CHILD);
});

t.test('the run\'s first start is its own, whatever its source; a start with no session names nothing', async (t) => {
  const tr = tracker(true);
  hook(tr, 'SessionStart', MAIN, { source: 'resume' });
  hook(tr, 'SessionStart', CHILD, { source: 'startup' });
  t.equal(tr.onScreenId(), MAIN, 'gemini --resume: its first start says resume; a later fresh start is a child');
  const fresh = tracker(true);
  fresh.onHookFact(gemini.toHook('SessionStart', { hook_event_name: 'SessionStart', source: 'startup' }));
  hook(fresh, 'SessionStart', MAIN, { source: 'startup' });
  t.equal(fresh.onScreenId(), MAIN);
  t.notOk(fresh.isForeign(MAIN));
});
