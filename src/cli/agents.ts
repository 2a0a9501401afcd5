// Which agent adapter a `guard <program>` run uses: one row per agent, matched on the program's
// name as the user typed it, with the agent's reading of its arguments for the session log (its
// prompts redacted: an agent's args are never logged as typed). Claude's adapter is imported statically, so it is part of the file
// guard loads before it spawns Claude (dist/guard.cjs, scripts/build.ts; start-up, issue 10); the
// other rows load theirs only when used. Read by cli/commands/run.ts;
// the adapters live in src/agents/<name>/ (src/agents/agent.ts is the interface).
// To add an agent: its adapter in src/agents/<name>/, then a row here (see docs/architecture.md).
import type { AgentAdapter, AgentName } from '../agents/agent.js';
import { isClaudeProgram, redactClaudeArgs } from '../claude/program.js';
import { claudeAdapter } from '../agents/claude/adapter.js';
import { isCodexProgram, redactCodexArgs } from '../codex/program.js';
import { isGeminiProgram, redactGeminiArgs } from '../gemini/program.js';

export interface AgentRow {
  name: AgentName;
  /** Is this program (a name, a path, a wrapper such as claude.exe) this agent? */
  matches(program: string): boolean;
  /** Its args as they may be logged: prompts and private option values redacted. */
  redactArgs(args: readonly string[]): string[];
  load(): Promise<AgentAdapter>;
  /** Said when the program is not found on PATH. */
  installHint: string;
}

export const AGENTS: readonly AgentRow[] = [
  {
    name: 'claude',
    matches: isClaudeProgram,
    redactArgs: redactClaudeArgs,
    load: async () => claudeAdapter,
    installHint: 'Install Claude Code (npm install -g @anthropic-ai/claude-code) or put it on your PATH.',
  },
  {
    name: 'codex',
    matches: isCodexProgram,
    redactArgs: redactCodexArgs,
    load: async () => (await import('../agents/codex/adapter.js')).codexAdapter,
    installHint: 'Install Codex CLI (npm install -g @openai/codex) or put it on your PATH.',
  },
  {
    name: 'gemini',
    matches: isGeminiProgram,
    redactArgs: redactGeminiArgs,
    load: async () => (await import('../agents/gemini/adapter.js')).createGeminiAdapter(),
    installHint: 'Install Gemini CLI (npm install -g @google/gemini-cli) or put it on your PATH.',
  },
];

/** The agent this program is, or null: plain supervision. */
export function agentFor(program: string): AgentRow | null {
  return AGENTS.find((row) => row.matches(program)) ?? null;
}

/**
 * A run's args as its session log may keep them: an agent's with its prompts redacted, another
 * program's as given (guard runs it as a plain program: `guard make test`).
 */
export function loggableArgs(program: string, args: readonly string[]): string[] {
  return agentFor(program)?.redactArgs(args) ?? [...args];
}
