// One end-to-end Gemini CLI session in one call: the Gemini stand-in, an isolated HOME and project
// (src/demo/offline-gemini.ts), and the real `gemini` (node_modules/.bin, 0.61.0) in a test
// terminal. Everything is torn down by one dispose().
//
// Seen on 0.61.0 under a 100x30 pty: a write of text plus Enter in one piece is taken as a paste
// (the Enter becomes a new line), so Enter goes separately; text typed while a turn runs stays in
// the box; while working the screen shows a spinner row ending "(esc to cancel, Ns)".
import { mkdtemp, mkdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGeminiStandin, type GeminiStandin, type GeminiStandinOptions } from '../../src/demo/gemini-standin.js';
import { OFFLINE_GEMINI_MODEL, offlineGeminiEnv, writeOfflineGeminiHome } from '../../src/demo/offline-gemini.js';
import { readGeminiPromptBox } from '../../src/gemini/prompt-box.js';
import { SUBMIT_DELAY_MS } from '../../src/agents/gemini/adapter.js';
import { GUARD_BIN, REPO_ROOT } from './claude-env.js';
import { startTerminal, type TestTerminal } from './terminal.js';

export const GEMINI_BIN = join(REPO_ROOT, 'node_modules', '.bin', 'gemini');
const WORKING = /\(esc to cancel, \d+s\)/;
/**
 * Gemini's spinner, a braille dot pattern at the start of its working row. Needed beside WORKING:
 * at 100 columns a row that lists several hooks ("⠋ Executing Hooks: guard-SessionStart,
 * guard-AfterAgent, guard-AfterAgent (esc to c…") is cut before the "(esc to cancel, 0s)".
 */
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const GRACEFUL_EXIT_MS = 3_000;
/** guard's footer is at most this many rows. */
const GUARD_FOOTER_ROWS = 4;

export interface GeminiSessionOptions {
  standin?: GeminiStandinOptions;
  /** Extra variables for the program (undefined removes one). */
  extraEnv?: Record<string, string | undefined>;
  /** Extra gemini arguments after `--model standin-model` (e.g. `['--approval-mode', 'auto_edit']`). */
  geminiArgs?: string[];
  /** Run `guard <these options> gemini …` instead of gemini directly. */
  guardArgs?: string[];
  /** Extra user settings merged into ~/.gemini/settings.json. */
  settings?: Record<string, unknown>;
  cols?: number;
  rows?: number;
  /** When Gemini is ready for the first prompt (default: idle, its prompt box empty). */
  ready?: (screen: string) => boolean;
}

export interface GeminiSession {
  api: GeminiStandin;
  term: TestTerminal;
  root: string;
  home: string;
  cwd: string;
  guardHome: string;
  /** The program's whole environment (as `guard ls` and `guard log` need it: GUARD_HOME). */
  env: { env: Record<string, string> };
  /** Types `text`, then Enter; resolves once the stand-in answered it and the box is empty again. */
  turn(text: string, timeoutMs?: number): Promise<string>;
  dispose(): Promise<void>;
}

/** The rows as the box reader reads them (guard's pane blanks faint cells; the test terminal's rows are close enough here: Gemini's box has no faint text). */
export function geminiIdle(screen: string): boolean {
  return readGeminiPromptBox(paneRows(screen)).kind === 'empty' && !WORKING.test(screen) && !SPINNER.test(screen);
}

/** The program's rows: the screen without guard's footer (its rows from the one starting "guard", at the bottom). */
export function paneRows(screen: string): string[] {
  const rows = screen.split('\n');
  const from = rows.length - GUARD_FOOTER_ROWS;
  const at = rows.findIndex((r, i) => i >= from && /^\s*guard\b/.test(r));
  return at < 0 ? rows : rows.slice(0, at);
}

export async function startGeminiSession(opts: GeminiSessionOptions = {}): Promise<GeminiSession> {
  const api = await startGeminiStandin(opts.standin);
  const root = await realpath(await mkdtemp(join(tmpdir(), 'guard-gemini-')));
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  const guardHome = join(root, 'guard-home');
  await mkdir(cwd, { recursive: true });
  await mkdir(guardHome, { recursive: true });
  await writeOfflineGeminiHome(home, opts.settings);
  const env: Record<string, string> = {
    PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    USER: process.env.USER ?? 'root', SHELL: '/bin/bash', LANG: 'C.UTF-8', TERM: 'xterm-256color', TMPDIR: tmpdir(),
    GUARD_HOME: guardHome,
    ...offlineGeminiEnv(api.url, home),
  };
  for (const [k, v] of Object.entries(opts.extraEnv ?? {})) { if (v === undefined) delete env[k]; else env[k] = v; }
  const geminiArgs = ['--model', OFFLINE_GEMINI_MODEL, ...(opts.geminiArgs ?? [])];
  const cmd = opts.guardArgs ? { file: process.execPath, args: [GUARD_BIN, ...opts.guardArgs, 'gemini', ...geminiArgs] } : { file: GEMINI_BIN, args: geminiArgs };
  const term = startTerminal({ file: cmd.file, args: cmd.args, cwd, env, cols: opts.cols ?? 100, rows: opts.rows ?? 30 });
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await term.end(GRACEFUL_EXIT_MS);
    await Promise.allSettled([api.close(), rm(root, { recursive: true, force: true, maxRetries: 3 })]);
  };
  const turn = async (text: string, timeoutMs = 60_000): Promise<string> => {
    const before = api.generations('main').length;
    term.write(text);
    await term.waitFor((s) => s.includes(text.slice(0, 40)), 10_000);
    // Gemini takes an Enter soon after pasted text as a newline (SUBMIT_DELAY_MS, src/agents/gemini/
    // adapter.ts); text written in one piece reads as a paste. Seen under CI load: the Enter sent as
    // soon as the text showed became a newline and the turn never left.
    await new Promise((r) => setTimeout(r, SUBMIT_DELAY_MS + 100));
    term.write('\r');
    const deadline = Date.now() + timeoutMs;
    await api.waitForRequest((r) => r.thread === 'main' && api.generations('main').indexOf(r) >= before, timeoutMs);
    return term.waitFor(geminiIdle, Math.max(1_000, deadline - Date.now()));
  };
  try {
    await term.waitFor(opts.ready ?? geminiIdle, 90_000);
  } catch (err) {
    await dispose();
    throw err;
  }
  return { api, term, root, home, cwd, guardHome, env: { env }, turn, dispose };
}
