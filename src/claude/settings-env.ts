// The environment variables Claude Code takes from the `env` block of its settings files, on top
// of the environment it was started with. Input: the user's settings files (user, project, local;
// file reads injectable) and the user's own `--settings`. Output: the variables those files put in
// force, with the file each came from. The Claude adapter (src/agents/claude/) reads Claude's telemetry settings from the
// result (so guard forwards what the user configured there, and keeps its own variables in force)
// and gives it to the context tracker (auto-compact settings). Pure but for the reads.
//
// Precedence, as Claude Code 2.1.330 applies it (checked on the binary, a trusted project, each
// file pointing Claude's exporter at a different collector):
// - a settings file's `env` beats the shell: with OTEL_EXPORTER_OTLP_ENDPOINT=A exported and
//   B in ~/.claude/settings.json, every export went to B;
// - among the files: user < project (.claude/settings.json) < local (.claude/settings.local.json)
//   < `--settings` (the documented order) — but telemetry transport variables (the exporters, the
//   OTLP endpoints, headers, protocols, certificates, CLAUDE_CODE_ENABLE_TELEMETRY …) are NOT
//   taken from a project's files: with the endpoint set only in .claude/settings.json or
//   .claude/settings.local.json nothing reached it, and user settings won over both. The binary
//   lists those variables as ones a repository may not set (it may only turn an exporter to
//   "none" where nothing else set it, which never happens under guard: guard sets them all).
//   Other variables from a project do apply: OTEL_LOGS_EXPORT_INTERVAL=100000 in
//   .claude/settings.local.json held Claude's logs back.
// - CLAUDE_CONFIG_DIR, when set, is where the user settings file lives instead of ~/.claude.
// - an administrator's managed settings beat them all: /etc/claude-code/managed-settings.json and
//   the drop-ins of /etc/claude-code/managed-settings.d/ (the binary's folders per platform:
//   managedSettingsDir). Their `env` may set anything, telemetry included, and when it sets any
//   OTEL_EXPORTER_OTLP_ variable Claude drops the others of that family from every other source
//   (seen: a managed OTEL_EXPORTER_OTLP_PROTOCOL=grpc, or only an endpoint, and guard's per-signal
//   variables were gone; Claude's telemetry never reached guard). guard cannot beat them; it says
//   so at start (managedTelemetryWarnings).
import { join } from 'node:path';
import type { ClaudeSettings, ReadFile } from './settings.js';
import { managedSettingsFiles } from './managed-settings.js';
import { telemetryOn } from '../telemetry/forward-env.js';

export type SettingsEnvSource = 'user' | 'project' | 'local' | 'flag' | 'managed';

export interface SettingsEnvValue { value: string; source: SettingsEnvSource; /** The file it came from (none for --settings given inline). */ file?: string }

/** Telemetry transport variables: a project's settings files cannot set them (see above). */
const TRANSPORT_VAR = new RegExp(
  '^(?:CLAUDE_CODE_ENABLE_TELEMETRY|OTEL_(?:LOGS|METRICS|TRACES)_EXPORTER'
  + '|OTEL_EXPORTER_OTLP_(?:(?:TRACES|METRICS|LOGS|PROFILES)_)?(?:ENDPOINT|HEADERS|PROTOCOL|CERTIFICATE|CLIENT_CERTIFICATE|CLIENT_KEY|INSECURE)'
  + '|OTEL_EXPORTER_PROMETHEUS_(?:HOST|PORT)|OTEL_LOG_[A-Z_]+|OTEL_RESOURCE_INCLUDE_HOST|(?:CLAUDE_CODE_)?ENABLE_ENHANCED_TELEMETRY_BETA)$',
);

export function isTransportVar(name: string): boolean {
  return TRANSPORT_VAR.test(name);
}

export interface SettingsEnvInput {
  cwd: string;
  /** Claude's HOME. */
  home: string;
  /** Claude's CLAUDE_CONFIG_DIR, if set: the user settings live there. */
  configDir?: string | undefined;
  /** The user's own `--settings` (already read), the highest of the user's sources. */
  flag?: ClaudeSettings | null;
  readFile: ReadFile;
  /** The folder of the managed settings (./managed-settings.ts); absent: none are read. */
  managedDir?: string;
  /** The names in a folder; throws when it cannot be read. Needed with managedDir. */
  listDir?: (dir: string) => string[];
}

/** The settings files, lowest precedence first. */
export function settingsEnvFiles(cwd: string, home: string, configDir?: string): { source: SettingsEnvSource; file: string }[] {
  return [
    { source: 'user', file: join(configDir ?? join(home, '.claude'), 'settings.json') },
    { source: 'project', file: join(cwd, '.claude', 'settings.json') },
    { source: 'local', file: join(cwd, '.claude', 'settings.local.json') },
  ];
}

/** `env` values as Claude reads them: strings, numbers and booleans, as text. */
function envBlock(settings: unknown): Record<string, string> {
  if (typeof settings !== 'object' || settings === null) return {};
  const env = (settings as Record<string, unknown>)['env'];
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

/**
 * What the settings files put over Claude's environment, each variable with the file that won.
 * Unreadable or broken files are skipped (Claude reports those itself).
 */
export function claudeSettingsEnv(o: SettingsEnvInput): Map<string, SettingsEnvValue> {
  const out = new Map<string, SettingsEnvValue>();
  const layers: { source: SettingsEnvSource; file?: string; env: Record<string, string> }[] = [];
  const read = (source: SettingsEnvSource, file: string): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(o.readFile(file));
    } catch {
      return;
    }
    layers.push({ source, file, env: envBlock(parsed) });
  };
  for (const { source, file } of settingsEnvFiles(o.cwd, o.home, o.configDir)) read(source, file);
  if (o.flag) layers.push({ source: 'flag', env: envBlock(o.flag) });
  if (o.managedDir !== undefined && o.listDir) for (const file of managedSettingsFiles(o.managedDir, o.listDir)) read('managed', file);
  for (const { source, file, env } of layers) {
    for (const [name, value] of Object.entries(env)) {
      if ((source === 'project' || source === 'local') && isTransportVar(name)) continue;
      out.set(name, file === undefined ? { value, source } : { value, source, file });
    }
  }
  return out;
}

/** The environment Claude runs with: the one it was started with, then its settings' `env`. */
export function withSettingsEnv(env: NodeJS.ProcessEnv, settingsEnv: ReadonlyMap<string, SettingsEnvValue>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [name, { value }] of settingsEnv) out[name] = value;
  return out;
}

export interface PinnedTelemetry {
  /** guard's variables to put in the `env` of its own `--settings`, where they beat the files'. */
  pin: Record<string, string>;
  warnings: string[];
}

const SOURCE_NAME: Record<SettingsEnvSource, string> = {
  user: 'your user settings', project: "the project's settings", local: 'your local project settings', flag: 'your --settings',
  managed: "your organization's managed settings",
};

/** guard's variables that only say how often Claude reports: overridden, the gauge lags but works. */
const INTERVAL_VAR = /^OTEL_(?:LOGS_EXPORT|METRIC_EXPORT)_INTERVAL$/;

/**
 * What an administrator's managed settings take from guard (they beat everything guard can set):
 * any OTEL_EXPORTER_OTLP_ variable there sends Claude's telemetry where they say (Claude drops
 * the rest of that family, guard's per-signal endpoints with it), and a different value for one
 * of guard's own variables wins over guard's. One warning naming the file and the variables, and
 * what the user loses: the gauge and the checkpoints, or, when only the export intervals differ
 * and are longer than guard's, the gauge's timeliness.
 */
export function managedTelemetryWarnings(guardVars: Readonly<Record<string, string>>, settingsEnv: ReadonlyMap<string, SettingsEnvValue>): string[] {
  const taken: string[] = [];
  const slower: string[] = [];
  const files = new Set<string>();
  for (const [name, theirs] of settingsEnv) {
    if (theirs.source !== 'managed') continue;
    const ours = guardVars[name];
    const family = name.toUpperCase().startsWith('OTEL_EXPORTER_OTLP_');
    if (!family && (ours === undefined || ours === theirs.value)) continue;
    // An exporter list that still has OTLP in it (say "otlp,console") keeps reporting to guard,
    // and telemetry turned on in other words ("true") is still on.
    if (/^OTEL_(?:LOGS|METRICS)_EXPORTER$/.test(name) && theirs.value.toLowerCase().split(',').some((e) => e.trim() === 'otlp')) continue;
    if (name === 'CLAUDE_CODE_ENABLE_TELEMETRY' && telemetryOn(theirs.value)) continue;
    if (!family && INTERVAL_VAR.test(name)) {
      if (!(Number(theirs.value) > Number(ours))) continue;
      slower.push(`${name}=${theirs.value}`);
    } else taken.push(name);
    if (theirs.file !== undefined) files.add(theirs.file);
  }
  if (taken.length === 0 && slower.length === 0) return [];
  const where = `${SOURCE_NAME.managed} (${[...files].join(', ')})`;
  if (taken.length > 0) {
    return [`${where} set ${[...taken, ...slower].join(', ')}: Claude sends its telemetry where they say and guard cannot change that, `
      + 'so this run has no gauge and no checkpoints (ask your administrator, or run claude without guard)'];
  }
  return [`${where} set ${slower.join(', ')}: Claude reports to guard only that often, so the gauge lags and a checkpoint may come late`];
}

/**
 * guard points Claude's exporter at its receiver through Claude's environment; a settings file
 * that sets the same variable beats that. Those variables go into guard's own `--settings` too
 * (the highest of the sources guard can use), so Claude keeps reporting to guard — all but the
 * secret ones (guard's token must never be on a command line): when a file sets a signal's own
 * headers, guard cannot receive that signal, says so, and leaves that signal as the user set it.
 */
export function pinGuardTelemetry(
  guardVars: Readonly<Record<string, string>>, settingsEnv: ReadonlyMap<string, SettingsEnvValue>, isSecret: (name: string) => boolean,
): PinnedTelemetry {
  const out: PinnedTelemetry = { pin: {}, warnings: [] };
  const blocked: string[] = [];
  for (const [name, value] of Object.entries(guardVars)) {
    const theirs = settingsEnv.get(name);
    if (theirs === undefined || theirs.value === value || !isSecret(name)) continue;
    const signal = /^OTEL_EXPORTER_OTLP_([A-Z]+)_HEADERS$/.exec(name)?.[1];
    if (signal !== undefined) blocked.push(signal);
    out.warnings.push(`${SOURCE_NAME[theirs.source]} set ${name}, which replaces the token guard's receiver needs: guard cannot see Claude's `
      + `${signal?.toLowerCase() ?? 'telemetry'} (put those headers in OTEL_EXPORTER_OTLP_HEADERS instead)`);
  }
  for (const [name, value] of Object.entries(guardVars)) {
    const theirs = settingsEnv.get(name);
    if (theirs === undefined || theirs.value === value || isSecret(name)) continue;
    if (blocked.some((signal) => name.includes(`_${signal}_`))) continue;
    out.pin[name] = value;
  }
  return out;
}
