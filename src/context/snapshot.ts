// What the context tracker tells the rest of guard about one Claude conversation: the footer,
// the checkpoint policy, `guard ls` and the session log all read this plain object.
import type { RateLimits } from '../events/hook-facts.js';

export type WindowSource =
  | 'user'                 // guard's --window flag or config
  | 'statusline'           // Claude's own context_window.context_window_size
  | 'model-suffix'         // a "[1m]" suffix on a model id (hooks, metrics)
  | 'known-model'          // guard's table of known models
  | 'observed-compaction'  // inferred from an automatic compaction's pre_tokens
  | 'agent-config'         // the agent's own setting (Codex's model_context_window)
  | 'default';             // nothing known yet: 200,000

export type AutoCompactSource =
  | 'default'              // window − 33,000 (see CLAUDE-CODE.md)
  | 'env-window'           // CLAUDE_CODE_AUTO_COMPACT_WINDOW
  | 'env-pct'              // CLAUDE_AUTOCOMPACT_PCT_OVERRIDE
  | 'observed-compaction'  // lowered to what an automatic compaction showed
  | 'agent-config'         // the agent's own setting (Codex's model_auto_compact_token_limit)
  | 'disabled';            // DISABLE_AUTO_COMPACT: no point, the hard limit is the window

export interface CompactionSeen {
  /** Milliseconds since the epoch. */
  t: number;
  trigger: 'manual' | 'auto';
  success: boolean;
  preTokens: number | null;
  postTokens: number | null;
  error: string | null;
}

export interface ContextSnapshot {
  claudeSessionId: string | null;
  model: string | null;
  /** input + cache read + cache creation of the newest main request; before this run's first, a resumed
   * conversation's newest (from the status line); else null. */
  contextTokens: number | null;
  /** output tokens of that request: they join the context with the next request. */
  lastOutputTokens: number;
  contextWindow: number;
  windowSource: WindowSource;
  /** Where Claude Code would compact on its own; with auto-compaction disabled, the window. */
  autoCompactAt: number;
  autoCompactSource: AutoCompactSource;
  /** Median growth of the context per user turn, over recent turns; null until two turns. */
  growthPerTurn: number | null;
  /** High-percentile growth per turn, for "would the next turn cross the point?". */
  growthHigh: number | null;
  /** Whole turns left before the auto-compact point at the recent growth; null if unknown. */
  turnsLeft: number | null;
  /** Sum of cost_usd over every request of the run, side and sub-agent ones included. */
  costUsd: number;
  mainRequests: number;
  compactions: CompactionSeen[];
  /** Sum of cost_usd over the requests of this conversation only (costUsd is the whole run's). */
  sessionCostUsd?: number;
  /** Milliseconds since the epoch of the newest main request; null before the first. */
  contextAt?: number | null;
  /**
   * True when a compaction succeeded after the newest main request: contextTokens is still the
   * figure from before it, and the next main request will be much smaller.
   */
  compactedSinceRequest?: boolean;
  /**
   * True when contextTokens is a resumed conversation's figure from Claude's status line, before
   * this run's first main request of it: shown, never acted on (the policy waits for a request).
   */
  resumed?: boolean;
  /** This conversation's counters from Claude's metrics; absent until a metric point arrives. */
  metricTotals?: MetricTotals;
  /** The subscription's usage limits, from the newest status line that carried them (the
   * account's, so they outlive /clear); absent until one did. */
  rateLimits?: RateLimits;
}

/** Token and cost counters from the agent's own metrics (Claude's claude_code.token.usage and cost.usage). */
export interface MetricTotals {
  costUsd: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}
