// An isolated world for one end-to-end test of the real Claude Code (node_modules/.bin/claude,
// 2.1.330): a temporary HOME whose ~/.claude.json skips every first-run screen, a temporary
// project folder, a temporary GUARD_HOME and TMPDIR, and an environment built from scratch
// (no proxies, no user settings) that points Claude at a stand-in API on 127.0.0.1. Plus screen
// helpers that tell when Claude is idle, and a way to type a prompt.
//
// What was found by running 2.1.330 under a 110x32 pty on this 2-core machine:
// - Start: first output ~1.6 s after spawn, the prompt box ~2.4 s (up to ~4 s when the other
//   core is busy). It sends NO request at start (no HEAD /, no title request) with
//   CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1; the first request is the first prompt's.
// - First-run screens: with the ~/.claude.json written below there are none (no theme picker,
//   no API-key question, no trust dialog). Nothing else was needed.
// - The screen: the prompt box is a line starting with `❯` between two rules of `─`; under it
//   `⏵⏵ accept edits on (shift+tab to cycle)`. While a turn runs, the footer line also says
//   `esc to interrupt` and a spinner line shows `<glyph> <Verb>… (Ns · ↓ N tokens)`
//   (glyphs · ✢ ✳ ✶ ✻ ✽ *). When the turn ends the spinner line becomes
//   `✻ <Verb> for Ns · done H:MM AM` and `esc to interrupt` goes. So idle = prompt box
//   visible, no `esc to interrupt`, no spinner line with `…`, and a quiet screen for a moment.
// - Typing: a write of 64+ bytes is taken as a paste, so `long text\r` in one write is NOT
//   submitted (the Enter is pasted too); see submitBytes.
// - Text typed while Claude works is queued and merged into the running turn: always wait for
//   idle before submitting the next prompt (a `/clear` typed too early became part of a prompt).
// - Sub-agents (Agent tool) run in the background in 2.1.330: the Agent call's tool result
//   comes back at once ("Async agent launched"), the main thread answers, then a
//   <task-notification> user message arrives when the sub-agent ends and the main thread
//   answers again. The screen shows `Agent "…" finished` / `Task "…" completed in background`.
// - Windows: 2.1.330 treats opus/sonnet/haiku 5.5 (the default model is claude-opus-5-5) as
//   1,000,000-token windows WITHOUT sending the `context-1m` beta, and the `[1m]` suffix is
//   stripped from the request's model. The stand-in's default table matches this.
// - The 200k model of the tests and the demo is OFFLINE_MODEL (below), one constant. Found
//   2026-11-29 on 2.1.330 (and the catalogue of 2.1.332), by running guard --strategy off over
//   the stand-in with turns of PAD:100000, 50000, 20000 and two small ones:
//   * claude-sonnet-4-5 (used until now) is marked deprecated in the binary's retirement table
//     (date 2026-11-30) and the first screen warns "… will be/was retired on November 30, 2026".
//   * claude-haiku-4-5: the catalogue says window 200000 (no maximum_window, no native 1M); the
//     status line says 200,000, no `context-1m` beta is sent, the stand-in holds it to 200,000;
//     no warning on the first screen; Claude does NOT compact ahead: it sent 173.0k, 193.1k and
//     193.2k contexts (past the 167k point) without a compaction, exactly as claude-sonnet-4-5
//     did, so the checkpoint tests' premise (guard must get there first) holds. Chosen.
//   * claude-opus-4-5: the same (200k, no early compaction), at a higher cost in the footer.
//   * claude-sonnet-4-6: 200k too, but Claude compacts ahead (a 173k context made it compact
//     before the next prompt) — the behaviour CLAUDE-CODE.md describes for 2.1.197.
//   * claude-sonnet-5 is a native 1M window in 2.1.330 (it was 200k in 2.1.197).
//   * CLAUDE_CODE_AUTO_COMPACT_WINDOW=200000 on the default claude-opus-5-5: the status line
//     still says 1M (the stand-in holds it to 1M) while Claude compacts ahead at 167k (it sent
//     163.8k, then 183.8k, then compacted before the next prompt); guard's footer showed
//     "/ 167k" and "opus-5-5 1M". A moved compaction point on a 1M window, not a 200k window.
// - query_source values seen in telemetry: repl_main_thread, compact, agent:builtin:general-purpose
//   (no generate_session_title with non-essential traffic disabled).
// - The compaction call is detectable: its last user message says "Your task is to create a
//   detailed summary of the conversation so far". /compact sends one such request; after it the
//   conversation restarts with a user message "This session is being continued …" carrying the
//   summary, and the last assistant message is kept verbatim (the PAD prompt itself is not).
// - A prompt over the window (400 "prompt is too long") makes Claude compact on its own and
//   retry; if still too long it shows "Context limit reached · /compact or /clear to continue".
// - Root: --dangerously-skip-permissions is refused; `--permission-mode acceptEdits
//   --allowedTools Bash Agent Write` runs the stand-in's Bash, Agent and Write calls unasked.
import { mkdtemp, mkdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestTerminal } from './terminal.js';
import { until } from './until.js';
import { offlineClaudeEnv, writeOfflineClaudeHome } from '../../src/demo/offline-claude.js';

/** The model with a 200,000-token window that the tests, the demo and the benches run (see above). */
export { OFFLINE_MODEL } from '../../src/demo/offline-claude.js';

/** The project's root (this file is test/helpers/claude-env.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The real Claude Code, installed as a pinned devDependency. */
export const CLAUDE_BIN = join(REPO_ROOT, 'node_modules', '.bin', 'claude');
/** guard's entry point: it loads the bundle dist/guard.cjs (npm run build; tap's `before` runs it). */
export const GUARD_BIN = join(REPO_ROOT, 'bin', 'guard.js');
/** Any string works as a key against the stand-in; Claude remembers approval by its last 20 characters. */
export const TEST_API_KEY = 'sk-ant-standin-test-key-000000000000000000000000';
/** Lets every scripted tool call run unasked (root refuses --dangerously-skip-permissions). */
export const CLAUDE_ARGS: readonly string[] = ['--permission-mode', 'acceptEdits', '--allowedTools', 'Bash', 'Agent', 'Write'];

export interface ClaudeEnvOptions {
  /** ANTHROPIC_BASE_URL: the stand-in's url. */
  apiUrl: string;
  /** Extra variables (e.g. telemetry); undefined removes one. */
  extraEnv?: Record<string, string | undefined>;
  /** Extra fields merged into ~/.claude.json. */
  claudeJson?: Record<string, unknown>;
}

export interface ClaudeEnv {
  /** The temporary folder holding everything below. */
  root: string;
  home: string;
  /** The project folder Claude runs in (realpath, trusted). */
  cwd: string;
  guardHome: string;
  tmp: string;
  /** The full environment for the program (claude or guard): nothing from the parent but PATH (with node_modules/.bin first). */
  env: Record<string, string>;
  claudeBin: string;
  /** Arguments that let the stand-in's tool calls run. */
  claudeArgs: string[];
  /** `{ file, args }` to run claude directly (extra args after the standard ones). */
  claudeCommand(extra?: string[]): { file: string; args: string[] };
  /** `{ file, args }` to run `guard [guardArgs] claude [standard args] [extra]` with this node. */
  guardCommand(guardArgs?: string[], extra?: string[]): { file: string; args: string[] };
  /** Removes the temporary folder. */
  cleanup(): Promise<void>;
}

/** Builds the isolated HOME, project, GUARD_HOME and environment for one test. */
export async function makeClaudeEnv(opts: ClaudeEnvOptions): Promise<ClaudeEnv> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(opts.apiUrl)) throw new Error(`apiUrl must be http://127.0.0.1:PORT, got ${opts.apiUrl}`);
  const root = await realpath(await mkdtemp(join(tmpdir(), 'guard-claude-')));
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  const guardHome = join(root, 'guard-home');
  const tmp = join(root, 'tmp');
  for (const d of [home, cwd, guardHome, tmp]) await mkdir(d, { recursive: true });
  await writeOfflineClaudeHome(home, cwd, opts.claudeJson ?? {}, TEST_API_KEY);
  const env: Record<string, string> = {
    // The project's node_modules/.bin first, so that `guard … claude` finds the pinned Claude Code.
    PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
    USER: process.env.USER ?? 'root',
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    TMPDIR: tmp,
    GUARD_HOME: guardHome,
    ...offlineClaudeEnv(opts.apiUrl, home, TEST_API_KEY),
  };
  for (const [k, v] of Object.entries(opts.extraEnv ?? {})) {
    if (v === undefined) delete env[k]; else env[k] = v;
  }
  return {
    root, home, cwd, guardHome, tmp, env, claudeBin: CLAUDE_BIN, claudeArgs: [...CLAUDE_ARGS],
    claudeCommand: (extra = []) => ({ file: CLAUDE_BIN, args: [...CLAUDE_ARGS, ...extra] }),
    guardCommand: (guardArgs = [], extra = []) => ({ file: process.execPath, args: [GUARD_BIN, ...guardArgs, 'claude', ...CLAUDE_ARGS, ...extra] }),
    cleanup: () => rm(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** The telemetry variables guard would set, pointing Claude at an OTLP receiver (JSON, fast export). */
export function telemetryEnv(endpoint: string, token: string): Record<string, string> {
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_LOGS_EXPORT_INTERVAL: '300',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    OTEL_EXPORTER_OTLP_HEADERS: `x-guard-token=${token}`,
  };
}

const RULE_RE = /^─{10,}$/;
const PROMPT_BOX_RE = /^─{10,}\n❯/m;
/** The spinner line of a running turn: a glyph, a verb and an ellipsis ("✶ Elucidating… (2s · ↓ 24 tokens)"). */
const SPINNER_RE = /^[·✢✳✶✻✽*] \S[^\n]*…/m;
const WORKING_HINT = 'esc to interrupt';

/** Claude's prompt box (a `❯` line right under a rule) is on screen. */
export function promptBoxVisible(screen: string): boolean { return PROMPT_BOX_RE.test(screen); }

/** A turn is running: the spinner with its ellipsis, or `esc to interrupt` in Claude's footer. */
export function isWorking(screen: string): boolean { return screen.includes(WORKING_HINT) || SPINNER_RE.test(screen); }

/** Claude waits for input: the prompt box is there and nothing runs. */
export function isIdle(screen: string): boolean { return promptBoxVisible(screen) && !isWorking(screen); }

/** What is typed in the prompt box and not sent ('' when empty). */
export function promptInput(screen: string): string {
  const lines = screen.split('\n');
  for (let i = 1; i < lines.length; i++) {
    if (RULE_RE.test(lines[i - 1] ?? '') && (lines[i] ?? '').startsWith('❯')) return (lines[i] ?? '').slice(1).trim();
  }
  return '';
}

export interface WaitOptions { timeoutMs?: number; quietMs?: number }

/** How long the screen must stay idle and unchanged before we believe it (spinner frames are ~100 ms apart). */
const DEFAULT_QUIET_MS = 400;

/** Resolves with the screen once Claude has been idle, with an unchanged screen, for `quietMs`. */
export async function waitForIdle(term: TestTerminal, opts: WaitOptions = {}): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const quietMs = opts.quietMs ?? DEFAULT_QUIET_MS;
  let since = 0;
  let last = '';
  await until(async () => {
    const s = await term.waitFor(() => true, timeoutMs);
    const quiet = isIdle(s) && s === last;
    if (!quiet) since = 0;
    else if (since === 0) since = Date.now();
    last = s;
    return quiet && Date.now() - since >= quietMs;
  }, timeoutMs, () => `Claude to be idle; screen:\n${last}`);
  return last;
}

/**
 * Claude Code takes one read of 64 bytes or more as a paste: in `text\r` the Enter then becomes
 * part of the pasted text and the prompt is NOT sent (seen on 2.1.330: 63 bytes submit, 65 do
 * not). Below that, text and Enter in one write submit, as a fast typist would.
 */
export const PASTE_BYTES = 64;
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/**
 * The bytes that type `text` and submit it in ONE write: short text as typed; longer text as a
 * bracketed paste followed by Enter (6 of 6 long prompts submitted that way; the prompt reaches
 * the API verbatim). Text and a separate Enter 10 ms later failed 1 time in 3.
 */
export function submitBytes(text: string): string {
  return Buffer.byteLength(`${text}\r`) < PASTE_BYTES && !/[\r\n]/.test(text) ? `${text}\r` : `${PASTE_START}${text}${PASTE_END}\r`;
}

/** Types `text` and submits it, in one write (see submitBytes). */
export function submit(term: TestTerminal, text: string): void { term.write(submitBytes(text)); }

export interface TurnOptions extends WaitOptions {
  /** Also wait for this on screen (e.g. /Reply \d+/) before waiting for idle. */
  until?: string | RegExp | ((screen: string) => boolean);
}

/**
 * Submits a prompt when Claude is idle and waits for the turn to end: the prompt box empties,
 * `until` (if given) appears, then the screen is idle and quiet again.
 */
export async function submitAndWait(term: TestTerminal, text: string, opts: TurnOptions = {}): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  await waitForIdle(term, { timeoutMs, quietMs: opts.quietMs ?? 150 });
  submit(term, text);
  await term.waitFor((s) => promptInput(s) === '' && (isWorking(s) || s.includes(text.split('\n')[0]?.slice(0, 40) ?? '')), timeoutMs);
  if (opts.until !== undefined) await term.waitFor(opts.until, timeoutMs);
  return waitForIdle(term, opts);
}
