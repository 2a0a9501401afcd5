// The only thing that writes to the program's pty. Three callers: the input router (origin
// 'user': keystrokes, pastes, mouse and focus reports), the screen model (origin 'reply':
// answers to the program's terminal queries) and guard itself (origin 'guard': e.g. the
// checkpoint injector typing a prompt). It follows the user's bytes to know whether they have
// typed something not yet sent with Enter, so guard never types over a half-written prompt.
import { Emitter, type Disposable } from './disposables.js';

export type WriteOrigin = 'user' | 'guard' | 'reply';

export interface PtySink { write(data: string | Buffer): void }

const ESC = 0x1b;
const PASTE_END = '\x1b[201~';
const PASTE_START_PARAMS = '200~';
/** An X10 mouse report is CSI M followed by three raw bytes (button, column, row). */
const X10_PAYLOAD_BYTES = 3;

type ScanState =
  | { k: 'normal' }
  | { k: 'esc' }
  | { k: 'csi'; params: string }
  | { k: 'ss3' }
  | { k: 'string'; sawEsc: boolean }
  | { k: 'skip'; n: number }
  | { k: 'paste'; tail: string };

/**
 * Follows what the user typed since the last Enter. A count of typed characters, less
 * backspaces; Enter, Ctrl-C and Ctrl-U empty it. Escape sequences (mouse and focus reports,
 * left/right arrows) are not typing; a bracketed paste is typing, and Enter inside a paste does
 * not send. Up and Down may have recalled an earlier prompt into the box: guard cannot see the
 * box, so until Enter, Ctrl-C or Ctrl-U it takes that as something unsent.
 */
export class InputTracker {
  private state: ScanState = { k: 'normal' };
  private pending = 0;
  private recalled = false;

  hasUnsent(): boolean { return this.pending > 0 || this.recalled || this.state.k === 'paste'; }

  reset(): void { this.pending = 0; this.recalled = false; }

  feed(data: string): void {
    for (let i = 0; i < data.length; i++) {
      const ch = data[i] as string;
      const c = data.charCodeAt(i);
      const s = this.state;
      switch (s.k) {
        case 'normal':
          if (c === ESC) this.state = { k: 'esc' };
          else if (c === 0x0d || c === 0x0a || c === 0x03 || c === 0x15) this.reset();
          else if (c === 0x7f || c === 0x08) this.pending = Math.max(0, this.pending - 1);
          else if (c >= 0x20) this.pending++;
          break;
        case 'esc':
          if (ch === '[') this.state = { k: 'csi', params: '' };
          else if (ch === 'O') this.state = { k: 'ss3' };
          else if (ch === ']' || ch === 'P' || ch === '_' || ch === '^' || ch === 'X') this.state = { k: 'string', sawEsc: false };
          else if (c === ESC) this.state = { k: 'esc' };
          else this.state = { k: 'normal' }; // Alt+key: a shortcut, not text
          break;
        case 'csi':
          if (c >= 0x40 && c <= 0x7e) {
            const full = s.params + ch;
            if (full === PASTE_START_PARAMS) this.state = { k: 'paste', tail: '' };
            else if (full === 'M') this.state = { k: 'skip', n: X10_PAYLOAD_BYTES };
            else {
              if (full === 'A' || full === 'B') this.recalled = true;
              this.state = { k: 'normal' };
            }
          } else s.params += ch;
          break;
        case 'ss3':
          if (ch === 'A' || ch === 'B') this.recalled = true; // application cursor keys
          this.state = { k: 'normal' };
          break;
        case 'string':
          if (c === 0x07 || (s.sawEsc && ch === '\\')) this.state = { k: 'normal' };
          else s.sawEsc = c === ESC;
          break;
        case 'skip':
          if (--s.n <= 0) this.state = { k: 'normal' };
          break;
        case 'paste': {
          s.tail = (s.tail + ch).slice(-PASTE_END.length);
          if (s.tail === PASTE_END) this.state = { k: 'normal' };
          else if (c !== ESC && !PASTE_END.startsWith(s.tail)) this.pending++;
          break;
        }
      }
    }
    // An Esc at the end of a write is the Esc key itself (terminals send Alt+key in one piece):
    // what is typed next is text, not the second half of a sequence.
    if (this.state.k === 'esc') this.state = { k: 'normal' };
  }
}

export class PtyWriter {
  private readonly tracker = new InputTracker();
  private readonly userInput = new Emitter<string>();
  private readonly written = new Emitter<{ data: string; origin: WriteOrigin }>();
  private closed = false;

  constructor(private readonly sink: PtySink) {}

  write(data: string, origin: WriteOrigin): void {
    if (this.closed || data.length === 0) return;
    if (origin === 'user') this.tracker.feed(data);
    // A prompt guard typed and sent with Enter leaves nothing of the user's unsent.
    else if (origin === 'guard' && /[\r\n]$/.test(data) && !this.tracker.hasUnsent()) this.tracker.reset();
    try {
      this.sink.write(data);
    } catch {
      this.closed = true; // the pty is gone; the exit handler takes it from here
      return;
    }
    if (origin === 'user') this.userInput.fire(data);
    this.written.fire({ data, origin });
  }

  /** True when the user has typed something since their last Enter (or Ctrl-C / Ctrl-U). */
  hasUnsentInput(): boolean { return this.tracker.hasUnsent(); }

  /** Fires after each write of the user's own bytes (keys, pastes, mouse and focus reports). */
  onUserInput(fn: (data: string) => void): Disposable { return this.userInput.on(fn); }

  /** Fires after every write, whatever its origin (for session logs and tests). */
  onWrite(fn: (w: { data: string; origin: WriteOrigin }) => void): Disposable { return this.written.on(fn); }

  /** After the program exits: later writes are dropped. */
  close(): void { this.closed = true; }
}
