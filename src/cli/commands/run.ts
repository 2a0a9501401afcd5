// `guard [guard options] <program> [program args…]`: reads guard's own options (they stand
// before the program's name; everything after it is the program's, untouched) and runs the
// program supervised. Every run is recorded (session log, `guard ls` entry); a run of an agent
// guard knows (`claude`; the table in ../agents.ts) also gets the agent integration
// (src/app/agent-run.ts with the agent's adapter), configured from guard's config file with
// --strategy, --threshold, --window and --metrics-port on top (flags win over the config, the
// config over the defaults).
// The run's notices are made here: the recording's and the agent integration's problems go
// there, the footer shows them, and the faults among them are printed once more on standard
// error after the program ended (no footer may have shown them). A run never fails because
// guard cannot write its files; the status is the program's.
import { runSupervised, GUARD_VERSION } from '../../supervisor/supervise.js';
import { realClock } from '../../lib/clock.js';
import { Notices } from '../../ui/notices.js';
import { resolveProgram } from '../../supervisor/resolve.js';
import { EXIT_NOT_FOUND, exitedWith, type ProgramEnd } from '../../supervisor/exit-status.js';
import { startAgentRun, type AgentRun } from '../../app/agent-run.js';
import { AgentSetupError } from '../../agents/agent.js';
import { agentFor } from '../agents.js';
import { startRunRecording } from '../../log/run-recording.js';
import { resolvePaths, GuardPathError } from '../../paths.js';
import { loadConfigForRun } from '../../config/load.js';
import { ConfigError, MAX_PORT, MIN_PORT, parseTokens, toPolicyConfig, type GuardConfig } from '../../config/settings.js';
import { makePolicyConfig, STRATEGIES, type PolicyConfig, type Strategy } from '../../policy/config.js';
import { colorEnabled } from '../../ui/footer.js';


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
  if (agentRow && !resolveProgram(o.program, env, cwd).ok) {
    process.stderr.write(`guard: ${o.program}: command not found. ${agentRow.installHint}\n`);
    return EXIT_NOT_FOUND;
  }
  const { policy, footer } = settings;
  const notices = new Notices(realClock);
  const recording = startRunRecording({
    env, pid: process.pid, program: o.program, agent: agentRow?.name ?? null, args: o.args, cwd, guardVersion: GUARD_VERSION,
    // The footer has one line: the short form there, the path after the exit.
    onError: (err) => notices.post(`guard: cannot record this run (${err.code ?? 'write failed'}); the program keeps running`, {
      fault: true, detail: `${err.message} — guard stopped recording this run there`,
    }),
  });
  for (const w of recording.warnings) process.stderr.write(`guard: ${w.replace(/^guard: /, '')}\n`);

  let claude: AgentRun | null = null;
  if (agentRow) {
    try {
      // The run's wiring is in guard's main bundle file: `guard claude` reaches its spawn without
      // resolving further files (start-up, issue 10); other agents' adapters load on demand.
      const adapter = await agentRow.load();
      claude = await startAgentRun(adapter, {
        args: o.args, cwd, env, policy, color: colorEnabled(env, process.stdout.isTTY === true), recording, notices, ...settings.claude,
      });
    } catch (err) {
      if (!(err instanceof AgentSetupError)) throw err;
      process.stderr.write(`guard: ${err.message}\n`);
      recording.finish({ code: 2, signal: null });
      return 2;
    }
    for (const w of claude.warnings) process.stderr.write(`guard: ${w}\n`);
    ctx.onClaudeRun?.(claude);
  } else {
    if (o.metricsPort !== undefined) process.stderr.write('guard: --metrics-port serves the figures of a claude run; ignored for other programs\n');
    recording.live?.update({ state: 'running' });
  }
  let end: ProgramEnd = exitedWith(1);
  try {
    end = await runSupervised({ ...claude?.supervised, notices, program: o.program, args: claude?.supervised.args ?? o.args, footer, env, cwd });
  } finally {
    recording.finish({ code: end.status, signal: end.signal });
    await claude?.close();
    for (const f of notices.faults()) process.stderr.write(`${f}\n`);
    notices.dispose();
  }
  return end.status;
}
