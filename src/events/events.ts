// The typed events the context tracker reads, whatever the agent: each adapter
// (src/agents/<name>/) turns its agent's decoded OTLP log records into these (Claude's:
// src/claude/events.ts). Read by the tracker, the session log (log/from-events.ts) and the run's
// wiring. The lowest stage above telemetry/: everything that speaks of events imports from here. Plain types only. Claude Code's names are the vocabulary: a request of the main
// conversation with its tokens, a side request, a compaction with its trigger, a user prompt
// (a turn starts), an API error; anything not modelled stays `unknown` with its attributes.
import type { Attributes } from '../telemetry/records.js';

/** The conversation a request ran in (an adapter's classification); only `main` moves the gauge, and the session log records it as is. */
export type Thread = 'main' | 'subagent' | 'side' | 'compact';

export interface EventBase {
  /** Claude's session id (`session.id`); null when a record carries none. */
  sessionId: string | null;
  /** Milliseconds since the epoch: `event.timestamp`, else the record's time. */
  t: number;
  /** `event.sequence`: increasing per Claude session; null when absent. */
  sequence: number | null;
  /** `prompt.id`: the user prompt this event belongs to; null when absent. */
  promptId: string | null;
}

export interface ApiRequestEvent extends EventBase {
  type: 'api_request';
  thread: Thread;
  /**
   * True when `query_source` was missing and `thread` is a guess (see classifyRequest). The
   * tracker only lets a guessed main request move the gauge when it is plausibly main.
   */
  threadGuessed: boolean;
  querySource: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  costUsd: number;
  durationMs: number | null;
  /** `agent.name` / `agent_id` on sub-agent requests. */
  agentName: string | null;
}

export interface CompactionEvent extends EventBase {
  type: 'compaction';
  trigger: 'manual' | 'auto';
  success: boolean;
  preTokens: number | null;
  postTokens: number | null;
  durationMs: number | null;
  error: string | null;
}

export interface UserPromptEvent extends EventBase {
  type: 'user_prompt';
  promptLength: number | null;
  /** Set for slash commands, e.g. `compact` for `/compact …`. */
  commandName: string | null;
}

export interface ToolResultEvent extends EventBase {
  type: 'tool_result';
  toolName: string | null;
  toolUseId: string | null;
  success: boolean | null;
  durationMs: number | null;
}

export interface ToolDecisionEvent extends EventBase {
  type: 'tool_decision';
  toolName: string | null;
  toolUseId: string | null;
  decision: string | null;
  source: string | null;
}

export interface SubagentCompletedEvent extends EventBase {
  type: 'subagent_completed';
  agentType: string | null;
  model: string | null;
  totalTokens: number | null;
  durationMs: number | null;
}

export interface ApiErrorEvent extends EventBase {
  type: 'api_error';
  model: string | null;
  error: string | null;
  statusCode: number | null;
  durationMs: number | null;
  querySource: string | null;
}

export interface UnknownEvent extends EventBase {
  type: 'unknown';
  /** The event's name without the `claude_code.` prefix; '' when the record has none. */
  name: string;
  attributes: Attributes;
}

export type AgentEvent =
  | ApiRequestEvent | CompactionEvent | UserPromptEvent | ToolResultEvent | ToolDecisionEvent
  | SubagentCompletedEvent | ApiErrorEvent | UnknownEvent;
