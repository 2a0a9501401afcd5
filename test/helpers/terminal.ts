// A terminal for end-to-end tests: runs a program in a real pty (node-pty) and reconstructs its
// screen with @xterm/headless, the way a user's terminal would. Tests type into it and assert
// on the screen, never on raw bytes. Like a real terminal, it answers the program's queries.
import * as pty from 'node-pty';
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
    this.exited = new Promise((resolve) => {
      this.proc.onExit((e) => { this.exitStatus = { exitCode: e.exitCode, signal: e.signal ?? 0 }; resolve(this.exitStatus); });
    });
  }

  get exitedStatus(): ExitStatus | null { return this.exitStatus; }

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

  kill(signal = 'SIGKILL'): void { if (!this.exitStatus) { try { this.proc.kill(signal); } catch { /* already gone */ } } }

  dispose(): void { this.kill(); this.term.dispose(); }
}

export function startTerminal(opts: TerminalOptions): TestTerminal { return new TestTerminal(opts); }
