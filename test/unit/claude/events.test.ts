// toClaudeEvent on hand-made records: every variant, numbers and booleans sent as strings,
// the thread rules, a missing query_source, and times.
import t from 'tap';
import { toClaudeEvent, classifyRequest } from '../../../src/claude/events.js';
import type { LogRecord } from '../../../src/telemetry/records.js';

function rec(attributes: Record<string, unknown>, extra: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: '1795493707124000000', observedTimeUnixNano: '1795493707125000000', severityText: '',
    body: `claude_code.${String(attributes['event.name'])}`, attributes: attributes as LogRecord['attributes'],
    resource: {}, scopeName: 'com.anthropic.claude_code.events', scopeVersion: '2.1.197', ...extra,
  };
}

const base = { 'session.id': 'S1', 'event.sequence': 10, 'prompt.id': 'P1', 'event.timestamp': '2026-11-24T04:15:07.124Z' };

t.test('api_request with numbers as ints or strings gives the same event', async (t) => {
  const asInts = toClaudeEvent(rec({ ...base, 'event.name': 'api_request', model: 'claude-sonnet-5', input_tokens: 1587, output_tokens: 40,
    cache_read_tokens: 25380, cache_creation_tokens: 4758, cost_usd: 0.0308175, duration_ms: 70, query_source: 'repl_main_thread' }));
  const asStrings = toClaudeEvent(rec({ ...base, 'event.sequence': '10', 'event.name': 'api_request', model: 'claude-sonnet-5', input_tokens: '1587', output_tokens: '40',
    cache_read_tokens: '25380', cache_creation_tokens: '4758', cost_usd: '0.0308175', duration_ms: '70', query_source: 'repl_main_thread' }));
  t.same(asStrings, asInts);
  t.match(asInts, {
    type: 'api_request', sessionId: 'S1', sequence: 10, promptId: 'P1', t: Date.parse('2026-11-24T04:15:07.124Z'),
    thread: 'main', threadGuessed: false, querySource: 'repl_main_thread', model: 'claude-sonnet-5',
    inputTokens: 1587, outputTokens: 40, cacheReadTokens: 25380, cacheCreationTokens: 4758, costUsd: 0.0308175, durationMs: 70,
  });
});

t.test('threads from query_source', async (t) => {
  const thread = (qs: string | null, tag = false): string => classifyRequest(qs, tag).thread;
  t.equal(thread('repl_main_thread'), 'main');
  t.equal(thread('sdk'), 'main');
  t.equal(thread('agent:builtin:general-purpose'), 'subagent');
  t.equal(thread('agent:custom:reviewer'), 'subagent');
  t.equal(thread('compact'), 'compact');
  t.equal(thread('generate_session_title'), 'side');
  t.equal(thread('something_new'), 'side');
  t.same(classifyRequest(null, false), { thread: 'main', guessed: true });
  t.same(classifyRequest('', false), { thread: 'main', guessed: true });
  t.same(classifyRequest(null, true), { thread: 'subagent', guessed: true });
  t.same(classifyRequest('compact', true), { thread: 'compact', guessed: false });
});

t.test('missing query_source: a guess, sub-agent when an agent tag is there', async (t) => {
  const plain = toClaudeEvent(rec({ ...base, 'event.name': 'api_request', input_tokens: '5' }));
  t.match(plain, { type: 'api_request', thread: 'main', threadGuessed: true, querySource: null, outputTokens: 0, costUsd: 0, durationMs: null });
  const agent = toClaudeEvent(rec({ ...base, 'event.name': 'api_request', input_tokens: '5', agent_id: 'ac67' }));
  t.match(agent, { thread: 'subagent', threadGuessed: true, agentName: 'ac67' });
});

t.test('compaction: trigger, success as a string, pre/post tokens, error', async (t) => {
  const ok = toClaudeEvent(rec({ ...base, 'event.name': 'compaction', trigger: 'auto', success: 'true', pre_tokens: '171028', post_tokens: 783, duration_ms: 236 }));
  t.same(ok, { sessionId: 'S1', t: Date.parse(base['event.timestamp']), sequence: 10, promptId: 'P1',
    type: 'compaction', trigger: 'auto', success: true, preTokens: 171028, postTokens: 783, durationMs: 236, error: null });
  const failed = toClaudeEvent(rec({ ...base, 'event.name': 'compaction', trigger: 'manual', success: 'false', error: 'Not enough messages to compact.' }));
  t.match(failed, { trigger: 'manual', success: false, preTokens: null, error: 'Not enough messages to compact.' });
  const bare = toClaudeEvent(rec({ ...base, 'event.name': 'compaction', trigger: 'manual' }));
  t.match(bare, { success: true });
});

t.test('the other variants', async (t) => {
  t.match(toClaudeEvent(rec({ ...base, 'event.name': 'user_prompt', prompt_length: '23', command_name: 'compact', prompt: '<REDACTED>' })),
    { type: 'user_prompt', promptLength: 23, commandName: 'compact' });
  t.match(toClaudeEvent(rec({ ...base, 'event.name': 'tool_result', tool_name: 'Bash', tool_use_id: 'toolu_70', success: 'true', duration_ms: '175' })),
    { type: 'tool_result', toolName: 'Bash', toolUseId: 'toolu_70', success: true, durationMs: 175 });
  t.match(toClaudeEvent(rec({ ...base, 'event.name': 'tool_decision', tool_name: 'Agent', decision: 'accept', source: 'config' })),
    { type: 'tool_decision', toolName: 'Agent', decision: 'accept', source: 'config' });
  t.match(toClaudeEvent(rec({ ...base, 'event.name': 'subagent_completed', agent_type: 'general-purpose', total_tokens: 15698, model: 'claude-sonnet-5' })),
    { type: 'subagent_completed', agentType: 'general-purpose', totalTokens: 15698, model: 'claude-sonnet-5' });
  t.match(toClaudeEvent(rec({ ...base, 'event.name': 'api_error', model: 'claude-sonnet-4-5', error: 'prompt is too long', status_code: '400' })),
    { type: 'api_error', error: 'prompt is too long', statusCode: 400 });
  const unknown = toClaudeEvent(rec({ ...base, 'event.name': 'hook_registered', hook_event: 'Stop' }));
  t.match(unknown, { type: 'unknown', name: 'hook_registered', attributes: { hook_event: 'Stop' }, sessionId: 'S1' });
});

t.test('name from the body when event.name is missing; time from the record when event.timestamp is', async (t) => {
  const e = toClaudeEvent(rec({ 'session.id': 'S', input_tokens: 3 }, { body: 'claude_code.api_request' }));
  t.equal(e.type, 'api_request');
  t.equal(e.t, 1795493707124, 'timeUnixNano in ms');
  t.equal(e.sequence, null);
  t.equal(e.promptId, null);
  const observed = toClaudeEvent(rec({ 'event.name': 'user_prompt' }, { timeUnixNano: '0' }));
  t.equal(observed.t, 1795493707125, 'observedTimeUnixNano when the time is 0');
  t.equal(observed.sessionId, null);
  const nameless = toClaudeEvent(rec({}, { body: 42 }));
  t.match(nameless, { type: 'unknown', name: '' });
});
