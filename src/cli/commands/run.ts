// `guard [guard options] <program> [program args…]`: reads guard's own options (they stand
// before the program's name; everything after it is the program's, untouched) and runs the
// program supervised, configured from guard's config file with --strategy, --threshold, --window
// and --metrics-port on top (flags win over the config, the config over the defaults).
// This file is the run's first half: only what the program's spawn needs, because guard's share
// of the time to Claude's prompt is what it does before the spawn (start-up, issue 10). For an
// agent guard knows (`claude`; the table in ../agents.ts) it connects the agent
// (src/app/agent-connect.ts: its setup, the receiver, its args and telemetry environment) and,
// with a terminal on stdout, starts it in its pty (src/supervisor/launch.ts). Then it loads the
// second half, ./run-session.ts (the recording, the agent run's wiring, the supervisor, the
// display), which runs the program to its end; that loading happens while the program starts.
import { resolveProgram } from '../../supervisor/resolve.js';
import { EXIT_NOT_FOUND } from '../../supervisor/exit-status.js';
import { launchProgram, programEnv, type Launched } from '../../supervisor/launch.js';
import { setSessionV8Flags } from '../../supervisor/v8-flags.js';
import { processTerminal } from '../../supervisor/terminal-io.js';
import { connectAgent, type ConnectedAgent } from '../../app/agent-connect.js';
import type { AgentRun } from '../../app/agent-run.js';
import { AgentSetupError } from '../../agents/agent.js';
import { agentFor, loggableArgs } from '../agents.js';
import { resolvePaths, GuardPathError } from '../../paths.js';
import { loadConfigForRun } from '../../config/load.js';
import { ConfigError, MAX_PORT, MIN_PORT, parseTokens, toPolicyConfig, type GuardConfig } from '../../config/settings.js';
import { makePolicyConfig, STRATEGIES, type PolicyConfig, type Strategy } from '../../policy/config.js';
import type { AgentPlan } from './run-session.js';

export interface RunOptions {
  program: string;
  args: string[];
  footer: boolean;
  strategy?: Strategy;
  /** Percent of the auto-compact point at which the checkpoint arms. */
  threshold?: number;
  /** Context window override, in tokens. */
  window?: number;
  /** Serve Prometheus metrics on 127.0.0.1 at this port. */
  metricsPort?: number;
}

export class UsageError extends Error {}

/** Pure: argv → RunOptions, or a UsageError naming the bad value. */
export function parseRunArgs(argv: string[]): RunOptions {
  const o: RunOptions = { program: '', args: [], footer: true };
  let i = 0;
  const value = (flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    i += 2;
    return v;
  };
  while (i < argv.length) {
    const a = argv[i] as string;
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    let flag = a, inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { flag = a.slice(0, eq); inline = a.slice(eq + 1); }
    const take = (): string => { if (inline !== undefined) { i++; return inline; } return value(flag); };
    switch (flag) {
      case '--no-footer': o.footer = false; i++; break;
      case '--strategy': {
        const v = take();
        if (!(STRATEGIES as readonly string[]).includes(v)) throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(v)}`);
        o.strategy = v as Strategy;
        break;
      }
      case '--threshold': {
        const v = take();
        const n = Number(v.replace(/%$/, ''));
        if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 100) throw new UsageError(`--threshold must be a percentage above 0 and at most 100, got ${JSON.stringify(v)}`);
        o.threshold = n;
        break;
      }
      case '--window': {
        const v = take();
        const n = parseTokens(v) ?? NaN;
        if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--window must be a whole number of tokens (e.g. 200000 or 200k), got ${JSON.stringify(v)}`);
        o.window = n;
        break;
      }
      case '--metrics-port': {
        const v = take();
        const n = v.trim() === '' ? NaN : Number(v);
        if (!Number.isInteger(n) || n < MIN_PORT || n > MAX_PORT) throw new UsageError(`--metrics-port must be a whole port number from ${MIN_PORT} to ${MAX_PORT}, got ${JSON.stringify(v)}`);
        o.metricsPort = n;
        break;
      }
      default:
        throw new UsageError(`unknown option ${JSON.stringify(a)} (guard's options go before the program's name)`);
    }
  }
  const program = argv[i];
  if (program === undefined) throw new UsageError('no program to run');
  o.program = program;
  o.args = argv.slice(i + 1);
  return o;
}

/** Where and how a run happens; the defaults are this process's. `guard demo` passes its own. */
export interface RunContext {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called once the agent integration is set up (the demo's scripted user watches it). */
  onClaudeRun?(run: AgentRun): void;
}

/** What a run uses, from its flags and the config. */
export interface RunSettings {
  policy: PolicyConfig;
  footer: boolean;
  /** Session logs no run wrote to for this many days are removed (0: none). */
  keepLogsDays: number;
  /** For an agent run (src/app/agent-run.ts). */
  claude: { windowOverride?: number; modelWindows?: Record<string, number>; metricsPort?: number; forward: boolean };
}

/**
 * Pure: flags win over the config, the config over the defaults (the config comes complete, its
 * defaults filled in). `--window` beats both config windows; the config's per-model windows beat
 * its window for every model. Throws ConfigError for a combination the policy refuses.
 */
export function runSettings(o: RunOptions, config: GuardConfig): RunSettings {
  let policy: PolicyConfig;
  try {
    policy = makePolicyConfig({
      ...toPolicyConfig(config),
      ...(o.strategy !== undefined ? { strategy: o.strategy } : {}),
      ...(o.threshold !== undefined ? { thresholdPct: o.threshold } : {}),
    });
  } catch (err) {
    // A flag that does not fit the config, e.g. --threshold below the configured re-arm level.
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const window = o.window ?? config.window ?? undefined;
  const metricsPort = o.metricsPort ?? config.metricsPort ?? undefined;
  return {
    policy,
    footer: o.footer && config.footer,
    keepLogsDays: config.keepLogsDays,
    claude: {
      forward: config.forward,
      ...(window !== undefined ? { windowOverride: window } : {}),
      ...(o.window === undefined && Object.keys(config.windows).length > 0 ? { modelWindows: config.windows } : {}),
      ...(metricsPort !== undefined ? { metricsPort } : {}),
    },
  };
}

export async function runCommand(argv: string[], ctx: RunContext = {}): Promise<number> {
  const env = ctx.env ?? process.env;
  const cwd = ctx.cwd ?? process.cwd();
  let o: RunOptions;
  let settings: RunSettings;
  try {
    o = parseRunArgs(argv);
    settings = runSettings(o, await loadConfigForRun(resolvePaths({ env }).configDir));
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof ConfigError || err instanceof GuardPathError)) throw err;
    process.stderr.write(`guard: ${err.message.replace(/^guard:? /, '')}\n`);
    return 2;
  }
  const agentRow = agentFor(o.program);
  const resolved = agentRow ? resolveProgram(o.program, env, cwd) : null;
  if (agentRow && !resolved?.ok) {
    process.stderr.write(`guard: ${o.program}: command not found. ${agentRow.installHint}\n`);
    return EXIT_NOT_FOUND;
  }
  let agent: AgentPlan | null = null;
  let launched: Launched | undefined;
  if (agentRow) {
    let connected: ConnectedAgent;
    try {
      // Claude's adapter is in guard's main bundle file (no file to resolve before its spawn); other agents' load on demand.
      connected = await connectAgent(await agentRow.load(), { args: o.args, cwd, env, forward: settings.claude.forward });
    } catch (err) {
      if (!(err instanceof AgentSetupError)) throw err;
      process.stderr.write(`guard: ${err.message}\n`);
      (await import('./run-session.js')).recordFailedSetup({ program: o.program, agent: agentRow.name, loggedArgs: agentRow.redactArgs(o.args), env, cwd, status: 2 });
      return 2;
    }
    agent = { connected, ...settings.claude };
    if (resolved?.ok && process.stdout.isTTY === true) {
      try {
        launched = launchProgram({
          file: resolved.file, args: connected.connection.args, cwd, env: programEnv(env, connected.connection.extraEnv, settings.footer),
          ...launchSize(settings.footer), pane: settings.footer,
        });
      } catch (err) {
        await connected.close();
        throw err;
      }
    }
  }
  // guard's own V8 settings for a run, before the rest of it loads (one of them must come before
  // V8's old generation grows: src/supervisor/v8-flags.ts); for an agent, after its spawn.
  setSessionV8Flags();
  // Everything else loads now, while the program starts. Should it fail to load (a damaged
  // install), the program must not go on with nobody at its terminal.
  let runSession: typeof import('./run-session.js').runSession;
  try {
    ({ runSession } = await import('./run-session.js'));
  } catch (err) {
    launched?.pty.kill('SIGHUP');
    await agent?.connected.close();
    throw err;
  }
  return runSession({
    program: o.program, args: o.args, loggedArgs: loggableArgs(o.program, o.args), env, cwd, footer: settings.footer, policy: settings.policy, keepLogsDays: settings.keepLogsDays, agent,
    metricsPortGiven: o.metricsPort !== undefined, ...(launched ? { launched } : {}), ...(ctx.onClaudeRun ? { onClaudeRun: ctx.onClaudeRun } : {}),
  });
}

/**
 * The pty's size for a program launched before its footer exists: the terminal's size less the
 * footer's one line (an agent's footer is always one line, src/ui/footer.ts renderClaudeFooter;
 * should it differ, the supervisor resizes the pty to its own layout at once).
 */
function launchSize(footer: boolean): { cols: number; rows: number } {
  const { cols, rows } = processTerminal().size();
  return { cols, rows: Math.max(1, rows - (footer ? 1 : 0)) };
}
