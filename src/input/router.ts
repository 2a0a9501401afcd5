// Routes the user's input: everything goes to the program through the writer (origin 'user'),
// unchanged, except guard's prefix key and its command, Shift-PgUp and the keys of scroll-back
// mode, and mouse events that are guard's (outside the program's pane, or when the program did
// not ask for the mouse). Mouse events for the program are re-encoded the way it asked (SGR or
// X10); focus reports reach it only if it asked for them.
import { StringDecoder } from 'node:string_decoder';
import { KeyTokenizer, encodeMouse, legacyKey, PASTE_START, PASTE_END, type InputToken, type MouseEvent } from './keys.js';
import { PREFIX_KEY, type PrefixCommands } from './commands.js';
import type { PtyWriter } from '../writer/writer.js';
import type { ProgramModes } from '../screen/modes.js';
import type { Disposable } from '../lib/disposables.js';
import type { Clock } from '../lib/clock.js';

/** How long an incomplete escape sequence waits for the rest before it is taken as typed. */
export const ESCAPE_WAIT_MS = 30;
/** Lines per wheel notch, as most terminals scroll. */
export const WHEEL_LINES = 3;

const KEY_PGUP = '\x1b[5~';
const KEY_PGDN = '\x1b[6~';
const KEY_SHIFT_PGUP = '\x1b[5;2~';
const KEY_SHIFT_PGDN = '\x1b[6;2~';
const KEYS_UP = new Set(['\x1b[A', '\x1bOA', '\x1b[1;2A']);
const KEYS_DOWN = new Set(['\x1b[B', '\x1bOB', '\x1b[1;2B']);
const KEYS_LEAVE_SCROLL = new Set(['q', '\x1b']);
const WHEEL_BIT = 64;
const MOTION_BIT = 32;

export interface ScrollControl {
  /** The pane shows history rather than the live screen. */
  scrolled(): boolean;
  /** The program is on the main screen and there is history to show. */
  canScroll(): boolean;
  /** Positive: further back in history. */
  scrollBy(lines: number): void;
  page(direction: 1 | -1): void;
  live(): void;
}

export interface RouterDeps {
  writer: PtyWriter;
  modes(): ProgramModes;
  paneRows(): number;
  commands: PrefixCommands;
  scroll: ScrollControl;
  /** A short message for the user (shown in the footer). */
  notice(text: string): void;
  onFooterMouse?(e: MouseEvent): void;
  /** Times the wait for the rest of an incomplete escape sequence. */
  clock: Pick<Clock, 'setTimeout'>;
}

export class InputRouter implements Disposable {
  private readonly tokenizer = new KeyTokenizer();
  private readonly decoder = new StringDecoder('utf8');
  private prefixPending = false;
  private dragInPane = false;
  private out = '';
  private escTimer: Disposable | null = null;

  constructor(private readonly d: RouterDeps) {}

  feed(data: Buffer | string): void {
    const text = typeof data === 'string' ? data : this.decoder.write(data);
    this.escTimer?.dispose();
    this.escTimer = null;
    this.handle(this.tokenizer.feed(text));
    if (this.tokenizer.hasPending) {
      this.escTimer = this.d.clock.setTimeout(() => { this.escTimer = null; this.handle(this.tokenizer.flush()); }, ESCAPE_WAIT_MS);
    }
  }

  dispose(): void { this.escTimer?.dispose(); this.escTimer = null; }

  private handle(tokens: InputToken[]): void {
    // Indexed (as in ./unsent.ts): per keystroke, in V8's baseline tier, for-of makes garbage.
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as InputToken;
      switch (t.kind) {
        case 'key': this.key(t.data); break;
        case 'paste': this.paste(t.data, t.start, t.end); break;
        case 'mouse': this.mouse(t.event); break;
        case 'focus': if (this.d.modes().focusReports) this.out += t.focused ? '\x1b[I' : '\x1b[O'; break;
        case 'reply': break;
      }
    }
    if (this.out) {
      const s = this.out;
      this.out = '';
      this.d.writer.write(s, 'user');
    }
  }

  private key(raw: string): void {
    const { scroll } = this.d;
    // guard's own keys mean the same under the kitty keyboard protocol (Ctrl-G arrives as
    // CSI 103;5u once Claude pushed its flags); the program gets the bytes as they came.
    const k = legacyKey(raw);
    if (this.prefixPending) {
      this.prefixPending = false;
      if (k === PREFIX_KEY) { this.out += raw; return; }
      const cmd = this.d.commands.get(k);
      if (cmd) { this.flushOut(); cmd.run(); }
      else this.d.notice(`guard: no command on Ctrl-G ${printable(k)}`);
      return;
    }
    if (k === PREFIX_KEY) { this.prefixPending = true; return; }
    if (scroll.scrolled()) {
      if (k === KEY_PGUP || k === KEY_SHIFT_PGUP) { scroll.page(1); return; }
      if (k === KEY_PGDN || k === KEY_SHIFT_PGDN) { scroll.page(-1); return; }
      if (KEYS_UP.has(k)) { scroll.scrollBy(1); return; }
      if (KEYS_DOWN.has(k)) { scroll.scrollBy(-1); return; }
      scroll.live();
      if (KEYS_LEAVE_SCROLL.has(k)) return;
    } else if (k === KEY_SHIFT_PGUP && scroll.canScroll()) {
      scroll.page(1);
      return;
    }
    this.out += raw;
  }

  private paste(data: string, start: boolean, end: boolean): void {
    if (this.d.scroll.scrolled()) this.d.scroll.live();
    if (this.d.modes().bracketedPaste) { this.out += data; return; }
    // The program turned bracketed paste off while the outer terminal still wrapped this one.
    let s = data;
    if (start && s.startsWith(PASTE_START)) s = s.slice(PASTE_START.length);
    if (end && s.endsWith(PASTE_END)) s = s.slice(0, -PASTE_END.length);
    this.out += s;
  }

  private mouse(e: MouseEvent): void {
    const m = this.d.modes();
    const paneRows = this.d.paneRows();
    const wheel = (e.button & WHEEL_BIT) !== 0;
    const inPane = e.row >= 1 && e.row <= paneRows;
    const scrolled = this.d.scroll.scrolled();
    if (m.mouseTracking !== 'none' && !scrolled && (inPane || this.dragInPane)) {
      if (!wheel && (e.button & MOTION_BIT) === 0) this.dragInPane = !e.release && inPane;
      const encoded = encodeMouse({ ...e, row: Math.min(e.row, paneRows) }, m.sgrMouse);
      if (encoded) this.out += encoded;
      return;
    }
    if (wheel) {
      const up = (e.button & 3) === 0;
      if (this.d.scroll.canScroll() || scrolled) { this.d.scroll.scrollBy(up ? WHEEL_LINES : -WHEEL_LINES); return; }
      // Alternate screen without mouse tracking: the wheel becomes arrow keys, as terminals do.
      if (m.altScreen && inPane && !e.release) {
        const arrow = m.appCursorKeys ? (up ? '\x1bOA' : '\x1bOB') : (up ? '\x1b[A' : '\x1b[B');
        this.out += arrow.repeat(WHEEL_LINES);
      }
      return;
    }
    if (!inPane) this.d.onFooterMouse?.(e);
  }

  private flushOut(): void {
    if (!this.out) return;
    const s = this.out;
    this.out = '';
    this.d.writer.write(s, 'user');
  }
}

function printable(k: string): string {
  return k.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\x1b' ? 'ESC' : `^${String.fromCharCode(c.charCodeAt(0) ^ 0x40)}`));
}
