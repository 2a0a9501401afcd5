// What guard adds to Gemini CLI's settings for one run (pure): the hooks that write to guard's hook
// folder (or, without one, run guard's hook relay), merged into the user's own settings the way
// Gemini merges hook lists (concatenated), and the environment that points Gemini's telemetry at
// guard's receiver. Input: the user's settings (already parsed), the hook folder, the relay paths,
// the receiver. Output: plain objects for src/gemini/home.ts (which writes them into the run's
// private home) and for the run's environment.
//
// Checked on Gemini CLI 0.61.0 (bundle and binary):
// - Telemetry: GEMINI_TELEMETRY_ENABLED / _TARGET / _OTLP_ENDPOINT / _OTLP_PROTOCOL / _LOG_PROMPTS
//   / _OUTFILE beat every settings file (only the CLI's own --telemetry-* flags beat them). With
//   `otlpProtocol: http` it posts JSON to <endpoint>/v1/logs, /v1/metrics, /v1/traces. Its OTLP
//   exporters read OTEL_EXPORTER_OTLP_HEADERS: `x-guard-token=<token>` arrived on every post, so
//   the receiver's token check holds unchanged. A telemetry `outfile` turns OTLP off, hence the
//   empty GEMINI_TELEMETRY_OUTFILE (the CLI takes an empty value as "none").
// - Hooks: only settings files (system, system defaults, user, workspace) and extensions carry
//   them, and hook lists from all of them are concatenated. The system files are read only when
//   they and every folder above them belong to root and nobody else may write them ("Security
//   Warning: Skipping system defaults file … '/tmp' is insecure"), so guard cannot use
//   GEMINI_CLI_SYSTEM_*_PATH; see home.ts for the user settings copy it uses instead.
// - A hook command runs in a shell with the CLI's environment, except that variables whose names
//   look secret (TOKEN, KEY, AUTH …) are dropped when the user turns on environment redaction or
//   on GitHub runners (GITHUB_SHA). A hook's own `env` is added after that, and settings values
//   expand `$VAR` from the CLI's environment when loaded: so each hook carries
//   `env: { GUARD_TOKEN: "$GUARD_TOKEN", … }`, the token itself never written to a file.
// - A hook that prints nothing and exits 0 changes nothing (the relay prints nothing).
import { platform } from 'node:os';
import { posix, win32 } from 'node:path';
import { RECEIVER_URL_ENV, TOKEN_ENV } from '../claude/relay/post.js';
import { hookRelayCommand, type RelayPaths } from '../claude/settings.js';
import { hookSpoolCommand } from '../telemetry/hook-spool.js';

/**
 * The hooks guard listens to: a conversation starts (`source`: startup, resume, clear), a turn ends
 * (AfterAgent), the session ends. Not BeforeAgent nor PreCompress: Gemini runs both, one after the
 * other, before every prompt is sent (PreCompress with trigger "auto" whether or not it then
 * compresses; it cannot refuse a compression), and each hook is a node start the prompt waits
 * for (seen: "Executing Hooks: guard-BeforeAgent, guard-PreCompress" for a second and more on a
 * busy machine). The telemetry says the same: `user_prompt` starts a turn, `chat_compression`
 * ends a compression.
 */
export const GEMINI_HOOK_EVENTS = ['SessionStart', 'AfterAgent', 'SessionEnd'] as const;
export type GeminiHookEvent = (typeof GEMINI_HOOK_EVENTS)[number];
/** Gemini's hook timeout is in milliseconds (default 60,000); the relay is gone within RELAY_DEADLINE_MS. */
export const GEMINI_HOOK_TIMEOUT_MS = 5_000;
/**
 * What Gemini CLI 0.61.0 replaces with its environment's values in a settings string when it loads
 * it (`$NAME`, `${NAME}`, `${NAME:-default}`), before any shell sees the command. guard's hook-folder
 * line has none of its own (src/telemetry/hook-spool.ts); a folder whose path has one (a TMPDIR
 * such as `/tmp/$USER`) would be changed, so its hooks then run the relay.
 */
const EXPANDED_BY_GEMINI = /\$(?:\w|\{)/;
/** Names guard's hooks carry (Gemini shows "Executing Hook: <name>" and lets a user disable one by name). */
export const HOOK_NAME_PREFIX = 'guard-';

export type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject { return typeof v === 'object' && v !== null && !Array.isArray(v); }

/**
 * guard's `hooks` block. With the run's hook folder (src/telemetry/hook-spool.ts), each event's
 * command is the shell line that drops its JSON there: guard answers none of these hooks, and
 * Gemini waits for every hook it runs, AfterAgent at the end of each turn among them. Measured
 * (bench/turn-gemini.bench.ts, 2026-12-02): with the relay, a Node start and a POST, a turn ended
 * 177-216 ms after bare Gemini's; with the folder, 112-122 ms. Without the folder, each event runs
 * the relay, with the receiver and token passed by name.
 */
export function guardHooks(relay: RelayPaths, hookSpool: string | null = null): JsonObject {
  const env = { [RECEIVER_URL_ENV]: `$${RECEIVER_URL_ENV}`, [TOKEN_ENV]: `$${TOKEN_ENV}` };
  const hooks: JsonObject = {};
  for (const event of GEMINI_HOOK_EVENTS) {
    const name = `${HOOK_NAME_PREFIX}${event}`;
    const spoolLine = hookSpool === null ? null : hookSpoolCommand(hookSpool, event);
    hooks[event] = [{
      hooks: [spoolLine !== null && !EXPANDED_BY_GEMINI.test(spoolLine)
        ? { type: 'command', name, command: spoolLine, timeout: GEMINI_HOOK_TIMEOUT_MS }
        : { type: 'command', name, command: hookRelayCommand(relay, event), timeout: GEMINI_HOOK_TIMEOUT_MS, env }],
    }];
  }
  return hooks;
}

/**
 * The user's settings with guard's hooks added after theirs (Gemini runs a list in order). Nothing
 * else of theirs changes. A `hooks` value that is not an object is the user's mistake, kept as is
 * for Gemini to report, and guard's hooks are then left out (the result says so).
 */
export function withGuardHooks(user: JsonObject, relay: RelayPaths, hookSpool: string | null = null): { settings: JsonObject; hooked: boolean } {
  const theirs = user['hooks'];
  if (theirs !== undefined && !isObject(theirs)) return { settings: user, hooked: false };
  const merged: JsonObject = { ...(theirs ?? {}) };
  for (const [event, list] of Object.entries(guardHooks(relay, hookSpool))) {
    const prev = merged[event];
    merged[event] = [...(Array.isArray(prev) ? prev : prev === undefined ? [] : [prev]), ...(list as unknown[])];
  }
  return { settings: { ...user, hooks: merged }, hooked: true };
}

/** The user's settings turn hooks off altogether (`hooksConfig.enabled: false`). */
export function hooksDisabled(settings: JsonObject): boolean {
  const cfg = settings['hooksConfig'];
  return isObject(cfg) && cfg['enabled'] === false;
}

/** The variables that send Gemini's telemetry to guard's receiver (prompts not logged). */
export function telemetryEnv(receiverUrl: string, token: string, tokenHeader: string): Record<string, string> {
  return {
    GEMINI_TELEMETRY_ENABLED: 'true',
    GEMINI_TELEMETRY_TARGET: 'local',
    GEMINI_TELEMETRY_OTLP_ENDPOINT: receiverUrl,
    GEMINI_TELEMETRY_OTLP_PROTOCOL: 'http',
    GEMINI_TELEMETRY_LOG_PROMPTS: 'false',
    GEMINI_TELEMETRY_OUTFILE: '',
    // The per-signal variables too: a user's own one would beat the general one for that signal.
    ...Object.fromEntries(['', 'LOGS_', 'METRICS_', 'TRACES_'].map((s) => [`OTEL_EXPORTER_OTLP_${s}HEADERS`, `${tokenHeader}=${token}`])),
  };
}

/**
 * An administrator's settings files (0.61.0's getSystemSettingsPath and getSystemDefaultsPath):
 * `system` overrides the user's and the project's settings, `defaults` comes under them.
 * GEMINI_CLI_SYSTEM_SETTINGS_PATH and GEMINI_CLI_SYSTEM_DEFAULTS_PATH move them.
 */
export function systemSettingsFiles(env: NodeJS.ProcessEnv, os: NodeJS.Platform = platform()): { system: string; defaults: string } {
  const system = env['GEMINI_CLI_SYSTEM_SETTINGS_PATH'] || (os === 'darwin' ? '/Library/Application Support/GeminiCli/settings.json'
    : os === 'win32' ? 'C:\\ProgramData\\gemini-cli\\settings.json' : '/etc/gemini-cli/settings.json');
  const path = os === 'win32' ? win32 : posix;
  const defaults = env['GEMINI_CLI_SYSTEM_DEFAULTS_PATH'] || path.join(path.dirname(system), 'system-defaults.json');
  return { system, defaults };
}
