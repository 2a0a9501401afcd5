// Gemini CLI's hook payloads (the JSON it writes on a hook's stdin, posted by guard's relay) read
// as the hook facts guard knows from Claude Code (src/claude/hooks.ts), pure. Seen on 0.61.0:
//   SessionStart {session_id, transcript_path, cwd, hook_event_name, timestamp, source: "startup" | "resume" | "clear"}
//   AfterAgent   {…, prompt, prompt_response, stop_hook_active}: the turn has ended (Claude's Stop)
//   SessionEnd   {…, reason: "exit" | "clear" | …}
// Field names are Claude's, so SessionStart and SessionEnd read as Claude's do.
import { parseHook } from '../claude/hooks.js';
import type { HookFact } from '../events/hook-facts.js';

export function parseGeminiHook(event: string, payload: unknown): HookFact {
  if (event !== 'AfterAgent') return parseHook(event, payload);
  let p: unknown = payload;
  if (typeof p === 'string' || p instanceof Uint8Array) {
    try { p = JSON.parse(typeof p === 'string' ? p : Buffer.from(p).toString('utf8')); } catch { return { type: 'unknown', event, payload }; }
  }
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return { type: 'unknown', event, payload };
  const o = p as Record<string, unknown>;
  if (typeof o['hook_event_name'] === 'string' && o['hook_event_name'] !== event) return { type: 'unknown', event, payload };
  return {
    type: 'Stop', sessionId: typeof o['session_id'] === 'string' ? o['session_id'] : null, promptId: null,
    stopHookActive: o['stop_hook_active'] === true, runningSubagents: 0,
  };
}
