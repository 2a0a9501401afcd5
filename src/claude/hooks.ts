// Typed views of what Claude Code writes on a hook command's standard input (and on the status-line
// command's). The relays post those bytes unchanged to the receiver, which hands
// (eventName, parsed JSON) to `parseHook` (the Claude adapter's `toHook`); the idle detector, the
// context tracker and the checkpoint policy read the result, the agent-neutral facts of
// src/events/hook-facts.ts. Shapes follow the captures in fixtures/*/hooks/. Never throws: anything
// that is not recognisably one of these comes back as `{ type: 'unknown' }`.

export type {
  SessionStartHook, UserPromptSubmitHook, StopHook, PreCompactHook, SessionEndHook, StatusLineUsage,
  RateLimitWindow, RateLimits, StatusLineHook, UnknownHook,
} from '../events/hook-facts.js';
import type { HookFact, RateLimits, RateLimitWindow, StatusLineHook } from '../events/hook-facts.js';
/** Claude's hooks are the agent-neutral facts (src/events/hook-facts.ts). */
export type HookEvent = HookFact;

/**
 * The event names guard registers hooks for (plus 'statusline' for the status-line relay). Not
 * SessionEnd: nothing in guard reads it (parseHook still knows its shape, from the fixtures), and
 * Claude waits for its SessionEnd hooks at every /clear and every exit. Measured on
 * 2.1.330 with a 1.5 s SessionEnd hook: /clear took 1780 ms instead of 152 to be idle again, /exit
 * 2808 ms instead of 132 to end; guard's relay (~100 ms) held both for that long.
 */
export const GUARD_HOOK_EVENTS = ['SessionStart', 'UserPromptSubmit', 'Stop', 'PreCompact'] as const;
export type GuardHookEvent = (typeof GUARD_HOOK_EVENTS)[number];
export const STATUSLINE_EVENT = 'statusline';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(o: Obj, key: string): string | null {
  const v = o[key];
  return typeof v === 'string' ? v : null;
}
/** Numbers arrive as ints; older versions sent some as strings. */
function num(o: Obj | null, key: string): number | null {
  if (!o) return null;
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}
function obj(o: Obj, key: string): Obj | null {
  const v = o[key];
  return isObj(v) ? v : null;
}

/** Accepts the parsed JSON or the raw text the relay posted. */
export function parseHook(event: string, payload: unknown): HookEvent {
  let p: unknown = payload;
  if (typeof p === 'string' || p instanceof Uint8Array) {
    try {
      p = JSON.parse(typeof p === 'string' ? p : Buffer.from(p).toString('utf8'));
    } catch {
      return { type: 'unknown', event, payload };
    }
  }
  if (!isObj(p)) return { type: 'unknown', event, payload };
  // The URL's event name decides; the body's hook_event_name must not contradict it.
  const named = str(p, 'hook_event_name');
  if (named !== null && event !== STATUSLINE_EVENT && named !== event) return { type: 'unknown', event, payload };
  const sessionId = str(p, 'session_id');
  switch (event) {
    case 'SessionStart':
      return {
        type: 'SessionStart', sessionId, transcriptPath: str(p, 'transcript_path'), cwd: str(p, 'cwd'),
        source: str(p, 'source'), model: str(p, 'model'),
      };
    case 'UserPromptSubmit':
      return { type: 'UserPromptSubmit', sessionId, promptId: str(p, 'prompt_id'), prompt: str(p, 'prompt') };
    case 'Stop': {
      const tasks = Array.isArray(p['background_tasks']) ? p['background_tasks'] : [];
      const running = tasks.filter((x) => isObj(x) && x['type'] === 'subagent' && x['status'] === 'running').length;
      return {
        type: 'Stop', sessionId, promptId: str(p, 'prompt_id'), stopHookActive: p['stop_hook_active'] === true,
        runningSubagents: running,
      };
    }
    case 'PreCompact': {
      const trig = str(p, 'trigger');
      return {
        type: 'PreCompact', sessionId, trigger: trig === 'manual' || trig === 'auto' ? trig : null,
        customInstructions: str(p, 'custom_instructions'),
      };
    }
    case 'SessionEnd':
      return { type: 'SessionEnd', sessionId, reason: str(p, 'reason') };
    case STATUSLINE_EVENT:
      return parseStatusLine(p, sessionId);
    default:
      return { type: 'unknown', event, payload };
  }
}

function parseStatusLine(p: Obj, sessionId: string | null): StatusLineHook {
  const model = obj(p, 'model');
  const cw = obj(p, 'context_window');
  const cu = cw ? obj(cw, 'current_usage') : null;
  const cost = obj(p, 'cost');
  return {
    type: 'statusline',
    sessionId,
    version: str(p, 'version'),
    modelId: model ? str(model, 'id') : null,
    modelName: model ? str(model, 'display_name') : null,
    contextWindowSize: num(cw, 'context_window_size'),
    currentUsage: cu
      ? {
          inputTokens: num(cu, 'input_tokens') ?? 0,
          outputTokens: num(cu, 'output_tokens') ?? 0,
          cacheCreationTokens: num(cu, 'cache_creation_input_tokens') ?? 0,
          cacheReadTokens: num(cu, 'cache_read_input_tokens') ?? 0,
        }
      : null,
    usedPercentage: num(cw, 'used_percentage'),
    costUsd: num(cost, 'total_cost_usd'),
    rateLimits: parseRateLimits(obj(p, 'rate_limits')),
  };
}

/**
 * `rate_limits` as documented (Claude Code 2.1.80+, subscription accounts only; never seen
 * offline): `{ five_hour: { used_percentage, resets_at }, seven_day: { … } }`. 2.1.330 builds
 * `resets_at` as Unix seconds (its status-line code compares it with Date.parse(…)/1000); some
 * reports show an ISO 8601 string, so both are read. A window without a usable percentage is null.
 */
function parseRateLimits(rl: Obj | null): RateLimits | null {
  if (!rl) return null;
  const fiveHour = rateLimitWindow(obj(rl, 'five_hour'));
  const sevenDay = rateLimitWindow(obj(rl, 'seven_day'));
  return fiveHour || sevenDay ? { fiveHour, sevenDay } : null;
}

/** Unix seconds below this are taken as seconds, above as milliseconds (year 2286 either way). */
const SECONDS_LIMIT = 1e10;

function rateLimitWindow(w: Obj | null): RateLimitWindow | null {
  const used = num(w, 'used_percentage');
  if (!w || used === null || used < 0) return null;
  const raw = w['resets_at'];
  let resetsAt: number | null = null;
  if (typeof raw === 'number' && Number.isFinite(raw) && raw > 0) resetsAt = raw < SECONDS_LIMIT ? raw * 1000 : raw;
  else if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) resetsAt = Number(raw) < SECONDS_LIMIT ? Number(raw) * 1000 : Number(raw);
  else if (typeof raw === 'string' && Number.isFinite(Date.parse(raw))) resetsAt = Date.parse(raw);
  return { usedPercentage: Math.min(100, used), resetsAt };
}
