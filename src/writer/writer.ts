// The writer stage: the only thing that writes to the program's pty. Three callers: the input
// router (origin 'user': keystrokes, pastes, mouse and focus reports), the screen model (origin
// 'reply': answers to the program's terminal queries) and guard itself (origin 'guard': e.g. the
// checkpoint injector typing a prompt). Every write of the user's goes through the one scanner of
// their keys (src/input/unsent.ts, handed in as a KeyScanner), so guard knows whether something
// may be unsent in the program's prompt box and never types over a half-written prompt.
import { Emitter, type Disposable } from '../lib/disposables.js';
import { backgroundClock, type Clock } from '../lib/clock.js';
import type { KeyBoxView, KeyScanner, ScanResult } from './key-box.js';

/**
 * The longest guard holds the user's keys back while it types a prompt in two writes (text, then
 * its Enter: AgentCommands.submitDelayMs, 300 ms for Gemini CLI). Past this the keys flow again
 * whatever guard is doing: a slow or failed Enter never keeps the user's typing from the program.
 * Twice Gemini's delay, plus room for a busy machine.
 */
export const MAX_USER_HOLD_MS = 1_000;

export type WriteOrigin = 'user' | 'guard' | 'reply';

export interface PtySink { write(data: string | Buffer): void }

/** One write of the user's, with what the scanner read in it. */
export interface UserWrite extends ScanResult { data: string }

export class PtyWriter {
  private readonly userInput = new Emitter<UserWrite>();
  private closed = false;
  /** The user's writes held back while guard types a two-part prompt (holdUserInput), in order. */
  private held: string[] | null = null;

  /** `now` orders the user's Esc presses (two quick ones open a view in Claude). */
  constructor(
    private readonly sink: PtySink, private readonly scanner: KeyScanner, private readonly now: () => number = Date.now,
    private readonly clock: Pick<Clock, 'setTimeout'> = backgroundClock,
  ) {}

  write(data: string, origin: WriteOrigin): void {
    if (this.closed || data.length === 0) return;
    if (origin === 'user' && this.held !== null) { this.held.push(data); return; }
    // A prompt guard typed and sent with Enter leaves the box empty (it only types into an empty one).
    if (origin === 'guard' && /[\r\n]$/.test(data)) this.scanner.guardSent();
    try {
      this.sink.write(data);
    } catch {
      this.closed = true; // the pty is gone; the exit handler takes it from here
      return;
    }
    // The keys are scanned once they are on their way: the program reads and echoes them while
    // guard scans (nothing else runs in between, so no reader of the scanner sees the difference).
    if (origin === 'user') this.userInput.fire({ data, ...this.scanner.feed(data, this.now()) });
  }

  /**
   * Holds the user's writes back (queued, none lost) until the returned Disposable is disposed or
   * MAX_USER_HOLD_MS passed, then writes them in order. For guard's prompt typed in two writes: a
   * key pressed between the text and its Enter would otherwise be sent inside guard's prompt.
   */
  holdUserInput(): Disposable {
    if (this.held !== null) return { dispose: () => undefined }; // already held: the first hold releases
    this.held = [];
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      cap.dispose();
      const queued = this.held ?? [];
      this.held = null;
      for (const data of queued) this.write(data, 'user');
    };
    const cap = this.clock.setTimeout(release, MAX_USER_HOLD_MS);
    return { dispose: release };
  }

  /** Conservative: true when the user's keys may have left something unsent or a view open. */
  hasUnsentInput(): boolean { return this.scanner.mayHaveUnsent(); }

  /** The prompt box as the user's keys left it. */
  keyBox(): KeyBoxView {
    return { box: this.scanner.state, modal: this.scanner.modal, mayHaveUnsent: this.scanner.mayHaveUnsent() };
  }

  /** The screen showed the prompt box empty once the keys were quiet: an unsure box is empty again. */
  screenShowsEmpty(): void { this.scanner.screenShowsEmpty(); }

  /** Fires after each write of the user's own bytes (keys, pastes, mouse and focus reports). */
  onUserInput(fn: (w: UserWrite) => void): Disposable { return this.userInput.on(fn); }

  /** After the program exits: later writes are dropped. */
  close(): void { this.closed = true; }
}
