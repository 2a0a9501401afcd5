// The one reading of the user's keys for "is anything unsent in Claude's prompt box?" (pure,
// stateful across writes). Input: every write of the user's bytes on its way to the pty (the
// writer feeds it; keys.ts splits them into keys, legacy or kitty-protocol). Output: the box as
// the keys leave it (`empty`, `typed` with what is known of the text, or `unsure`), whether a view
// over the prompt may be open, and per write whether an Enter sent a prompt and whether there
// were keys at all (mouse and focus reports are the terminal's, not the user typing). Its types
// live with the writer (src/writer/key-box.ts), which drives it.
//
// It follows the text only while it can: typed characters, Backspace, Enter, Ctrl-J, Shift-Enter,
// Ctrl-C and Ctrl-U at the end of the text. Anything that edits where it cannot see (cursor keys,
// history recall, Tab completion, the external editor, an unknown key) makes the box `unsure`;
// the screen check (src/claude/prompt-box.ts) is what can then tell the box is empty again.
// Claude Code 2.1.330, seen: `\` then Enter inserts a newline; Ctrl-J and Shift-Enter (kitty
// `CSI 13;2u`) insert a newline; Ctrl-C empties a non-empty box; Ctrl-R opens history search and
// Ctrl-O the transcript, both over the prompt; Esc closes them. An Enter after `/word` or `@word`
// may pick a suggestion instead of sending.

import { KeyTokenizer, KITTY_MOD_ALT, KITTY_MOD_SHIFT, PASTE_END, PASTE_START, kittyKey, kittyToLegacy } from './keys.js';
import type { BoxState, KeyScanner, ModalView, ScanResult } from '../writer/key-box.js';

const ENTER = '\r';
const CTRL_C = '\x03';
const CTRL_J = '\n';
const CTRL_O = '\x0f';
const CTRL_R = '\x12';
const CTRL_U = '\x15';
const CTRL_G = '\x07';
const ESC = '\x1b';
const BACKSPACE = new Set(['\x7f', '\x08']);
/** Keys that change nothing in the box: Shift-Tab (Claude's mode cycle), Ctrl-L (redraw). */
const HARMLESS = new Set(['\x1b[Z', '\x0c']);
/** A second Esc within this long of the first opens Claude's rewind picker (documented "Esc Esc"). */
export const DOUBLE_ESC_MS = 800;
/** An Enter after these may pick a completion rather than send (slash commands, @-mentions). */
const COMPLETING = /(?:^\/\S*|(?:^|\s)@\S*)$/;

export class UnsentScanner implements KeyScanner {
  private readonly tokens = new KeyTokenizer();
  private box: BoxState = { kind: 'empty' };
  private view: ModalView | null = null;
  private lastEscAt = -Infinity;
  /** Inside a bracketed paste (its end not seen yet). */
  private pasting = false;

  get state(): BoxState { return this.box; }
  get modal(): ModalView | null { return this.view; }

  /** Conservative: true unless the keys left the box empty with no view over it. */
  mayHaveUnsent(): boolean { return this.box.kind !== 'empty' || this.view !== null || this.pasting || this.tokens.hasPending; }

  /**
   * The screen showed Claude's prompt box empty, with no view over it, after the keys had gone
   * quiet: an unsure box is empty again (guard follows the text from here). Never overrides
   * text the keys know was typed, nor an open view.
   */
  screenShowsEmpty(): void { if (this.box.kind === 'unsure' && this.view === null && !this.pasting && !this.tokens.hasPending) this.box = { kind: 'empty' }; }

  /** guard itself typed a prompt and sent it (the injector writes only into an empty box). */
  guardSent(): void { if (this.view === null && this.box.kind !== 'typed') this.box = { kind: 'empty' }; }

  /** Takes one write of the user's bytes; `now` orders Esc presses (ms). */
  feed(data: string, now: number): ScanResult {
    const res: ScanResult = { keys: false, submitted: false };
    const tokens = this.tokens.feed(data);
    // Indexed: per keystroke, in V8's baseline tier (src/supervisor/v8-flags.ts), for-of makes garbage.
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as (typeof tokens)[number];
      switch (t.kind) {
        case 'mouse':
        case 'focus':
        case 'reply':
          break;
        case 'paste':
          res.keys = true;
          this.paste(t.data, t.start, t.end);
          break;
        case 'key':
          res.keys = true;
          if (this.key(t.data, now)) res.submitted = true;
          break;
      }
    }
    // An Esc at the end of a write is the Esc key (a terminal sends Alt+key in one piece); the
    // tokenizer already reads it so. A partial sequence waits for its end (mayHaveUnsent meanwhile).
    return res;
  }

  private paste(data: string, start: boolean, end: boolean): void {
    if (start) this.pasting = true;
    if (end) this.pasting = false;
    if (this.view !== null) return;
    let s = data;
    if (start && s.startsWith(PASTE_START)) s = s.slice(PASTE_START.length);
    if (end && s.endsWith(PASTE_END)) s = s.slice(0, -PASTE_END.length);
    // An Enter inside a paste is a new line in the box, not a send.
    if (s !== '') this.append(s.replace(/\r\n?/g, '\n'));
  }

  /** One key; true when it sent a prompt. */
  private key(raw: string, now: number): boolean {
    const kitty = raw.endsWith('u') ? kittyKey(raw) : null;
    if (kitty?.release) return false;
    const k = kitty ? kittyToLegacy(kitty) ?? raw : raw;
    const wasEsc = k === ESC;
    const escPair = wasEsc && now - this.lastEscAt <= DOUBLE_ESC_MS;
    this.lastEscAt = wasEsc && !escPair ? now : -Infinity;

    if (this.view !== null) return this.inView(k);
    if (kitty && kitty.code === 13 && (kitty.mods & ~(KITTY_MOD_SHIFT | KITTY_MOD_ALT)) === 0 && kitty.mods !== 0) {
      this.append('\n'); // Shift-Enter, Alt-Enter: a new line in the box
      return false;
    }
    if (k === ENTER) return this.enter();
    if (k === CTRL_J || k === '\x1b\r') { this.append('\n'); return false; } // Ctrl-J, Alt-Enter (legacy)
    if (k === CTRL_C) { this.box = { kind: 'empty' }; return false; }
    if (k === CTRL_U) { this.killLine(); return false; }
    if (BACKSPACE.has(k)) { this.backspace(); return false; }
    if (k === CTRL_R) { this.open('history-search'); return false; }
    if (k === CTRL_O) { this.open('transcript'); return false; }
    if (k === CTRL_G) { this.open('editor'); return false; } // Ctrl-G reaches Claude only as "Ctrl-G twice": its external editor
    if (wasEsc) {
      // One Esc interrupts a turn and leaves the box alone; two open the rewind picker (empty box)
      // or clear the box: either way guard can no longer tell what is in it.
      if (escPair) this.open('rewind');
      return false;
    }
    if (HARMLESS.has(k)) return false;
    if (isText(k)) { this.append(k); return false; }
    this.unsure(`key ${describe(raw)}`);
    return false;
  }

  private inView(k: string): boolean {
    const view = this.view;
    if (k === ESC || k === CTRL_C || (view === 'transcript' && k === CTRL_O)) {
      this.view = null;
      // Claude puts back the box it had, as far as guard knows; a closed search may have left its match.
      if (view !== 'transcript') this.unsure(`the ${view} view was open`);
    } else if (k === ENTER) {
      this.view = null;
      this.unsure(`Enter in the ${view} view`);
    }
    return false;
  }

  private enter(): boolean {
    const b = this.box;
    if (b.kind === 'empty') return false;
    if (b.kind === 'typed') {
      if (b.text.endsWith('\\')) { this.box = { kind: 'typed', text: `${b.text.slice(0, -1)}\n` }; return false; }
      if (COMPLETING.test(b.text)) { this.unsure('an Enter may have picked a suggestion'); return true; }
      this.box = { kind: 'empty' };
      return true;
    }
    // Unsure: the Enter most likely sent whatever was there, but the box stays unsure (a recalled
    // prompt ending in `\`, a suggestion list) until the screen shows it empty.
    return true;
  }

  private append(s: string): void {
    if (this.box.kind === 'unsure') return;
    this.box = { kind: 'typed', text: (this.box.kind === 'typed' ? this.box.text : '') + s };
  }

  private backspace(): void {
    if (this.box.kind !== 'typed') return;
    const chars = [...this.box.text];
    chars.pop();
    this.box = chars.length === 0 ? { kind: 'empty' } : { kind: 'typed', text: chars.join('') };
  }

  private killLine(): void {
    if (this.box.kind !== 'typed') return;
    const nl = this.box.text.lastIndexOf('\n');
    // Claude's Ctrl-U kills back to the start of the line; on an empty line, the newline before it.
    const text = nl < 0 ? '' : nl === this.box.text.length - 1 ? this.box.text.slice(0, nl) : this.box.text.slice(0, nl + 1);
    if (nl >= 0) this.unsure('Ctrl-U in a box of several lines');
    else this.box = text === '' ? { kind: 'empty' } : { kind: 'typed', text };
  }

  private open(view: ModalView): void {
    this.view = view;
  }

  private unsure(why: string): void {
    this.box = { kind: 'unsure', why };
  }
}

function isText(k: string): boolean {
  // Printable characters only (a whole code point or a run of them from one write). By UTF-16
  // unit, not code point: every control character is one unit below 0xa0, and a surrogate is
  // never one; no iterator per key.
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) return false;
  }
  return k.length > 0;
}

function describe(k: string): string {
  return JSON.stringify(k).slice(1, -1).replace(/\\u001b/g, 'ESC');
}
