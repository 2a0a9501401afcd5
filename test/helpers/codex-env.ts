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
import { spawnSync } from 'node:child_process';
import { GUARD_BIN, REPO_ROOT } from './claude-env.js';
import type { TestTerminal } from './terminal.js';
import { readCodexPromptBox } from '../../src/codex/prompt-box.js';

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

/** The status row under the box: model, then " · " and the working folder. */
const STATUS_ROW = /^ {2}\S.* · [~/]/m;

/** Whether Codex shows its prompt screen (the status row is on screen). */
export function codexReady(screen: string): boolean { return STATUS_ROW.test(screen); }

/** Whether a turn is running ("esc to interrupt" on the working row). */
export function codexWorking(screen: string): boolean { return /esc to interrupt/.test(screen); }

/** The screen's rows with faint cells blanked, as guard's pane gives them to the prompt-box reader. */
export function rowsWithoutFaint(term: TestTerminal): string[] {
  const buf = term.term.buffer.active;
  const cell = buf.getNullCell();
  const out: string[] = [];
  for (let y = 0; y < term.term.rows; y++) {
    const line = buf.getLine(buf.viewportY + y);
    let text = '';
    if (line) for (let x = 0; x < term.term.cols; x++) {
      line.getCell(x, cell);
      if (cell.getWidth() === 0) continue;
      text += cell.isDim() ? ' '.repeat(cell.getWidth()) : cell.getChars() || ' ';
    }
    out.push(text.trimEnd());
  }
  return out;
}

/** What is typed in Codex's prompt box ('' when empty, null when no box is on screen), read by guard's own reader. */
export function codexPromptText(term: TestTerminal): string | null {
  const rows = rowsWithoutFaint(term);
  // Under guard, its footer takes the bottom row(s); the pane (what guard's reader gets) is above.
  const footer = rows.findIndex((r, i) => i >= rows.length - 2 && /^\s*guard\b/.test(r));
  const box = readCodexPromptBox(footer < 0 ? rows : rows.slice(0, footer));
  return box.kind === 'absent' ? null : box.kind === 'empty' ? '' : box.lines.join('\n');
}

/** A moment between the text and its Enter, so Codex does not take them as one paste burst. */
const ENTER_AFTER_MS = 250;

/** Types `text`, then Enter a moment later (see the header). */
export async function submitCodex(term: TestTerminal, text: string): Promise<void> {
  term.write(text);
  await new Promise((r) => setTimeout(r, ENTER_AFTER_MS));
  term.write('\r');
}

export interface GuardJson { status: number | null; stdout: string; stderr: string }

/** `guard <args>` with the test's GUARD_HOME (for `ls --json`, `log --json latest`). */
export function guardCli(w: CodexEnv, args: string[]): GuardJson {
  const r = spawnSync(process.execPath, [GUARD_BIN, ...args], { env: { ...w.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`guard ${args.join(' ')}: ${r.error.message}; stderr: ${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
