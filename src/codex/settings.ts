// How guard points Codex CLI at itself for one run, without touching the user's own files.
// Input: the user's codex arguments, the environment, the user's Codex config (read, never written:
// `$CODEX_HOME/config.toml`, else `~/.codex/config.toml`), the run's hook folder (or the relay
// paths) and the receiver. Output: the argument list to start Codex with and the variables to add
// to its environment, plus the window and auto-compact point the user's config implies. Pure except
// `readCodexConfig`, whose file read is injectable.
//
// Why command-line overrides and not a private CODEX_HOME (checked on 0.171.0): CODEX_HOME is
// Codex's whole home (auth.json, sessions/ for `codex resume`, history, its sqlite state, skills);
// a temporary one would lose the run's sessions at close and could lose a refreshed login. Codex's
// `-c key=value` flags form a "session flags" layer merged over the user's config for this run
// only, which is what `--settings` is for Claude:
// - hooks: `-c hooks.<Event>=[{hooks=[{type="command",command=…,timeout=…}]}]` runs guard's
//   hook-folder line (src/telemetry/hook-spool.ts; without a folder, the hook relay), with
//   `async=true` for those of a turn (CODEX_ASYNC_HOOK_EVENTS); the user's own hooks (config.toml,
//   hooks.json) still run, and stay trusted.
// - trust: a new hook is held for review (a dialog at start) until `hooks.state."<key>"
//   .trusted_hash` matches it. The key of a session-flags hook is
//   `/<session-flags>/config.toml:<event_label>:<group>:<handler>`; the hash is "sha256:" + the
//   SHA-256 of the canonical JSON (keys sorted, no spaces) of `{event_name: <event_label>,
//   hooks: [{async: false, command, timeout, type: "command"}]}` (seen: the values Codex itself
//   wrote after "Trust all" matched this, `hookTrustHash` below). Passed as one inline table,
//   `-c hooks.state={"<key>"={trusted_hash="…"}}` (a dotted key would be split at the dots of
//   "config.toml"); the user's own [hooks.state] entries are kept.
// - telemetry: `-c otel.exporter={otlp-http={endpoint="<receiver>/v1/logs",protocol="json"}}`; the
//   token is NOT on the command line: Codex's OTLP exporter adds the headers of
//   OTEL_EXPORTER_OTLP_HEADERS, which goes in its environment. Prompts stay out of the logs
//   (`otel.log_user_prompt` is left at its default, false).
// - `--disable daemon_auto_start`: otherwise the TUI starts an app-server daemon that outlives it.
//   Left out when the user's arguments already enable or disable that feature.
// The hook relay, where it runs, inherits Codex's environment (seen), so GUARD_RECEIVER_URL and
// GUARD_TOKEN reach it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { hookRelayCommand, type RelayPaths } from '../claude/settings.js';
import { hookSpoolCommand } from '../telemetry/hook-spool.js';
import { RECEIVER_URL_ENV, TOKEN_ENV } from '../claude/relay/post.js';

/** The hooks guard adds, with Codex's label for each (the trust key's and hash's `event_name`). */
export const CODEX_HOOK_EVENTS = {
  SessionStart: 'session_start',
  UserPromptSubmit: 'user_prompt_submit',
  Stop: 'stop',
  PreCompact: 'pre_compact',
  PostCompact: 'post_compact',
} as const;
export type CodexHookEvent = keyof typeof CODEX_HOOK_EVENTS;

/**
 * The hooks Codex runs in the background (`async = true`) instead of waiting for them: 0.171.0
 * waits for a UserPromptSubmit hook before it sends the prompt and for a Stop hook before its
 * turn ends, and a relay is a Node start and a POST (~100 ms). Measured over the Responses
 * stand-in (2 sessions of 3 prompts each, medians, Enter to the request / to the answer shown
 * with the box empty): bare 81 / 132 ms, guard 162 / 213 ms, with these two in the background
 * 93 / 144 ms. guard only listens to them; their posts may now cross, and the turn's `turn_id`
 * orders them (src/agents/codex/adapter.ts, src/policy/idle.ts). PreCompact, PostCompact and
 * SessionStart stay waited for. `async` is part of a hook's trust identity (hookTrustHash).
 */
export const CODEX_ASYNC_HOOK_EVENTS: ReadonlySet<CodexHookEvent> = new Set(['UserPromptSubmit', 'Stop']);
/** Seconds Codex gives each of guard's hooks (its default is 600); the relay ends within 3 s. */
export const CODEX_HOOK_TIMEOUT_S = 5;
/** The key source Codex gives hooks defined by `-c` flags. */
const SESSION_FLAGS_SOURCE = '/<session-flags>/config.toml';
/** The feature whose daemon would outlive the TUI (and guard). */
export const DAEMON_FEATURE = 'daemon_auto_start';
/** The variable whose headers Codex's OTLP exporter adds (the receiver's token goes here). */
export const OTLP_HEADERS_ENV = 'OTEL_EXPORTER_OTLP_HEADERS';

export class CodexConfigError extends Error {
  constructor(message: string, readonly file: string | null) {
    super(message);
    this.name = 'CodexConfigError';
  }
}

/** The trust hash Codex computes for a command hook (see the header); `isAsync`: its `async` field. */
export function hookTrustHash(eventLabel: string, command: string, timeoutSec: number, isAsync = false): string {
  // Keys in sorted order at every level: Codex hashes its canonical (sorted-key) JSON.
  const identity = { event_name: eventLabel, hooks: [{ async: isAsync, command, timeout: timeoutSec, type: 'command' }] };
  return `sha256:${createHash('sha256').update(JSON.stringify(identity), 'utf8').digest('hex')}`;
}

/** A TOML basic string (for `-c` values, which Codex parses as TOML). */
export function tomlString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface CodexRunOptions {
  relay: RelayPaths;
  /**
   * The run's hook folder (src/telemetry/hook-spool.ts): guard answers none of Codex's hooks, so each
   * writes its JSON there, a shell line instead of a Node start and a POST. Null: the relay.
   */
  hookSpool?: string | null;
  /** http://127.0.0.1:PORT (guard's receiver). */
  receiverUrl: string;
  token: string;
  /** The receiver's token header name (telemetry/receiver.ts TOKEN_HEADER). */
  tokenHeader: string;
}

export interface CodexRun {
  args: string[];
  /** Added to Codex's environment: the relay's receiver and token, the exporter's token header. */
  extraEnv: Record<string, string>;
}

/** Whether the user's arguments already decide the daemon feature (`--enable/--disable daemon_auto_start`, `-c features.daemon_auto_start=…`). */
export function userDecidesDaemon(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') break;
    if ((a === '--enable' || a === '--disable') && args[i + 1] === DAEMON_FEATURE) return true;
    if (a === `--enable=${DAEMON_FEATURE}` || a === `--disable=${DAEMON_FEATURE}`) return true;
    if ((a === '-c' || a === '--config') && (args[i + 1] ?? '').startsWith(`features.${DAEMON_FEATURE}`)) return true;
    if (/^(?:-c|--config)=?features\.daemon_auto_start\b/.test(a)) return true;
  }
  return false;
}

/** guard's `-c` flags, then the user's arguments unchanged. */
export function buildCodexRun(userArgs: readonly string[], opts: CodexRunOptions): CodexRun {
  const flags: string[] = userDecidesDaemon(userArgs) ? [] : ['--disable', DAEMON_FEATURE];
  const state: string[] = [];
  for (const [event, label] of Object.entries(CODEX_HOOK_EVENTS) as Array<[CodexHookEvent, string]>) {
    const command = opts.hookSpool ? hookSpoolCommand(opts.hookSpool, event) : hookRelayCommand(opts.relay, event);
    const isAsync = CODEX_ASYNC_HOOK_EVENTS.has(event);
    flags.push('-c', `hooks.${event}=[{hooks=[{type="command",command=${tomlString(command)},timeout=${CODEX_HOOK_TIMEOUT_S}${isAsync ? ',async=true' : ''}}]}]`);
    state.push(`${tomlString(`${SESSION_FLAGS_SOURCE}:${label}:0:0`)}={trusted_hash=${tomlString(hookTrustHash(label, command, CODEX_HOOK_TIMEOUT_S, isAsync))}}`);
  }
  flags.push('-c', `hooks.state={${state.join(',')}}`);
  const endpoint = `${opts.receiverUrl.replace(/\/+$/, '')}/v1/logs`;
  flags.push('-c', `otel.exporter={otlp-http={endpoint=${tomlString(endpoint)},protocol="json"}}`);
  return {
    args: [...flags, ...userArgs],
    extraEnv: {
      [RECEIVER_URL_ENV]: opts.receiverUrl,
      [TOKEN_ENV]: opts.token,
      [OTLP_HEADERS_ENV]: `${opts.tokenHeader}=${opts.token}`,
    },
  };
}

/** The parts of the user's Codex config guard reads. */
export interface CodexConfig {
  model: string | null;
  contextWindow: number | null;
  autoCompactLimit: number | null;
  /** `model_post_turn_compact_threshold_percent` (1-100): Codex also compacts after a turn past this share of its usable window. */
  postTurnCompactPercent: number | null;
  /**
   * The same three as other config files may make them, one reading per file kind that sets any:
   * - the project's own `.codex/config.toml` files on top of the user's (the run's folder and those
   *   above it; the nearest wins, `-c` still wins over them), which Codex reads only in a folder the
   *   user trusted (that can happen in the run's first dialog);
   * - the system's `/etc/codex/config.toml` under the user's;
   * - an administrator's `/etc/codex/managed_config.toml` over everything.
   * Seen on 0.171.0: a limit in each of the three moved Codex's compaction. guard does not follow
   * trust or precedence exactly; it takes the lowest point of them all (codexWindowRules).
   */
  others: CodexCompactSettings[];
}

/** Codex's system-wide config files (Unix). */
const CODEX_SYSTEM_CONFIG = '/etc/codex/config.toml';
const CODEX_MANAGED_CONFIG = '/etc/codex/managed_config.toml';

/** What sets where Codex compacts. */
export interface CodexCompactSettings {
  contextWindow: number | null;
  autoCompactLimit: number | null;
  postTurnCompactPercent: number | null;
}

const COMPACT_KEYS = ['model_context_window', 'model_auto_compact_token_limit', 'model_post_turn_compact_threshold_percent'] as const;

export type ReadFile = (path: string) => string;

/** `$CODEX_HOME/config.toml`, else `~/.codex/config.toml`. */
export function codexConfigPath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const codexHome = env.CODEX_HOME;
  return join(codexHome !== undefined && codexHome !== '' ? codexHome : join(home, '.codex'), 'config.toml');
}

function positive(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : typeof v === 'bigint' && v > 0n ? Number(v) : null;
}

function table(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : null;
}

/** A value given with `-c key=value` in the user's arguments (the last one wins), parsed as TOML. */
function overrideOf(args: readonly string[], key: string): unknown {
  let found: unknown;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') break;
    const kv = a === '-c' || a === '--config' ? args[++i] ?? '' : /^--config=/.test(a) ? a.slice('--config='.length) : null;
    if (kv === null || !kv.startsWith(`${key}=`)) continue;
    const raw = kv.slice(key.length + 1);
    try { found = parseToml(`v = ${raw}`).v; } catch { found = raw; }
  }
  return found;
}

function flagValue(args: readonly string[], names: readonly string[]): string | null {
  let found: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') break;
    if (names.includes(a)) found = args[++i] ?? null;
    else for (const n of names) if (n.startsWith('--') && a.startsWith(`${n}=`)) found = a.slice(n.length + 1);
  }
  return found;
}

/**
 * The user's model, window and compaction settings for this run: their `-c` overrides and `-m`,
 * then the profile they chose (`-p`/`--profile`, or `profile` in the file), then the file's top
 * level. A missing file is an empty config; a file that is not TOML is an error naming it. Also
 * the readings of the system's files and, with `cwd`, the project's (`others`), read quietly.
 */
export function readCodexConfig(args: readonly string[], env: NodeJS.ProcessEnv, readFile: ReadFile = (p) => readFileSync(p, 'utf8'), home?: string, cwd?: string): CodexConfig {
  const path = codexConfigPath(env, home);
  let text: string | null = null;
  try { text = readFile(path); } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CodexConfigError(`cannot read ${path}: ${(err as Error).message}`, path);
  }
  let file: Record<string, unknown> = {};
  if (text !== null) {
    try { file = parseToml(text) as Record<string, unknown>; } catch (err) {
      throw new CodexConfigError(`${path} is not valid TOML: ${(err as Error).message.split('\n')[0] ?? ''}`, path);
    }
  }
  const profileName = flagValue(args, ['-p', '--profile']) ?? (typeof file.profile === 'string' ? file.profile : null);
  const profile = profileName !== null ? table(table(file.profiles)?.[profileName]) ?? {} : {};
  const pick = (key: string): unknown => overrideOf(args, key) ?? profile[key] ?? file[key];
  const model = flagValue(args, ['-m', '--model']) ?? pick('model');
  const layers = cwd !== undefined ? projectLayers(cwd, path, readFile) : [];
  const fromProject = (key: string): unknown => { for (const l of layers) if (l[key] !== undefined) return l[key]; return undefined; };
  const system = quietToml(CODEX_SYSTEM_CONFIG, readFile);
  const managed = quietToml(CODEX_MANAGED_CONFIG, readFile);
  const compact = (get: (key: string) => unknown): CodexCompactSettings => ({
    contextWindow: positive(get('model_context_window')),
    autoCompactLimit: positive(get('model_auto_compact_token_limit')),
    postTurnCompactPercent: percent(get('model_post_turn_compact_threshold_percent')),
  });
  const sets = (get: (key: string) => unknown): boolean => COMPACT_KEYS.some((k) => get(k) !== undefined);
  const others: CodexCompactSettings[] = [];
  if (sets(fromProject)) others.push(compact((key) => overrideOf(args, key) ?? fromProject(key) ?? profile[key] ?? file[key]));
  if (sets((key) => system[key])) others.push(compact((key) => pick(key) ?? system[key]));
  if (sets((key) => managed[key])) others.push(compact((key) => managed[key] ?? pick(key)));
  return { model: typeof model === 'string' && model !== '' ? model : null, ...compact(pick), others };
}

/** A config file guard may find or not: {} when it is absent, unreadable or not TOML (Codex's own start names a bad one). */
function quietToml(path: string, readFile: ReadFile): Record<string, unknown> {
  try { return parseToml(readFile(path)) as Record<string, unknown>; } catch { return {}; }
}

/**
 * The project's `.codex/config.toml` files, nearest first: in `cwd` and each folder above it, not
 * the user's own file. One guard cannot read or parse is left out (Codex's own start names it).
 */
function projectLayers(cwd: string, userFile: string, readFile: ReadFile): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const path = join(dir, '.codex', 'config.toml');
    if (path !== userFile) out.push(quietToml(path, readFile));
    if (dirname(dir) === dir) return out;
  }
}

/** A whole percentage from 1 to 100 (Codex 0.171.0 takes a u8 up to 100 and refuses anything else). */
function percent(v: unknown): number | null {
  const n = positive(v);
  return n !== null && n <= 100 ? n : null;
}

/**
 * Codex's usable share of the window, in percent: its /status shows 95% of `model_context_window`,
 * and `model_post_turn_compact_threshold_percent` is a share of that (seen on 0.171.0 with a 40,000
 * window: at 50% a turn whose last request held 18,990 input tokens (and its reply's output) was
 * compacted, one of 18,680 was not; at 70%, 26,571 and 26,431. 95% fits both, 100% neither).
 */
export const CODEX_USABLE_WINDOW_PERCENT = 95;

/**
 * Where Codex compacts on its own: (window × 9) / 10 in whole tokens, or the user's
 * `model_auto_compact_token_limit` when lower (0.171.0's rule; seen: with a 20,000 window it
 * compacted after a request of 18,234 input + 17 output tokens, not after 17,234 + 17), or, with
 * `model_post_turn_compact_threshold_percent` set, that share of the usable window when lower
 * (Codex then compacts right after the turn that reached it).
 */
export function codexAutoCompactPoint(window: number, limit: number | null, postTurnPercent: number | null = null): number {
  const ninety = Math.floor((window * 9) / 10);
  const postTurn = postTurnPercent !== null ? Math.floor((window * CODEX_USABLE_WINDOW_PERCENT * postTurnPercent) / 10_000) : null;
  return Math.min(ninety, limit ?? ninety, postTurn ?? ninety);
}
