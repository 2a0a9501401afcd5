// Turn latency: how much longer each prompt takes under `guard claude` than with bare `claude`.
// Both run the real Claude Code (node_modules/.bin/claude) in a 110x32 pty against the stand-in
// API, which answers at once, each session in a fresh throw-away HOME (test/helpers/claude-env.ts),
// sessions alternating bare/guard in one run so that machine load hits both alike. In each session,
// once Claude is idle, a few short prompts, one at a time; per prompt two figures: from the Enter
// to the stand-in receiving the request (what Claude did first: its UserPromptSubmit hooks), and
// from the Enter to Claude being back at its prompt with the answer on screen (the whole turn,
// with its Stop hooks). Prints the medians, guard's difference and ratio for each. There is no
// target in the issues; the figure exists because guard's hooks once added ~200 ms to every turn
// (src/claude/settings.ts ASYNC_HOOK_EVENTS). Also printed: the CPU time of the process in the
// pty over the prompts (guard's own, not Claude's, in a guarded session; Claude's in a bare one),
// per prompt: what guard's screen, telemetry and hooks cost while Claude works, on a machine
// where the two share the cores. Figures only.
// Run alone: `npx tsx bench/turn.bench.ts [pairs]`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startStandinApi, type StandinApi } from '../src/demo/standin-api.js';
import { OFFLINE_MODEL } from '../src/demo/offline-claude.js';
import { startTerminal } from '../test/helpers/terminal.js';
import { isWorking, makeClaudeEnv, submit, waitForIdle } from '../test/helpers/claude-env.js';
import { median } from './stats.js';
import { CLOCK_TICKS, cpuTicks } from './proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Session pairs (one bare, one guarded). Each session starts Claude once (~1-2 s) for its prompts. */
const DEFAULT_PAIRS = 6;
/** Prompts per session: each is measured; the first after start-up is no different from the rest. */
const PROMPTS = 3;
/** Screen sampling period: the resolution of the "back at its prompt" figure. */
const SAMPLE_MS = 2;
const TURN_TIMEOUT_MS = 20_000;
/** Claude's line when a turn is over: `✻ <Verb> for Ns · done H:MM AM` (test/helpers/claude-env.ts). */
const TURN_DONE_RE = /· done \d/g;

interface TurnTiming { requestMs: number; readyMs: number }
interface Session { turns: TurnTiming[]; cpuMs: number }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function oneSession(api: StandinApi, guarded: boolean): Promise<Session> {
  const env = await makeClaudeEnv({ apiUrl: api.url });
  const cmd = guarded ? env.guardCommand([], ['--model', OFFLINE_MODEL]) : env.claudeCommand(['--model', OFFLINE_MODEL]);
  const term = startTerminal({ file: cmd.file, args: cmd.args, cwd: env.cwd, env: env.env, cols: 110, rows: 32 });
  const out: TurnTiming[] = [];
  try {
    await waitForIdle(term, { timeoutMs: TURN_TIMEOUT_MS });
    const ticksBefore = cpuTicks(term.proc.pid);
    for (let k = 0; k < PROMPTS; k++) {
      let requestAt = NaN;
      const off = api.onRequest((r) => { if (r.path === '/v1/messages' && Number.isNaN(requestAt)) requestAt = performance.now(); });
      const t0 = performance.now();
      submit(term, `turn ${k}`);
      let readyAt = NaN;
      try {
        while (performance.now() - t0 < TURN_TIMEOUT_MS) {
          const screen = term.screen();
          if (!Number.isNaN(requestAt) && (screen.match(TURN_DONE_RE)?.length ?? 0) > k && !isWorking(screen)) { readyAt = performance.now(); break; }
          await sleep(SAMPLE_MS);
        }
      } finally { off(); }
      if (Number.isNaN(readyAt)) throw new Error(`turn ${k} (${guarded ? 'guard' : 'bare'}) not over within ${TURN_TIMEOUT_MS} ms; screen:\n${term.screen()}`);
      out.push({ requestMs: requestAt - t0, readyMs: readyAt - t0 });
      await waitForIdle(term, { timeoutMs: TURN_TIMEOUT_MS });
    }
    return { turns: out, cpuMs: (1000 * (cpuTicks(term.proc.pid) - ticksBefore)) / CLOCK_TICKS };
  } finally {
    term.kill('SIGTERM');
    await Promise.race([term.exited, sleep(3000)]);
    term.dispose();
    await env.cleanup();
  }
}

export default async function turnBench(pairs = DEFAULT_PAIRS): Promise<void> {
  if (!existsSync(join(ROOT, 'node_modules', '.bin', 'claude'))) { process.stdout.write('skipped: Claude Code is not installed (npm ci)\n'); return; }
  if (!existsSync(join(ROOT, 'dist', 'guard.cjs'))) { process.stdout.write('skipped: guard is not built (npm run build)\n'); return; }
  const api = await startStandinApi();
  const bare: TurnTiming[] = [];
  const guard: TurnTiming[] = [];
  const cpuMs = { bare: 0, guard: 0 };
  try {
    for (let i = 0; i < pairs; i++) {
      const order = i % 2 === 0 ? [false, true] : [true, false];
      for (const g of order) {
        const s = await oneSession(api, g);
        (g ? guard : bare).push(...s.turns);
        cpuMs[g ? 'guard' : 'bare'] += s.cpuMs;
      }
    }
  } finally {
    await api.close();
  }
  const line = (what: string, pick: (x: TurnTiming) => number): string => {
    const b = median(bare.map(pick));
    const g = median(guard.map(pick));
    return `${what.padEnd(30)} bare ${b.toFixed(0).padStart(4)} ms, guard ${g.toFixed(0).padStart(4)} ms: guard - bare ${(g - b).toFixed(0).padStart(4)} ms, ratio ${(g / b).toFixed(2)}\n`;
  };
  process.stdout.write(`Each prompt, medians of ${bare.length} turns each (${pairs} alternating session pairs of ${PROMPTS} prompts), offline, model ${OFFLINE_MODEL}\n`
    + line('Enter to the request', (x) => x.requestMs)
    + line('Enter to back at the prompt', (x) => x.readyMs)
    + `CPU per prompt: guard's own ${(cpuMs.guard / guard.length).toFixed(1)} ms; Claude's, bare, ${(cpuMs.bare / bare.length).toFixed(1)} ms\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? DEFAULT_PAIRS);
  if (!Number.isInteger(n) || n < 1) throw new Error(`pairs must be a positive whole number, got ${process.argv[2]}`);
  await turnBench(n);
}
