// A terminal for end-to-end tests: runs a program in a real pty (guard's own, src/supervisor/pty.ts,
// so that the program's last output at its exit is never lost on the way, as it was with the pty
// package alone on Linux) and reconstructs its screen with @xterm/headless, the way a user's
// terminal would. Tests type into it and assert
// on the screen, never on raw bytes. Like a real terminal, it answers the program's queries.
// Also the one reader of a headless terminal's cells (`cells`) for tests that compare screens.
import { StringDecoder } from 'node:string_decoder';
import xtermHeadless from '@xterm/headless';
import { spawnPty, type ProgramPty } from '../../src/supervisor/pty.js';
import { until } from './until.js';

const { Terminal } = xtermHeadless;
type HeadlessTerminal = InstanceType<typeof Terminal>;

export interface TerminalOptions {
  file: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  cols?: number;
  rows?: number;
  /** Speak the kitty keyboard protocol, as kitty, Ghostty, WezTerm or foot do (default: no, as xterm). */
  kittyKeyboard?: boolean;
}

export interface ExitStatus { exitCode: number; signal: number }

export class TestTerminal {
  readonly term: HeadlessTerminal;
  readonly proc: ProgramPty;
  /** Every byte the program wrote, for the rare test that must look at bytes (pass-through). */
  raw = '';
  readonly exited: Promise<ExitStatus>;
  private exitStatus: ExitStatus | null = null;
  private pending: Promise<void> = Promise.resolve();
  /** Kitty keyboard flags programs pushed on this terminal (one stack; tests run on one screen of it). */
  readonly kittyStack: number[] = [];
  /** Every kitty keyboard sequence the program sent, in order (query, push, pop, set). */
  readonly kittySeen: string[] = [];
  private hidden = false;

  constructor(opts: TerminalOptions) {
    const cols = opts.cols ?? 100;
    const rows = opts.rows ?? 30;
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.env ?? process.env)) if (v !== undefined) env[k] = v;
    this.proc = spawnPty(opts.file, opts.args ?? [], { cols, rows, cwd: opts.cwd ?? process.cwd(), env });
    const utf8 = new StringDecoder('utf8');
    this.proc.onData((d) => {
      this.raw += utf8.write(d);
      this.pending = new Promise((resolve) => this.term.write(d, resolve));
    });
    // Replies to the program's queries (device attributes, cursor position …) go back to it.
    this.term.onData((d) => { if (!this.exitStatus) this.proc.write(d); });
    if (opts.kittyKeyboard) this.speakKitty();
    this.watchCursor();
    this.exited = new Promise((resolve) => {
      this.proc.onExit((e) => { this.exitStatus = { exitCode: e.exitCode, signal: e.signal }; resolve(this.exitStatus); });
    });
  }

  get exitedStatus(): ExitStatus | null { return this.exitStatus; }

  /** The kitty keyboard flags on now (0: none, or a terminal without the protocol). */
  get kittyFlags(): number { return this.kittyStack.at(-1) ?? 0; }

  /** What this terminal sends for Shift-Enter: a kitty key report once a program asked for them, else a plain Enter. */
  shiftEnter(): string { return this.kittyFlags & 1 ? '\x1b[13;2u' : '\r'; }

  /** What this terminal sends for Ctrl + a letter (lower case). */
  ctrl(letter: string): string {
    return this.kittyFlags & 1 ? `\x1b[${letter.charCodeAt(0)};5u` : String.fromCharCode(letter.charCodeAt(0) & 0x1f);
  }

  /** The program hid the cursor (DECTCEM, CSI ?25 l) and has not shown it again. */
  get cursorHidden(): boolean { return this.hidden; }

  /**
   * xterm keeps the cursor's visibility but does not publish it (its public `modes` has no
   * DECTCEM): it is read on the way through its parser, as a terminal sets it. Each handler
   * returns false, so xterm acts on the sequence too. RIS and DECSTR show the cursor again.
   */
  private watchCursor(): void {
    const p = this.term.parser;
    const dec = (on: boolean) => (params: (number | number[])[]): boolean => {
      if (params.some((v) => (typeof v === 'number' ? v : v[0]) === 25)) this.hidden = !on;
      return false;
    };
    p.registerCsiHandler({ prefix: '?', final: 'h' }, dec(true));
    p.registerCsiHandler({ prefix: '?', final: 'l' }, dec(false));
    p.registerEscHandler({ final: 'c' }, () => { this.hidden = false; return false; });
    p.registerCsiHandler({ intermediates: '!', final: 'p' }, () => { this.hidden = false; return false; });
  }

  /** Answers CSI ? u with the flags on, and keeps the stack programs push, pop and set. */
  private speakKitty(): void {
    const p = this.term.parser;
    const n = (v: number | number[] | undefined, d: number): number => (typeof v === 'number' ? v : v?.[0] ?? d);
    p.registerCsiHandler({ prefix: '?', final: 'u' }, () => {
      this.kittySeen.push('?u');
      if (!this.exitStatus) this.proc.write(`\x1b[?${this.kittyFlags}u`);
      return true;
    });
    p.registerCsiHandler({ prefix: '>', final: 'u' }, (params) => { this.kittySeen.push(`>${n(params[0], 0)}u`); this.kittyStack.push(n(params[0], 0)); return true; });
    p.registerCsiHandler({ prefix: '<', final: 'u' }, (params) => {
      this.kittySeen.push(`<${n(params[0], 1)}u`);
      this.kittyStack.splice(Math.max(0, this.kittyStack.length - Math.max(1, n(params[0], 1))));
      return true;
    });
    p.registerCsiHandler({ prefix: '=', final: 'u' }, (params) => {
      this.kittySeen.push(`=${n(params[0], 0)};${n(params[1], 1)}u`);
      const top = this.kittyFlags;
      const f = n(params[0], 0);
      const mode = n(params[1], 1);
      const next = mode === 2 ? top | f : mode === 3 ? top & ~f : f;
      if (this.kittyStack.length === 0) this.kittyStack.push(next); else this.kittyStack[this.kittyStack.length - 1] = next;
      return true;
    });
  }

  /** The visible screen, one string per row, right-trimmed. */
  lines(): string[] {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  screen(): string { return this.lines().join('\n'); }

  write(data: string): void { this.proc.write(data); }

  resize(cols: number, rows: number): void { this.proc.resize(cols, rows); this.term.resize(cols, rows); }

  /** Resolves once the screen satisfies `what`; rejects with the screen in the message on timeout. */
  async waitFor(what: string | RegExp | ((screen: string) => boolean), timeoutMs = 20_000): Promise<string> {
    const test = typeof what === 'string' ? (s: string) => s.includes(what)
      : what instanceof RegExp ? (s: string) => what.test(s) : what;
    let s = '';
    await until(async () => {
      await this.pending;
      s = this.screen();
      return test(s);
    }, timeoutMs, () => `${String(what)}; screen:\n${s}`);
    return s;
  }

  /** Waits for the program to exit, killing it after `timeoutMs`. */
  async waitExit(timeoutMs = 20_000): Promise<ExitStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => { this.kill(); reject(new Error(`program did not exit within ${timeoutMs} ms; screen:\n${this.screen()}`)); }, timeoutMs);
    });
    try { return await Promise.race([this.exited, timeout]); } finally { clearTimeout(timer); await this.pending; }
  }

  /**
   * Signals the program's whole process group (it leads one: the pty made it a session leader),
   * so hook relays, `script` wrappers and shells it started end with it instead of living on.
   */
  kill(signal = 'SIGKILL'): void {
    if (this.exitStatus) return;
    this.proc.kill(signal);
  }

  dispose(): void { this.kill(); this.term.dispose(); }

  /** SIGTERM first (guard then ends its program itself; SIGKILL would orphan it), SIGKILL after `graceMs`; then dispose. */
  async end(graceMs: number): Promise<void> {
    if (!this.exitStatus) {
      this.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise((r) => { timer = setTimeout(r, graceMs); })]);
      clearTimeout(timer);
    }
    this.dispose();
  }
}

export function startTerminal(opts: TerminalOptions): TestTerminal { return new TestTerminal(opts); }

/** One cell as a user sees it: its text, width, colours (mode | value) and attributes (bold, dim, italic, underline, inverse, strikethrough as 0/1). */
export interface Cell { ch: string; w: number; fg: number; bg: number; attrs: string }

/** The cells of the first `rows` rows on screen (from the top of the viewport): compare two terminals cell for cell. */
export function cells(term: HeadlessTerminal, rows: number): Cell[][] {
  const buf = term.buffer.active;
  const cell = buf.getNullCell();
  const out: Cell[][] = [];
  for (let y = 0; y < rows; y++) {
    const line = buf.getLine(buf.viewportY + y);
    const row: Cell[] = [];
    for (let x = 0; x < term.cols; x++) {
      const c = line?.getCell(x, cell);
      if (!c) continue;
      row.push({
        ch: c.getChars(), w: c.getWidth(),
        fg: c.getFgColorMode() | c.getFgColor(), bg: c.getBgColorMode() | c.getBgColor(),
        attrs: [c.isBold(), c.isDim(), c.isItalic(), c.isUnderline(), c.isInverse(), c.isStrikethrough()].map((v) => (v ? 1 : 0)).join(''),
      });
    }
    out.push(row);
  }
  return out;
}
