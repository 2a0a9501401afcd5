// The `--settings` guard passes to Claude for a run: hooks for SessionStart, UserPromptSubmit, Stop
// and PreCompact that run the hook relay, or for the first three, given guard's hook folder, a
// shell line that writes there (src/telemetry/hook-spool.ts; UserPromptSubmit and Stop in the
// background, so that no turn waits for guard), and optionally a status line (given the folder
// and no status line of the user's, the same shell line) that runs the
// status-line relay (which still prints the user's own status line). Input: the user's claude
// arguments (their own `--settings`, a file or inline JSON, is merged, not replaced) and the user's
// settings files (for their status-line command). Output: the merged settings (written to a
// private file by ./settings-file.ts, never put on the command line) and the argument list to start
// Claude with, given that file's path. Everything is pure except `prepareClaudeSettings`, whose
// file reads are injectable.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../lib/shell.js';
import { hookSpoolCommand } from '../telemetry/hook-spool.js';
import { GUARD_HOOK_EVENTS, STATUSLINE_EVENT } from './hooks.js';
import { USER_CA_CERTS_ENV, USER_COMMAND_FLAG, USER_NODE_OPTIONS_ENV } from './relay/post.js';

export interface HookCommand { type: string; command?: string; timeout?: number; async?: boolean; [key: string]: unknown }
export interface HookMatcher { matcher?: string; hooks: HookCommand[]; [key: string]: unknown }
export interface StatusLineSetting { type: string; command?: string; padding?: number; [key: string]: unknown }
export interface ClaudeSettings {
  hooks?: Record<string, HookMatcher[]>;
  statusLine?: StatusLineSetting;
  [key: string]: unknown;
}

export interface RelayPaths {
  /** The node binary that runs the relays (guard's own: process.execPath). */
  node: string;
  hookRelay: string;
  statusLineRelay: string;
}

export const SETTINGS_FLAG = '--settings';
/** Seconds Claude gives a hook before giving up on it (the `timeout` of each hook command; 2.1.330
 * honours it). The relay itself stops within a second, PreCompact's within PRECOMPACT_DEADLINE_MS. */
export const HOOK_TIMEOUT_S = 5;

/**
 * The hooks Claude runs in the background (`async: true`) instead of waiting for them. Claude
 * waits for a UserPromptSubmit hook before it sends the prompt, and for a Stop hook before it is
 * back at its prompt; a relay is a Node start and a POST, ~100 ms here, so each turn took ~200 ms
 * longer under guard. Measured on 2.1.330 over the stand-in (4 sessions of 3 prompts, medians,
 * Enter to the request / to the prompt ready again): bare 215 / 301 ms, guard 305 / 500 ms,
 * with these two in the background 163 / 342 ms. guard only listens to them (no answer goes back);
 * their posts may now cross, and src/policy/idle.ts orders them by prompt id. `async` is in the
 * hook schema of every supported version (2.1.197 to 2.1.332). Kept waited for: PreCompact (guard's
 * answer can hold the compaction) and SessionStart (after /clear guard types only once it came, and
 * Claude does not wait for it at start-up: a 300 ms hook did not move the prompt).
 */
export const ASYNC_HOOK_EVENTS: ReadonlySet<string> = new Set(['UserPromptSubmit', 'Stop']);

/**
 * The hooks whose answer guard never gives: given a hook folder (src/telemetry/hook-spool.ts), they
 * drop their JSON there with a shell line instead of starting the Node relay (~55 ms of CPU each;
 * SessionStart's lands just before Claude's first screen). PreCompact keeps the relay: Claude
 * reads guard's answer from its output.
 */
export const SPOOL_HOOK_EVENTS: ReadonlySet<string> = new Set(['SessionStart', 'UserPromptSubmit', 'Stop']);

export class SettingsError extends Error {
  constructor(message: string, readonly file: string | null) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** The bundled relays (scripts/build.ts): dist/relay/, beside the CLI bundle, which is where this
 * module runs from (dist/guard.cjs or one of the chunks in dist/chunks/). Run from src/ under tsx
 * (tests), the same files in the project's dist/ (the relays are started by a plain `node`,
 * which cannot run .ts). */
export function defaultRelayPaths(moduleUrl: string = import.meta.url): RelayPaths {
  const file = fileURLToPath(moduleUrl);
  let dist = dirname(file);
  if (basename(dist) === 'chunks') dist = dirname(dist);
  if (file.endsWith('.ts')) {
    const i = file.lastIndexOf(`${sep}src${sep}`);
    if (i >= 0) dist = join(file.slice(0, i), 'dist');
  }
  const dir = join(dist, 'relay');
  return { node: process.execPath, hookRelay: join(dir, 'hook-relay.cjs'), statusLineRelay: join(dir, 'statusline-relay.cjs') };
}

/**
 * The relays start with NODE_OPTIONS emptied. Loaders in it (`--import` with module hooks, as test
 * runners and some tool managers set) run on a worker thread the main thread waits for with
 * Atomics.wait; seen: hook relays under such a loader, their Claude gone, blocked there for 12
 * minutes and more, past their own deadline. A relay must start lean and end on time.
 * NODE_EXTRA_CA_CERTS is emptied too: the relays only talk to guard on 127.0.0.1 over plain HTTP,
 * and Node reads and parses that certificate file at every start, before any code runs (measured
 * on this project's machine, where it names the system bundle: `node -e ''` took 85-140 ms with it
 * and 37-49 ms without). Claude waits for some hooks (PreCompact, SessionStart after /clear).
 */
const LEAN_NODE = 'NODE_OPTIONS= NODE_EXTRA_CA_CERTS=';

export function hookRelayCommand(relay: RelayPaths, event: string): string {
  return `${LEAN_NODE} ${shellQuote(relay.node)} ${shellQuote(relay.hookRelay)} ${event}`;
}

export function statusLineRelayCommand(relay: RelayPaths, userCommand: string | null): string {
  const keep = userCommand ? `${USER_NODE_OPTIONS_ENV}="\${NODE_OPTIONS-}" ${USER_CA_CERTS_ENV}="\${NODE_EXTRA_CA_CERTS-}" ` : '';
  const base = `${keep}${LEAN_NODE} ${shellQuote(relay.node)} ${shellQuote(relay.statusLineRelay)}`;
  return userCommand ? `${base} ${USER_COMMAND_FLAG} ${Buffer.from(userCommand, 'utf8').toString('base64url')}` : base;
}

export interface GuardSettingsOptions {
  relay: RelayPaths;
  /** Add the status-line relay. */
  statusLine: boolean;
  /** The status line the user would otherwise see (see findUserStatusLine); kept by the relay. */
  userStatusLine?: StatusLineSetting | null;
  /** guard's hook folder for the run: SPOOL_HOOK_EVENTS write there (null/absent: every hook runs the relay). */
  hookSpool?: string | null;
}

/** guard's own settings for the run, before merging with the user's `--settings`. */
export function buildGuardSettings(opts: GuardSettingsOptions): ClaudeSettings {
  const hooks: Record<string, HookMatcher[]> = {};
  for (const event of GUARD_HOOK_EVENTS) {
    const command = opts.hookSpool && SPOOL_HOOK_EVENTS.has(event) ? hookSpoolCommand(opts.hookSpool, event) : hookRelayCommand(opts.relay, event);
    const hook: HookCommand = { type: 'command', command, timeout: HOOK_TIMEOUT_S };
    if (ASYNC_HOOK_EVENTS.has(event)) hook.async = true;
    hooks[event] = [{ matcher: '', hooks: [hook] }];
  }
  const settings: ClaudeSettings = { hooks };
  if (opts.statusLine) {
    const user = opts.userStatusLine ?? null;
    const userCommand = user && typeof user.command === 'string' && user.command.trim() !== '' ? user.command : null;
    // Keep the user's other status-line fields (padding…); only the command is guard's. Without a
    // line of the user's to print, nothing needs the relay: the status JSON goes to the hook
    // folder like a hook's (Claude refreshes its status line several times a turn).
    const command = opts.hookSpool && userCommand === null ? hookSpoolCommand(opts.hookSpool, STATUSLINE_EVENT) : statusLineRelayCommand(opts.relay, userCommand);
    settings.statusLine = { ...(user ?? {}), type: 'command', command };
  }
  return settings;
}

/** The user's settings with guard's hooks appended to each event's list and guard's status line
 * (which runs the user's). Neither argument is modified. */
export function mergeSettings(user: ClaudeSettings | null, guard: ClaudeSettings): ClaudeSettings {
  const merged: ClaudeSettings = { ...(user ?? {}) };
  const hooks: Record<string, HookMatcher[]> = { ...(user?.hooks ?? {}) };
  for (const [event, list] of Object.entries(guard.hooks ?? {})) {
    hooks[event] = [...(hooks[event] ?? []), ...list];
  }
  merged.hooks = hooks;
  if (guard.statusLine) merged.statusLine = guard.statusLine;
  return merged;
}

export interface SplitArgs {
  /** The values of every `--settings X` / `--settings=X` before a `--`. */
  values: string[];
  /** The arguments without them. */
  rest: string[];
}

export function splitSettingsArgs(args: readonly string[]): SplitArgs {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a === SETTINGS_FLAG) {
      const v = args[i + 1];
      if (v === undefined) throw new SettingsError(`${SETTINGS_FLAG} needs a value (a settings file or JSON)`, null);
      values.push(v);
      i++;
    } else if (a.startsWith(`${SETTINGS_FLAG}=`)) {
      values.push(a.slice(SETTINGS_FLAG.length + 1));
    } else {
      rest.push(a);
    }
  }
  return { values, rest };
}

/** Claude's arguments with the user's `--settings` removed and the file of the merged settings passed first. */
export function buildClaudeArgs(userArgs: readonly string[], settingsFile: string): string[] {
  const { rest } = splitSettingsArgs(userArgs);
  return [SETTINGS_FLAG, settingsFile, ...rest];
}

export type ReadFile = (path: string) => string;
export const readUtf8: ReadFile = (p) => readFileSync(p, 'utf8');

/** A `--settings` value: inline JSON when it starts with `{`, else a file relative to `cwd`. */
export function loadSettingsValue(value: string, cwd: string, readFile: ReadFile = readUtf8): { settings: ClaudeSettings; file: string | null } {
  if (value.trim().startsWith('{')) {
    return { settings: parseSettingsText(value, null, 'the JSON given with --settings'), file: null };
  }
  const file = isAbsolute(value) ? value : resolve(cwd, value);
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    const why = err instanceof Error && 'code' in err ? String((err as NodeJS.ErrnoException).code) : String(err);
    throw new SettingsError(`cannot read the settings file ${file} given with --settings (${why})`, file);
  }
  return { settings: parseSettingsText(text, file, `the settings file ${file}`), file };
}

function parseSettingsText(text: string, file: string | null, what: string): ClaudeSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${what} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, file);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SettingsError(`${what} must hold a JSON object`, file);
  }
  const s = parsed as ClaudeSettings;
  if (s.hooks !== undefined) {
    if (typeof s.hooks !== 'object' || s.hooks === null || Array.isArray(s.hooks)) {
      throw new SettingsError(`${what}: "hooks" must be an object of event names`, file);
    }
    for (const [event, list] of Object.entries(s.hooks)) {
      if (!Array.isArray(list)) throw new SettingsError(`${what}: hooks.${event} must be a list`, file);
    }
  }
  return s;
}

/** Claude's settings files that can hold a status line, highest precedence first (after the
 * command line). Managed settings are out of reach: a status line there wins over ours anyway. */
export function settingsFiles(cwd: string, home: string): string[] {
  return [
    join(cwd, '.claude', 'settings.local.json'),
    join(cwd, '.claude', 'settings.json'),
    join(home, '.claude', 'settings.json'),
  ];
}

/** The status line the user would see without guard: from their `--settings`, else the first
 * settings file that sets one. Unreadable or broken files are skipped (Claude reports those). */
export function findUserStatusLine(userSettings: ClaudeSettings | null, cwd: string, home: string, readFile: ReadFile = readUtf8): StatusLineSetting | null {
  const fromArg = statusLineOf(userSettings);
  if (fromArg) return fromArg;
  for (const file of settingsFiles(cwd, home)) {
    let s: unknown;
    try {
      s = JSON.parse(readFile(file));
    } catch {
      continue;
    }
    const found = statusLineOf(s);
    if (found) return found;
  }
  return null;
}

function statusLineOf(s: unknown): StatusLineSetting | null {
  if (typeof s !== 'object' || s === null) return null;
  const sl = (s as Record<string, unknown>)['statusLine'];
  if (typeof sl !== 'object' || sl === null || Array.isArray(sl)) return null;
  return sl as StatusLineSetting;
}

/** What stops guard's hooks from running, and where: the setting's name and its file. */
interface HooksStopped { setting: 'disableAllHooks' | 'allowManagedHooksOnly'; file: string }

/**
 * A setting that stops guard's hooks from running: `disableAllHooks` in the user's settings files
 * or `--settings`, or in an administrator's managed settings `disableAllHooks` or
 * `allowManagedHooksOnly` (only the organization's own hooks run then; guard's come with its
 * --settings).
 */
function hooksStoppedBy(
  userSettings: ClaudeSettings | null, userFile: string | null, cwd: string, home: string, readFile: ReadFile, managed: string[],
): HooksStopped | null {
  const flag = (s: unknown, key: string): boolean => typeof s === 'object' && s !== null && (s as Record<string, unknown>)[key] === true;
  for (const file of managed) {
    let s: unknown;
    try {
      s = JSON.parse(readFile(file));
    } catch {
      continue;
    }
    if (flag(s, 'disableAllHooks')) return { setting: 'disableAllHooks', file };
    if (flag(s, 'allowManagedHooksOnly')) return { setting: 'allowManagedHooksOnly', file };
  }
  if (flag(userSettings, 'disableAllHooks')) return { setting: 'disableAllHooks', file: userFile ?? 'the --settings JSON' };
  for (const file of settingsFiles(cwd, home)) {
    try {
      if (flag(JSON.parse(readFile(file)), 'disableAllHooks')) return { setting: 'disableAllHooks', file };
    } catch {
      continue;
    }
  }
  return null;
}

export interface PrepareOptions {
  /** The arguments the user gave claude (after `guard claude`). */
  userArgs: readonly string[];
  cwd: string;
  home?: string;
  relay?: RelayPaths;
  /** Add the status-line relay (default true). */
  statusLine?: boolean;
  readFile?: ReadFile;
  /** An administrator's managed settings files (./managed-settings.ts), lowest first; default none. */
  managedFiles?: string[];
}

export interface PreparedClaude {
  /** Claude's arguments, once `settings` are in `settingsFile` (a path; never the JSON itself). */
  argsFor(settingsFile: string): string[];
  /** The merged settings, every guard hook running the relay. */
  settings: ClaudeSettings;
  /** The same, with the hooks that need no answer writing to guard's hook folder `dir`. */
  withHookSpool(dir: string): ClaudeSettings;
  /** The user's own `--settings` (the last one given), read; null without one. */
  userSettings: ClaudeSettings | null;
  /** The user's settings file given with --settings, if any. */
  userSettingsFile: string | null;
  userStatusLine: StatusLineSetting | null;
  /** Things the user should know (e.g. their settings disable hooks). */
  warnings: string[];
}

/** Throws SettingsError (naming the file) when the user's `--settings` cannot be used. */
export function prepareClaudeSettings(opts: PrepareOptions): PreparedClaude {
  const readFile = opts.readFile ?? readUtf8;
  const home = opts.home ?? homedir();
  const relay = opts.relay ?? defaultRelayPaths();
  const { values } = splitSettingsArgs(opts.userArgs);
  let user: ClaudeSettings | null = null;
  let userFile: string | null = null;
  // Several --settings: the last one is the one Claude would use.
  const last = values[values.length - 1];
  if (last !== undefined) {
    const loaded = loadSettingsValue(last, opts.cwd, readFile);
    user = loaded.settings;
    userFile = loaded.file;
  }
  const wantStatusLine = opts.statusLine ?? true;
  const userStatusLine = wantStatusLine ? findUserStatusLine(user, opts.cwd, home, readFile) : null;
  const guardSettings = (hookSpool: string | null): ClaudeSettings => mergeSettings(user, buildGuardSettings({ relay, statusLine: wantStatusLine, userStatusLine, hookSpool }));
  const settings = guardSettings(null);
  const warnings: string[] = [];
  const stopped = hooksStoppedBy(user, userFile, opts.cwd, home, readFile, opts.managedFiles ?? []);
  if (stopped?.setting === 'disableAllHooks') warnings.push(`hooks are disabled by "disableAllHooks" in ${stopped.file}: guard cannot tell when Claude is idle and will not checkpoint`);
  if (stopped?.setting === 'allowManagedHooksOnly') {
    warnings.push(`only your organization's hooks run ("allowManagedHooksOnly" in ${stopped.file}): guard cannot tell when Claude is idle and will not checkpoint`);
  }
  const userArgs = [...opts.userArgs];
  return { argsFor: (settingsFile) => buildClaudeArgs(userArgs, settingsFile), settings, withHookSpool: guardSettings, userSettings: user, userSettingsFile: userFile, userStatusLine, warnings };
}
