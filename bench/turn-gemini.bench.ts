// Turn latency for Gemini CLI: how much longer each prompt takes under `guard gemini` than with
// bare `gemini`, as ./turn.bench.ts measures it for Claude. Both run the real Gemini CLI
// (node_modules/.bin/gemini) in a 100x30 pty against the Gemini stand-in (which answers at once),
// each session in a fresh throw-away HOME (test/helpers/gemini-session.ts), sessions alternating
// bare/guard in one run so that machine load hits both alike. Per prompt two figures: from the
// Enter to the stand-in receiving the request, and from the Enter to Gemini being back at an
// empty prompt box, not working (its AfterAgent hooks run before that: Gemini waits for them).
// Prints the medians, guard's difference and ratio for each. No target in the issues; the figure
// exists because guard's AfterAgent hook, a Node relay, once added ~150 ms to every Gemini turn.
// Run alone: `npx tsx bench/turn-gemini.bench.ts [pairs]`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GEMINI_BIN, geminiIdle, startGeminiSession } from '../test/helpers/gemini-session.js';
import { SUBMIT_DELAY_MS } from '../src/agents/gemini/adapter.js';
import { median } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Session pairs (one bare, one guarded). Each session starts Gemini once (~3-5 s here). */
const DEFAULT_PAIRS = 5;
/** Prompts per session. */
const PROMPTS = 3;
/** Screen sampling period: the resolution of the "back at its prompt" figure. */
const SAMPLE_MS = 2;
const TURN_TIMEOUT_MS = 20_000;

interface TurnTiming { requestMs: number; readyMs: number }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function oneSession(guarded: boolean): Promise<TurnTiming[]> {
  const s = await startGeminiSession(guarded ? { guardArgs: [] } : {});
  const out: TurnTiming[] = [];
  try {
    for (let k = 0; k < PROMPTS; k++) {
      const text = `turn ${k} of a timed session`;
      const before = s.api.generations('main').length;
      s.term.write(text);
      await s.term.waitFor((screen) => screen.includes(text), 10_000);
      // An Enter soon after typed text is taken as a new line (test/helpers/gemini-session.ts).
      await sleep(SUBMIT_DELAY_MS + 100);
      const t0 = Date.now();
      s.term.write('\r');
      const req = await s.api.waitForRequest((r) => r.thread === 'main' && s.api.generations('main').indexOf(r) >= before, TURN_TIMEOUT_MS);
      // Back at the prompt: this turn's answer shown, the box empty and no spinner. The box is empty
      // from the Enter on, and while Gemini runs its AfterAgent hooks the spinner says "Executing
      // Hooks: … (esc to cancel, 0s)".
      const answer = (req.answer?.kind === 'text' ? req.answer.text ?? '' : '').slice(0, 30);
      let readyAt = NaN;
      while (Date.now() - t0 < TURN_TIMEOUT_MS) {
        const screen = s.term.screen();
        if (screen.includes(answer) && geminiIdle(screen)) { readyAt = Date.now(); break; }
        await sleep(SAMPLE_MS);
      }
      if (Number.isNaN(readyAt)) throw new Error(`turn ${k} (${guarded ? 'guard' : 'bare'}) not over within ${TURN_TIMEOUT_MS} ms; screen:\n${s.term.screen()}`);
      out.push({ requestMs: req.t - t0, readyMs: readyAt - t0 });
      await sleep(300);
    }
    return out;
  } finally {
    await s.dispose();
  }
}

export default async function turnGeminiBench(pairs = DEFAULT_PAIRS): Promise<void> {
  if (!existsSync(GEMINI_BIN)) { process.stdout.write('skipped: Gemini CLI is not installed (npm ci)\n'); return; }
  if (!existsSync(join(ROOT, 'dist', 'guard.cjs'))) { process.stdout.write('skipped: guard is not built (npm run build)\n'); return; }
  const bare: TurnTiming[] = [];
  const guard: TurnTiming[] = [];
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? [false, true] : [true, false];
    for (const g of order) (g ? guard : bare).push(...await oneSession(g));
  }
  const line = (what: string, pick: (x: TurnTiming) => number): string => {
    const b = median(bare.map(pick));
    const g = median(guard.map(pick));
    return `${what.padEnd(30)} bare ${b.toFixed(0).padStart(4)} ms, guard ${g.toFixed(0).padStart(4)} ms: guard - bare ${(g - b).toFixed(0).padStart(4)} ms, ratio ${(g / b).toFixed(2)}\n`;
  };
  process.stdout.write(`Each Gemini prompt, medians of ${bare.length} turns each (${pairs} alternating session pairs of ${PROMPTS} prompts), offline\n`
    + line('Enter to the request', (x) => x.requestMs)
    + line('Enter to back at the prompt', (x) => x.readyMs)
    + `all turns, Enter to back at the prompt (ms): bare ${bare.map((x) => x.readyMs).join(' ')}; guard ${guard.map((x) => x.readyMs).join(' ')}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? DEFAULT_PAIRS);
  if (!Number.isInteger(n) || n < 1) throw new Error(`pairs must be a positive whole number, got ${process.argv[2]}`);
  await turnGeminiBench(n);
}
