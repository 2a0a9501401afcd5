// The hook facts guard reacts to, whatever the agent: each adapter (src/agents/<name>/) turns a
// hook post (the relay's event name and the JSON the agent wrote on the hook's stdin) into one of
// these (Claude's: src/claude/hooks.ts parseHook). Read by the tracker, the idle judgement and the
// checkpoint policy. Plain types only. Claude Code's hook names are the vocabulary: SessionStart
// (source 'clear' for a fresh conversation guard asked for, 'compact' after a compaction),
// UserPromptSubmit (a turn starts), Stop (a turn ends), PreCompact (with its trigger; the agent
// may let guard hold it), SessionEnd, and the status line where the agent has one.

export interface SessionStartHook {
  type: 'SessionStart';
  sessionId: string | null;
  transcriptPath: string | null;
  cwd: string | null;
  /** 'startup' | 'resume' | 'clear' | 'compact' as seen; kept open for future values. */
  source: string | null;
  model: string | null;
}
export interface UserPromptSubmitHook {
  type: 'UserPromptSubmit';
  sessionId: string | null;
  promptId: string | null;
  prompt: string | null;
}
export interface StopHook {
  type: 'Stop';
  sessionId: string | null;
  promptId: string | null;
  stopHookActive: boolean;
  /** Background sub-agents still running when Claude stopped: more work will come back. */
  runningSubagents: number;
}
export interface PreCompactHook {
  type: 'PreCompact';
  sessionId: string | null;
  trigger: 'manual' | 'auto' | null;
  customInstructions: string | null;
}
export interface SessionEndHook {
  type: 'SessionEnd';
  sessionId: string | null;
  reason: string | null;
}
export interface StatusLineUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}
/** One of the subscription's usage windows, from the status line's `rate_limits`. */
export interface RateLimitWindow {
  /** Share of the window used, 0–100. */
  usedPercentage: number;
  /** When the window resets, in milliseconds since the epoch; null when not given. */
  resetsAt: number | null;
}
/** Claude.ai subscription limits (absent for API keys and third-party providers). */
export interface RateLimits {
  fiveHour: RateLimitWindow | null;
  sevenDay: RateLimitWindow | null;
}
export interface StatusLineHook {
  type: 'statusline';
  sessionId: string | null;
  version: string | null;
  modelId: string | null;
  modelName: string | null;
  /** context_window.context_window_size, e.g. 1000000. */
  contextWindowSize: number | null;
  /** context_window.current_usage; null before the first request and in older versions. */
  currentUsage: StatusLineUsage | null;
  usedPercentage: number | null;
  costUsd: number | null;
  /** `rate_limits.five_hour` / `seven_day`; null when the status line carries neither. */
  rateLimits: RateLimits | null;
}
export interface UnknownHook {
  type: 'unknown';
  event: string;
  payload: unknown;
}

export type HookFact =
  | SessionStartHook | UserPromptSubmitHook | StopHook | PreCompactHook | SessionEndHook | StatusLineHook | UnknownHook;
