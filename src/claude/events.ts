// Claude Code's log records as typed events (the Claude adapter's `toEvent`, src/agents/claude/).
// Input: one decoded OTLP log record (src/telemetry/records.ts) as the receiver hands it over.
// Output: the agent-neutral events of src/events/events.ts that the context tracker, the session
// log and the policy read. Pure: no clock, no I/O.
//
// Claude Code names an event in the `event.name` attribute (and in the body as
// `claude_code.<name>`). Older versions sent some numbers as strings and booleans as
// "true"/"false"; both are accepted here. Anything we do not model stays an `unknown` event with
// its attributes, so nothing is thrown away.

import type { LogRecord } from '../telemetry/records.js';
import { bool, eventTime, num, str } from '../telemetry/attributes.js';
import type { AgentEvent, Thread } from '../events/events.js';

/** Prefix Claude Code puts on the log body: `claude_code.api_request`. */
const BODY_PREFIX = 'claude_code.';

export type {
  EventBase, ApiRequestEvent, CompactionEvent, UserPromptEvent, ToolResultEvent, ToolDecisionEvent,
  SubagentCompletedEvent, ApiErrorEvent, UnknownEvent,
} from '../events/events.js';
/** Claude's events are the agent-neutral ones (src/events/events.ts). */
export type ClaudeEvent = AgentEvent;

/**
 * The thread a request ran in, from `query_source`. A missing source is guessed: a request
 * tagged with an agent name or id is a sub-agent's; anything else is provisionally main, and
 * `guessed` tells the tracker to accept it only if it is plausibly the main conversation.
 */
export function classifyRequest(querySource: string | null, hasAgentTag: boolean): { thread: Thread; guessed: boolean } {
  if (querySource === null || querySource === '') {
    return { thread: hasAgentTag ? 'subagent' : 'main', guessed: true };
  }
  if (querySource === 'repl_main_thread' || querySource === 'sdk') return { thread: 'main', guessed: false };
  if (querySource.startsWith('agent:')) return { thread: 'subagent', guessed: false };
  if (querySource === 'compact') return { thread: 'compact', guessed: false };
  return { thread: 'side', guessed: false };
}

export function toClaudeEvent(rec: LogRecord): ClaudeEvent {
  const a = rec.attributes;
  // The common fields are listed in every literal below rather than spread from one object:
  // object spread costs microseconds per event on Node 20 here, and this runs per log record.
  const sessionId = str(a['session.id']);
  const t = eventTime(a['event.timestamp'], rec.timeUnixNano, rec.observedTimeUnixNano);
  const sequence = num(a['event.sequence']);
  const promptId = str(a['prompt.id']);
  const name = eventName(rec);
  switch (name) {
    case 'api_request': {
      const querySource = str(a['query_source']);
      const agentName = str(a['agent.name']) ?? str(a['agent_id']);
      const { thread, guessed } = classifyRequest(querySource, agentName !== null);
      return {
        sessionId, t, sequence, promptId, type: 'api_request', thread, threadGuessed: guessed, querySource,
        model: str(a['model']),
        inputTokens: num(a['input_tokens']) ?? 0,
        outputTokens: num(a['output_tokens']) ?? 0,
        cacheReadTokens: num(a['cache_read_tokens']) ?? 0,
        cacheCreationTokens: num(a['cache_creation_tokens']) ?? 0,
        costUsd: num(a['cost_usd']) ?? 0,
        durationMs: num(a['duration_ms']),
        agentName,
      };
    }
    case 'compaction':
      return {
        sessionId, t, sequence, promptId, type: 'compaction',
        trigger: str(a['trigger']) === 'auto' ? 'auto' : 'manual',
        // A compaction record without `success` that carries no error is taken as succeeded.
        success: bool(a['success']) ?? str(a['error']) === null,
        preTokens: num(a['pre_tokens']),
        postTokens: num(a['post_tokens']),
        durationMs: num(a['duration_ms']),
        error: str(a['error']),
      };
    case 'user_prompt':
      return { sessionId, t, sequence, promptId, type: 'user_prompt', promptLength: num(a['prompt_length']), commandName: str(a['command_name']) };
    case 'tool_result':
      return {
        sessionId, t, sequence, promptId, type: 'tool_result', toolName: str(a['tool_name']), toolUseId: str(a['tool_use_id']),
        success: bool(a['success']), durationMs: num(a['duration_ms']),
      };
    case 'tool_decision':
      return {
        sessionId, t, sequence, promptId, type: 'tool_decision', toolName: str(a['tool_name']), toolUseId: str(a['tool_use_id']),
        decision: str(a['decision']), source: str(a['source']),
      };
    case 'subagent_completed':
      return {
        sessionId, t, sequence, promptId, type: 'subagent_completed', agentType: str(a['agent_type']), model: str(a['model']),
        totalTokens: num(a['total_tokens']), durationMs: num(a['duration_ms']),
      };
    case 'api_error':
      return {
        sessionId, t, sequence, promptId, type: 'api_error', model: str(a['model']), error: str(a['error']),
        statusCode: num(a['status_code']), durationMs: num(a['duration_ms']), querySource: str(a['query_source']),
      };
    default:
      return { sessionId, t, sequence, promptId, type: 'unknown', name, attributes: a };
  }
}

function eventName(rec: LogRecord): string {
  const fromAttr = str(rec.attributes['event.name']);
  if (fromAttr !== null) return fromAttr.startsWith(BODY_PREFIX) ? fromAttr.slice(BODY_PREFIX.length) : fromAttr;
  const body = typeof rec.body === 'string' ? rec.body : '';
  return body.startsWith(BODY_PREFIX) ? body.slice(BODY_PREFIX.length) : body;
}
