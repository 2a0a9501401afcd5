// Codex CLI as an agent adapter (src/agents/agent.ts). It points at what guard knows of Codex in
// src/codex/: the typed events (events.ts), the `-c` flags and environment it starts Codex with
// and the user's config it reads (settings.ts), the window rules (window.ts), the prompt box
// (prompt-box.ts). Input: the user's codex arguments and environment; then the receiver's URL and
// token. Output: Codex's args with guard's flags, its extra environment. Nothing is written: no
// private file to remove.
//
// Decisions, from Codex 0.171.0 (seen):
// - Hooks: Codex's hook input is Claude's shape (session_id, hook_event_name, trigger, source),
//   so Claude's parser reads SessionStart, UserPromptSubmit, Stop and PreCompact. SessionStart
//   comes at the first prompt of a conversation, not at start.
// - Compactions are in no log record: the PostCompact hook (trigger manual | auto) is the event.
// - No hold: a PreCompact hook that answers `{"continue":false}` aborts the user's turn ("Hook
//   stopped", "Conversation interrupted": the prompt that triggered the compaction goes
//   unanswered). guard stays ahead by its threshold instead, and an automatic compaction is a miss.
// - Handoff: the note, then `/new`, then the resume prompt. After `/new` Codex fires no hook until
//   the next prompt is submitted (its SessionStart comes with the resume prompt, and the tracker
//   follows the new conversation from there), so the fresh conversation is taken as ready at the
//   next idle moment with the prompt box empty (clearReady 'idle'). Compaction is `/compact` (it
//   takes no instructions). Never an Esc before typing (Esc then `/` reads as Meta-/).
import { parseHook } from '../../claude/hooks.js';
import { defaultRelayPaths } from '../../claude/settings.js';
import { toCodexEvent } from '../../codex/events.js';
import { readCodexPromptBox } from '../../codex/prompt-box.js';
import { buildCodexRun, CodexConfigError, readCodexConfig } from '../../codex/settings.js';
import { codexWindowRules } from '../../codex/window.js';
import type { AgentCommands } from '../../policy/config.js';
import { AgentSetupError, type AgentAdapter, type AgentEvent, type AgentSetup, type HookFact, type SetupInput } from '../agent.js';

export const CODEX_COMMANDS: AgentCommands = { compact: '/compact', compactTakesInstructions: false, clear: '/new', clearReady: 'idle', agentName: 'Codex' };

function setup(input: SetupInput): AgentSetup {
  let config;
  try {
    config = readCodexConfig(input.args, input.env, undefined, input.env.HOME, input.cwd);
  } catch (err) {
    if (err instanceof CodexConfigError) throw new AgentSetupError(err.message, err.file);
    throw err;
  }
  return {
    env: input.env,
    window: codexWindowRules(config),
    // guard's -c otel.exporter replaces the user's own exporter for the run; not forwarded yet.
    forwardsUserTelemetry: false,
    // guard answers none of Codex's hooks: each writes to the hook folder (src/codex/settings.ts).
    usesHookFolder: true,
    warnings: [],
    connect: (to) => {
      const run = buildCodexRun(input.args, { relay: defaultRelayPaths(), hookSpool: to.hookSpool, receiverUrl: to.receiverUrl, token: to.token, tokenHeader: to.tokenHeader });
      return { args: run.args, extraEnv: run.extraEnv, warnings: [], dispose: () => {} };
    },
  };
}

/** PostCompact: the compaction Codex made (its telemetry has none), at guard's clock. */
function hookEvents(event: string, payload: unknown, now: number): AgentEvent[] {
  if (event !== 'PostCompact' || typeof payload !== 'object' || payload === null) return [];
  const p = payload as Record<string, unknown>;
  const sessionId = typeof p.session_id === 'string' && p.session_id !== '' ? p.session_id : null;
  return [{
    type: 'compaction', sessionId, t: now, sequence: null, promptId: null,
    trigger: p.trigger === 'auto' ? 'auto' : 'manual', success: true, preTokens: null, postTokens: null, durationMs: null, error: null,
  }];
}

/**
 * Codex's hooks in the shared facts (Claude's parser: the same field names), with the turn's
 * `turn_id` as the prompt id of UserPromptSubmit and Stop (Codex has no `prompt_id`; both hooks of
 * a turn carry the same `turn_id`, fixtures/codex-0.171.0/hooks/hooks.jsonl). They run in the
 * background (CODEX_ASYNC_HOOK_EVENTS), so a turn's posts can cross the next turn's, and the
 * idle judgement orders them by it (src/policy/idle.ts).
 */
export function parseCodexHook(event: string, payload: unknown): HookFact {
  const fact = parseHook(event, payload);
  if ((fact.type !== 'UserPromptSubmit' && fact.type !== 'Stop') || fact.promptId !== null) return fact;
  const turnId = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)['turn_id'] : undefined;
  return typeof turnId === 'string' && turnId !== '' ? { ...fact, promptId: turnId } : fact;
}

export const codexAdapter: AgentAdapter = {
  name: 'codex',
  displayName: 'Codex',
  setup,
  toEvent: toCodexEvent,
  // PostCompact is not one of the shared facts: it comes back `unknown`, and as an event from hookEvents.
  toHook: parseCodexHook,
  hookEvents,
  // Codex's requests carry no thread name; the tracker keeps the title thread apart by its id.
  isMainQuery: () => true,
  commands: CODEX_COMMANDS,
  readPromptBox: readCodexPromptBox,
  canHoldCompaction: false,
  holdSettleMs: 0,
  // 0.171.0 suspends its TUI on Ctrl-Z (its binary: "tui_suspend_resumed", "failed to suspend TUI
  // process"): run bare from bash it shows "Stopped", and `fg` brings it back (checked by hand;
  // under guard, test/e2e/suspend.test.ts).
  suspendsItself: true,
};
