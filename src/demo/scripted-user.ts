// The demo's user: types a scripted conversation into Claude, one prompt each time Claude is idle
// and guard is not about to act, through guard's pty writer like a person at the keyboard.
// Input: guard's state and checkpoint records (ClaudeRun). Output: keystrokes, and a verdict on
// whether the demo showed what it promises (a checkpoint, then the conversation going on).
import type { AgentRun as ClaudeRun } from '../app/agent-run.js';
import type { Disposable } from '../lib/disposables.js';
import type { Clock } from '../lib/clock.js';

/**
 * Each PAD:N turn makes the stand-in report N more tokens, as a big file read would. Three steps
 * of 45k on top of Claude's ~23k of system prompt and tools reach ~158k: past guard's arming
 * point (80% of 167,000) and still short of the auto-compact point, so guard checkpoints first.
 * Every prompt stays under 64 bytes: Claude takes a longer single write as a paste.
 */
export const DEMO_PROMPTS_BEFORE = [
  'hello',
  'TOOL:ls -la',
  'PAD:45000 read the first big log file',
  'PAD:45000 read the second big log file',
  'PAD:45000 read the third big log file',
];
export const DEMO_PROMPTS_AFTER = ['what is next?'];
/** How often the user looks at the screen. */
const LOOK_EVERY_MS = 250;
/** A person pauses before typing; it also lets the footer be read. */
const THINK_MS = 1200;
/** Longest the demo waits for guard's checkpoint once the script has run out. */
const CHECKPOINT_PATIENCE_MS = 90_000;

export interface DemoOutcome { checkpointed: boolean; notePath: string | null; resumedAnswered: boolean }

/** The user looks at the screen every LOOK_EVERY_MS and times their pauses by this clock. */
export type ScriptedUserClock = Pick<Clock, 'now' | 'setInterval'>;

export function startScriptedUser(run: ClaudeRun, clock: ScriptedUserClock, done: (o: DemoOutcome) => void): Disposable {
  const before = [...DEMO_PROMPTS_BEFORE];
  const after = [...DEMO_PROMPTS_AFTER];
  const outcome: DemoOutcome = { checkpointed: false, notePath: null, resumedAnswered: false };
  let idleSince: number | null = null;
  let waitingSince: number | null = null;
  let finished = false;
  let exitTyped = false;

  const sub = run.onCheckpoint((r) => {
    if (r.notePath) outcome.notePath = r.notePath;
    if (r.phase === 'resumed' || r.phase === 'compacted') outcome.checkpointed = true;
  });

  const type = (text: string): void => {
    run.session?.writer?.write(`${text}\r`, 'user');
    idleSince = null;
  };

  const look = (): void => {
    if (finished) return;
    const view = run.controller.view;
    const quiet = run.controller.guardState === 'idle' && !view.armed && !view.checkpointing;
    if (!quiet) { idleSince = null; return; }
    const now = clock.now();
    idleSince ??= now;
    if (now - idleSince < THINK_MS) return;
    const next = before.shift();
    if (next !== undefined) { type(next); return; }
    if (!outcome.checkpointed) {
      waitingSince ??= now;
      if (now - waitingSince < CHECKPOINT_PATIENCE_MS) return;
    } else {
      const last = after.shift();
      if (last !== undefined) { type(last); return; }
      outcome.resumedAnswered = true;
    }
    if (!exitTyped) {
      exitTyped = true;
      type('/exit');
      finished = true;
      done(outcome);
    }
  };

  const timer = clock.setInterval(look, LOOK_EVERY_MS);
  return { dispose: () => { timer.dispose(); sub.dispose(); } };
}
