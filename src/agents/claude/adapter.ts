// Claude Code as an agent adapter (src/agents/agent.ts). It points at what guard knows of Claude
// in src/claude/: the typed events (events.ts), the hooks (hooks.ts), the `--settings` it passes
// (settings.ts, settings-file.ts, settings-env.ts), the prompt box (prompt-box.ts), the window
// rules (window.ts) and the metrics (metrics.ts). Input: the user's claude arguments, cwd and environment; then
// the receiver's URL and token. Output: Claude's args with guard's private `--settings` file
// (removed at dispose), its telemetry environment, warnings.
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { toClaudeEvent, classifyRequest } from '../../claude/events.js';
import { parseHook } from '../../claude/hooks.js';
import { readPromptBox } from '../../claude/prompt-box.js';
import { prepareClaudeSettings, readUtf8, SettingsError } from '../../claude/settings.js';
import { writeSettingsFile } from '../../claude/settings-file.js';
import { claudeSettingsEnv, managedTelemetryWarnings, pinGuardTelemetry, withSettingsEnv } from '../../claude/settings-env.js';
import { managedSettingsDir, managedSettingsFiles } from '../../claude/managed-settings.js';
import { RECEIVER_URL_ENV, TOKEN_ENV } from '../../claude/relay/post.js';
import { readClaudeMetric } from '../../claude/metrics.js';
import { CLAUDE_WINDOW_RULES } from '../../claude/window.js';
import { CLAUDE_COMMANDS } from '../../policy/config.js';
import { otlpExporterEnv } from '../../telemetry/otel-env.js';
import type { ForwardProtocol, ForwardSignal } from '../../telemetry/forward-env.js';
import { AgentSetupError, type AgentAdapter, type AgentSetup, type Connection, type SetupInput } from '../agent.js';

/**
 * Claude Code batches log records and sends them every OTEL_LOGS_EXPORT_INTERVAL ms (default
 * 5 s). The footer must move within a second of a request finishing, and the policy arms on
 * these figures, so guard asks for half a second.
 */
export const LOGS_EXPORT_INTERVAL_MS = 500;
/** Metrics only back the per-session counters; every few seconds is plenty. */
export const METRICS_EXPORT_INTERVAL_MS = 5000;
/**
 * Claude runs its PreCompact hook right after it logs the event that explains the compaction (an
 * `api_error` ~50 ms before, seen on 2.1.330 when the API refused a prompt as too long), but that
 * event reaches guard only with the next log export, up to LOGS_EXPORT_INTERVAL_MS later (seen:
 * the hook's post came 130 ms before the api_error's export). Before holding a compaction, guard
 * waits three export intervals: room for a late export on a busy machine, and still well inside
 * the relay's PRECOMPACT_DEADLINE_MS (3 s). Only a compaction guard would hold waits.
 */
export const HOLD_SETTLE_MS = 3 * LOGS_EXPORT_INTERVAL_MS;

/**
 * Telemetry variables that send Claude's OTLP data, hooks and status line to guard's receiver.
 * `protocols`: for each signal guard forwards, the user's own protocol, so the bytes guard
 * forwards are the ones Claude would have sent them (the receiver decodes both encodings).
 */
export function claudeTelemetryEnv(receiverUrl: string, tokenHeader: string, token: string, protocols: Partial<Record<ForwardSignal, ForwardProtocol>> = {}): Record<string, string> {
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    ...otlpExporterEnv({ receiverUrl, tokenHeader, token, protocols, logsIntervalMs: LOGS_EXPORT_INTERVAL_MS, metricsIntervalMs: METRICS_EXPORT_INTERVAL_MS }),
    // The relays (hooks, status line) post here.
    [RECEIVER_URL_ENV]: receiverUrl,
    [TOKEN_ENV]: token,
  };
}

function setup(input: SetupInput): AgentSetup {
  const { cwd, env } = input;
  const managedDir = managedSettingsDir(process.platform);
  const listDir = (dir: string): string[] => readdirSync(dir);
  const prepared = asSetupError(() => prepareClaudeSettings({
    userArgs: [...input.args], cwd, ...(env.HOME ? { home: env.HOME } : {}), managedFiles: managedSettingsFiles(managedDir, listDir),
  }));
  // What Claude's own settings files put in its environment (an administrator's managed ones
  // too): telemetry the user configured there, auto-compact settings. The environment Claude will
  // see, guard's additions aside.
  const settingsEnv = claudeSettingsEnv({
    cwd, home: env.HOME ?? homedir(), configDir: env.CLAUDE_CONFIG_DIR, flag: prepared.userSettings, readFile: readUtf8,
    managedDir, listDir,
  });
  return {
    env: withSettingsEnv(env, settingsEnv),
    window: CLAUDE_WINDOW_RULES,
    forwardsUserTelemetry: true,
    usesHookFolder: true,
    warnings: [...prepared.warnings],
    connect: (to): Connection => {
      const guardVars = claudeTelemetryEnv(to.receiverUrl, to.tokenHeader, to.token, to.protocols);
      // The user's settings files may set the same variables in Claude's `env`: guard's win there too.
      const pinned = pinGuardTelemetry(guardVars, settingsEnv, (name) => name === TOKEN_ENV || name.endsWith('_HEADERS'));
      const merged = to.hookSpool === null ? prepared.settings : prepared.withHookSpool(to.hookSpool);
      const settings = Object.keys(pinned.pin).length === 0 ? merged
        : { ...merged, env: { ...envObject(merged.env), ...pinned.pin } };
      // The merged settings reach Claude as a private file, removed at dispose (every way the run ends).
      const file = asSetupError(() => writeSettingsFile(settings));
      const warnings = [...pinned.warnings, ...managedTelemetryWarnings(guardVars, settingsEnv)];
      return { args: prepared.argsFor(file.path), extraEnv: guardVars, warnings, dispose: () => file.remove() };
    },
  };
}

/** The user's own settings that cannot be read, a file guard cannot write: a clear error, exit 2. */
function asSetupError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SettingsError) throw new AgentSetupError(err.message, err.file);
    throw err;
  }
}

function envObject(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

export const claudeAdapter: AgentAdapter = {
  name: 'claude',
  displayName: 'Claude',
  setup,
  toEvent: toClaudeEvent,
  toHook: parseHook,
  // An API error of the main conversation (`query_source` as classifyRequest reads it; none: taken as main).
  isMainQuery: (querySource) => classifyRequest(querySource, false).thread === 'main',
  // claude_code.token.usage and claude_code.cost.usage: the per-session counters.
  readMetric: readClaudeMetric,
  commands: CLAUDE_COMMANDS,
  readPromptBox,
  canHoldCompaction: true,
  holdSettleMs: HOLD_SETTLE_MS,
  // 2.1.330's bundle: on Ctrl-Z it registers a SIGCONT handler, leaves raw mode, says "Claude Code
  // is suspended. Run `fg` to bring it back." and calls process.kill(0, "SIGTSTP").
  suspendsItself: true,
};
