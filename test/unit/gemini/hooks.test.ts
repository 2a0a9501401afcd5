// Gemini CLI 0.61.0's hook payloads (as its hooks received them on the real binary) read as
// guard's hook facts: AfterAgent is a turn's end (Claude's Stop), SessionStart keeps its source.
import t from 'tap';
import { parseGeminiHook } from '../../../src/gemini/hooks.js';

const base = { session_id: '6fe4d694-c76d-4a86-b7b2-49feb44ae7bb', transcript_path: '/home/user/.gemini/tmp/project/chats/session-2026-11-30T01-41-6fe4d694.jsonl', cwd: '/home/user/project', timestamp: '2026-11-30T01:41:50.931Z' };

t.test('AfterAgent, SessionStart, SessionEnd', async (t) => {
  const after = { ...base, hook_event_name: 'AfterAgent', prompt: 'say hi please', prompt_response: 'Reply 1: context about 12547 tokens.', stop_hook_active: false };
  t.same(parseGeminiHook('AfterAgent', after), { type: 'Stop', sessionId: base.session_id, promptId: null, stopHookActive: false, runningSubagents: 0 });
  t.same(parseGeminiHook('AfterAgent', JSON.stringify({ ...after, stop_hook_active: true })), { type: 'Stop', sessionId: base.session_id, promptId: null, stopHookActive: true, runningSubagents: 0 }, 'raw text too');
  t.match(parseGeminiHook('SessionStart', { ...base, hook_event_name: 'SessionStart', source: 'clear' }), { type: 'SessionStart', sessionId: base.session_id, source: 'clear', cwd: '/home/user/project' });
  t.match(parseGeminiHook('SessionEnd', { ...base, hook_event_name: 'SessionEnd', reason: 'exit' }), { type: 'SessionEnd', reason: 'exit' });
});

t.test('a body that contradicts its event, or is not JSON, is unknown', async (t) => {
  t.match(parseGeminiHook('AfterAgent', { ...base, hook_event_name: 'BeforeAgent' }), { type: 'unknown', event: 'AfterAgent' });
  t.match(parseGeminiHook('AfterAgent', '{nope'), { type: 'unknown' });
  t.match(parseGeminiHook('AfterAgent', [1]), { type: 'unknown' });
});
