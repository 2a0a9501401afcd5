// The writer stage: the only thing that writes to the program's pty. Three callers: the input
// router (origin 'user': keystrokes, pastes, mouse and focus reports), the screen model (origin
// 'reply': answers to the program's terminal queries) and guard itself (origin 'guard': e.g. the
// checkpoint injector typing a prompt). Every write of the user's goes through the one scanner of
// their keys (src/input/unsent.ts, handed in as a KeyScanner), so guard knows whether something
// may be unsent in the program's prompt box and never types over a half-written prompt.
import { Emitter, type Disposable } from '../lib/disposables.js';
import type { KeyBoxView, KeyScanner, ScanResult } from './key-box.js';

export type WriteOrigin = 'user' | 'guard' | 'reply';

export interface PtySink { write(data: string | Buffer): void }

/** One write of the user's, with what the scanner read in it. */
export interface UserWrite extends ScanResult { data: string }

export class PtyWriter {
  private readonly userInput = new Emitter<UserWrite>();
  private closed = false;

  /** `now` orders the user's Esc presses (two quick ones open a view in Claude). */
  constructor(private readonly sink: PtySink, private readonly scanner: KeyScanner, private readonly now: () => number = Date.now) {}

  write(data: string, origin: WriteOrigin): void {
    if (this.closed || data.length === 0) return;
    const scan = origin === 'user' ? this.scanner.feed(data, this.now()) : null;
    // A prompt guard typed and sent with Enter leaves the box empty (it only types into an empty one).
    if (origin === 'guard' && /[\r\n]$/.test(data)) this.scanner.guardSent();
    try {
      this.sink.write(data);
    } catch {
      this.closed = true; // the pty is gone; the exit handler takes it from here
      return;
    }
    if (scan) this.userInput.fire({ data, ...scan });
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
