// `guard demo`: the whole product in about a minute, offline, with no account. Runs the user's own
// Claude Code (the `claude` on their PATH; from a clone, `npm run demo` puts the pinned one there)
// under guard against the Messages API stand-in (src/demo/standin-api.ts), in a throw-away HOME
// and project folder and an environment without the user's Claude, Anthropic and OpenTelemetry
// variables, so their account, settings and collector are untouched (the project, with its
// checkpoint note, is kept). A scripted user fills the context until guard checkpoints and the
// conversation goes on. The run is recorded like any other (GUARD_HOME or the state folder), so
// `guard log --json latest` shows it afterwards.
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './run.js';
import { resolveProgram } from '../../supervisor/resolve.js';
import { startStandinApi } from '../../demo/standin-api.js';
import { OFFLINE_MODEL, isolatedClaudeEnv, writeOfflineClaudeHome } from '../../demo/offline-claude.js';
import { startScriptedUser, type DemoOutcome } from '../../demo/scripted-user.js';
import type { Disposable } from '../../lib/disposables.js';
import { realClock } from '../../lib/clock.js';

/** The stand-in takes a moment per answer, so that "working" shows in the footer. */
const DEMO_LATENCY_MS = 400;

const HELP = `usage: guard demo
  the whole product in about a minute, offline, with no account: your own Claude Code (the
  claude on your PATH) under guard, against a local stand-in for the Messages API, in a
  throw-away HOME (your account and settings are not touched). A scripted user fills the
  context until guard checkpoints and the conversation goes on. Needs a terminal.
  Afterwards: guard log latest
`;

const INSTALL_CLAUDE_HINT = 'Install it with `npm install -g @anthropic-ai/claude-code` (or put your `claude` on your PATH), then run `guard demo` again.';

export interface DemoIo { stdout(s: string): void; stderr(s: string): void; isTTY: boolean }

const processIo: DemoIo = {
  stdout: (s) => { process.stdout.write(s); },
  stderr: (s) => { process.stderr.write(s); },
  isTTY: process.stdout.isTTY === true && process.stdin.isTTY === true,
};

export interface DemoOptions {
  io?: DemoIo;
  /** The user's environment (PATH finds their Claude Code); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export async function demoCommand(args: string[], opts: DemoOptions = {}): Promise<number> {
  const io = opts.io ?? processIo;
  const userEnv = opts.env ?? process.env;
  if (args.length === 1 && (args[0] === '-h' || args[0] === '--help')) { io.stdout(HELP); return 0; }
  if (args.length > 0) { io.stderr(`guard demo: takes no arguments, got ${JSON.stringify(args[0])}\n${HELP}`); return 2; }
  const found = resolveProgram('claude', userEnv, process.cwd());
  if (!found.ok) {
    io.stderr(`guard demo: Claude Code (\`claude\`) is not on your PATH. ${INSTALL_CLAUDE_HINT}\n`);
    return 1;
  }
  if (!io.isTTY) { io.stderr('guard demo: needs a terminal (Claude Code is interactive); run it in one.\n'); return 2; }

  const root = await realpath(await mkdtemp(join(tmpdir(), 'guard-demo-')));
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  const api = await startStandinApi({ latencyMs: DEMO_LATENCY_MS });
  let user: Disposable | null = null;
  let outcome: DemoOutcome | null = null;
  try {
    await mkdir(cwd, { recursive: true });
    await writeOfflineClaudeHome(home, cwd);
    io.stdout(`guard demo: your Claude Code (${found.file}) against a local stand-in API (no account, no network).\n`
      + 'Watch the footer fill up; guard will checkpoint before Claude runs out of room.\n');
    const env = isolatedClaudeEnv(userEnv, api.url, home);
    const status = await runCommand(
      [found.file, '--model', OFFLINE_MODEL, '--permission-mode', 'acceptEdits', '--allowedTools', 'Bash', 'Agent', 'Write'],
      {
        env, cwd,
        onClaudeRun: (run) => {
          user = startScriptedUser(run, realClock, (o) => { outcome = o; });
        },
      },
    );
    return report(io, status, outcome, cwd);
  } finally {
    (user as Disposable | null)?.dispose();
    await api.close();
    // The project folder stays: it holds the checkpoint note the report points at.
    await rm(home, { recursive: true, force: true });
  }
}

function report(io: DemoIo, status: number, outcome: DemoOutcome | null, cwd: string): number {
  if (outcome?.checkpointed && status === 0) {
    io.stdout(`guard demo: guard checkpointed${outcome.notePath ? ` (note ${join(cwd, outcome.notePath)})` : ''} and the conversation went on.\n`
      + 'The whole run is recorded: guard log latest   (or guard log --json latest)\n');
    return 0;
  }
  const why = status !== 0 ? `Claude Code exited with status ${status}` : 'no checkpoint happened';
  io.stderr(`guard demo: did not finish: ${why}. The record: guard log --json latest\n`);
  return status !== 0 ? status : 1;
}
