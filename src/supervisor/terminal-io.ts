// The user's terminal and the process around guard, as one injectable object: stdin bytes,
// stdout writes, size, raw mode, and the process signals guard answers to. The real one wraps
// process.*; tests and benches can pass their own.
import { writeSync } from 'node:fs';
import { listen, type Disposable } from '../lib/disposables.js';

export interface TerminalIo {
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  size(): { cols: number; rows: number };
  setRawMode(on: boolean): void;
  /** Buffered write (frames, pass-through bytes). */
  write(data: string | Buffer): void;
  /** Write that is done when it returns (the last words before exit). */
  writeSync(data: string): void;
  onInput(fn: (d: Buffer) => void): Disposable;
  onInputEnd(fn: () => void): Disposable;
  pauseInput(): void;
  onResize(fn: () => void): Disposable;
  onSignal(sig: NodeJS.Signals, fn: () => void): Disposable;
  onProcessExit(fn: () => void): Disposable;
  onUncaught(fn: (err: unknown) => void): Disposable;
  stderr(text: string): void;
  /**
   * Stops guard the way Ctrl-Z stops a program run bare (SIGTSTP to itself), for the shell's job
   * control to take over; returns once guard is continued (`fg`), or at once where nobody can
   * continue it (no job control: the kernel drops SIGTSTP for an orphaned process group).
   */
  suspend(): void;
}

/** A terminal that reports no size: the classic default. */
const FALLBACK_SIZE = { cols: 80, rows: 24 };

export function processTerminal(): TerminalIo {
  const { stdin, stdout } = process;
  return {
    stdinIsTTY: stdin.isTTY === true,
    stdoutIsTTY: stdout.isTTY === true,
    size: () => ({ cols: stdout.columns || FALLBACK_SIZE.cols, rows: stdout.rows || FALLBACK_SIZE.rows }),
    setRawMode: (on) => { if (stdin.isTTY) { try { stdin.setRawMode(on); } catch { /* terminal gone */ } } },
    write: (d) => { try { stdout.write(d); } catch { /* terminal gone */ } },
    writeSync: (d) => { try { writeSync(1, d); } catch { /* terminal gone */ } },
    onInput: (fn) => { const d = listen(stdin, 'data', fn); stdin.resume(); return d; },
    onInputEnd: (fn) => listen(stdin, 'end', fn),
    pauseInput: () => { stdin.pause(); },
    onResize: (fn) => listen(stdout, 'resize', fn),
    onSignal: (sig, fn) => { process.on(sig, fn); return { dispose: () => { process.off(sig, fn); } }; },
    onProcessExit: (fn) => { process.on('exit', fn); return { dispose: () => { process.off('exit', fn); } }; },
    onUncaught: (fn) => { process.on('uncaughtException', fn); return { dispose: () => { process.off('uncaughtException', fn); } }; },
    stderr: (t) => { try { writeSync(2, t); } catch { /* nowhere to say it */ } },
    suspend: () => {
      // guard's own SIGTSTP handler (an external `kill -TSTP`, supervise.ts) is set aside, so that
      // this one takes the default action: stop here, until SIGCONT.
      const own = process.listeners('SIGTSTP');
      process.removeAllListeners('SIGTSTP');
      try { process.kill(process.pid, 'SIGTSTP'); } catch { /* cannot stop: carry on */ }
      for (const fn of own) process.on('SIGTSTP', fn as NodeJS.SignalsListener);
    },
  };
}
