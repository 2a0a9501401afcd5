// guard's notices, in one place. Input: short messages from every part of guard (the key list
// of Ctrl-G ?, policy warnings, telemetry problems, a part that failed and was switched off).
// Output: the one notice the footer shows now (`current()`, with `onChange` to redraw), and the
// faults, which the run also prints once on standard error after the program ends (a fault
// may happen while no footer shows: --no-footer, output not a terminal, the display itself failed).
//
// Each notice is shown for NOTICE_MS in all. A newer notice shows at once; the one it interrupted
// comes back afterwards for the time it had left, so a key list asked for with Ctrl-G ? never
// cuts a policy warning short. The same text posted again while it is still waiting or showing is
// not queued twice.
import { Emitter, type Disposable } from '../lib/disposables.js';
import type { Clock } from '../lib/clock.js';

/**
 * How long a notice shows in all. Notices are one line of up to ~15 words in the footer, read
 * while the user's eyes are on Claude's output above: about 4 s to notice the yellow text and
 * 3–4 s to read it (≈250 words a minute). The key list (Ctrl-G ?) is the longest notice.
 */
export const NOTICE_MS = 8000;
/** Notices waiting behind the one shown; older ones beyond this are dropped (a flood of warnings is not news). */
const MAX_WAITING = 4;

/** The clock notices time themselves by (src/lib/clock.ts). */
export type NoticeClock = Pick<Clock, 'now' | 'setTimeout'>;

export interface PostOptions {
  /** A part of guard failed or cannot record: kept for the exit message too. */
  fault?: boolean;
  /** For a fault, the longer text printed after the program ended (paths …); default: the notice. */
  detail?: string;
}

interface Entry { text: string; left: number }

export class Notices implements Disposable {
  private readonly changed = new Emitter<void>();
  /** Shown first, waiting after. */
  private stack: Entry[] = [];
  private shownSince = 0;
  private timer: Disposable | null = null;
  private readonly faultTexts: string[] = [];
  private disposed = false;

  constructor(private readonly clock: NoticeClock) {}

  /** Shows `text` now, for NOTICE_MS; whatever it interrupts continues afterwards. */
  post(text: string, opts: PostOptions = {}): void {
    if (typeof text !== 'string' || text.trim() === '') throw new TypeError(`Notices.post: text must be a non-empty string, got ${JSON.stringify(text)}`);
    const detail = opts.detail ?? text;
    if (opts.fault && !this.faultTexts.includes(detail)) this.faultTexts.push(detail);
    if (this.disposed) return;
    if (this.stack.some((e) => e.text === text)) return;
    this.pauseShown();
    this.stack.unshift({ text, left: NOTICE_MS });
    this.stack.length = Math.min(this.stack.length, MAX_WAITING + 1);
    this.showTop();
  }

  /** The notice to draw now, if any. */
  current(): string | undefined { return this.stack[0]?.text; }

  /** Fires when current() changed. */
  onChange(fn: () => void): Disposable { return this.changed.on(fn); }

  /** Every fault posted in this run, once each, oldest first. */
  faults(): readonly string[] { return this.faultTexts; }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = null;
    this.stack = [];
  }

  private pauseShown(): void {
    const top = this.stack[0];
    if (!top) return;
    this.timer?.dispose();
    this.timer = null;
    top.left = Math.max(0, top.left - (this.clock.now() - this.shownSince));
  }

  private showTop(): void {
    const top = this.stack[0];
    if (top) {
      this.shownSince = this.clock.now();
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.stack.shift();
        this.showTop();
      }, top.left);
    }
    this.changed.fire();
  }
}
