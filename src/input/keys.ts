// Splits the user's terminal input into keys (pure, stateful across chunks): single characters,
// whole escape sequences, bracketed-paste pieces, mouse reports and focus reports. Input: decoded
// stdin text, chunk by chunk; output: tokens for the router (router.ts).

export type InputToken =
  | { kind: 'key'; data: string }
  /** A piece of a bracketed paste; `data` includes the start/end markers when they are in it. */
  | { kind: 'paste'; data: string; start: boolean; end: boolean }
  | { kind: 'mouse'; event: MouseEvent }
  | { kind: 'focus'; focused: boolean }
  /** Answers from the outer terminal that came too late to matter (dropped by the router). */
  | { kind: 'reply'; data: string };

export interface MouseEvent {
  /** Button code as in the SGR encoding: low bits button, 4 shift, 8 meta, 16 ctrl, 32 motion, 64 wheel. */
  button: number;
  /** 1-based column and row on the user's terminal. */
  col: number;
  row: number;
  release: boolean;
}

const ESC = '\x1b';
export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';
const SGR_MOUSE = /^\x1b\[<(\d+);(\d+);(\d+)([Mm])$/;
const X10_OFFSET = 32;
const X10_RELEASE_BUTTON = 3;

type Parsed = { token: InputToken | null; len: number } | 'incomplete';

export class KeyTokenizer {
  private pending = '';
  private inPaste = false;

  /** Tokens for this chunk; an incomplete escape sequence at its end waits for the next chunk. */
  feed(chunk: string): InputToken[] {
    // One key as typed, the common case: the same token the scan below would make, without it.
    if (chunk.length === 1 && chunk !== ESC && this.pending === '' && !this.inPaste) return [{ kind: 'key', data: chunk }];
    const s = this.pending + chunk;
    this.pending = '';
    const out: InputToken[] = [];
    let i = 0;
    let textStart = -1;
    const flushText = (end: number): void => {
      if (textStart >= 0 && end > textStart) for (const ch of s.slice(textStart, end)) out.push({ kind: 'key', data: ch });
      textStart = -1;
    };
    while (i < s.length) {
      if (this.inPaste) {
        const endAt = s.indexOf(PASTE_END, i);
        if (endAt >= 0) {
          out.push({ kind: 'paste', data: s.slice(i, endAt + PASTE_END.length), start: false, end: true });
          this.inPaste = false;
          i = endAt + PASTE_END.length;
          continue;
        }
        // Keep back a tail that could be the start of the end marker.
        let keep = 0;
        for (let k = Math.min(PASTE_END.length - 1, s.length - i); k > 0; k--) if (PASTE_END.startsWith(s.slice(s.length - k))) { keep = k; break; }
        if (s.length - keep > i) out.push({ kind: 'paste', data: s.slice(i, s.length - keep), start: false, end: false });
        this.pending = s.slice(s.length - keep);
        return out;
      }
      if (s[i] !== ESC) {
        if (textStart < 0) textStart = i;
        i++;
        continue;
      }
      flushText(i);
      const p = parseEscape(s, i);
      if (p === 'incomplete') { this.pending = s.slice(i); return out; }
      if (p.token?.kind === 'paste') this.inPaste = true;
      if (p.token) out.push(p.token);
      i += p.len;
    }
    flushText(i);
    return out;
  }

  /** After a pause with an incomplete sequence pending: hand it over as typed. */
  flush(): InputToken[] {
    const s = this.pending;
    this.pending = '';
    if (!s) return [];
    if (this.inPaste) return [{ kind: 'paste', data: s, start: false, end: false }];
    return [{ kind: 'key', data: s }];
  }

  get hasPending(): boolean { return this.pending.length > 0; }
}

function parseEscape(s: string, i: number): Parsed {
  if (i + 1 >= s.length) return { token: { kind: 'key', data: ESC }, len: 1 }; // the Esc key itself
  const c1 = s[i + 1] as string;
  if (c1 === '[') return parseCsi(s, i);
  if (c1 === 'O') {
    if (i + 2 >= s.length) return 'incomplete';
    return { token: { kind: 'key', data: s.slice(i, i + 3) }, len: 3 };
  }
  if (c1 === ']' || c1 === 'P' || c1 === '_' || c1 === '^') {
    for (let j = i + 2; j < s.length; j++) {
      if (s[j] === '\x07') return { token: { kind: 'reply', data: s.slice(i, j + 1) }, len: j + 1 - i };
      if (s[j] === ESC && s[j + 1] === '\\') return { token: { kind: 'reply', data: s.slice(i, j + 2) }, len: j + 2 - i };
    }
    return 'incomplete';
  }
  // Alt + a key: ESC and one character (a whole code point).
  const cp = s.codePointAt(i + 1) ?? 0;
  const n = cp > 0xffff ? 2 : 1;
  return { token: { kind: 'key', data: s.slice(i, i + 1 + n) }, len: 1 + n };
}

function parseCsi(s: string, i: number): Parsed {
  let j = i + 2;
  if (s[j] === 'M' && j === i + 2) {
    // X10 mouse: CSI M and three bytes, each offset by 32.
    if (j + 3 >= s.length) return 'incomplete';
    const b = s.charCodeAt(j + 1) - X10_OFFSET;
    const col = s.charCodeAt(j + 2) - X10_OFFSET;
    const row = s.charCodeAt(j + 3) - X10_OFFSET;
    const release = (b & 3) === X10_RELEASE_BUTTON && (b & 64) === 0;
    return { token: { kind: 'mouse', event: { button: release ? b & ~3 : b, col, row, release } }, len: 6 };
  }
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c >= 0x40 && c <= 0x7e) break;
    if (c < 0x20 || c > 0x3f) return { token: { kind: 'key', data: s.slice(i, j) }, len: j - i }; // malformed
    j++;
  }
  if (j >= s.length) return 'incomplete';
  const seq = s.slice(i, j + 1);
  const len = j + 1 - i;
  if (seq === PASTE_START) return { token: { kind: 'paste', data: seq, start: true, end: false }, len };
  if (seq === '\x1b[I' || seq === '\x1b[O') return { token: { kind: 'focus', focused: seq === '\x1b[I' }, len };
  const m = SGR_MOUSE.exec(seq);
  if (m) {
    return { token: { kind: 'mouse', event: { button: Number(m[1]), col: Number(m[2]), row: Number(m[3]), release: m[4] === 'm' } }, len };
  }
  // Device-attributes answers arriving late from the outer terminal.
  if (/^\x1b\[\?[\d;]*c$/.test(seq)) return { token: { kind: 'reply', data: seq }, len };
  return { token: { kind: 'key', data: seq }, len };
}

/** A mouse event encoded for the program: SGR (1006) or the classic X10 bytes (null if it cannot be encoded). */
export function encodeMouse(e: MouseEvent, sgr: boolean): string | null {
  if (sgr) return `\x1b[<${e.button};${e.col};${e.row}${e.release ? 'm' : 'M'}`;
  const b = e.release ? (e.button & ~3) | X10_RELEASE_BUTTON : e.button;
  // Bytes above 127 would be re-encoded as UTF-8 on their way into the pty.
  if (b + X10_OFFSET > 127 || e.col + X10_OFFSET > 127 || e.row + X10_OFFSET > 127) return null;
  return '\x1b[M' + String.fromCharCode(b + X10_OFFSET, e.col + X10_OFFSET, e.row + X10_OFFSET);
}

/**
 * A key as the kitty keyboard protocol reports it (`CSI code[:alternates] ; modifiers[:event] u`),
 * sent once a program pushed its flags (Claude Code 2.1.330 pushes 5: disambiguate + alternate
 * keys, after the terminal answered its `CSI ?u`). `mods` is the protocol's bit set less one
 * (1 shift, 2 alt, 4 ctrl, 8 super …); `release` for key-release events (flag 2).
 */
export interface KittyKey { code: number; mods: number; release: boolean }

const KITTY_KEY = /^\x1b\[(\d+)(?::[\d:]*)?(?:;(\d+)(?::(\d+))?)?(?:;[\d:]*)?u$/;
export const KITTY_MOD_SHIFT = 1;
export const KITTY_MOD_ALT = 2;
export const KITTY_MOD_CTRL = 4;
/** Modifier bits the protocol reports that do not change a key's meaning: Caps Lock, Num Lock. */
const KITTY_LOCK_BITS = 64 | 128;
const KITTY_EVENT_RELEASE = 3;

/** The kitty-protocol key in `seq`, or null when it is not one. */
export function kittyKey(seq: string): KittyKey | null {
  const m = KITTY_KEY.exec(seq);
  if (!m) return null;
  const mods = Math.max(0, Number(m[2] ?? 1) - 1) & ~KITTY_LOCK_BITS;
  return { code: Number(m[1]), mods, release: Number(m[3] ?? 1) === KITTY_EVENT_RELEASE };
}

/**
 * The legacy bytes for a kitty-protocol key, where the key has them: Ctrl+letter → its control
 * character, Esc, Enter, Tab and Backspace unmodified → ESC, CR, HT, DEL, plain or shifted text →
 * the character. Null for anything else (Shift-Enter, Alt+key, function keys, releases), which
 * has no legacy form that means the same.
 */
export function kittyToLegacy(k: KittyKey): string | null {
  if (k.release) return null;
  if (k.mods === KITTY_MOD_CTRL) {
    if (k.code >= 0x61 && k.code <= 0x7a) return String.fromCharCode(k.code & 0x1f);
    return null;
  }
  if (k.mods === 0) {
    if (k.code === 27) return '\x1b';
    if (k.code === 13) return '\r';
    if (k.code === 9) return '\t';
    if (k.code === 127) return '\x7f';
  }
  if ((k.mods === 0 || k.mods === KITTY_MOD_SHIFT) && k.code >= 0x20 && k.code !== 0x7f && k.code < 0xe000) {
    return String.fromCodePoint(k.code);
  }
  return null;
}

/** The key's legacy meaning: `seq` itself, or the legacy form of a kitty-protocol report of it. */
export function legacyKey(seq: string): string {
  const k = seq.endsWith('u') ? kittyKey(seq) : null;
  return (k && kittyToLegacy(k)) ?? seq;
}
