// Reads whether the program's terminal (the slave side of its pty) is in canonical ("cooked")
// mode or raw mode, by running `stty` on it: Node has no tcgetattr. Input: the slave's path
// (e.g. /dev/pts/3, from the pty package). Output: 'cooked', 'raw', or null when it cannot
// tell (no stty, no such terminal, a slow answer). Used only after the user pressed Ctrl-Z
// (./suspend.ts), so a process start per question costs nothing the user feels.
import { childProcess } from '../lib/lazy-builtin.js';

export type LineMode = 'cooked' | 'raw';

/** `stty` answers in a few ms; a terminal it cannot open must not leave the question open. */
export const STTY_TIMEOUT_MS = 1_000;

/**
 * The flag that tells them apart in `stty -a`: `icanon` (line editing by the terminal, what a
 * program that handed the terminal back leaves) or `-icanon` (raw; every agent at its prompt).
 * GNU stty prints `... isig icanon iexten echo ...` on a line; BSD/macOS stty prints
 * `lflags: icanon isig iexten echo ...`. Pure.
 */
export function parseLineMode(sttyAll: string): LineMode | null {
  const words = sttyAll.split(/\s+/);
  if (words.includes('-icanon')) return 'raw';
  if (words.includes('icanon')) return 'cooked';
  return null;
}

/** GNU stty names the terminal with -F, the BSDs' (macOS) with -f. */
export function sttyArgs(ttyName: string, platform: NodeJS.Platform = process.platform): string[] {
  if (!ttyName.startsWith('/dev/')) throw new TypeError(`sttyArgs: expected a terminal device path, got ${JSON.stringify(ttyName)}`);
  return [platform === 'linux' ? '-F' : '-f', ttyName, '-a'];
}

export type RunStty = (args: string[]) => Promise<string | null>;

/** Runs `stty` with `args`; its output, or null on any failure. Never rejects. */
export const runStty: RunStty = (args) => new Promise((resolve) => {
  try {
    childProcess().execFile('stty', args, { timeout: STTY_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout) => resolve(err ? null : stdout));
  } catch {
    resolve(null);
  }
});

/** The program's terminal's line mode now (null: unknown). Never rejects. */
export async function ttyLineMode(ttyName: string, run: RunStty = runStty): Promise<LineMode | null> {
  let args: string[];
  try { args = sttyArgs(ttyName); } catch { return null; }
  const out = await run(args);
  return out === null ? null : parseLineMode(out);
}
