// `guard ls --json` as a test reads it: the installed CLI (bin/guard.js, the bundle) run with the
// test's GUARD_HOME, its list of live entries parsed. The one place tests run it; a failing run
// throws with guard's stderr. Sync where a test checks once, async where it polls while its
// terminal keeps reading the program's output.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { LiveEntry } from '../../src/registry/live.js';
import { GUARD_BIN } from './claude-env.js';

const execFileP = promisify(execFile);
const LS_TIMEOUT_MS = 60_000;

/** The environment `guard ls` runs with: the machine's PATH and HOME, the test's GUARD_HOME. */
function lsEnv(guardHome: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', GUARD_HOME: guardHome, NO_COLOR: '1' };
}

export function guardLsSync(guardHome: string): LiveEntry[] {
  const r = spawnSync(process.execPath, [GUARD_BIN, 'ls', '--json'], { env: lsEnv(guardHome), encoding: 'utf8', timeout: LS_TIMEOUT_MS });
  if (r.error || r.status !== 0) throw new Error(`guard ls: ${r.error?.message ?? `exit ${r.status}`}; stderr: ${r.stderr}`);
  return JSON.parse(r.stdout) as LiveEntry[];
}

export async function guardLs(guardHome: string): Promise<LiveEntry[]> {
  const { stdout } = await execFileP(process.execPath, [GUARD_BIN, 'ls', '--json'], { env: lsEnv(guardHome), timeout: LS_TIMEOUT_MS });
  return JSON.parse(stdout) as LiveEntry[];
}
