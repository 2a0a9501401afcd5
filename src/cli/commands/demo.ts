// `guard demo`: the whole product in about a minute, offline, with no account. Runs the project's
// own Claude Code under guard against the Messages API stand-in (src/demo/standin-api.ts) in a
// throw-away HOME and project folder (the project, with its checkpoint note, is kept), while a scripted user fills the context until guard
// checkpoints and the conversation goes on. The run is recorded like any other (GUARD_HOME or the
// state folder), so `guard log --json latest` shows it afterwards.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './run.js';
import { startStandinApi } from '../../demo/standin-api.js';
import { offlineClaudeEnv, writeOfflineClaudeHome } from '../../demo/offline-claude.js';
import { startScriptedUser, type DemoOutcome } from '../../demo/scripted-user.js';
import type { Disposable } from '../../supervisor/disposables.js';

/** A 200,000-token model: Claude Code 2.1.330 does not compact it early on its own. */
export const DEMO_MODEL = 'claude-sonnet-4-5';
/** The stand-in takes a moment per answer, so that "working" shows in the footer. */
const DEMO_LATENCY_MS = 400;
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface DemoIo { stdout(s: string): void; stderr(s: string): void; isTTY: boolean }

const processIo: DemoIo = {
  stdout: (s) => { process.stdout.write(s); },
  stderr: (s) => { process.stderr.write(s); },
  isTTY: process.stdout.isTTY === true && process.stdin.isTTY === true,
};

export function demoClaudeBin(root = PACKAGE_ROOT): string { return join(root, 'node_modules', '.bin', 'claude'); }

export interface DemoOptions { io?: DemoIo; /** Where guard is installed (its node_modules holds Claude Code). */ packageRoot?: string }

export async function demoCommand(args: string[], opts: DemoOptions = {}): Promise<number> {
  const io = opts.io ?? processIo;
  const packageRoot = opts.packageRoot ?? PACKAGE_ROOT;
  if (args.length > 0) { io.stderr(`guard demo: takes no arguments, got ${JSON.stringify(args[0])}\n`); return 2; }
  const claude = demoClaudeBin(packageRoot);
  if (!existsSync(claude)) {
    io.stderr(`guard demo: Claude Code is not installed in ${packageRoot}.\n`
      + `Install it with \`npm ci\` there (it brings the pinned @anthropic-ai/claude-code), then run \`guard demo\` again.\n`);
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
    io.stdout('guard demo: the real Claude Code against a local stand-in API (no account, no network).\n'
      + 'Watch the footer fill up; guard will checkpoint before Claude runs out of room.\n');
    const env: NodeJS.ProcessEnv = { ...process.env, ...offlineClaudeEnv(api.url, home) };
    const status = await runCommand(
      [claude, '--model', DEMO_MODEL, '--permission-mode', 'acceptEdits', '--allowedTools', 'Bash', 'Agent', 'Write'],
      {
        env, cwd,
        onClaudeRun: (run) => {
          user = startScriptedUser(run, {
            now: Date.now,
            setInterval: (fn, ms) => { const h = setInterval(fn, ms); return { dispose: () => clearInterval(h) }; },
          }, (o) => { outcome = o; });
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
