// Hooks that need no answer, delivered as files instead of HTTP posts. The command an agent runs
// for such a hook (Claude's SessionStart, UserPromptSubmit, Stop, and its status line when the user
// has none; every hook of Codex's and Gemini's) is one POSIX shell line (hookSpoolCommand): `cat`
// writes the hook's JSON from stdin to a private folder under a temporary name, and `mv` gives it
// its final name once it is whole. guard watches the folder (fs.watch: inotify on Linux), reads
// each finished file, removes it and hands the event name and the parsed JSON to `onHook`, as the
// receiver does for a relay's post. Input: the files in the folder (made here, 0700, under the
// system's temporary folder: ../lib/run-folder.ts). Output: onHook(event, payload) per file, oldest
// first; onError for a file that is not a hook's JSON.
//
// Why not the relay: a relay is a Node start, ~55 ms of CPU each (measured here: `node` on the
// relay, 0.05-0.06 s wall, 0.05 s user+sys), and Claude runs its SessionStart hook in the last
// ~200 ms before it draws its first screen, the stretch guard's start-up is measured on (issue 10).
// A/B on this 2-core machine, 30 alternating pairs: with SessionStart's command a plain `cat`,
// Claude's prompt came 44 ms sooner under guard (1268 against 1312 ms). The shell line costs
// ~3 ms. Gemini and Codex wait for their hooks too (a Gemini turn ended ~80 ms sooner, Codex's
// first ~60 ms: src/gemini/settings.ts, src/codex/settings.ts). Claude's HTTP hooks would need no
// process at all, but 2.1.330 refuses them for SessionStart ("HTTP hooks are not supported for
// SessionStart"). Hooks whose answer Claude reads (PreCompact: guard may hold the compaction) keep
// the relay.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onProcessExit, type Disposable } from '../lib/disposables.js';
import { backgroundClock } from '../lib/clock.js';
import { shellQuote } from '../lib/shell.js';
import { makeRunFolder } from '../lib/run-folder.js';

export interface HookSpoolOptions {
  onHook(event: string, payload: unknown): void;
  onError(err: Error): void;
  /** Parent of the folder (default: os.tmpdir(), which honours TMPDIR). */
  tmpDir?: string;
  /** Where to hook the exit backstop (default: process); tests pass their own. */
  onExit?: (fn: () => void) => () => void;
  /** How the folder is watched (default: fs.watch); tests pass one that never fires. */
  watch?: (dir: string, onChange: (event: string, name: string | Buffer | null) => void) => fs.FSWatcher;
  /** The folder is also read this often (default POLL_MS). */
  pollMs?: number;
}

export interface HookSpool extends Disposable {
  /** The private folder the hook commands write to. */
  readonly dir: string;
}

/** A finished hook file: `<Event>-<shell pid>.json` (hookSpoolCommand). Anything else is a file being written. */
const DONE_FILE = /^([A-Za-z]+)-(\d+)\.json$/;
/** A hook's JSON is a few KB; Stop carries the last message, which can be long, but not this long
 * (the relays' limit, src/claude/relay/post.ts). */
export const MAX_HOOK_FILE_BYTES = 16 * 1024 * 1024;
/**
 * The folder is read this often besides: a watcher that misses an event (a network filesystem
 * under TMPDIR, where inotify sees no change) then delays a hook by up to this, never loses it.
 * A read of a folder that is empty almost always costs ~20 us.
 */
export const POLL_MS = 1000;

/**
 * The shell line for `event`'s hook: the JSON on stdin to `<dir>/<event>-$$.json`, whole or not at
 * all. It prints nothing (a SessionStart hook's output would reach Claude's context), reads its
 * stdin to the end whatever happens (Claude's write to it must not fail: with the folder gone the
 * redirection fails before the first `cat` reads), and exits 0 (a guard that is gone must not
 * show the user hook errors). `$$`, the shell's pid, keeps two hooks running at once apart.
 * It sets no shell variable of its own: Gemini CLI (0.61.0, resolveEnvVarsInString) replaces
 * `$NAME` and `${NAME}` in its settings with its environment's values before any shell sees them,
 * so a `$f` would become the user's `f`; `$$` it leaves alone.
 */
export function hookSpoolCommand(dir: string, event: string): string {
  if (!/^[A-Za-z]+$/.test(event)) throw new RangeError(`hookSpoolCommand: event must be letters only, got ${JSON.stringify(event)}`);
  const file = (ext: string): string => `${shellQuote(path.join(dir, event))}-"$$".${ext}`;
  return `{ cat >${file('part')} && mv -f ${file('part')} ${file('json')}; } 2>/dev/null || cat >/dev/null; exit 0`;
}

/**
 * Makes the folder and watches it. Throws when either cannot be done (no temporary folder, no
 * inotify watch left): the caller then gives Claude the relay instead.
 */
export function startHookSpool(opts: HookSpoolOptions): HookSpool {
  if (typeof opts.onHook !== 'function') throw new TypeError(`startHookSpool: onHook must be a function, got ${typeof opts.onHook}`);
  if (typeof opts.onError !== 'function') throw new TypeError(`startHookSpool: onError must be a function, got ${typeof opts.onError}`);
  // A name no other user can predict; 0700 so that nobody else can drop a hook in.
  const dir = makeRunFolder('hooks', opts.tmpDir ?? os.tmpdir());
  let removed = false;
  const removeDir = (): void => {
    if (removed) return;
    removed = true;
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* nothing private is left in it once read */ }
  };
  let watcher: fs.FSWatcher;
  try {
    // An event for a finished file's name, or one without a name, reads the whole folder (a
    // watcher may fold events together); the writes to a `.part` file (hundreds for a long Stop)
    // do not.
    watcher = (opts.watch ?? ((d, fn) => fs.watch(d, { persistent: false }, fn)))(dir, (_event, name) => {
      if (name === null || name === undefined || DONE_FILE.test(String(name))) drain();
    });
  } catch (err) {
    removeDir();
    throw err;
  }
  watcher.on('error', (err) => opts.onError(new Error(`hook folder ${dir}: ${err.message}`)));
  const unhook = (opts.onExit ?? onProcessExit)(removeDir);
  let disposed = false;
  // An interval of the real clock never keeps guard alive.
  const poll = backgroundClock.setInterval(() => drain(), opts.pollMs ?? POLL_MS);

  function drain(): void {
    if (disposed) return;
    let names: string[];
    try { names = fs.readdirSync(dir); } catch { return; }
    const done: Array<{ name: string; event: string; mtime: number }> = [];
    for (const name of names) {
      const m = DONE_FILE.exec(name);
      if (!m) continue;
      try { done.push({ name, event: m[1] as string, mtime: fs.statSync(path.join(dir, name)).mtimeMs }); } catch { /* taken by an earlier drain */ }
    }
    done.sort((a, b) => a.mtime - b.mtime);
    for (const f of done) take(f.name, f.event);
  }

  function take(name: string, event: string): void {
    const file = path.join(dir, name);
    let text: string;
    try {
      const size = fs.statSync(file).size;
      if (size > MAX_HOOK_FILE_BYTES) throw new Error(`larger than ${MAX_HOOK_FILE_BYTES} bytes (${size})`);
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      try { fs.unlinkSync(file); } catch { /* gone already */ }
      opts.onError(new Error(`hook file ${name}: ${(err as Error).message}`));
      return;
    }
    try { fs.unlinkSync(file); } catch { /* read already; a second drain finds it gone */ }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (err) {
      opts.onError(new Error(`hook file ${name}: invalid JSON: ${(err as Error).message}`));
      return;
    }
    try {
      opts.onHook(event, payload);
    } catch (err) {
      opts.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  return {
    dir,
    dispose(): void {
      if (disposed) return;
      disposed = true;
      poll.dispose();
      watcher.close();
      unhook();
      removeDir();
    },
  };
}
