// An isolated world for one end-to-end test of the real Codex CLI (node_modules/.bin/codex,
// 0.171.0): a temporary HOME, a temporary CODEX_HOME whose config.toml (the "user's" config in
// these tests) points Codex at the Responses stand-in (src/demo/responses-standin.ts) on
// 127.0.0.1, a project folder, a GUARD_HOME and TMPDIR, and an environment built from scratch.
//
// What was found by running 0.171.0 under an 80x24 / 100x30 pty on this 2-core machine:
// - A custom provider with `wire_api = "responses"` and `env_key` needs no login; the key can be
//   any string. `approval_policy = "never"` with `sandbox_mode = "danger-full-access"` runs the
//   stand-in's exec_command calls unasked ("permissions: YOLO mode" on the first screen).
// - An unknown model name works, with one start-up warning ("Model metadata for `standin-model`
//   not found", "⚠ 1 warning · f2 to view" on the hint row); `model_context_window` sets its window.
// - Codex's own requests are ~48 KB, so ~12,000 tokens by the stand-in's count before any padding:
//   a window under ~15,000 refuses the first prompt ("Codex ran out of room in the model's
//   context window").
// - The first prompt also sends the title request (its own thread) and, after each turn, a post
//   to /v1/analytics/codex/turn-costs.
// - Typing: text and Enter in one write is taken as a paste burst (the Enter becomes a newline);
//   Enter written a moment after the text submits (see submitCodex).
import { mkdtemp, mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './claude-env.js';
import type { TestTerminal } from './terminal.js';

/** The real Codex CLI, installed as a pinned devDependency. */
export const CODEX_BIN = join(REPO_ROOT, 'node_modules', '.bin', 'codex');
export const CODEX_MODEL = 'standin-model';
export const CODEX_API_KEY_ENV = 'STANDIN_API_KEY';

export interface CodexEnvOptions {
  /** The stand-in's base URL (…/v1). */
  baseUrl: string;
  /** `model_context_window` in the config (none: Codex's fallback). */
  contextWindow?: number;
  /** More config.toml lines. */
  extraToml?: string;
}

export interface CodexEnv {
  root: string;
  home: string;
  codexHome: string;
  cwd: string;
  guardHome: string;
  tmp: string;
  env: Record<string, string>;
  /** `{ file, args }` to run codex directly (guard's own runs add their flags). */
  codexCommand(extra?: string[]): { file: string; args: string[] };
  cleanup(): Promise<void>;
}

export async function makeCodexEnv(opts: CodexEnvOptions): Promise<CodexEnv> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'guard-codex-')));
  const home = join(root, 'home');
  const codexHome = join(home, '.codex');
  const cwd = join(root, 'project');
  const guardHome = join(root, 'guard-home');
  const tmp = join(root, 'tmp');
  for (const d of [home, codexHome, cwd, guardHome, tmp]) await mkdir(d, { recursive: true, mode: 0o700 });
  const toml = [
    `model = "${CODEX_MODEL}"`,
    'model_provider = "standin"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    ...(opts.contextWindow !== undefined ? [`model_context_window = ${opts.contextWindow}`] : []),
    opts.extraToml ?? '',
    '',
    '[model_providers.standin]',
    'name = "standin"',
    `base_url = "${opts.baseUrl}"`,
    `env_key = "${CODEX_API_KEY_ENV}"`,
    'wire_api = "responses"',
    '',
  ].join('\n');
  await writeFile(join(codexHome, 'config.toml'), toml, { mode: 0o600 });
  const env: Record<string, string> = {
    PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    CODEX_HOME: codexHome,
    [CODEX_API_KEY_ENV]: 'standin-key',
    GUARD_HOME: guardHome,
    TMPDIR: tmp,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
  };
  return {
    root, home, codexHome, cwd, guardHome, tmp, env,
    codexCommand: (extra = []) => ({ file: CODEX_BIN, args: ['--disable', 'daemon_auto_start', ...extra] }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Codex's prompt row: `›` then the text (faint placeholder aside, the helpers read plain text). */
const PROMPT_ROW = /^› ?(.*)$/;
/** The status row under the box: model, then " · " and the working folder. */
const STATUS_ROW = /^ {2}\S.* · [~/]/m;

/** Whether Codex shows its prompt screen (the status row is on screen). */
export function codexReady(screen: string): boolean { return STATUS_ROW.test(screen); }

/** Whether a turn is running ("esc to interrupt" on the working row). */
export function codexWorking(screen: string): boolean { return /esc to interrupt/.test(screen); }

/** The lowest prompt row's text (past prompts are above it). */
export function codexPromptRow(screen: string): string | null {
  const rows = screen.split('\n');
  for (let i = rows.length - 1; i >= 0; i--) { const m = PROMPT_ROW.exec(rows[i] ?? ''); if (m) return (m[1] ?? '').trim(); }
  return null;
}

/** A moment between the text and its Enter, so Codex does not take them as one paste burst. */
const ENTER_AFTER_MS = 250;

/** Types `text`, then Enter a moment later (see the header). */
export async function submitCodex(term: TestTerminal, text: string): Promise<void> {
  term.write(text);
  await new Promise((r) => setTimeout(r, ENTER_AFTER_MS));
  term.write('\r');
}
