// The merged settings guard passes to Claude (./settings.ts) go through a private file, not the
// command line: `claude --settings '<JSON>'` would put the user's settings (a settings file's `env`
// values, helper commands) into /proc/<pid>/cmdline, which every local user can read. Input: the
// merged settings. Output: a file only the user can read (0600, in a fresh 0700 folder under the
// system's temporary folder) whose path is passed with --settings, and remove(), which deletes
// the folder. The run calls remove() at its teardown; a process exit listener backs it up for
// the ways out that skip teardown (an uncaught exception that ends guard); a later run sweeps
// the folder of a guard killed without either (../lib/run-folder.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SettingsError, type ClaudeSettings } from './settings.js';
import { onProcessExit } from '../lib/disposables.js';
import { makeRunFolder } from '../lib/run-folder.js';

/** The file's name inside its private folder (Claude reads JSON settings files by any name). */
const FILE_NAME = 'settings.json';

export interface SettingsFile {
  readonly path: string;
  /** Deletes the file and its folder; safe to call more than once, never throws. */
  remove(): void;
}

export interface SettingsFileOptions {
  /** Parent folder (default: os.tmpdir(), which honours TMPDIR). */
  tmpDir?: string;
  /** Where to hook the exit backstop (default: process); tests pass their own. */
  onExit?: (fn: () => void) => () => void;
}

/** Writes `settings` to a new private file. Throws SettingsError naming the folder when it cannot. */
export function writeSettingsFile(settings: ClaudeSettings, opts: SettingsFileOptions = {}): SettingsFile {
  const parent = opts.tmpDir ?? os.tmpdir();
  const cannot = (err: unknown): SettingsError => new SettingsError(
    `cannot write the settings for Claude to a private file in ${parent} (${(err as NodeJS.ErrnoException).code ?? String(err)}); set TMPDIR to a folder you can write`, null);
  let dir: string;
  try {
    // A fresh folder, 0700, with a name no other user can predict.
    dir = makeRunFolder('settings', parent);
  } catch (err) {
    throw cannot(err);
  }
  const file = path.join(dir, FILE_NAME);
  let removed = false;
  const removeNow = (): void => {
    if (removed) return;
    removed = true;
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* nothing left to protect if it cannot be read either */ }
  };
  try {
    // 'wx': never through a file or link someone placed there; 0600 from the first byte.
    fs.writeFileSync(file, JSON.stringify(settings), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    removeNow();
    throw cannot(err);
  }
  const unhook = (opts.onExit ?? onProcessExit)(removeNow);
  return {
    path: file,
    remove: () => {
      unhook();
      removeNow();
    },
  };
}
