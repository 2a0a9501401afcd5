// `guard claude`: the generic agent run (./agent-run.ts) with the Claude Code adapter
// (src/agents/claude/adapter.ts). Kept as the name the demo and the tests know; the wiring itself
// lives in agent-run.ts.
import { startAgentRun, type AgentRun, type AgentRunOptions } from './agent-run.js';
import { claudeAdapter, claudeTelemetryEnv } from '../agents/claude/adapter.js';
import { TOKEN_HEADER, type Receiver } from '../telemetry/receiver.js';
import type { ForwardProtocol, ForwardSignal } from '../telemetry/forward-env.js';

export { NO_TELEMETRY_MS } from './agent-run.js';
export type ClaudeRunOptions = AgentRunOptions;
export type ClaudeRun = AgentRun;

/** Throws AgentSetupError when the user's own --settings cannot be read. */
export function startClaudeRun(o: ClaudeRunOptions): Promise<ClaudeRun> {
  return startAgentRun(claudeAdapter, o);
}

/** The variables that point Claude's telemetry, hooks and status line at this receiver. */
export function telemetryEnv(receiver: Receiver, token: string, protocols: Partial<Record<ForwardSignal, ForwardProtocol>> = {}): Record<string, string> {
  return claudeTelemetryEnv(receiver.url, TOKEN_HEADER, token, protocols);
}
