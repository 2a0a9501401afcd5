// A terminal for end-to-end tests: runs a program in a real pty (node-pty) and reconstructs its
// screen with @xterm/headless, the way a user's terminal would. Tests type into it and assert
// on the screen, never on raw bytes. Like a real terminal, it answers the program's queries.
import * as pty from '@lydell/node-pty';
import xtermHeadless from '@xterm/headless';

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

const POLL_MS = 50;

export class TestTerminal {
  readonly term: HeadlessTerminal;
  readonly proc: pty.IPty;
  /** Every byte the program wrote, for the rare test that must look at bytes (pass-through). */
  raw = '';
  readonly exited: Promise<ExitStatus>;
  private exitStatus: ExitStatus | null = null;
  private pending: Promise<void> = Promise.resolve();
  /** Kitty keyboard flags programs pushed on this terminal (one stack; tests run on one screen of it). */
  readonly kittyStack: number[] = [];
  /** Every kitty keyboard sequence the program sent, in order (query, push, pop, set). */
  readonly kittySeen: string[] = [];

  constructor(opts: TerminalOptions) {
    const cols = opts.cols ?? 100;
    const rows = opts.rows ?? 30;
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.env ?? process.env)) if (v !== undefined) env[k] = v;
    this.proc = pty.spawn(opts.file, opts.args ?? [], { cols, rows, cwd: opts.cwd ?? process.cwd(), env, name: env.TERM ?? 'xterm-256color' });
    this.proc.onData((d) => {
      this.raw += d;
      this.pending = new Promise((resolve) => this.term.write(d, resolve));
    });
    // Replies to the program's queries (device attributes, cursor position …) go back to it.
    this.term.onData((d) => { if (!this.exitStatus) this.proc.write(d); });
    if (opts.kittyKeyboard) this.speakKitty();
    this.exited = new Promise((resolve) => {
      this.proc.onExit((e) => { this.exitStatus = { exitCode: e.exitCode, signal: e.signal ?? 0 }; resolve(this.exitStatus); });
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
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.pending;
      const s = this.screen();
      if (test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(what)}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
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
    try { process.kill(-this.proc.pid, signal); } catch { try { this.proc.kill(signal); } catch { /* already gone */ } }
  }

  dispose(): void { this.kill(); this.term.dispose(); }
}

export function startTerminal(opts: TerminalOptions): TestTerminal { return new TestTerminal(opts); }
