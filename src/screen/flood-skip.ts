// Flood skipping: when a program floods its pty (a build log, `cat` of a big file), most of what
// it prints scrolls past the pane's history before anyone can see it, yet parsing it is most of
// guard's work (issue 11: xterm parses ~20 MiB/s here, a bare pty carries ~80). This turns a
// batch of queued output into a shorter one that leaves xterm in exactly the same state.
// Input: the batch (raw pty bytes, UTF-8) and how many line feeds must stay (the history, the
// screen twice, a margin: the screen model decides, ./model.ts skipKeepLines). Output: the batch
// itself, or its head replaced by the attributes it leaves set, then its last `keepLines` whole
// lines, with its unfinished last line apart (`rest`, to be parsed after them).
// Called by the pane (src/ui/pane-ui.ts) only when xterm has parsed everything before the batch
// and says its parser is at rest with a full-screen scroll region (ScreenModel.canSkip). Pure,
// but for PlainScan: the pane feeds it what it holds, a pty read at a time, so that the batch is
// known plain or not by its hand-over without a scan then.
//
// Why the result is the same screen. A batch qualifies only when all of it is "plain": printable
// UTF-8 (strictly decoded: no C1 controls, no overlong or broken sequences), CR, LF, TAB, BS, and
// SGR sequences (ESC [ digits ; : m), nothing else. Plain output only writes cells, moves the
// cursor, and sets attributes. Its tail keeps at least `keepLines` line feeds: with the scroll
// region the whole screen, every row that existed before the tail is pushed out of the history
// by them (at most `rows` feeds move the cursor down without scrolling, every other one scrolls a
// row into a history of `scrollback` rows), so the head's text cannot be seen or scrolled back
// to. What the head leaves behind besides its text is its attributes (SGR), kept here: every SGR
// from its last full reset on. The tail starts right after a CR LF, at column 0, and so does the
// replacement (it ends in CR). Anything else in a batch, or fewer lines, and it is left alone:
// an unusual byte costs speed, never the screen. test/unit/screen/flood-skip.test.ts compares
// every cell of the history and screen, cursor and attributes, of xterm fed a batch against
// xterm fed what this returns, over random plain and non-plain streams.

const ESC = 0x1b;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const BS = 0x08;

/** A batch smaller than this is parsed as it is: the scan would cost more than it can save. */
export const MIN_SKIP_BYTES = 256 << 10;
/** The head's SGRs are kept; past this many bytes of them the batch is parsed as it is. */
const MAX_KEPT_SGR_BYTES = 64 << 10;

export interface SkipResult {
  /** What to hand xterm now instead of the batch (the batch itself when nothing could be skipped). */
  data: Buffer;
  /** Bytes of the batch not parsed (0: none). */
  skipped: number;
  /**
   * The batch's last, unfinished line when lines were skipped (it may end inside an escape
   * sequence or a character): it goes first in the next batch, which then starts at rest.
   */
  rest: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Just after the batch's last CR LF (0: none). */
export function lastLineEnd(data: Buffer): number {
  let at = data.length;
  for (;;) {
    const lf = data.lastIndexOf(LF, at - 1);
    if (lf <= 0) return 0;
    if (data[lf - 1] === CR) return lf + 1;
    at = lf;
  }
}

/** Just after the batch's first CR LF (0: none). */
export function firstLineEnd(data: Buffer): number {
  for (let lf = data.indexOf(LF, 1); lf > 0; lf = data.indexOf(LF, lf + 1)) if (data[lf - 1] === CR) return lf + 1;
  return 0;
}

/** The start of the last `keepLines` lines before `end`: just after a CR LF with that many LFs after it; -1 when none. */
function tailStart(data: Buffer, end: number, keepLines: number): number {
  let at = end;
  for (let n = 0; n < keepLines; n++) {
    at = data.lastIndexOf(LF, at - 1);
    if (at <= 0) return -1;
  }
  // Step back to the nearest CR LF before the keepLines-th LF from the end (more lines kept).
  for (;;) {
    const lf = data.lastIndexOf(LF, at - 1);
    if (lf <= 0) return -1;
    if (data[lf - 1] === CR) return lf + 1;
    at = lf;
  }
}

/** Where the SGR sequences of data[from, to), known plain, are: start, end pairs. */
function sgrsIn(data: Buffer, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = data.indexOf(ESC, from); i >= 0 && i < to; i = data.indexOf(ESC, i)) {
    const m = data.indexOf(0x6d, i); // the final m: plain output has SGRs only
    if (m < 0 || m >= to) break;
    out.push(i, m + 1);
    i = m + 1;
  }
  return out;
}

/**
 * PlainScan's fast loops: 1 for a byte that is plain by itself (printable ASCII but the SGR
 * parameters, CR, LF), 2 for an SGR's parameter (digits, `;`, `:`: plain text too).
 */
const SIMPLE = new Uint8Array(256);
for (let b = 0x20; b < 0x7f; b++) SIMPLE[b] = 1;
SIMPLE[CR] = 1;
SIMPLE[LF] = 1;
for (const b of [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b]) SIMPLE[b] = 2;

/** PlainScan's states between two pty reads. */
const GROUND = 0;
const AFTER_ESC = 1;
const IN_CSI = 2;
const IN_UTF8 = 3;

/**
 * What is plain (see the header), read as the bytes come, a pty read at a time: the pane feeds
 * what it holds, so that a held batch is known plain or not by its hand-over; skipScrolledAway
 * feeds a batch it is given whole. The batch is plain exactly when the first byte that is not
 * comes after its last line end, since no escape sequence or character of plain output spans a
 * line end (test/unit/screen/flood-skip.test.ts: fed in random reads or whole, the same result).
 */
export class PlainScan {
  /** Bytes fed since the last reset. */
  length = 0;
  /** Offset of the first byte that is not plain; Infinity while all is. */
  notPlainAt = Infinity;
  /** Offset of the first ESC (Infinity: none), or of the first bytes fed as known plain. */
  firstEscAt = Infinity;
  private state = GROUND;
  /** Inside a UTF-8 character: continuation bytes still to come, the smallest code point its length may encode, the code point so far. */
  private need = 0;
  private min = 0;
  private cp = 0;

  reset(): void {
    this.length = 0;
    this.notPlainAt = Infinity;
    this.firstEscAt = Infinity;
    this.state = GROUND;
  }

  /**
   * Forgets the first `n` bytes, which end with a line end (the first line, gone to xterm on its
   * own). False when they were not plain: then the scan has to start again after them. When they
   * were, the scan was between characters and sequences after them (a line end inside one is
   * not plain), so what it found later stands.
   */
  dropFront(n: number): boolean {
    if (this.notPlainAt < n || n > this.length) return false;
    this.length -= n;
    this.notPlainAt -= n;
    // An escape in the forgotten bytes: where the next one is is not known, so anywhere.
    this.firstEscAt = this.firstEscAt >= n ? this.firstEscAt - n : 0;
    return true;
  }

  /** `n` bytes known plain that end between characters and sequences (a kept batch put back). */
  feedPlain(n: number): void {
    if (this.state !== GROUND) this.notPlainAt = Math.min(this.notPlainAt, this.length);
    this.firstEscAt = Math.min(this.firstEscAt, this.length);
    this.length += n;
  }

  feed(chunk: Uint8Array): void {
    const base = this.length;
    this.length += chunk.length;
    if (this.notPlainAt !== Infinity) return;
    let { state, need, min, cp } = this;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      let b = chunk[i] as number;
      if (state === GROUND) {
        // The common cases whole, without going through the states: a run of ASCII and line
        // ends, an SGR, a three-byte character (CJK and most symbols). ~2x faster here.
        while (SIMPLE[b] !== 0) {
          if (++i === n) break;
          b = chunk[i] as number;
        }
        if (i === n) break;
        if (b === ESC && i + 2 < n && chunk[i + 1] === 0x5b) {
          let j = i + 2;
          let c = chunk[j] as number;
          while (SIMPLE[c] === 2 && j + 1 < n) c = chunk[++j] as number;
          if (c === 0x6d) {
            if (this.firstEscAt === Infinity) this.firstEscAt = base + i;
            i = j;
            continue;
          }
        } else if (b >= 0xe1 && b <= 0xec && i + 2 < n) {
          // E1-EC: every continuation pair makes a code point that is allowed (U+1000-U+CFFF).
          if (((chunk[i + 1] as number) & 0xc0) === 0x80 && ((chunk[i + 2] as number) & 0xc0) === 0x80) { i += 2; continue; }
        }
        if (b === TAB || b === BS) continue;
        if (b === ESC) {
          state = AFTER_ESC;
          if (this.firstEscAt === Infinity) this.firstEscAt = base + i;
          continue;
        }
        // Strict UTF-8: a C1 control (U+0080-U+009F) is a control to xterm; overlong forms could hide one.
        if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0xa0; cp = b & 0x1f; }
        else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; cp = b & 0x0f; }
        else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; cp = b & 0x07; }
        else { this.notPlainAt = base + i; return; }
        state = IN_UTF8;
      } else if (state === IN_UTF8) {
        if ((b & 0xc0) !== 0x80) { this.notPlainAt = base + i; return; }
        cp = (cp << 6) | (b & 0x3f);
        if (--need > 0) continue;
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) { this.notPlainAt = base + i; return; }
        state = GROUND;
      } else if (state === AFTER_ESC) {
        if (b !== 0x5b) { this.notPlainAt = base + i; return; }
        state = IN_CSI;
      } else if ((b >= 0x30 && b <= 0x39) || b === 0x3b || b === 0x3a) continue;
      else if (b === 0x6d) state = GROUND;
      else { this.notPlainAt = base + i; return; }
    }
    this.state = state; this.need = need; this.min = min; this.cp = cp;
  }
}

/** Whether data[from, to), known plain, prints a character (rather than only SGRs and controls). */
function printsIn(data: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = data[i] as number;
    if (b === ESC) {
      i = data.indexOf(0x6d, i); // to the SGR's final m
      if (i < 0 || i >= to) return false;
    } else if (b >= 0x20 && b !== 0x7f) return true; // ASCII or the lead byte of a character
  }
  return false;
}

/** Where `needle` last occurs wholly before `before` (-1: nowhere). */
function lastBefore(data: Buffer, needle: Buffer, before: number): number {
  return before < needle.length ? -1 : data.lastIndexOf(needle, before - needle.length);
}

const RESET = Buffer.from('\x1b[m');
const RESET_0 = Buffer.from('\x1b[0m');

/**
 * The batch, or an equivalent that skips the lines which scroll out of reach (see the header).
 * `keepLines` must cover the history and twice the screen's rows. Batches under `minBytes` stay
 * as they are. `notPlainAt`, when the batch was fed to a PlainScan as it came (from its first
 * byte): where it found the first byte that is not plain, so the batch is not scanned here.
 */
export function skipScrolledAway(data: Buffer, keepLines: number, minBytes = MIN_SKIP_BYTES, notPlainAt?: number): SkipResult {
  if (!Number.isInteger(keepLines) || keepLines < 1) throw new RangeError(`skipScrolledAway: keepLines must be a positive whole number, got ${String(keepLines)}`);
  const none = { data, skipped: 0, rest: EMPTY };
  if (data.length < minBytes) return none;
  // Whole lines only: the batch ends where a pty read ended, often inside a sequence.
  const end = lastLineEnd(data);
  const start = end > 0 ? tailStart(data, end, keepLines) : -1;
  // Worth it whenever there is a head to skip: parsing a byte costs xterm ~40 ns here, scanning
  // it ~5 (and nothing when PlainScan read it as it came). Measured at the end of a flood: the
  // kept lines put back plus 1.1 MB more were parsed whole (~200 ms) under a rule that skipped
  // only batches whose head was most of them.
  if (start < 0) return none;
  if (notPlainAt === undefined) {
    const scan = new PlainScan();
    scan.feed(data.subarray(0, end));
    notPlainAt = scan.notPlainAt;
  }
  // The tail must print something: xterm's REP (CSI b) repeats the last printed character.
  if (notPlainAt < end || !printsIn(data, start, end)) return none;
  // What the head leaves besides its text: its SGRs from its last full reset on (all of them
  // when it has none), found by searching back.
  const reset = Math.max(lastBefore(data, RESET, start), lastBefore(data, RESET_0, start));
  const sgrs = sgrsIn(data, Math.max(reset, 0), start);
  let kept = 0;
  for (let k = 0; k < sgrs.length; k += 2) kept += (sgrs[k + 1] as number) - (sgrs[k] as number);
  if (kept > MAX_KEPT_SGR_BYTES) return none;
  const parts: Buffer[] = [];
  for (let k = 0; k < sgrs.length; k += 2) parts.push(data.subarray(sgrs[k], sgrs[k + 1]));
  parts.push(Buffer.from([CR]), data.subarray(start, end));
  const out = Buffer.concat(parts);
  return { data: out, skipped: end - out.length, rest: data.subarray(end) };
}
