// guard's private folders for one run, under the system's temporary folder: the hook folder
// (src/telemetry/hook-spool.ts), the settings file's folder (src/claude/settings-file.ts) and
// Gemini's home (src/agents/gemini/adapter.ts). Part of the shared toolkit (src/lib/): imports
// nothing of guard's. Input: a kind and a parent folder. Output: a fresh 0700 folder whose name
// says which guard made it, on which host (`guard-<kind>-<pid>-<host>-XXXXXX`), and a sweep that
// removes such folders whose guard is gone.
//
// Why the sweep: a run removes its folders on every way out it sees (exit, signals, errors, and a
// process exit listener behind them), but `kill -9`, the kernel's OOM killer or a power cut give it
// no chance. What is left stays for good, one set per such run: the user's merged Claude
// settings (0600, their `env` values and helper commands among them) and the hook folder. A later
// run removes them, a few seconds after its program started (../cli/commands/run-session.ts), off
// the start-up path. Gemini's home is never swept: what Gemini created there is the user's, and
// only that run's dispose knows how to put it back (src/gemini/home.ts). Nor is the demo's folder
// (src/cli/commands/demo.ts, not made here): it keeps the project with the checkpoint note on
// purpose.
//
// What the sweep never removes: the folder of a process that runs (its pid answers; a pid another
// process has taken since keeps the folder: the safe side), one made on another host (a temporary
// folder shared with a container or over the network: its pids mean nothing here), one that is not
// the user's, anything that is not a real folder (a link), and anything whose name guard did not
// give (folders of guards before the pid was in the name included). Exposure left: a container
// that shares this temporary folder, has the same host name and its own pid namespace; its
// running guards' pids may read as gone here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isPidAlive } from './pid.js';

export const RUN_FOLDER_KINDS = ['hooks', 'settings', 'gemini'] as const;
export type RunFolderKind = (typeof RUN_FOLDER_KINDS)[number];

/** A name makeRunFolder gave to a kind the sweep removes (not Gemini's home): kind, pid, host tag,
 * then mkdtemp's six letters and digits. */
const SWEPT_NAME = /^guard-(hooks|settings)-([1-9]\d*)-([0-9a-z]{1,7})-[A-Za-z0-9]{6}$/;

/**
 * A short tag for the host name, the same on every run on this host: FNV-1a (32 bits) in base 36,
 * at most 7 characters. A name may hold anything a folder's name may not; a collision between two
 * hosts that share a temporary folder only brings back the exposure named above.
 */
export function hostTag(host: string = os.hostname()): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(host, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(36);
}

/** Makes a fresh private folder for this run. Throws what mkdtemp throws. */
export function makeRunFolder(kind: RunFolderKind, parent: string = os.tmpdir()): string {
  if (!RUN_FOLDER_KINDS.includes(kind)) throw new RangeError(`makeRunFolder: kind must be one of ${RUN_FOLDER_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  // mkdtemp: a name no other user can predict, and mode 0700 (a umask can only take bits away).
  return fs.mkdtempSync(path.join(parent, `guard-${kind}-${process.pid}-${hostTag()}-`));
}

export interface SweepOptions {
  /** Where to look (default: os.tmpdir(), where makeRunFolder makes them). */
  parent?: string;
  /** Default: the kernel's answer (./pid.ts). */
  isAlive?: (pid: number) => boolean;
  /** Default: this host's tag. */
  host?: string;
  /** The user whose folders may go (default: this process's; null: no check, where there are no uids). */
  uid?: number | null;
}

export interface SweepResult {
  /** Names of the folders removed. */
  removed: string[];
  /** Names of the folders that should have gone and could not be removed, with the reason. */
  failed: Array<{ name: string; reason: string }>;
}

/** Removes the run folders under `parent` whose guard is gone (not Gemini's homes). Never throws: a folder that cannot be read is left. */
export async function sweepRunFolders(opts: SweepOptions = {}): Promise<SweepResult> {
  const parent = opts.parent ?? os.tmpdir();
  const isAlive = opts.isAlive ?? isPidAlive;
  const host = opts.host ?? hostTag();
  const uid = opts.uid !== undefined ? opts.uid : (process.getuid?.() ?? null);
  const result: SweepResult = { removed: [], failed: [] };
  let names: string[];
  try { names = await fs.promises.readdir(parent); } catch { return result; }
  for (const name of names) {
    const m = SWEPT_NAME.exec(name);
    if (!m || m[3] !== host) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    const dir = path.join(parent, name);
    try {
      // lstat: a link named like a run folder is not one, and is never followed.
      const st = await fs.promises.lstat(dir);
      if (!st.isDirectory() || (uid !== null && st.uid !== uid)) continue;
      // fs.rm removes the links inside (Gemini's home links to the user's files), not what they point at.
      await fs.promises.rm(dir, { recursive: true, force: true });
      result.removed.push(name);
    } catch (err) {
      result.failed.push({ name, reason: (err as NodeJS.ErrnoException).code ?? String(err) });
    }
  }
  return result;
}
