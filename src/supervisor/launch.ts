// Starts the program in its pty as soon as guard knows its args and environment, before the rest
// of guard (the supervisor's wiring, the agent run, the display) has even loaded: guard's share
// of the time to Claude's prompt is what it does before the spawn (start-up, issue 10). Input:
// the resolved program, its args, its final environment and the pty's size. Output: the program's
// pty, holding what the program writes and its exit until the supervisor (./supervise.ts
// runSupervised with `launched`) listens; then it hands both over in order, and passes the rest
// on as it comes. Also here: the program's environment, built the same way for a launch and for
// the supervisor's own spawn.
import { spawnPty as realSpawnPty, type ProgramPty, type PtyExit, type SpawnPty } from './pty.js';
import type { Disposable } from '../lib/disposables.js';

/** The terminal guard emulates for the program in its pane (what the screen model understands). */
export const PROGRAM_TERM = 'xterm-256color';

/** The program's environment: the user's, guard's additions on top; in guard's pane, its TERM. */
export function programEnv(env: NodeJS.ProcessEnv, extraEnv: Record<string, string> | undefined, pane: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...env, ...extraEnv })) if (v !== undefined) out[k] = v;
  if (pane) out.TERM = PROGRAM_TERM;
  return out;
}

export interface LaunchOptions {
  /** The program's file, resolved (./resolve.ts). */
  file: string;
  args: string[];
  cwd: string;
  /** Its whole environment (programEnv). */
  env: Record<string, string>;
  cols: number;
  rows: number;
  /** Spawned for guard's pane (true) or for pass-through. */
  pane: boolean;
  spawn?: SpawnPty;
}

/** A program started by launchProgram, for runSupervised to take over. */
export interface Launched {
  readonly file: string;
  readonly args: readonly string[];
  /** Holds the program's output and exit until the first listener of each (see holdingPty). */
  readonly pty: ProgramPty;
  /** The size it was spawned with: the supervisor resizes when its own layout differs. */
  readonly cols: number;
  readonly rows: number;
  readonly pane: boolean;
}

export function launchProgram(o: LaunchOptions): Launched {
  if (!Number.isInteger(o.cols) || o.cols < 1 || !Number.isInteger(o.rows) || o.rows < 1) {
    throw new RangeError(`launchProgram: the pty needs a whole size of at least 1x1, got ${String(o.cols)}x${String(o.rows)}`);
  }
  const pty = (o.spawn ?? realSpawnPty)(o.file, o.args, { cols: o.cols, rows: o.rows, cwd: o.cwd, env: o.env });
  return { file: o.file, args: [...o.args], pty: holdingPty(pty), cols: o.cols, rows: o.rows, pane: o.pane };
}

/**
 * `p`, except that what it emits before anyone listens is kept: the first listener of its output
 * gets the kept output, and the first listener of its exit the exit, in a microtask after it
 * subscribed (so before any further event, and never inside the subscribing call), then
 * events as they come. Further listeners get events from their subscription on.
 */
export function holdingPty(p: ProgramPty): ProgramPty {
  return {
    pid: p.pid,
    ...(p.ttyName !== undefined ? { ttyName: p.ttyName } : {}),
    onData: holdFirst<Buffer>((fn) => p.onData(fn)),
    onExit: holdFirst<PtyExit>((fn) => p.onExit(fn)),
    write: (d) => p.write(d),
    resize: (c, r) => p.resize(c, r),
    kill: (s) => p.kill(s),
    pause: () => p.pause(),
    resume: () => p.resume(),
  };
}

function holdFirst<T>(subscribe: (fn: (v: T) => void) => Disposable): (fn: (v: T) => void) => Disposable {
  let kept: T[] | null = [];
  let handingOver = false;
  const listeners = new Set<(v: T) => void>();
  // Subscribed at once, so that nothing is missed; delivers to the listeners once kept is handed over.
  subscribe((v) => {
    if (kept) kept.push(v);
    else for (const fn of [...listeners]) fn(v);
  });
  return (fn) => {
    let live = true;
    if (kept && !handingOver) {
      handingOver = true;
      queueMicrotask(() => {
        const first = kept ?? [];
        kept = null;
        for (const v of first) if (live) fn(v);
        if (live) listeners.add(fn);
      });
    } else listeners.add(fn);
    return { dispose: () => { live = false; listeners.delete(fn); } };
  };
}
