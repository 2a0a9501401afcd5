// A context tracker with Claude Code's rules, as the Claude adapter gives them to a run
// (src/agents/claude/adapter.ts, src/app/agent-run.ts): its window rules, its main-thread test and
// its metric reader, and hook posts read by Claude's parser. For the tests and benches that feed
// Claude's telemetry to the tracker; the tracker itself knows no agent.
import { claudeAdapter } from '../../src/agents/claude/adapter.js';
import { parseHook } from '../../src/claude/hooks.js';
import { readClaudeMetric } from '../../src/claude/metrics.js';
import { CLAUDE_WINDOW_RULES } from '../../src/claude/window.js';
import { ContextTracker, type ContextTrackerOptions } from '../../src/context/tracker.js';

export type ClaudeTrackerOptions = Omit<ContextTrackerOptions, 'windowRules' | 'isMainQuery' | 'readMetric'>;

export class ClaudeTracker extends ContextTracker {
  constructor(opts: ClaudeTrackerOptions) {
    super({ ...opts, windowRules: CLAUDE_WINDOW_RULES, isMainQuery: claudeAdapter.isMainQuery, readMetric: readClaudeMetric });
  }

  /** A hook post as Claude Code sends it, read by Claude's parser (src/claude/hooks.ts). */
  onHook(event: string, payload: unknown): void {
    this.onHookFact(parseHook(event, payload));
  }
}
