// The screen model: the program's pty bytes go into @xterm/headless (the only module that
// imports it outside tests), which keeps the screen, the scrollback and the modes. Out of it
// come: replies to the program's terminal queries (in the order the queries came, to the
// writer with origin 'reply'), the window title, bells, and mode changes (for the outer
// terminal). The renderer reads the buffer through `buffer` and `modes`, and asks which rows
// changed (`takeDirtyRows`) so that a frame looks at those rows only.
import xtermHeadless from '@xterm/headless';
import { Emitter, Disposables, type Disposable } from '../lib/disposables.js';
import { DEFAULT_MODES, type ProgramModes } from './modes.js';
import { DEFAULT_COLOURS, type TerminalColours } from './outer-query.js';

export { DEFAULT_COLOURS, type TerminalColours };

const { Terminal } = xtermHeadless;
export type HeadlessTerminal = InstanceType<typeof Terminal>;
export type ModelBuffer = HeadlessTerminal['buffer']['active'];
export type ModelCell = NonNullable<ReturnType<ModelBuffer['getNullCell']>>;

export interface ScreenModelOptions {
  cols: number;
  rows: number;
  /** Lines of history kept for programs on the main screen. */
  scrollback: number;
  /** Answers for OSC 10/11 queries; may still be on its way (asked of the outer terminal). */
  colours: Promise<TerminalColours>;
  /** guard's version, for the XTVERSION answer. */
  version: string;
  /** Whether the outer terminal speaks the kitty keyboard protocol (asked at start; default no). */
  kittyKeyboard?: Promise<boolean>;
}

/** The fields of ProgramModes, compared after each parse. */
const MODE_KEYS = Object.keys(DEFAULT_MODES) as Array<keyof ProgramModes>;

/** The parts of xterm's internals canSkip reads (see there). */
interface XtermCore {
  _inputHandler?: { _parser?: { currentState?: number }; _utf8Decoder?: { interim?: unknown } };
  buffer?: { scrollTop: number; scrollBottom: number };
}
/** xterm's parser state "ground": between sequences. */
const PARSER_GROUND = 0;
/** Line feeds kept beyond the history and twice the screen, for good measure. */
const SKIP_MARGIN_LINES = 16;

/** Kitty keyboard flag stacks are bounded; the protocol lets a terminal drop the oldest entries. */
export const KITTY_STACK_MAX = 16;

const ST = '\x1b\\';

/** Rows of the live screen (0 = top) that may have changed: a range, or every row (null). */
export type DirtyRows = { start: number; end: number } | null;

/**
 * xterm's own record of the rows each parse changed (what its renderers redraw), an internal of
 * @xterm/headless 6.0.0: `_core._inputHandler.onRequestRefreshRows`, fired after each parse
 * with a range of viewport rows, or with nothing for "all" (a screen switch). Public xterm
 * offers no such event. Looked up defensively: when a later xterm lacks it, guard treats every
 * row as changed, as before (slower frames, same screen); a unit test says so on upgrade.
 */
type RefreshRowsEvent = (fn: (e: { start: number; end: number } | undefined) => void) => Disposable;
function refreshRowsEvent(term: HeadlessTerminal): RefreshRowsEvent | null {
  const handler = (term as unknown as { _core?: { _inputHandler?: { onRequestRefreshRows?: unknown } } })._core?._inputHandler;
  const event = handler?.onRequestRefreshRows;
  return typeof event === 'function' ? (event as RefreshRowsEvent).bind(handler) : null;
}

/**
 * Replies leave in the order the queries arrived even when one of them (a colour asked of the
 * outer terminal) is not known yet.
 */
class ReplyQueue {
  private queue: Array<string | Promise<string>> = [];
  private flushing = false;
  constructor(private readonly send: (s: string) => void) {}

  push(r: string | Promise<string>): void {
    if (typeof r === 'string' && this.queue.length === 0) { this.send(r); return; }
    this.queue.push(r);
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    while (this.queue.length > 0) {
      const head = this.queue[0] as string | Promise<string>;
      const text = typeof head === 'string' ? head : await head.catch(() => '');
      this.queue.shift();
      if (text) this.send(text);
    }
    this.flushing = false;
  }
}

export class ScreenModel implements Disposable {
  readonly term: HeadlessTerminal;
  private readonly buffers: HeadlessTerminal['buffer'];
  private readonly subs = new Disposables();
  private readonly replies: ReplyQueue;
  private readonly replyEmitter = new Emitter<string>();
  private readonly titleEmitter = new Emitter<string>();
  private readonly bellEmitter = new Emitter<void>();
  private readonly modesEmitter = new Emitter<ProgramModes>();
  private readonly parsedEmitter = new Emitter<void>();
  private readonly outerEmitter = new Emitter<string>();
  private tracked = { sgrMouse: false, cursorVisible: true, cursorStyle: 0, colorSchemeReports: false };
  /** Kitty keyboard flags the program pushed, one stack per screen as the protocol keeps them. */
  private kittyStacks: Record<'normal' | 'alternate', number[]> = { normal: [], alternate: [] };
  private lastModes: ProgramModes = DEFAULT_MODES;
  /**
   * A sequence that may change a mode went through the parser since the modes were last built
   * (set by the hooks of installModeHooks, which see every such sequence). Building the modes
   * reads a dozen of xterm's getters: ~30 µs of each keystroke's echo by timestamps around it in
   * the latency bench's set-up (Node 20, baseline tier), for an echo that changes none; guard's
   * p50 in 1,000-key A/B runs in turns: 0 to 33 µs lower (four runs).
   */
  private modesMayChange = true;
  private pendingBytes = 0;
  /** Rows changed since the last takeDirtyRows(); all of them until xterm's tracker says otherwise. */
  private dirtyStart = 0;
  private dirtyEnd = Infinity;
  private readonly tracksRows: boolean;

  constructor(private readonly opts: ScreenModelOptions) {
    this.term = new Terminal({ cols: opts.cols, rows: opts.rows, scrollback: opts.scrollback, allowProposedApi: true });
    this.buffers = this.term.buffer;
    this.replies = new ReplyQueue((s) => this.replyEmitter.fire(s));
    const t = this.term;
    // Empty data comes from input('', true), guard's way of asking for parsing at once.
    this.subs.add(t.onData((d) => { if (d) this.replies.push(d); }));
    this.subs.add(t.onBinary((d) => this.replies.push(d)));
    this.subs.add(t.onTitleChange((title) => this.titleEmitter.fire(title)));
    this.subs.add(t.onBell(() => this.bellEmitter.fire()));
    this.subs.add(t.onWriteParsed(() => { if (this.modesMayChange) this.checkModes(); this.parsedEmitter.fire(); }));
    const refreshRows = refreshRowsEvent(t);
    this.tracksRows = refreshRows !== null;
    if (refreshRows) this.subs.add(refreshRows((e) => (e ? this.markDirty(e.start, e.end) : this.markAllDirty())));
    this.installQueryHandlers();
    this.installModeHooks();
  }

  /** Feeds the program's output; `done` runs once xterm has parsed it. */
  write(data: Buffer | string, done?: () => void): void {
    const n = data.length;
    this.pendingBytes += n;
    // Parse now when nothing is queued (xterm would otherwise wait for a timer, ≥ 1 ms, per
    // batch); with a queue, xterm's own time-sliced parsing continues as usual. This is what
    // draws a keystroke's echo at once: xterm's "user typed" flag, set here, makes the next
    // write into an empty queue parse in the call (it does nothing to a write into a queue), so
    // setting it when the key is typed too, as guard did, spent ~18 µs a key for nothing.
    if (this.pendingBytes === n) this.term.input('', true);
    this.term.write(data, () => { this.pendingBytes -= n; done?.(); });
  }

  /**
   * Whether a batch of output written next may skip the lines that scroll out of reach
   * (./flood-skip.ts): everything handed over is parsed, xterm's parser is at rest (not inside an
   * escape sequence or a UTF-8 character) and the scroll region is the whole screen. Read from
   * @xterm/headless 6.0.0's internals (`_core._inputHandler._parser.currentState`, its
   * `_utf8Decoder.interim`, `_core.buffer.scrollTop/scrollBottom`), defensively: when a later
   * xterm lacks them, nothing is skipped (slower floods, same screen); a unit test says so.
   */
  canSkip(): boolean {
    if (this.pendingBytes !== 0) return false;
    const core = (this.term as unknown as { _core?: XtermCore })._core;
    const ih = core?._inputHandler;
    const state = ih?._parser?.currentState;
    const interim = ih?._utf8Decoder?.interim;
    const buf = core?.buffer;
    if (state !== PARSER_GROUND || !(interim instanceof Uint8Array) || !buf) return false;
    if (interim.some((b) => b !== 0)) return false;
    return buf.scrollTop === 0 && buf.scrollBottom === this.term.rows - 1;
  }

  /** Line feeds a skipped batch must keep (./flood-skip.ts): the history, the screen twice, a margin. */
  get skipKeepLines(): number { return this.opts.scrollback + this.skipScreenLines; }
  /** Line feeds that leave the screen (not the history) as a whole batch would: the screen twice, a margin. */
  get skipScreenLines(): number { return 2 * this.term.rows + SKIP_MARGIN_LINES; }

  /** Bytes handed to xterm and not yet parsed. */
  get backlog(): number { return this.pendingBytes; }

  resize(cols: number, rows: number): void {
    if (cols === this.term.cols && rows === this.term.rows) return;
    this.term.resize(Math.max(1, cols), Math.max(1, rows));
    this.markAllDirty();
  }

  /** The rows of the live screen that changed since the last call (null: any row may have). */
  takeDirtyRows(): DirtyRows {
    const rows: DirtyRows = !this.tracksRows || this.dirtyEnd === Infinity ? null
      : this.dirtyEnd < this.dirtyStart ? { start: 0, end: -1 } : { start: this.dirtyStart, end: this.dirtyEnd };
    this.dirtyStart = Infinity;
    this.dirtyEnd = -1;
    return rows;
  }

  private markDirty(start: number, end: number): void {
    if (start < this.dirtyStart) this.dirtyStart = start;
    if (end > this.dirtyEnd) this.dirtyEnd = end;
  }

  private markAllDirty(): void { this.dirtyStart = 0; this.dirtyEnd = Infinity; }

  get cols(): number { return this.term.cols; }
  get rows(): number { return this.term.rows; }
  /**
   * The active buffer, through the namespace kept at construction: xterm's `term.buffer` getter
   * checks the proposed-API option through its options proxy on every call, ~12 µs of each
   * keystroke's echo in V8's baseline tier (cpu profile of 3,000 keys: 36 ms under afterParse
   * alone), and the pane reads the buffer several times a frame. xterm hands out one namespace
   * object for the terminal's life.
   */
  get buffer(): ModelBuffer { return this.buffers.active; }

  /**
   * The modes as of the last parse: what modes() would say, without building them again (the
   * pane reads them for every frame). They change only while output is parsed, and a parse that
   * went through a mode's sequence ends in checkModes.
   */
  get parsedModes(): ProgramModes { return this.lastModes; }

  modes(): ProgramModes {
    const m = this.term.modes;
    return {
      mouseTracking: m.mouseTrackingMode,
      sgrMouse: this.tracked.sgrMouse,
      bracketedPaste: m.bracketedPasteMode,
      focusReports: m.sendFocusMode,
      appCursorKeys: m.applicationCursorKeysMode,
      appKeypad: m.applicationKeypadMode,
      cursorVisible: this.tracked.cursorVisible,
      cursorStyle: this.tracked.cursorStyle,
      colorSchemeReports: this.tracked.colorSchemeReports,
      synchronizedOutput: m.synchronizedOutputMode,
      altScreen: this.buffers.active.type === 'alternate',
      kittyFlags: this.kittyStack().at(-1) ?? 0,
    };
  }

  onReply(fn: (s: string) => void): Disposable { return this.replyEmitter.on(fn); }
  onTitle(fn: (title: string) => void): Disposable { return this.titleEmitter.on(fn); }
  onBell(fn: () => void): Disposable { return this.bellEmitter.on(fn); }
  onModes(fn: (m: ProgramModes) => void): Disposable { return this.modesEmitter.on(fn); }
  /** Sequences meant for the user's terminal itself (clipboard writes, OSC 52). */
  onForOuter(fn: (seq: string) => void): Disposable { return this.outerEmitter.on(fn); }
  /** After each batch of output is parsed (the renderer schedules a frame). */
  onParsed(fn: () => void): Disposable { return this.parsedEmitter.on(fn); }

  dispose(): void { this.subs.dispose(); this.term.dispose(); }

  private checkModes(): void {
    this.modesMayChange = false;
    const next = this.modes();
    const prev = this.lastModes;
    let same = true;
    // Indexed: this runs after every parse, in V8's baseline tier, where for-of makes garbage per key.
    for (let i = 0; i < MODE_KEYS.length; i++) {
      const k = MODE_KEYS[i] as keyof ProgramModes;
      if (next[k] !== prev[k]) { same = false; break; }
    }
    if (same) return;
    this.lastModes = next;
    this.modesEmitter.fire(next);
  }

  /** Queries xterm does not answer itself. */
  private installQueryHandlers(): void {
    const p = this.term.parser;
    // OSC 10/11 `?`: the outer terminal's colours. Anything else (setting a colour) is xterm's.
    for (const [ident, key] of [[10, 'fg'], [11, 'bg']] as const) {
      this.subs.add(p.registerOscHandler(ident, (data) => {
        if (data !== '?') return false;
        this.replies.push(this.opts.colours.then((c) => `\x1b]${ident};${c[key]}${ST}`, () => `\x1b]${ident};${DEFAULT_COLOURS[key]}${ST}`));
        return true;
      }));
    }
    // XTVERSION (CSI > 0 q): name and version.
    this.subs.add(p.registerCsiHandler({ prefix: '>', final: 'q' }, (params) => {
      if ((params[0] ?? 0) !== 0) return false;
      this.replies.push(`\x1bP>|guard(${this.opts.version})${ST}`);
      return true;
    }));
    // Clipboard writes (OSC 52) are for the user's terminal; queries of the clipboard are not passed on.
    this.subs.add(p.registerOscHandler(52, (data) => {
      if (!data.endsWith(';?')) this.outerEmitter.fire(`\x1b]52;${data}\x07`);
      return true;
    }));
    this.installKittyKeyboard();
  }

  /**
   * The kitty keyboard protocol: the query (CSI ? u) is answered only when the user's terminal
   * speaks the protocol (no answer means "not supported"; the program's next query, usually CSI c,
   * is answered as usual), with the flags this program has on; push (CSI > f u), pop (CSI < n u)
   * and set (CSI = f ; mode u) keep its flags, which the pane mirrors onto the outer terminal.
   */
  private installKittyKeyboard(): void {
    const p = this.term.parser;
    const supported = this.opts.kittyKeyboard;
    // Known as soon as the outer terminal answered; until then an answer waits in the reply queue.
    let known: boolean | null = supported ? null : false;
    void supported?.then((yes) => { known = yes; }, () => { known = false; });
    const num = (v: number | number[] | undefined, d: number): number => (typeof v === 'number' ? v : v?.[0] ?? d);
    const answer = (): string => `\x1b[?${this.kittyStack().at(-1) ?? 0}u`;
    this.subs.add(p.registerCsiHandler({ prefix: '?', final: 'u' }, () => {
      if (known === true) this.replies.push(answer());
      else if (known === null && supported) this.replies.push(supported.then((yes) => (yes ? answer() : ''), () => ''));
      return true;
    }));
    this.subs.add(p.registerCsiHandler({ prefix: '>', final: 'u' }, (params) => {
      this.modesMayChange = true;
      const stack = this.kittyStack();
      stack.push(num(params[0], 0));
      if (stack.length > KITTY_STACK_MAX) stack.shift();
      return true;
    }));
    this.subs.add(p.registerCsiHandler({ prefix: '<', final: 'u' }, (params) => {
      this.modesMayChange = true;
      const stack = this.kittyStack();
      stack.splice(Math.max(0, stack.length - Math.max(1, num(params[0], 1))));
      return true;
    }));
    this.subs.add(p.registerCsiHandler({ prefix: '=', final: 'u' }, (params) => {
      this.modesMayChange = true;
      const stack = this.kittyStack();
      const flags = num(params[0], 0);
      const top = stack.at(-1) ?? 0;
      const mode = num(params[1], 1);
      const next = mode === 2 ? top | flags : mode === 3 ? top & ~flags : flags;
      if (stack.length === 0) stack.push(next); else stack[stack.length - 1] = next;
      return true;
    }));
  }

  private kittyStack(): number[] {
    return this.kittyStacks[this.buffers.active.type === 'alternate' ? 'alternate' : 'normal'];
  }

  /** Modes xterm keeps but does not publish: watched on the way through (returning false lets xterm act too). */
  private installModeHooks(): void {
    const p = this.term.parser;
    const setDec = (on: boolean) => (params: (number | number[])[]): boolean => {
      this.modesMayChange = true;
      for (const param of params) {
        const n = typeof param === 'number' ? param : param[0];
        if (n === 1006) this.tracked.sgrMouse = on;
        else if (n === 25) this.tracked.cursorVisible = on;
        else if (n === 2031) this.tracked.colorSchemeReports = on;
      }
      return false;
    };
    this.subs.add(p.registerCsiHandler({ prefix: '?', final: 'h' }, setDec(true)));
    this.subs.add(p.registerCsiHandler({ prefix: '?', final: 'l' }, setDec(false)));
    this.subs.add(p.registerCsiHandler({ intermediates: ' ', final: 'q' }, (params) => {
      this.modesMayChange = true;
      const n = params[0];
      this.tracked.cursorStyle = typeof n === 'number' ? n : 0;
      return false;
    }));
    const reset = (): boolean => {
      this.modesMayChange = true;
      // xterm redraws the whole screen after RIS without its row tracker.
      this.markAllDirty();
      this.tracked = { sgrMouse: false, cursorVisible: true, cursorStyle: 0, colorSchemeReports: false };
      this.kittyStacks = { normal: [], alternate: [] };
      return false;
    };
    this.subs.add(p.registerEscHandler({ final: 'c' }, reset)); // RIS
    this.subs.add(p.registerCsiHandler({ intermediates: '!', final: 'p' }, () => { this.modesMayChange = true; this.tracked.cursorVisible = true; return false; })); // DECSTR
    // The rest that moves a mode xterm keeps: DECKPAM and DECKPNM (the keypad), and XTRESTORE in
    // case a later xterm restores saved modes. xterm acts on each as before (false).
    const mayChange = (): boolean => { this.modesMayChange = true; return false; };
    this.subs.add(p.registerEscHandler({ final: '=' }, mayChange));
    this.subs.add(p.registerEscHandler({ final: '>' }, mayChange));
    this.subs.add(p.registerCsiHandler({ prefix: '?', final: 'r' }, mayChange));
  }
}
