// Where guard keeps its files. Input: the environment (GUARD_HOME, XDG_*), the platform and the
// home folder, all injectable. Output: plain folder paths, and helpers that create those folders
// and files private to the user (folders 0700, files 0600). The session log, the live registry and
// the config module all ask this file; nothing else decides a path.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { brand, hasBrand, setBrand } from './lib/brand.js';

const PATH_ERROR = brand('GuardPathError');

/** Only the user may list or enter guard's folders: they name projects and sessions. */
export const DIR_MODE = 0o700;
/** Only the user may read guard's files: they hold costs, paths and Claude session ids. */
export const FILE_MODE = 0o600;

const APP_NAME = 'guard';

export interface GuardPaths {
  /** Where the state lives (GUARD_HOME when set). */
  stateDir: string;
  /** Where the config file lives (GUARD_HOME when set). */
  configDir: string;
  /** One `<id>.jsonl` per guard run. */
  sessionsDir: string;
  /** One `<id>.json` per running guard, for `guard ls`. */
  liveDir: string;
}

export interface PathsInput {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  homedir?: string;
}

/**
 * A folder or file guard cannot create, fix or write. The run catches this to continue without a
 * session log / registry entry; `guard log` and `guard ls` print its message.
 */
export class GuardPathError extends Error {
  override readonly name = 'GuardPathError';
  constructor(readonly path: string, readonly code: string | undefined, what: string) {
    super(`guard: cannot ${what} ${path}${code ? ` (${code})` : ''}`);
    setBrand(this, PATH_ERROR);
  }

  /** Thrown by the config store's copy of this class too (loaded on demand: ./lib/brand.ts). */
  static override [Symbol.hasInstance](v: unknown): boolean { return hasBrand(v, PATH_ERROR); }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

export function resolvePaths(input: PathsInput = {}): GuardPaths {
  const env = input.env ?? process.env;
  const platform = input.platform ?? process.platform;
  const home = input.homedir ?? os.homedir();
  const guardHome = nonEmpty(env.GUARD_HOME);
  let stateDir: string;
  let configDir: string;
  if (guardHome !== undefined) {
    stateDir = configDir = path.resolve(guardHome);
  } else if (platform === 'darwin') {
    stateDir = configDir = path.join(home, 'Library', 'Application Support', APP_NAME);
  } else if (platform === 'win32') {
    const local = nonEmpty(env.LOCALAPPDATA) ?? path.join(home, 'AppData', 'Local');
    const roaming = nonEmpty(env.APPDATA) ?? path.join(home, 'AppData', 'Roaming');
    stateDir = path.join(local, APP_NAME);
    configDir = path.join(roaming, APP_NAME);
  } else {
    // XDG base directories: a relative value is invalid by the spec and is ignored.
    const xdgState = nonEmpty(env.XDG_STATE_HOME);
    const xdgConfig = nonEmpty(env.XDG_CONFIG_HOME);
    stateDir = path.join(xdgState && path.isAbsolute(xdgState) ? xdgState : path.join(home, '.local', 'state'), APP_NAME);
    configDir = path.join(xdgConfig && path.isAbsolute(xdgConfig) ? xdgConfig : path.join(home, '.config'), APP_NAME);
  }
  return { stateDir, configDir, sessionsDir: path.join(stateDir, 'sessions'), liveDir: path.join(stateDir, 'live') };
}

/** The parts of `fs` the helpers touch, so tests can make a folder fail. */
export interface PrivateFs {
  mkdirSync(p: string, o: { recursive: true; mode: number }): unknown;
  chmodSync(p: string, mode: number): void;
  statSync(p: string): fs.Stats;
  accessSync(p: string, mode: number): void;
  /** The user guard runs as (process.getuid); absent where the platform has no uids (Windows). */
  getuid?: () => number;
}

const realFs: PrivateFs = {
  mkdirSync: (p, o) => fs.mkdirSync(p, o),
  chmodSync: (p, m) => fs.chmodSync(p, m),
  statSync: (p) => fs.statSync(p),
  accessSync: (p, m) => fs.accessSync(p, m),
  ...(process.getuid ? { getuid: process.getuid.bind(process) } : {}),
};

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/**
 * Creates `dir` (and missing parents) and makes `dir` itself 0700 — existing folders too — then
 * checks it is writable. Throws GuardPathError naming the path when any of that fails, and when
 * the folder belongs to another user: guard neither tightens someone else's folder (run as root
 * with a GUARD_HOME of another user's, chmod would succeed) nor writes its private files where
 * another user can read or replace them.
 */
export function ensurePrivateDir(dir: string, fsi: PrivateFs = realFs): string {
  try {
    fsi.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  } catch (err) {
    // EEXIST here means a file of that name: the check below names it.
    if (codeOf(err) !== 'EEXIST') throw new GuardPathError(dir, codeOf(err), 'create folder');
  }
  let st: fs.Stats;
  try {
    st = fsi.statSync(dir);
  } catch (err) {
    throw new GuardPathError(dir, codeOf(err), 'read folder');
  }
  if (!st.isDirectory()) throw new GuardPathError(dir, 'ENOTDIR', 'use as a folder');
  const me = fsi.getuid?.();
  if (me !== undefined && st.uid !== me) {
    throw new GuardPathError(dir, `it belongs to uid ${st.uid}, you are uid ${me}; use a folder of your own`, 'use another user\'s folder');
  }
  if ((st.mode & 0o777) !== DIR_MODE) {
    try {
      fsi.chmodSync(dir, DIR_MODE);
    } catch (err) {
      throw new GuardPathError(dir, codeOf(err), 'make private (chmod 700)');
    }
  }
  try {
    fsi.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (err) {
    throw new GuardPathError(dir, codeOf(err), 'write to folder');
  }
  return dir;
}

/** Makes an existing file 0600 if it is not already; throws GuardPathError when it cannot. */
export function ensurePrivateFile(file: string, fsi: Pick<PrivateFs, 'statSync' | 'chmodSync'> = fs): void {
  let mode: number;
  try {
    mode = fsi.statSync(file).mode & 0o777;
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return;
    throw new GuardPathError(file, codeOf(err), 'read file');
  }
  if (mode === FILE_MODE) return;
  try {
    fsi.chmodSync(file, FILE_MODE);
  } catch (err) {
    throw new GuardPathError(file, codeOf(err), 'make private (chmod 600)');
  }
}

/** The state folder and its sessions/ and live/ folders, all created private. */
export function ensureStateDirs(paths: GuardPaths, fsi: PrivateFs = realFs): GuardPaths {
  ensurePrivateDir(paths.stateDir, fsi);
  ensurePrivateDir(paths.sessionsDir, fsi);
  ensurePrivateDir(paths.liveDir, fsi);
  return paths;
}
