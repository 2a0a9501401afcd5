// The second half of `guard [guard options] <program> …` (./run.ts is the first): loaded once
// the program is spawned, while it starts, so that none of what is here delays its spawn (start-up,
// issue 10). Input: the run's plan from run.ts (the program, its args, environment and settings;
// for an agent, the connection made before the spawn; the launched program, if run.ts started it).
// Output: the program's exit status. Makes the run's notices and its recording (session log,
// `guard ls` entry), wires the agent run (src/app/agent-run.ts), supervises the program to its end
// (src/supervisor/supervise.ts), sweeps the temporary folders killed guards left
// (src/lib/run-folder.ts) and removes the session logs older than the user keeps them
// (src/log/retention.ts). The recording's and the agent run's problems go to the notices, the
// footer shows them, and the faults among them are printed once more on standard error after the
// program ended (no footer may have shown them). A run never fails because guard cannot write its
// files; the status is the program's.
import { runSupervised } from '../../supervisor/supervise.js';
import { GUARD_VERSION } from '../../version.js';
import { backgroundClock, realClock } from '../../lib/clock.js';
import { Notices } from '../../ui/notices.js';
import { colorEnabled } from '../../lib/text.js';
import { exitedWith, type ProgramEnd } from '../../supervisor/exit-status.js';
import { startAgentRun, type AgentRun } from '../../app/agent-run.js';
import type { ConnectedAgent } from '../../app/agent-connect.js';
import { startRunRecording } from '../../log/run-recording.js';
import type { Launched } from '../../supervisor/launch.js';
import type { PolicyConfig } from '../../policy/config.js';
import { sweepRunFolders } from '../../lib/run-folder.js';
import { pruneRunLogs } from '../../log/retention.js';

/**
 * The run folders that killed guards left behind (src/lib/run-folder.ts) are swept, and the old
 * session logs removed (src/log/retention.ts), this long after the program's spawn: after Claude's first screen (~1.3 s on this project's 2-core machine) and
 * the hooks of its start, so that the sweep's reads never compete with them. A run that ends
 * sooner sweeps nothing; the next one does.
 */
export const SWEEP_DELAY_MS = 5_000;

/** An agent run's part of the plan: its connection (made before the spawn) and guard's settings for it. */
export interface AgentPlan {
  connected: ConnectedAgent;
  windowOverride?: number;
  modelWindows?: Record<string, number>;
  metricsPort?: number;
  forward: boolean;
}

export interface SessionPlan {
  program: string;
  /** As the user gave them; an agent run's own come from its connection. */
  args: string[];
  /** The args as the session log may keep them (src/cli/agents.ts loggableArgs: an agent's prompts redacted). */
  loggedArgs: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  footer: boolean;
  policy: PolicyConfig;
  /** Session logs no run wrote to for this many days are removed in the background (0: none). */
  keepLogsDays: number;
  /** null: plain supervision of a program guard does not know as an agent. */
  agent: AgentPlan | null;
  /** --metrics-port was given (only an agent run serves metrics). */
  metricsPortGiven: boolean;
  /** The program, when run.ts already started it (launchProgram). */
  launched?: Launched;
  /** Called once the agent integration is set up (the demo's scripted user watches it). */
  onClaudeRun?(run: AgentRun): void;
}

/**
 * A run whose agent could not be set up (its own configuration unreadable: run.ts said why and
 * exits 2) is recorded all the same, as a run that ended at once with that status, so that
 * `guard log` shows it beside the others.
 */
export function recordFailedSetup(o: { program: string; agent: string; loggedArgs: string[]; env: NodeJS.ProcessEnv; cwd: string; status: number }): void {
  const recording = startRunRecording({ env: o.env, pid: process.pid, program: o.program, agent: o.agent, loggedArgs: o.loggedArgs, cwd: o.cwd, guardVersion: GUARD_VERSION });
  recording.finish({ code: o.status, signal: null });
}

export async function runSession(plan: SessionPlan): Promise<number> {
  const { env, cwd } = plan;
  const notices = new Notices(realClock);
  const connected = plan.agent?.connected ?? null;
  const recording = startRunRecording({
    env, pid: process.pid, program: plan.program, agent: connected?.agent.name ?? null, loggedArgs: plan.loggedArgs, cwd, guardVersion: GUARD_VERSION,
    // The footer has one line: the short form there, the path after the exit.
    onError: (err) => notices.post(`guard: cannot record this run (${err.code ?? 'write failed'}); the program keeps running`, {
      fault: true, detail: `${err.message} — guard stopped recording this run there`,
    }),
  });
  for (const w of recording.warnings) process.stderr.write(`guard: ${w.replace(/^guard: /, '')}\n`);

  let claude: AgentRun | null = null;
  if (plan.agent && connected) {
    const { connected: _c, ...options } = plan.agent;
    try {
      claude = await startAgentRun(connected.agent, {
        ...options, connected, args: plan.args, cwd, env, policy: plan.policy, color: colorEnabled(env, process.stdout.isTTY === true), recording, notices,
      });
    } catch (err) {
      // The agent's setup is done (run.ts connected it), so this is a fault of guard's: the program,
      // perhaps running already, ends with guard (as a closed terminal would end it).
      plan.launched?.pty.kill('SIGHUP');
      await connected.close();
      recording.finish({ code: 1, signal: null });
      throw err;
    }
    for (const w of claude.warnings) process.stderr.write(`guard: ${w}\n`);
    plan.onClaudeRun?.(claude);
  } else {
    if (plan.metricsPortGiven) process.stderr.write('guard: --metrics-port serves the figures of a claude run; ignored for other programs\n');
    recording.live?.update({ state: 'running' });
  }
  // Best effort, in the background: what cannot be removed stays for a later run.
  const sweep = backgroundClock.setTimeout(() => {
    sweepRunFolders().catch(() => undefined);
    pruneRunLogs(recording.paths, plan.keepLogsDays).catch(() => undefined);
  }, SWEEP_DELAY_MS);
  let end: ProgramEnd = exitedWith(1);
  try {
    end = await runSupervised({
      ...claude?.supervised, notices, program: plan.program, args: claude?.supervised.args ?? plan.args, footer: plan.footer, env, cwd,
      ...(plan.launched ? { launched: plan.launched } : {}),
    });
  } finally {
    sweep.dispose();
    recording.finish({ code: end.status, signal: end.signal });
    await (claude ? claude.close() : connected?.close());
    for (const f of notices.faults()) process.stderr.write(`${f}\n`);
    notices.dispose();
  }
  return end.status;
}
