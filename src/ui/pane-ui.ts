// guard's split screen: the program's pane on top, the footer below. Program bytes come in from
// the pty (feedOutput) into the screen model; frames go out to the user's terminal, at most one
// per FRAME_MS (FLOOD_FRAME_MS while output floods), at once for the echo of a keystroke, and
// only for what changed; the user's bytes come in (feedInput) and go
// through the input router to the writer. It mirrors the program's modes on the user's
// terminal, passes on the title and bells, keeps the scroll-back view, and follows resizes.
// While output floods, it is held and handed to the model in batches whose lines that would
// scroll out of reach are skipped (../screen/flood-skip.ts); while the flood goes on, a batch's
// kept history waits for the next batch (handOverHeld).
// Errors in any of this go to `onError` (the supervisor falls back to plain pass-through).
import { ScreenModel, type ModelCell, type TerminalColours } from '../screen/model.js';
import { firstLineEnd, lastLineEnd, MIN_SKIP_BYTES, PlainScan, skipScrolledAway, type SkipResult } from '../screen/flood-skip.js';
import { ENTER_SEQUENCE, OUTER_RESET, diffOuterModes, outerModesFor, type OuterModes, type ProgramModes } from '../screen/modes.js';
import { Renderer, renderLine } from './renderer.js';
import { warmUpDisplay } from './warm-up.js';
import type { FooterSource } from './footer-source.js';
import type { Notices } from './notices.js';
import { InputRouter, type ScrollControl } from '../input/router.js';
import type { PrefixCommands } from '../input/commands.js';
import type { PtyWriter } from '../writer/writer.js';
import type { Clock } from '../lib/clock.js';
import { Disposables, type Disposable } from '../lib/disposables.js';

/** At most this many frames a second: smoother than the eye needs, cheap when output floods. */
export const FRAME_MS = 16;
/**
 * Output floods when at least FLOOD_BYTES arrived between two frames of the pane (~4 MiB/s at
 * FRAME_MS; a program redrawing a 120x40 screen in colour writes 10-20 kB per redraw); the next
 * frame then comes FLOOD_FRAME_MS after the last, not FRAME_MS. The trade-off: while `cat` of a
 * big file or a build log floods, the pane scrolls by at 10 frames a second instead of 60 (nobody
 * reads text passing at megabytes a second), and each frame left out is a whole-screen redraw
 * saved (rendering, ~10 kB written to the user's terminal, the write itself). Measured with
 * `node --cpu-prof` on `guard cat` of the throughput bench's flood (32 MiB, CJK and emoji,
 * 120x40, a loaded machine): frames took 31% of guard's busy time at FRAME_MS and 16% with this
 * (most of it the terminal write, which blocks until the terminal reads), and guard wrote 1.5-3.6
 * MB to the terminal instead of 4.3-9.9 MB. A keystroke of the user's ends the flood rate, and
 * the output after it (its echo) is drawn at once.
 */
export const FLOOD_BYTES = 64 << 10;
export const FLOOD_FRAME_MS = 100;
/**
 * Linux hands a pty's output over in reads of at most PTY_READ_FULL bytes (the line discipline's
 * buffer, less one): a read this long means more was waiting. FLOOD_FULL_READS of them without
 * the program pausing for FRAME_MS are a flood too, however slowly guard reads them. Measured
 * on `guard cat` of the throughput bench's flood: at start, with the screen model and the renderer not yet compiled, guard parsed
 * each 4 kB read in 4-15 ms and drew frames between them, and took ~110 ms to see the flood by
 * bytes per frame alone. The trade-off: a program's redraw of more than 16 kB (a 120x40 screen
 * in colour is 10-20 kB) is held too, and drawn once the program pauses, up to FRAME_MS later
 * than at once. A smaller read limit elsewhere (macOS) leaves bytes per frame as the only sign.
 */
export const PTY_READ_FULL = 4095;
export const FLOOD_FULL_READS = 4;
/** While output is still being parsed, a frame waits for it, but never longer than this. */
export const MAX_FRAME_DELAY_MS = 100;
/** A program's synchronized update (CSI ?2026h) holds frames back at most this long. */
export const SYNC_OUTPUT_TIMEOUT_MS = 150;
/**
 * Output is held (not handed to xterm) while it floods (PaneUi.inFlood) or while xterm has more
 * than BACKLOG_HIGH bytes still to parse. Held
 * output goes to xterm as one batch whose lines that would scroll out of reach are skipped
 * (../screen/flood-skip.ts): in a flood at the pane's frames, once HANDOVER_BYTES are held, once
 * the program pauses (FRAME_MS without output) or once it was held HOLD_MAX_MS; otherwise as
 * soon as xterm has caught up. A batch keeps its last 5,000 lines whatever its length (~1.3 MB
 * of the throughput bench's text, ~60 ms of parsing here), so a longer batch skips a larger
 * share; the trade-offs are how often the pane shows a flood's progress (at least every
 * HOLD_MAX_MS) and memory. Measured with `npm run bench -- throughput` (32 MiB, 120x40; single
 * runs vary by ±20% on this machine): 1.68 s with 4 MiB batches, 1.46 s with 8 MiB, and 12 or
 * 16 MiB were not faster (reading the pty, ~40-60 MB/s here, and scanning the batch bound it).
 * Against guard without holding, alternating runs of `guard cat` of the flood: wall time
 * 2.25 → 2.03 s (medians of 6), CPU 3.00 → 2.62 s, peak resident memory 96 → 122 MB. With the
 * first batch settled (handOverHeld) and the kept history parsed once per flood, not once per
 * batch: 1.72 → 1.35 s (medians of 10, alternating). Since then the scan runs as output comes
 * (PlainScan), only a batch's tail is joined (skipHeldTail) and a flood ends without its history
 * once the program has ended: ~1.0 s; 16 MiB batches were not clearly faster (1.09 against 1.19
 * s, medians of 10, with minimums the other way round).
 */
export const HANDOVER_BYTES = 8 << 20;
export const HOLD_MAX_MS = 250;
/** Above this many unparsed bytes in xterm, output is held; below the low mark a paused pty reads again. */
export const BACKLOG_HIGH = 1 << 20;
export const BACKLOG_LOW = 128 << 10;
/** Stop reading the pty above this many held bytes (memory: the held batch, then its copy). */
export const HELD_MAX = 16 << 20;
/** A held batch goes to xterm in pieces of this size (see handOverHeld). */
const HANDOVER_PIECE = 64 << 10;
/**
 * A long batch's last keepLines × this many bytes are joined to skip it (see skipHeldTail): room
 * for lines of this length on average (the throughput bench's coloured lines are ~260 bytes). A
 * batch of longer lines is joined whole after all, the first try wasted.
 */
const TAIL_JOIN_LINE_BYTES = 400;
/** Cursor home, screen and history erased (xterm's ED 2 and ED 3). */
const CLEAR_ALL = Buffer.from('\x1b[H\x1b[2J\x1b[3J');
/** Whether a kept batch starts with a full reset (ESC [ m or ESC [ 0 m), so needs no attributes before it. */
function startsWithReset(data: Buffer): boolean {
  return data[0] === 0x1b && data[1] === 0x5b && (data[2] === 0x6d || (data[2] === 0x30 && data[3] === 0x6d));
}

/** The program's pty as the pane uses it: its size and flow control (the supervisor's pty). */
export interface PanePty {
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
}

/** The user's terminal as the pane uses it (the supervisor's TerminalIo). */
export interface PaneTerminal {
  size(): { cols: number; rows: number };
  write(data: string | Buffer): void;
}

export interface PaneUiDeps {
  pty: PanePty;
  writer: PtyWriter;
  io: PaneTerminal;
  clock: Clock;
  footer: FooterSource;
  commands: PrefixCommands;
  /** Where the key list and the input router's messages go (the footer shows them). */
  notices: Notices;
  colours: Promise<TerminalColours>;
  /** Whether the user's terminal speaks the kitty keyboard protocol (asked at start). */
  kittyKeyboard?: Promise<boolean>;
  version: string;
  scrollback: number;
  onError(err: unknown): void;
}

export class PaneUi implements Disposable {
  readonly model: ScreenModel;
  private readonly renderer = new Renderer();
  private readonly router: InputRouter;
  private readonly subs = new Disposables();
  private footerVisible = true;
  private footerHeight = 0;
  private paneRows: number;
  private cols: number;
  private scrollOffset = 0;
  private lastBaseY = 0;
  private frameTimer: Disposable | null = null;
  private lastFrameAt = 0;
  private syncSince: number | null = null;
  private outer: OuterModes = OUTER_RESET;
  /** The user's terminal speaks the kitty keyboard protocol: the program's flags are mirrored onto it. */
  private outerKitty = false;
  private ptyPaused = false;
  /** Output held in a flood or while xterm is behind (see HANDOVER_BYTES), in order, and its size. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /**
   * Held output is scanned as it comes (a pty read at a time, while the program writes more),
   * so that its hand-over does not scan it: measured on `guard cat` of the bench's flood, the
   * scan at hand-over took ~60 ms of each 8 MiB batch, during which the pty was not read.
   */
  private readonly scan = new PlainScan();
  /** Clock times of the last program output and of when the output held now began to be held. */
  private lastOutputAt = 0;
  private heldSince = 0;
  /** Clock time at the end of the last hand-over of held output (see programPaused). */
  private handedOverAt = 0;
  /** The pending check that the program paused (handOverOncePaused). */
  private pauseCheck: Disposable | null = null;
  /**
   * A held batch's first line went to xterm alone, to bring its parser to rest (see
   * handOverHeld); the rest is handed over as soon as that line is parsed.
   */
  private settling = false;
  /**
   * Bytes at the head of `held` that are a batch's kept history, not yet parsed (see
   * handOverHeld), and the pane's rows when it was put back; 0: none.
   */
  private deferredBytes = 0;
  private deferredRows = 0;
  /** Program output bytes never parsed, skipped in floods (tests, benches). */
  skippedBytes = 0;
  private disposed = false;
  /** The program has ended (programEnded). */
  private ended = false;
  /** A cell the renderer reads the buffer's cells into (xterm makes a new one per getNullCell). */
  private scratchCell: ModelCell | null = null;
  /** The footer's lines for `footerCacheWidth`, until the source says they changed. */
  private footerCache: string[] | null = null;
  private footerCacheWidth = -1;
  /** The model or the view changed since the last frame (else a frame draws only the footer). */
  private paneDirty = true;
  /** Program output bytes since the last frame of the pane. */
  private bytesSinceFrame = 0;
  /** Program output bytes in pty reads of PTY_READ_FULL bytes since the program last paused (FRAME_MS). */
  private fullReadBytes = 0;
  /** The last frame of the pane ended a flood (FLOOD_BYTES): the next one waits FLOOD_FRAME_MS. */
  private flooding = false;
  /** The user typed, and no output came since. */
  private typed = false;
  /** Output came after the user typed (its echo, most likely): the next frame is drawn at once. */
  private echoDue = false;
  /** When the pending frame timer runs (clock time). */
  private frameDueAt = 0;
  /** The program has written something (the warm-up is then pointless). */
  private outputSeen = false;
  /** The footer changed: guard's own words (a notice may be brief) wait for no flood rate. */
  private footerDue = false;

  constructor(private readonly d: PaneUiDeps) {
    const { cols, rows } = d.io.size();
    this.cols = cols;
    this.footerHeight = this.footerLines(cols).length;
    this.paneRows = Math.max(1, rows - this.footerHeight);
    const kittyKeyboard = d.kittyKeyboard ?? Promise.resolve(false);
    // Registered before the model's own answer to the program's query, so the flags it then
    // pushes find outerKitty already set.
    void kittyKeyboard.then((yes) => { this.outerKitty = yes; }, () => undefined);
    this.model = new ScreenModel({ cols, rows: this.paneRows, scrollback: d.scrollback, colours: d.colours, kittyKeyboard, version: d.version });
    this.subs.add(this.model);
    this.subs.add(this.model.onReply((r) => d.writer.write(r, 'reply')));
    this.subs.add(this.model.onTitle((t) => this.guard(() => d.io.write(`\x1b]0;${t.replace(/[\x00-\x1f\x7f]/g, '')}\x07`))));
    this.subs.add(this.model.onForOuter((seq) => this.guard(() => d.io.write(seq))));
    this.subs.add(this.model.onBell(() => this.guard(() => d.io.write('\x07'))));
    this.subs.add(this.model.onModes((m) => this.guard(() => this.applyModes(m))));
    this.subs.add(this.model.onParsed(() => this.guard(() => this.afterParse())));
    this.subs.add(d.footer.onChange(() => this.footerChanged()));
    this.subs.add(d.writer.onUserInput(() => this.guard(() => this.userTyped())));
    this.router = new InputRouter({
      writer: d.writer,
      modes: () => this.model.modes(),
      paneRows: () => this.paneRows,
      commands: d.commands,
      scroll: this.scrollControl(),
      notice: (t) => this.notice(t),
      clock: { setTimeout: (fn, ms) => d.clock.setTimeout(() => this.guard(fn), ms) },
    });
    this.subs.add(this.router);
    this.subs.add(d.commands.register('f', { description: 'show or hide the footer', run: () => this.toggleFooter() }));
    this.subs.add(d.commands.register('[', { description: 'scroll back', run: () => this.scrollControl().page(1) }));
    this.subs.add(d.commands.register('\x1b[5~', { description: 'scroll back', run: () => this.scrollControl().page(1) }));
    this.subs.add(d.commands.register('?', { description: 'list these keys', run: () => this.notice(this.keyHelp()) }));
  }

  /** The size the program should have (the pty is spawned with it). */
  paneSize(): { cols: number; rows: number } { return { cols: this.cols, rows: this.paneRows }; }

  /** Takes over the user's terminal and draws the first frame. */
  start(): void {
    this.takeOverScreen();
    this.drawFrame();
    // After the output that came while the display loaded (the supervisor hands it over next).
    this.subs.add(this.d.clock.setImmediate(() => this.warmUp()));
  }

  /**
   * guard is about to stop with its program (Ctrl-Z, ../supervisor/suspend.ts): the keyboard flags
   * pushed for the program come off and the pending frame is dropped. The caller then puts the
   * rest of the terminal back (RESTORE_SEQUENCE) and stops guard in the same turn.
   */
  leaveScreen(): void {
    this.guard(() => {
      this.frameTimer?.dispose();
      this.frameTimer = null;
      this.popKeyboardFlags();
      this.outer = OUTER_RESET;
    });
  }

  /** guard runs again after `leaveScreen`: the terminal is taken over as at start and drawn whole, at its size now. */
  reenterScreen(): void {
    this.guard(() => this.takeOverScreen());
    this.resize();
  }

  /** The alternate screen, cleared, with the program's modes; the next frame draws every row. */
  private takeOverScreen(): void {
    this.paneDirty = true;
    this.d.io.write(ENTER_SEQUENCE);
    this.applyModes(this.model.modes());
    this.renderer.invalidate();
  }

  /** Warms the parser and the renderer (./warm-up.ts) while the program has written nothing yet. */
  private warmUp(): void {
    if (this.disposed || this.outputSeen) return;
    try { warmUpDisplay(this.cols, this.paneRows); } catch { /* optional: the first frame is then merely slower */ }
  }

  feedOutput(data: Buffer): void {
    this.outputSeen = true;
    const now = this.d.clock.now();
    // Full reads count until the program pauses; a shorter one between them is where a write of
    // the program's ended (cat writes 128 kB at a time), or the last of what came while guard
    // started: measured, that one ended the count and 21 kB went to xterm at once, cold (29 ms).
    if (now - this.lastOutputAt >= FRAME_MS) this.fullReadBytes = 0;
    if (data.length >= PTY_READ_FULL) this.fullReadBytes += data.length;
    this.lastOutputAt = now;
    this.bytesSinceFrame += data.length;
    if (this.typed) { this.typed = false; this.echoDue = true; }
    // While output floods (or xterm is behind), it is held and handed over in batches at the
    // pane's frames. Held output goes first: nothing overtakes it.
    if (this.heldBytes > 0 || this.inFlood() || this.model.backlog > BACKLOG_HIGH) {
      if (this.heldBytes === 0) { this.heldSince = this.lastOutputAt; this.scan.reset(); }
      this.held.push(data);
      this.scan.feed(data);
      this.heldBytes += data.length;
      if (this.heldBytes > HELD_MAX) {
        if (this.model.backlog === 0) this.handOverHeld();
        else if (!this.ptyPaused) { this.ptyPaused = true; this.d.pty.pause(); }
      }
      // A frame to come decides about the held output; asking for it again with each pty read
      // would only bring it forward to the next turn of the event loop, time and again.
      if (!this.frameTimer || this.echoDue) this.requestFrame();
      return;
    }
    this.toModel(data);
  }

  /** The held output to xterm as one batch, its lines that would scroll out of reach skipped. */
  private handOverHeld(whole = false): void {
    const goesOn = !whole && this.inFlood();
    // A kept history put back at the last hand-over, and the pane grew taller since: its lines
    // might not push every row it replaced out of reach (./model.ts skipKeepLines), so the model
    // is emptied first and the history fills with the program's lines only.
    if (this.deferredBytes > 0 && this.model.rows > this.deferredRows) this.toModel(CLEAR_ALL);
    this.deferredBytes = 0;
    // Only the screen's worth once the program has ended, unless the user reads the history.
    const keepLines = this.ended && this.scrollOffset === 0 ? this.model.skipScreenLines : this.model.skipKeepLines;
    const tail = this.skipHeldTail(keepLines);
    // Held bytes before `all`, skipped without being joined (skipHeldTail).
    const offset = tail ? this.heldBytes - tail.joined.length : 0;
    const all = tail?.joined ?? Buffer.concat(this.held, this.heldBytes);
    // Whole lines only, when there are any: a pty read may end inside a character or an escape
    // sequence, and the next batch can be skipped only if xterm is at rest when it starts. The
    // unfinished last line waits, first in the next batch (or alone, at the next hand-over).
    const end = lastLineEnd(all);
    const batch = end > 0 ? all.subarray(0, end) : all;
    // A flood usually begins in the middle of a pty read that xterm got before output was held:
    // xterm then waits inside an escape sequence or a character, and no batch could be skipped.
    // Its first line goes alone, which ends that sequence; the rest follows once it is parsed.
    // Measured on `guard cat` of the throughput bench's flood: the first 8 MiB batch was parsed
    // whole (~0.6 s) without this.
    if (!this.settling && batch.length >= MIN_SKIP_BYTES && !this.model.canSkip()) {
      const first = firstLineEnd(batch);
      if (first > 0 && first < batch.length) {
        this.settling = true;
        this.held = [all.subarray(first)];
        this.heldBytes = all.length - first;
        if (!this.scan.dropFront(first)) this.rescanHeld();
        this.toModel(all.subarray(0, first));
        this.handedOverAt = this.d.clock.now();
        return;
      }
    }
    this.settling = false;
    this.held = end > 0 && end < all.length ? [all.subarray(end)] : [];
    this.heldBytes = all.length - batch.length;
    this.heldSince = this.d.clock.now();
    // The batch ends at its last line end, so a skip leaves no unfinished line apart (its `rest`).
    const { data: kept, skipped } = tail?.skip ?? (this.model.canSkip() ? skipScrolledAway(batch, keepLines, MIN_SKIP_BYTES, this.scan.notPlainAt) : { data: batch, skipped: 0 });
    let data = kept;
    // While the flood goes on, the history's lines (most of what is kept) would be parsed now
    // and again at the next hand-over, whose own lines push them out. So xterm gets only the
    // screen's worth of them now, and the kept lines go back to the head of what is held: the
    // next batch starts with them, and it is their stream. They begin with a full reset (the
    // attributes they need, whatever xterm's are), and as many line feeds as the history and
    // the screen twice: what xterm got now is pushed out of reach by them (CLEAR_ALL above when
    // the pane grew). Not while the user reads the history, nor when every byte must be parsed.
    if (goesOn && skipped > 0 && this.scrollOffset === 0 && startsWithReset(kept)) {
      // Plain, as what a skip kept always is: no scan needed (Infinity).
      const shown = skipScrolledAway(kept, this.model.skipScreenLines, 1, Infinity);
      if (shown.skipped > 0) {
        data = shown.data;
        this.held.unshift(kept);
        this.heldBytes += kept.length;
        this.deferredBytes = kept.length;
        this.deferredRows = this.model.rows;
      }
    }
    this.rescanHeld();
    this.skippedBytes += offset + skipped;
    // In pieces: xterm parses the first at once and the others in its own time slices, so keys
    // and frames are not held up by a batch that could not be skipped.
    for (let i = 0; i < data.length; i += HANDOVER_PIECE) this.toModel(data.subarray(i, i + HANDOVER_PIECE));
    this.handedOverAt = this.d.clock.now();
  }

  /**
   * A long held batch that the scan found plain, with xterm at rest: only its last bytes are
   * joined into one buffer and skipped (null: not possible, join it all). The bytes not joined
   * are part of the head, plain, and what they leave is their SGRs, which do not matter when the
   * kept lines start with a full reset or when they hold no escape at all: then the result is
   * the one over the whole batch. Measured on `guard cat` of the bench's flood: joining every
   * 8 MiB batch took ~16 ms of copying, with the pty unread meanwhile.
   */
  private skipHeldTail(keepLines: number): { joined: Buffer; skip: SkipResult } | null {
    const size = Math.max(MIN_SKIP_BYTES, keepLines * TAIL_JOIN_LINE_BYTES);
    if (this.heldBytes <= 2 * size || this.scan.notPlainAt < this.heldBytes - size || !this.model.canSkip()) return null;
    let k = this.held.length;
    let n = 0;
    while (k > 0 && n < size) n += (this.held[--k] as Buffer).length;
    const joined = Buffer.concat(this.held.slice(k), n);
    const before = this.heldBytes - n;
    const end = lastLineEnd(joined);
    if (end === 0) return null;
    const skip = skipScrolledAway(joined.subarray(0, end), keepLines, MIN_SKIP_BYTES, this.scan.notPlainAt - before);
    if (skip.skipped === 0 || !(startsWithReset(skip.data) || this.scan.firstEscAt >= before)) return null;
    return { joined, skip };
  }

  /** What is held now, scanned afresh (after a hand-over: the kept lines put back, the unfinished line). */
  private rescanHeld(): void {
    this.scan.reset();
    this.held.forEach((chunk, k) => { if (k === 0 && this.deferredBytes > 0) this.scan.feedPlain(chunk.length); else this.scan.feed(chunk); });
  }

  /**
   * The program wrote nothing for FRAME_MS while guard was free to read it. Counted from the end
   * of the last hand-over too: scanning a batch keeps guard busy for tens of milliseconds, and
   * the output that came meanwhile waits in the pty unread. Measured on `guard cat` of the
   * bench's flood: counted from the last output alone, a batch's scan looked like a pause, and
   * the next hand-over came early with too few lines to skip (1-2 MB parsed whole).
   */
  private programPaused(): boolean { return this.d.clock.now() - Math.max(this.lastOutputAt, this.handedOverAt) >= FRAME_MS; }

  /**
   * Held output goes to xterm once the program paused (an unfinished last line, a prompt, shows
   * at once), checked again after the pty was read once more (setImmediate runs after the event
   * loop's poll for input): a pause of guard's own (a garbage collection, measured at 30 ms in
   * a flood) must not look like one of the program's.
   */
  private handOverOncePaused(): void {
    if (this.pauseCheck || !this.programPaused()) return;
    this.pauseCheck = this.d.clock.setImmediate(() => {
      this.pauseCheck = null;
      this.guard(() => {
        if (!this.disposed && this.heldBytes > 0 && this.model.backlog === 0 && this.programPaused()) this.handOverHeld(true);
      });
    });
  }

  private toModel(data: Buffer): void {
    this.model.write(data, () => this.guard(() => this.parsed()));
  }

  /** A write was parsed: hand over what is held once xterm has caught up, read the pty again, draw. */
  private parsed(): void {
    if (this.disposed) return;
    // Behind xterm's backlog, held output waits for it; in a flood, for the next frame, unless
    // the program paused (an unfinished last line, a prompt, shows at once), or the batch's first
    // line went ahead alone (settling).
    if (this.model.backlog === 0 && this.heldBytes > 0) {
      if (this.settling || !this.inFlood()) this.handOverHeld();
      else this.handOverOncePaused();
    }
    if (this.ptyPaused && this.heldBytes === this.deferredBytes && this.model.backlog < BACKLOG_LOW) { this.ptyPaused = false; this.d.pty.resume(); }
    if (this.model.backlog === 0) { this.paneDirty = true; this.requestFrame(); }
  }

  feedInput(data: Buffer): void { this.guard(() => this.router.feed(data)); }

  /** The footer's source has new lines (its onChange; the supervisor's for a change made before this pane existed). */
  footerChanged(): void { this.footerCache = null; this.footerDue = true; this.requestFrame(); }

  /** The user's terminal changed size: the model, the program and the screen follow at once. */
  resize(): void {
    this.guard(() => {
      const { cols, rows } = this.d.io.size();
      this.cols = cols;
      this.footerHeight = this.footerVisible ? this.footerLines(cols).length : 0;
      this.applySize(rows);
    });
  }

  /** Resolves when every byte handed to feedOutput has been parsed. */
  async drained(): Promise<void> {
    while (!this.disposed && (this.model.backlog > 0 || this.heldBytes > 0)) {
      if (this.model.backlog === 0) this.handOverHeld(true);
      else await new Promise<void>((r) => this.model.write('', r));
    }
  }

  /** Draws what the model holds now (used at exit and by tests). */
  flushFrame(): void { this.frameTimer?.dispose(); this.frameTimer = null; this.drawFrame(); }

  notice(text: string): void { this.d.notices.post(text); }

  /**
   * The program has ended: what it printed last still comes, but nobody will read the pane's
   * history again (guard draws the last screen and leaves it on the user's), so a flood's
   * batches keep only the screen's worth of lines from now on. Measured on `guard cat` of the
   * bench's flood: its last batch, handed over after the exit, kept 1.3 MB of history lines,
   * 100-200 ms of parsing before guard could give the terminal back.
   */
  programEnded(): void { this.ended = true; }

  /**
   * The pane's visible text, one string per row (for callers that look for prompts). With
   * `blankFaint`, faint (dimmed) cells read as spaces: programs draw placeholder hints faint.
   */
  paneText(opts: { blankFaint?: boolean } = {}): string[] {
    const buf = this.model.buffer;
    const out: string[] = [];
    for (let y = 0; y < this.paneRows; y++) {
      const line = buf.getLine(buf.baseY + y);
      if (!line) { out.push(''); continue; }
      if (!opts.blankFaint) { out.push(line.translateToString(true)); continue; }
      const cell = buf.getNullCell();
      let text = '';
      for (let x = 0; x < line.length; x++) {
        line.getCell(x, cell);
        if (cell.getWidth() === 0) continue; // the second half of a wide character
        text += cell.isDim() ? ' '.repeat(cell.getWidth()) : cell.getChars() || ' ';
      }
      out.push(text.trimEnd());
    }
    return out;
  }

  /**
   * The program's last screen as plain lines with SGR (up to the last non-empty row or the
   * cursor), for the user's main screen after guard leaves: a program that stayed on the main
   * screen leaves its output behind as it would have bare. Empty for alternate-screen programs.
   */
  finalScreen(): string {
    const buf = this.model.buffer;
    if (buf.type !== 'normal') return '';
    const cell = buf.getNullCell();
    let last = buf.cursorX > 0 ? buf.cursorY : buf.cursorY - 1;
    for (let y = this.paneRows - 1; y > last; y--) {
      if ((buf.getLine(buf.baseY + y)?.translateToString(true) ?? '') !== '') { last = y; break; }
    }
    let out = '';
    for (let y = 0; y <= last; y++) out += renderLine(buf.getLine(buf.baseY + y), this.cols, cell).replace(/\x1b\[K$/, '') + '\r\n';
    return out;
  }

  private keyHelp(): string {
    const names: Record<string, string> = { '\x1b[5~': 'PgUp' };
    const seen = new Set<string>();
    const parts: string[] = ['Ctrl-G: Ctrl-G send Ctrl-G'];
    for (const [key, cmd] of this.d.commands.list()) {
      if (seen.has(cmd.description)) continue;
      seen.add(cmd.description);
      parts.push(`${names[key] ?? key} ${cmd.description}`);
    }
    return parts.join(' · ');
  }

  /** Modes the program has on, for the pass-through fallback to carry on with. */
  programModes(): ProgramModes { return this.model.modes(); }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.popKeyboardFlags();
    this.frameTimer?.dispose();
    this.pauseCheck?.dispose();
    if (this.ptyPaused) { this.ptyPaused = false; this.d.pty.resume(); }
    this.subs.dispose();
  }

  /** Keyboard flags pushed for the program come off before the terminal is handed back. */
  private popKeyboardFlags(): void {
    if (this.outer.kittyFlags === 0) return;
    try { this.d.io.write(diffOuterModes(this.outer, { ...this.outer, kittyFlags: 0 })); } catch { /* terminal gone */ }
    this.outer = { ...this.outer, kittyFlags: 0 };
  }

  private guard(fn: () => void): void {
    if (this.disposed) return;
    try { fn(); } catch (err) { this.d.onError(err); }
  }

  private footerLines(width: number): string[] {
    if (!this.footerVisible) return [];
    if (this.footerCache === null || this.footerCacheWidth !== width) {
      this.footerCache = this.d.footer.lines(width);
      this.footerCacheWidth = width;
    }
    return this.footerCache;
  }

  private applySize(rows: number): void {
    this.paneRows = Math.max(1, rows - this.footerHeight);
    this.model.resize(this.cols, this.paneRows);
    this.d.pty.resize(this.cols, this.paneRows);
    this.clampScroll();
    this.renderer.invalidate();
    this.paneDirty = true;
    this.flushFrame();
  }

  private toggleFooter(): void {
    this.footerVisible = !this.footerVisible;
    this.footerCache = null;
    this.resize();
  }

  private applyModes(m: ProgramModes): void {
    if (m.altScreen && this.scrollOffset > 0) { this.scrollOffset = 0; this.paneDirty = true; this.requestFrame(); }
    // Cursor visibility changes are drawn with the pane.
    this.paneDirty = true;
    const next = outerModesFor(m, true, this.outerKitty);
    const seq = diffOuterModes(this.outer, next);
    this.outer = next;
    if (seq) this.d.io.write(seq);
  }

  private afterParse(): void {
    const baseY = this.model.buffer.baseY;
    if (this.scrollOffset > 0 && baseY !== this.lastBaseY) {
      // Keep the history the user is reading still while new lines arrive below.
      this.scrollOffset += baseY - this.lastBaseY;
      this.clampScroll();
    }
    this.lastBaseY = baseY;
    this.paneDirty = true;
    this.requestFrame();
  }

  private clampScroll(): void {
    this.paneDirty = true;
    const buf = this.model.buffer;
    const max = buf.type === 'normal' ? buf.baseY : 0;
    this.scrollOffset = Math.max(0, Math.min(this.scrollOffset, max));
  }

  private scrollControl(): ScrollControl {
    return {
      scrolled: () => this.scrollOffset > 0,
      canScroll: () => this.model.buffer.type === 'normal' && this.model.buffer.baseY > 0,
      scrollBy: (n) => { this.scrollOffset += n; this.clampScroll(); this.requestFrame(); },
      page: (dir) => { this.scrollOffset += dir * Math.max(1, this.paneRows - 1); this.clampScroll(); this.requestFrame(); },
      live: () => { this.scrollOffset = 0; this.paneDirty = true; this.requestFrame(); },
    };
  }

  /**
   * The echo of what the user typed is held back neither by the flood rate nor by the frame
   * rate: the first output after a keystroke is drawn at once (requestFrame).
   */
  private userTyped(): void {
    this.typed = true;
    this.flooding = false;
    this.bytesSinceFrame = 0;
    this.fullReadBytes = 0;
  }

  /**
   * Output floods: FLOOD_BYTES came since the last frame, or FLOOD_FULL_READS full pty reads
   * since the program last paused, or the last frame ended a flood.
   */
  private inFlood(): boolean { return this.flooding || this.bytesSinceFrame >= FLOOD_BYTES || this.fullReadBytes >= FLOOD_FULL_READS * PTY_READ_FULL; }

  private requestFrame(): void {
    if (this.disposed) return;
    const interval = this.flooding && !this.footerDue ? FLOOD_FRAME_MS : FRAME_MS;
    const now = this.d.clock.now();
    // No frame for a while, or an echo: draw now, not after a timer's minimum delay.
    const wait = this.echoDue ? 0 : Math.max(0, this.lastFrameAt + interval - now);
    // A pending frame stays unless this one is due sooner (an echo, or the footer in a flood).
    if (this.frameTimer && this.frameDueAt <= now + wait) return;
    this.scheduleFrame(wait);
  }

  private scheduleFrame(wait: number): void {
    this.frameTimer?.dispose();
    this.frameDueAt = this.d.clock.now() + wait;
    const run = (): void => { this.frameTimer = null; this.guard(() => this.maybeDraw()); };
    this.frameTimer = wait === 0 ? this.d.clock.setImmediate(run) : this.d.clock.setTimeout(run, wait);
  }

  private maybeDraw(): void {
    const now = this.d.clock.now();
    if (this.heldBytes > 0 && this.model.backlog === 0) {
      if (!this.inFlood() || this.heldBytes >= HANDOVER_BYTES || now - this.heldSince >= HOLD_MAX_MS) this.handOverHeld();
      else {
        this.handOverOncePaused();
        // Look again soon: the flood may stop, and then what is held must show. guard's own
        // words in the footer are drawn meanwhile (the pane has not changed).
        this.scheduleFrame(FRAME_MS);
        if (!this.footerDue) return;
      }
    }
    // A flood is being parsed: draw its end state rather than every step, but show progress.
    if (this.model.backlog > 0 && now - this.lastFrameAt < MAX_FRAME_DELAY_MS) return;
    if (this.model.parsedModes.synchronizedOutput) {
      this.syncSince ??= now;
      if (now - this.syncSince < SYNC_OUTPUT_TIMEOUT_MS) { this.scheduleFrame(FRAME_MS); return; }
    } else this.syncSince = null;
    this.drawFrame();
  }

  private drawFrame(): void {
    if (this.disposed) return;
    const now = this.d.clock.now();
    const footer = this.footerLines(this.cols);
    if (footer.length !== this.footerHeight) {
      // The footer grew or shrank (e.g. 1 → 2 lines): the pane gives or takes the rows.
      this.footerHeight = footer.length;
      this.applySize(this.d.io.size().rows);
      return;
    }
    const buf = this.model.buffer;
    const modes = this.model.parsedModes;
    const paneDirty = this.paneDirty;
    this.paneDirty = false;
    this.footerDue = false;
    const frame = this.renderer.frame({
      paneDirty,
      // Taken with every frame of the pane, so that the model's record starts afresh.
      dirtyRows: paneDirty ? this.model.takeDirtyRows() : undefined,
      buffer: buf,
      cols: this.cols,
      paneRows: this.paneRows,
      scrollOffset: this.scrollOffset,
      cursorVisible: modes.cursorVisible,
      footer,
      indicator: this.scrollOffset > 0 ? `[${this.scrollOffset}/${buf.baseY}]` : undefined,
    }, this.scratchCell ??= buf.getNullCell());
    if (frame) this.d.io.write(frame);
    // The frame rate limit is for the program's output; a footer-only frame (the clock) must not
    // hold back the echo of the next keystroke.
    if (paneDirty) {
      this.lastFrameAt = now;
      this.echoDue = false;
      this.flooding = this.bytesSinceFrame >= FLOOD_BYTES;
      this.bytesSinceFrame = 0;
    }
  }
}
