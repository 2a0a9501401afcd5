// Draws guard's screen on the user's terminal: the program pane (from the screen model's
// buffer, cell by cell: characters, wide characters, colours, attributes, cursor) on top and
// the footer lines below. Input: the model buffer and the footer's ANSI lines; output: one
// string of escape sequences per frame, containing only the rows that changed since the last
// frame. Rows the model says did not change (`dirtyRows`) are not even looked at. Our own SGR output rather than blessed: blessed reduces colours to 256 and keeps its
// own screen copy, which would make every frame cost a second diff and lose 24-bit colours.
import { sgrFor, COLOR_VALUE_MASK, F_BOLD, F_DIM, F_ITALIC, F_UNDERLINE, F_BLINK, F_INVERSE, F_INVISIBLE, F_STRIKE, F_OVERLINE } from './sgr.js';
import type { DirtyRows, ModelBuffer, ModelCell } from '../screen/model.js';

type Line = NonNullable<ReturnType<ModelBuffer['getLine']>>;

export interface Frame {
  buffer: ModelBuffer;
  cols: number;
  paneRows: number;
  /** Lines scrolled back into history (0 = live). */
  scrollOffset: number;
  cursorVisible: boolean;
  /** The footer's lines; the same array again means the same lines (it is not changed in place). */
  footer: readonly string[];
  /** false: only the footer may have changed; the pane's rows are not looked at. */
  paneDirty?: boolean;
  /**
   * The live screen's rows that changed since the last frame, from the model (null or absent:
   * any may have). Used only while the view is the same (live, same buffer, same top line).
   */
  dirtyRows?: DirtyRows;
  /** Shown at the pane's top right while scrolled back, e.g. "[12/340]". */
  indicator?: string;
}

const SYNC_BEGIN = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const RESET = '\x1b[0m';
const ERASE_LINE_RIGHT = '\x1b[K';

const cup = (row: number, col: number): string => `\x1b[${row + 1};${col + 1}H`;

function flagsOf(c: ModelCell): number {
  let f = 0;
  if (c.isBold()) f |= F_BOLD;
  if (c.isDim()) f |= F_DIM;
  if (c.isItalic()) f |= F_ITALIC;
  if (c.isUnderline()) f |= F_UNDERLINE;
  if (c.isBlink()) f |= F_BLINK;
  if (c.isInverse()) f |= F_INVERSE;
  if (c.isInvisible()) f |= F_INVISIBLE;
  if (c.isStrikethrough()) f |= F_STRIKE;
  if (c.isOverline()) f |= F_OVERLINE;
  return f;
}

function colourKey(mode: number, value: number): number {
  return mode === 0 ? 0 : mode | (value & COLOR_VALUE_MASK);
}

function sameAttrs(c: ModelCell, fg: number, bg: number, flags: number, isDefault: boolean): boolean {
  if (c.isAttributeDefault()) return isDefault;
  return !isDefault && colourKey(c.getFgColorMode(), c.getFgColor()) === fg
    && colourKey(c.getBgColorMode(), c.getBgColor()) === bg && flagsOf(c) === flags;
}

/**
 * One row as text + SGR, starting and ending with default attributes. Trailing blank cells
 * with default attributes become one erase-to-end-of-line.
 */
export function renderLine(line: Line | undefined, cols: number, cell: ModelCell): string {
  if (!line) return ERASE_LINE_RIGHT;
  let last = -1;
  for (let x = Math.min(cols, line.length) - 1; x >= 0; x--) {
    const c = line.getCell(x, cell);
    if (!c) continue;
    const ch = c.getChars();
    if ((ch !== '' && ch !== ' ') || !c.isAttributeDefault()) { last = x; break; }
  }
  let out = '';
  let pen = -1, penBg = -1, penFlags = -1; // -1: the terminal's attributes are "reset"
  let penIsDefault = true;
  for (let x = 0; x <= last; x++) {
    const c = line.getCell(x, cell);
    if (!c) { out += ' '; continue; }
    const w = c.getWidth();
    if (w === 0) continue; // second half of a wide character
    if (c.isAttributeDefault()) {
      if (!penIsDefault) { out += RESET; penIsDefault = true; pen = penBg = penFlags = -1; }
    } else {
      // Default colours read as mode 0 and value -1: keep them 0 so no colour is written.
      const fg = colourKey(c.getFgColorMode(), c.getFgColor());
      const bg = colourKey(c.getBgColorMode(), c.getBgColor());
      const flags = flagsOf(c);
      if (penIsDefault || fg !== pen || bg !== penBg || flags !== penFlags) {
        out += sgrFor(fg, bg, flags);
        pen = fg; penBg = bg; penFlags = flags; penIsDefault = false;
      }
    }
    const ch = c.getChars();
    if (ch !== '') { out += ch; continue; }
    // A run of erased cells: erase them (with the current background) rather than write spaces,
    // so they stay empty, as in the program's own terminal, then step over them.
    let n = 1;
    while (x + n <= last) {
      const next = line.getCell(x + n, cell);
      if (!next || next.getChars() !== '' || next.getWidth() !== 1 || !sameAttrs(next, pen, penBg, penFlags, penIsDefault)) break;
      n++;
    }
    out += `\x1b[${n}X\x1b[${n}C`;
    x += n - 1;
  }
  if (!penIsDefault) out += RESET;
  if (last < cols - 1) out += ERASE_LINE_RIGHT;
  return out;
}

export class Renderer {
  private rows: string[] = [];
  private footerRows: string[] = [];
  /**
   * The footer array the cached footer rows were drawn from. The pane hands over the same array
   * until the footer changes, so a frame of the pane alone (a keystroke's echo) need not build
   * and compare the footer's rows again (a few µs of every echo in V8's baseline tier).
   */
  private footerSource: readonly string[] | null = null;
  /** The pane's height when the footer rows were drawn (the footer sits below it). */
  private footerAt = -1;
  private width = -1;
  private full = true;
  /** What the cached rows show: the buffer's first shown line and which buffer. */
  private shownTop = -1;
  private shownBuffer = '';

  /** The next frame redraws everything (after a resize, a toggle, or the user's screen was disturbed). */
  invalidate(): void { this.full = true; }

  frame(f: Frame, cell: ModelCell): string {
    let out = SYNC_BEGIN + HIDE_CURSOR;
    let paneDirty = f.paneDirty !== false;
    if (this.full || this.width !== f.cols) {
      paneDirty = true;
      out += RESET + '\x1b[H\x1b[2J';
      this.rows = [];
      this.footerRows = [];
      this.footerSource = null;
      this.width = f.cols;
      this.full = false;
    }
    const buf = f.buffer;
    const top = Math.max(0, buf.baseY - f.scrollOffset);
    // Only the rows the model says changed, when the cached rows show this same view.
    const sameView = f.scrollOffset === 0 && top === this.shownTop && buf.type === this.shownBuffer && this.rows.length === f.paneRows;
    const dirty = sameView && f.dirtyRows ? f.dirtyRows : null;
    const from = dirty ? Math.max(0, dirty.start) : 0;
    const to = dirty ? Math.min(f.paneRows - 1, dirty.end) : f.paneRows - 1;
    if (paneDirty) { this.shownTop = top; this.shownBuffer = buf.type; }
    for (let y = from; paneDirty && y <= to; y++) {
      let text = renderLine(buf.getLine(top + y), f.cols, cell);
      if (y === 0 && f.indicator) text = overlayRight(text, f.indicator, f.cols);
      if (this.rows[y] !== text) {
        out += cup(y, 0) + text;
        this.rows[y] = text;
      }
    }
    if (paneDirty) this.rows.length = f.paneRows;
    let footerChanged = false;
    // The footer moved (the pane's height changed): draw its rows again where they are now.
    if (f.paneRows !== this.footerAt) { this.footerRows = []; this.footerSource = null; this.footerAt = f.paneRows; }
    if (f.footer !== this.footerSource) {
      for (let i = 0; i < f.footer.length; i++) {
        const text = RESET + (f.footer[i] ?? '') + RESET + ERASE_LINE_RIGHT;
        if (this.footerRows[i] !== text) {
          out += cup(f.paneRows + i, 0) + text;
          this.footerRows[i] = text;
          footerChanged = true;
        }
      }
      this.footerRows.length = f.footer.length;
      this.footerSource = f.footer;
    }
    if (!paneDirty && !footerChanged) return '';
    const cursorRow = buf.cursorY + (buf.baseY - top);
    const showCursor = f.cursorVisible && f.scrollOffset === 0 && cursorRow >= 0 && cursorRow < f.paneRows;
    if (showCursor) out += cup(cursorRow, Math.min(buf.cursorX, f.cols - 1)) + SHOW_CURSOR;
    return out + SYNC_END;
  }
}

/** The row with `label` (inverse) written over its right end; the indicator needs its own erase. */
function overlayRight(text: string, label: string, cols: number): string {
  const col = Math.max(0, cols - label.length);
  return `${text}${cup(0, col)}\x1b[7m${label}${RESET}`;
}
