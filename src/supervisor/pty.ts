// The program's pseudo-terminal: the only module of src/ that imports the pty package (@lydell/node-pty:
// node-pty's API with prebuilt binaries, so installing guard needs no compiler). Spawns the resolved
// program in a pty of the given size; its output arrives as raw bytes (Buffers, no decoding, so
// pass-through is byte-exact and xterm decodes UTF-8 across chunk edges itself). Input reaches
// it only through PtyWriter (writer.ts).
//
// On Linux the program's last output could be lost at its exit (measured: a plain node-pty reader
// of `seq 1 300000; printf LAST` missed the last 8-12 KB in 5 of 8 runs; Python's blocking and
// epoll readers, none): libuv takes a hang-up after a read shorter than its buffer for the end of
// the stream, and pty reads are never longer than 4095 bytes, so whatever the kernel still held
// was dropped when the program's side closed. guard therefore holds the program's side open
// itself (a write-only descriptor, never read) until the program has ended (SIGCHLD, then
// /proc/<pid>/stat), no output came for EXIT_QUIET_MS, and one more turn of the event loop read
// nothing (a loop held up longer than that runs its timers before its reads): only then can the
// hang-up come, with nothing left unread. A program whose background children keep the pty open ends as before
// (node-pty's own 200 ms limit).
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as NodePty from '@lydell/node-pty';
import type { Disposable } from '../lib/disposables.js';
import { backgroundClock } from '../lib/clock.js';

/**
 * After the program ended, guard lets go of its side of the pty once no output came for this long.
 * What it wrote before its exit is in the kernel's buffers, and reaches guard within a read or
 * two; 5 ms is many times that, and what the exit costs (the removed 30 ms wait for late output,
 * which did not cover this loss, cost more).
 */
export const EXIT_QUIET_MS = 5;
/** How often guard looks again for a program that has not been reaped yet (a SIGCHLD came first). */
const REAP_POLL_MS = 2;
/** Not longer than this: the SIGCHLD was another child's, or the program lives on. */
const REAP_POLL_MAX = 50;

/**
 * The pty package, loaded at the first spawn (guard's other commands never need it) and with
 * `require`: it is CommonJS, and an ES `import` of it first has Node scan its source for its
 * exports (measured: 15-20 ms of CPU by import, 11-15 ms by require, before guard can spawn).
 */
let nodePty: typeof NodePty | null = null;
const ptyPackage = (): typeof NodePty => (nodePty ??= createRequire(import.meta.url)('@lydell/node-pty') as typeof NodePty);

export interface PtyExit { exitCode: number; signal: number }

export interface ProgramPty {
  readonly pid: number;
  /** The program's side of the pty (e.g. /dev/pts/3); absent where the pty package does not say. */
  readonly ttyName?: string;
  onData(fn: (data: Buffer) => void): Disposable;
  onExit(fn: (e: PtyExit) => void): Disposable;
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  /** Signals the program's process group (the program alone if that fails). */
  kill(signal: string): void;
  /** Stops reading the program's output (back-pressure: the program blocks on write). */
  pause(): void;
  resume(): void;
}

export interface PtySpawnOptions {
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
}

export type SpawnPty = (file: string, args: string[], opts: PtySpawnOptions) => ProgramPty;

export const spawnPty: SpawnPty = (file, args, opts) => {
  const p = ptyPackage().spawn(file, args, {
    cols: Math.max(1, opts.cols),
    rows: Math.max(1, opts.rows),
    cwd: opts.cwd,
    env: opts.env,
    name: opts.env.TERM ?? 'xterm-256color',
    encoding: null,
  });
  // node-pty's UnixTerminal names its slave `ptsName` (not in the IPty typings).
  const ttyName = (p as { ptsName?: unknown }).ptsName;
  const hold = process.platform === 'linux' && typeof ttyName === 'string' && ttyName !== '' ? holdUntilDrained(p, ttyName) : null;
  return {
    pid: p.pid,
    ...(typeof ttyName === 'string' && ttyName !== '' ? { ttyName } : {}),
    // With `encoding: null` node-pty hands over Buffers although its typings say string.
    onData: (fn) => p.onData((d) => { hold?.output(); fn(d as unknown as Buffer); }),
    onExit: (fn) => p.onExit((e) => fn({ exitCode: e.exitCode, signal: e.signal ?? 0 })),
    // Its socket takes Buffers as they are (byte-exact); @lydell/node-pty 1.1.0's typings say
    // string only, where node-pty 1.1.0's say string | Buffer.
    write: (d) => p.write(d as string),
    resize: (c, r) => { try { p.resize(Math.max(1, c), Math.max(1, r)); } catch { /* pty already closed */ } },
    // The whole process group, as a terminal's hang-up would: node-pty makes the program a session
    // and group leader, so a wrapper's children (a shell script's, script(1)'s) end with it.
    kill: (s) => { try { process.kill(-p.pid, s); } catch { try { p.kill(s); } catch { /* already gone */ } } },
    pause: () => p.pause(),
    resume: () => p.resume(),
  };
};

/** What each live pty does on SIGCHLD: one process listener for all of them. */
const onSigchld = new Set<() => void>();
const fireSigchld = (): void => { for (const fn of [...onSigchld]) fn(); };
function watchChildren(fn: () => void): () => void {
  if (onSigchld.size === 0) process.on('SIGCHLD', fireSigchld);
  onSigchld.add(fn);
  return () => {
    onSigchld.delete(fn);
    if (onSigchld.size === 0) process.off('SIGCHLD', fireSigchld);
  };
}

/** Whether process `pid` has ended (gone, or a zombie not reaped yet). Linux's /proc. */
function ended(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The state follows the command name, which is in parentheses and may hold any character.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

/**
 * Holds the program's side of the pty open (see the header) until the program has ended and its
 * output stopped coming. `output()`: called for each read of the program's output.
 */
function holdUntilDrained(p: NodePty.IPty, ttyName: string): { output(): void } | null {
  let fd: number;
  try {
    // Write-only and never written: it only keeps the program's side from closing; O_NOCTTY so
    // that it never becomes guard's controlling terminal.
    fd = openSync(ttyName, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  let open = true;
  let programEnded = false;
  let unwatch = (): void => undefined;
  // Timers that never keep guard alive: the pty's stream does, until it closes.
  let quiet: Disposable | null = null;
  let confirm: Disposable | null = null;
  let poll: Disposable | null = null;
  let polls = 0;
  let outputSinceQuiet = false;
  const release = (): void => {
    if (!open) return;
    open = false;
    unwatch();
    quiet?.dispose();
    confirm?.dispose();
    poll?.dispose();
    try { closeSync(fd); } catch { /* closed already */ }
  };
  // The quiet time is over, but a loop held up for longer than it (a loaded machine) runs its
  // timers before its reads: let one turn of the loop read what the kernel still holds, and let go
  // only if nothing came (seen in CI: the last 5 KB of 2 MB lost once in 60 runs, without this).
  const confirmQuiet = (): void => {
    outputSinceQuiet = false;
    confirm = backgroundClock.setImmediate(() => { confirm = null; if (!outputSinceQuiet) release(); });
  };
  const waitForQuiet = (): void => {
    quiet?.dispose();
    quiet = backgroundClock.setTimeout(confirmQuiet, EXIT_QUIET_MS);
  };
  const check = (pollOn: boolean): void => {
    poll = null;
    if (!open || programEnded) return;
    if (ended(p.pid)) { programEnded = true; waitForQuiet(); return; }
    if (pollOn && ++polls <= REAP_POLL_MAX / REAP_POLL_MS) poll = backgroundClock.setTimeout(() => check(true), REAP_POLL_MS);
  };
  function onChild(): void {
    polls = 0;
    if (!poll) check(true);
  }
  unwatch = watchChildren(onChild);
  // Whichever way the pty ends (node-pty's own limit, a kill), the descriptor goes with it.
  p.onExit(release);
  // A program that ended before the handler was in place sent its SIGCHLD already.
  check(false);
  return { output: () => { if (programEnded && open) { outputSinceQuiet = true; waitForQuiet(); } } };
}
