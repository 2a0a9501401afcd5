// The private home one guarded Gemini CLI run reads its user settings from. Input: the home
// Gemini would use (GEMINI_CLI_HOME if the user set it, else theirs), guard's run folder, the
// relay paths. Output: a folder to pass as GEMINI_CLI_HOME, and a dispose that puts back what
// Gemini wrote there and removes the rest. The user's own files are never written during the run.
//
// Why a home: Gemini CLI 0.61.0 takes hooks only from settings files and extensions, has no flag
// for an extra settings file, and reads the system files only when root owns them (settings.ts).
// GEMINI_CLI_HOME replaces the folder its `~/.gemini` (and `~/.agents`, `~/.env`) live in. So the
// run's home holds `.gemini/settings.json`, a copy of the user's settings (comments dropped) with
// guard's hooks added, and a symbolic link for every other entry of the user's `.gemini` (their
// auth, history, sessions, GEMINI.md, extensions, commands stay theirs and are written in place).
// The project's own `.gemini/settings.json` is read by Gemini as usual.
//
// What Gemini creates in the run's `.gemini` (first run: `tmp/`, `projects.json`…) or replaces
// instead of writing through a link is moved into the user's `.gemini` at the end, never over a
// folder. A change Gemini made to the settings copy (`/settings`, a theme) is not carried over:
// dispose says so, and the user makes it again outside guard.
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, existsSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import stripJsonComments from 'strip-json-comments';
import type { RelayPaths } from '../claude/settings.js';
import { hooksDisabled, withGuardHooks, type JsonObject } from './settings.js';

const GEMINI_DIR = '.gemini';
const SETTINGS = 'settings.json';
/** Entries of the user's home that Gemini reads through its home folder besides `.gemini`. */
const HOME_ENTRIES = ['.agents', '.env'];

export class GeminiSettingsError extends Error {
  constructor(message: string, readonly file: string) { super(message); this.name = 'GeminiSettingsError'; }
}

export interface GeminiHome {
  /** The value for GEMINI_CLI_HOME. */
  home: string;
  warnings: string[];
  /** Moves back what Gemini wrote, removes the private home; returns what the user should know. Idempotent. */
  dispose(): string[];
}

/** The user's settings as Gemini reads them (JSON with comments); {} when there is no file. */
export function readUserSettings(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new GeminiSettingsError(`cannot read ${file}: ${(err as Error).message}`, file);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(text));
  } catch (err) {
    throw new GeminiSettingsError(`${file} is not valid JSON (${(err as Error).message}); fix it, or run gemini without guard to see Gemini's own message`, file);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new GeminiSettingsError(`${file} must hold a JSON object`, file);
  return parsed as JsonObject;
}

function entries(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}

/**
 * Builds the run's home in `runDir` (which guard made private, 0700). `userHome` is the folder
 * Gemini would otherwise use as its home; `hookSpool` the run's hook folder (null: the relay).
 */
export function makeGeminiHome(userHome: string, runDir: string, relay: RelayPaths, hookSpool: string | null = null): GeminiHome {
  const userGemini = join(userHome, GEMINI_DIR);
  const settingsFile = join(userGemini, SETTINGS);
  const user = readUserSettings(settingsFile);
  const warnings: string[] = [];
  const { settings, hooked } = withGuardHooks(user, relay, hookSpool);
  if (!hooked) warnings.push(`"hooks" in ${settingsFile} is not an object: guard cannot add its hooks, so it sees no turn ends`);
  if (hooksDisabled(user)) warnings.push(`${settingsFile} turns hooks off (hooksConfig.enabled: false): guard sees no turn ends`);

  const home = join(runDir, 'gemini-home');
  const gemini = join(home, GEMINI_DIR);
  mkdirSync(gemini, { recursive: true, mode: 0o700 });
  for (const name of entries(userGemini)) {
    if (name === SETTINGS) continue;
    symlinkSync(join(userGemini, name), join(gemini, name));
  }
  for (const name of HOME_ENTRIES) {
    if (existsSync(join(userHome, name))) symlinkSync(join(userHome, name), join(home, name));
  }
  const written = `${JSON.stringify(settings, null, 2)}\n`;
  writeFileSync(join(gemini, SETTINGS), written, { mode: 0o600 });

  let disposed = false;
  const dispose = (): string[] => {
    if (disposed) return [];
    disposed = true;
    const notes: string[] = [];
    try {
      if (readFileSync(join(gemini, SETTINGS), 'utf8') !== written) {
        notes.push(`Gemini changed its settings during this run; guard's copy is gone, so make that change again outside guard (${settingsFile})`);
      }
    } catch { /* the copy is gone: nothing to compare */ }
    for (const name of entries(gemini)) {
      if (name === SETTINGS) continue;
      const from = join(gemini, name);
      let st;
      try { st = lstatSync(from); } catch { continue; }
      if (st.isSymbolicLink()) continue;
      const to = join(userGemini, name);
      const there = (() => { try { return lstatSync(to); } catch { return null; } })();
      if (there?.isDirectory()) { notes.push(`Gemini wrote ${name} in guard's copy of its home while ${to} exists; left out`); continue; }
      try {
        mkdirSync(userGemini, { recursive: true, mode: 0o700 });
        moveInto(from, to);
      } catch (err) {
        notes.push(`could not put Gemini's ${name} back into ${userGemini}: ${(err as Error).message}`);
      }
    }
    rmSync(home, { recursive: true, force: true });
    return notes;
  };
  return { home, warnings, dispose };
}

/** rename, or copy then remove across file systems. */
function moveInto(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    cpSync(from, to, { recursive: true, errorOnExist: false, force: true });
    rmSync(from, { recursive: true, force: true });
  }
}
