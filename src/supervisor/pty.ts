// The program's pseudo-terminal: the only module of src/ that imports the pty package (@lydell/node-pty:
// node-pty's API with prebuilt binaries, so installing guard needs no compiler). Spawns the resolved
// program in a pty of the given size; its output arrives as raw bytes (Buffers, no decoding, so
// pass-through is byte-exact and xterm decodes UTF-8 across chunk edges itself). Input reaches
// it only through PtyWriter (writer.ts).
import { createRequire } from 'node:module';
import type * as NodePty from '@lydell/node-pty';
import type { Disposable } from '../lib/disposables.js';

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
  return {
    pid: p.pid,
    ...(typeof ttyName === 'string' && ttyName !== '' ? { ttyName } : {}),
    // With `encoding: null` node-pty hands over Buffers although its typings say string.
    onData: (fn) => p.onData((d) => fn(d as unknown as Buffer)),
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
