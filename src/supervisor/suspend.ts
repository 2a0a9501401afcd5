// Ctrl-Z under guard. Claude Code, Gemini CLI and Codex suspend themselves on Ctrl-Z the way a
// shell's job expects: they hand the terminal back (leave raw mode), send SIGTSTP to their own
// process group (`kill(0, SIGTSTP)`), and wait for SIGCONT before they take the terminal again.
// Under guard that group is the session guard's pty made for them, whose leader's parent (guard)
// is outside it: an orphaned process group, for which the kernel drops SIGTSTP. The agent then
// waits for a SIGCONT nobody sends, with its terminal handed back, and the user's keys go nowhere.
// Seen on 2.1.330: "Claude Code is suspended. Run `fg` to bring it back." in guard's pane, Claude
// sleeping (not stopped), and no shell to type `fg` into.
//
// So guard watches for it: after a Ctrl-Z from the user it asks, a few times over the next
// moments, whether the program's terminal is back in cooked mode (./tty-mode.ts); an agent at
// its prompt is always raw, so cooked after Ctrl-Z means the agent suspended itself. guard then
// suspends with it (`suspend`, the supervisor's: the program stopped, the user's terminal put
// back, guard stopped for the shell's `fg`), and on the way back continues the program, whose
// SIGCONT handler takes its terminal again. Input: the user's raw input. Output: one `suspend()`
// call per Ctrl-Z that suspended the program. Pure apart from the injected clock and probe.
import type { Clock } from '../lib/clock.js';
import type { Disposable } from '../lib/disposables.js';
import type { LineMode } from './tty-mode.js';

/**
 * Ctrl-Z as terminals send it: the byte 0x1a (legacy), the kitty keyboard protocol's
 * CSI 122;5u (with an event type :1 when the program asked for key events), and xterm's
 * modifyOtherKeys CSI 27;5;122~. Inside a bracketed paste it is text, but the probe then finds
 * the agent still raw, so nothing happens.
 */
export const SUSPEND_KEY = /\x1a|\x1b\[122;5(?::1)?u|\x1b\[27;5;122~/;

/**
 * When, after a Ctrl-Z, guard asks whether the program handed its terminal back (ms after the
 * key). Claude 2.1.330 does it within a few ms of the key; the later looks cover a loaded
 * machine. Gemini CLI 0.61.0 suspends on the second Ctrl-Z within its warning's time (the first only
 * says "Press Ctrl+Z again to suspend"), and the second key starts its own looks. Four `stty`
 * runs per Ctrl-Z at most, none without one.
 */
export const SUSPEND_PROBES_MS: readonly number[] = [60, 250, 700, 1500];

export interface SuspendWatchDeps {
  clock: Pick<Clock, 'setTimeout'>;
  /** The program's terminal's line mode now (null: unknown, asked again at the next look). */
  lineMode(): Promise<LineMode | null>;
  /** The program suspended itself: suspend guard with it (returns when guard runs again). */
  suspend(): void;
}

export class SuspendWatch implements Disposable {
  private timers: Disposable[] = [];
  /** Counts Ctrl-Z presses: the answers of an older press's looks are dropped. */
  private press = 0;
  private disposed = false;

  constructor(private readonly d: SuspendWatchDeps) {}

  /** The user typed `data` (the program gets it as usual; this only watches). */
  typed(data: string | Buffer): void {
    if (this.disposed) return;
    const text = typeof data === 'string' ? data : data.toString('latin1');
    if (!SUSPEND_KEY.test(text)) return;
    this.cancel();
    const press = ++this.press;
    for (const ms of SUSPEND_PROBES_MS) {
      this.timers.push(this.d.clock.setTimeout(() => { void this.look(press); }, ms));
    }
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  private async look(press: number): Promise<void> {
    const mode = await this.d.lineMode().catch(() => null);
    if (this.disposed || press !== this.press || mode !== 'cooked') return;
    // Once per press: the looks still due, or still asking, would find the terminal cooked while
    // guard is away.
    this.cancel();
    this.press++;
    this.d.suspend();
  }

  private cancel(): void {
    for (const t of this.timers) t.dispose();
    this.timers = [];
  }
}
