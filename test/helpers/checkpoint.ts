// Helpers for the checkpoint end-to-end tests (test/e2e/checkpoint*.test.ts): the real Claude Code
// under `bin/guard.js claude` against the stand-in API (claude-session.ts). They read what a user
// and a reviewer would: guard's footer on the reconstructed screen (watched in the background so
// short-lived phases are not missed), guard's session log through `guard log --json latest`, and
// `guard ls --json`.
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { GUARD_BIN, submit, waitForIdle } from './claude-env.js';
import { guardLsSync } from './guard-ls.js';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { startClaudeSession, type ClaudeSession } from './claude-session.js';
import type { TestTerminal } from './terminal.js';
import { until } from './until.js';
import type { StandinApi, StandinRequest } from '../../src/demo/standin-api.js';
import type { LiveEntry } from '../../src/registry/live.js';

/** The auto-compact point of a 200,000-token window (window − 33,000; CLAUDE-CODE.md). */
export const AUTO_COMPACT_200K = 167_000;
/** guard's footer takes at most this many rows at the bottom of the screen. */
const FOOTER_ROWS = 2;
/** Footer phases can last a few hundred ms; the watcher samples faster than that. */
const WATCH_MS = 25;

export interface FooterWatch {
  /** Every distinct footer text seen, in order of first sight (rows joined by a newline). */
  readonly seen: string[];
  /** The footer now. */
  now(): string;
  stop(): void;
}

/** guard's footer: the bottom rows of the screen from the one that starts with "guard" (the
 * program's pane ends above it; Claude's own hint line is often right above). '' when absent. */
export function footerOf(term: TestTerminal): string {
  const rows = term.lines().slice(-FOOTER_ROWS);
  const first = rows.findIndex((r) => /^\s*guard\b/.test(r));
  return first < 0 ? '' : rows.slice(first).join('\n');
}

/** Samples guard's footer in the background and keeps each distinct text. */
export function watchFooter(term: TestTerminal): FooterWatch {
  const seen: string[] = [];
  const last = new Set<string>();
  const sample = (): void => {
    const f = footerOf(term);
    if (!last.has(f)) { last.add(f); seen.push(f); }
  };
  sample();
  const timer = setInterval(sample, WATCH_MS);
  return { seen, now: () => footerOf(term), stop: () => clearInterval(timer) };
}

/** Index of the first footer seen that matches `re`, or -1. */
export function firstSeen(w: FooterWatch, re: RegExp): number {
  return w.seen.findIndex((f) => re.test(f));
}

/** What guard's own commands need of a test session: its environment (GUARD_HOME). */
export interface GuardWorld { env: { env: Record<string, string> } }

export interface LogLine { t: string; type: string; [k: string]: unknown }

/** `guard log --json latest` with the test's GUARD_HOME: one parsed object per line. */
export function guardLogLatest(s: GuardWorld): { status: number | null; lines: LogLine[]; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [GUARD_BIN, 'log', '--json', 'latest'], {
    env: { ...s.env.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000,
  });
  if (r.error) throw new Error(`guard log: ${r.error.message}; stderr: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as LogLine);
  return { status: r.status, lines, stdout: r.stdout, stderr: r.stderr };
}

/** `guard ls --json` with the test's GUARD_HOME. */
export function guardLsJson(s: GuardWorld): LiveEntry[] { return guardLsSync(s.env.env.GUARD_HOME ?? ''); }

/** The checkpoint records' phases, in log order. */
export function checkpointPhases(lines: LogLine[]): string[] {
  return lines.filter((l) => l.type === 'checkpoint').map((l) => String(l.phase));
}

/** The notes (`*.md`) under `<cwd>/.guard/checkpoints/`, with their text; guard's `.gitignore` there is not a note. */
export async function checkpointNotes(cwd: string): Promise<Array<{ name: string; text: string }>> {
  const dir = join(cwd, '.guard', 'checkpoints');
  let names: string[];
  try { names = await readdir(dir); } catch { return []; }
  return Promise.all(names.filter((n) => n.endsWith('.md')).sort().map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
}

/** Ends Claude with /exit at an idle prompt and waits for guard to exit; returns its status. */
export async function exitClaude(s: ClaudeSession, timeoutMs = 20_000): Promise<{ exitCode: number; signal: number }> {
  s.term.write('/exit\r');
  return s.term.waitExit(timeoutMs);
}

/** With STANDIN_DEBUG set, lists every request the stand-in got as test comments (for a failing run). */
export function debugRequests(t: { comment(...args: unknown[]): void }, api: StandinApi, footer?: FooterWatch): void {
  if (!process.env.STANDIN_DEBUG) return;
  for (const f of footer?.seen ?? []) t.comment(`footer: ${f.replace(/\n/g, ' ⏎ ')}`);
  for (const r of api.requests) t.comment(`${r.seq} ${r.status} ${r.thread} ctx=${r.contextTokens} pad=${r.padding} ${JSON.stringify(r.prompt.slice(0, 80))}`);
}

/**
 * Submits `text` at an idle prompt and waits for its own answer: the stand-in's main request
 * carrying exactly that prompt, then "Reply <its seq>:" on screen, then an idle, quiet screen.
 * (Matching the reply by its number, not by any "Reply" under the prompt, so an older reply on
 * screen cannot end the wait early.) Returns the request.
 */
export async function answeredTurn(s: ClaudeSession, text: string, timeoutMs = 30_000): Promise<StandinRequest> {
  await waitForIdle(s.term, { timeoutMs, quietMs: 150 });
  const seen = s.api.requests.length;
  submit(s.term, text);
  const req = await s.api.waitForRequest((r) => r.seq > seen && r.thread === 'main' && r.prompt === text, timeoutMs);
  await s.term.waitFor(new RegExp(`Reply ${req.seq}:`), timeoutMs);
  await waitForIdle(s.term, { timeoutMs });
  return req;
}

/** guard's prefix key, Ctrl-G (BEL). */
export const PREFIX = '\x07';
/** The resume prompt guard types after /clear (the default template); group 1 is the note's path. */
export const RESUME_RE = /^Continue from the checkpoint note in (\S+?):/;

/** Presses guard's prefix key and then `key`, as two keystrokes. */
export function prefixKey(term: TestTerminal, key: string): void {
  term.write(PREFIX);
  term.write(key);
}

/** Waits for the handoff that starts with `note` to end: the resume prompt answered, the footer back from checkpointing. */
export async function handoffDone(s: ClaudeSession, footer: FooterWatch, note: StandinRequest): Promise<StandinRequest> {
  const resume = await s.api.waitForRequest((r) => r.seq > note.seq && r.thread === 'main' && RESUME_RE.test(r.prompt), 45_000);
  await s.term.waitFor(new RegExp(`Reply ${resume.seq}:`), 20_000);
  await until(() => !/checkpointing/.test(footer.now()), 10_000, 'the footer to leave checkpointing');
  await waitForIdle(s.term);
  return resume;
}

const BOX_RULE_RE = /^─{3,}/;

/**
 * Claude's prompt box as a user reads it: the rows from the `❯` row under a rule down to the next
 * rule, trimmed ([] when no box is at the bottom of the screen). Read independently of guard's
 * own reader (src/claude/prompt-box.ts), which these tests check.
 */
export function promptBoxRows(screen: string): string[] {
  const rows = screen.split('\n');
  for (let i = rows.length - 1; i >= 1; i--) {
    if (!(rows[i] ?? '').startsWith('❯') || !BOX_RULE_RE.test(rows[i - 1] ?? '')) continue;
    const end = rows.findIndex((r, j) => j > i && BOX_RULE_RE.test(r));
    if (end < 0) return [];
    return [(rows[i] ?? '').slice(1).trim(), ...rows.slice(i + 1, end).map((r) => r.trim())];
  }
  return [];
}

/**
 * For `ms`, samples the screen and the stand-in: returns what first broke the hold (a request
 * reached the API, or the screen's `probe` changed from its value at the start), or null.
 */
export async function holdStill(s: ClaudeSession, ms: number, probe: (screen: string) => string): Promise<string | null> {
  const requests = s.api.requests.length;
  const start = probe(s.term.screen());
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const now = probe(s.term.screen());
    if (now !== start) return `the screen changed from ${JSON.stringify(start)} to ${JSON.stringify(now)}`;
    if (s.api.requests.length !== requests) return `request ${s.api.requests.at(-1)?.seq} reached the API: ${JSON.stringify(s.api.requests.at(-1)?.prompt.slice(0, 80))}`;
    await new Promise((r) => setTimeout(r, WATCH_MS));
  }
  return null;
}

/** One way of leaving something unsent in Claude's prompt box (test/e2e/checkpoint-unsent-*.test.ts). */
export interface UnsentCase {
  name: string;
  /** The user's writes before "checkpoint now", each a keystroke or a run of typing, with a short pause between. */
  keys: string[];
  /** What the screen shows once they are in (the box's rows, or a view's text), before guard is asked. */
  shows: (screen: string) => boolean;
  /** What the footer says guard waits for. */
  footer: RegExp;
  /** The user's writes that finish and send it. */
  send: string[];
  /** The prompt that must reach the API, exactly. */
  sent: string;
  /** What the terminal sends for Ctrl-G (default BEL; a kitty-protocol terminal reports it as CSI 103;5u). */
  prefix?: string;
}

/** Between the user's keystrokes: a person types, the terminal does not batch them. */
const KEY_GAP_MS = 150;
/** Armed over the unsent box: longer than any idle wait guard has (2 s of a quiet keyboard). */
export const UNSENT_HOLD_MS = 3_000;

/**
 * One case, end to end at an idle prompt: the keys leave something unsent, the user presses
 * Ctrl-G c ("checkpoint now"); for UNSENT_HOLD_MS guard types nothing and the screen stays as the
 * user left it; the user sends, the API gets exactly their text, and the checkpoint (note,
 * /clear, resume) follows as the next request after their turn. Returns the requests.
 */
export async function unsentCase(t: Test, s: ClaudeSession, footer: FooterWatch, c: UnsentCase): Promise<{ sent: StandinRequest; note: StandinRequest }> {
  const { api, term } = s;
  await waitForIdle(term, { quietMs: 150 });
  for (const k of c.keys) { term.write(k); await new Promise((r) => setTimeout(r, KEY_GAP_MS)); }
  await term.waitFor(c.shows, 10_000);
  const before = api.requests.length;
  term.write(c.prefix ?? PREFIX);
  term.write('c');
  await until(() => c.footer.test(footer.now()), 10_000, `${c.name}: the footer to say ${c.footer}`);
  const broke = await holdStill(s, UNSENT_HOLD_MS, (x) => `${promptBoxRows(x).join('⏎')}|${/Search prompts/.test(x)}`);
  t.equal(broke, null, `${c.name}: for ${UNSENT_HOLD_MS} ms guard typed nothing and the screen stayed as the user left it`);
  t.equal(api.requests.length, before, `${c.name}: no request while armed`);
  for (const k of c.send) { term.write(k); await new Promise((r) => setTimeout(r, KEY_GAP_MS)); }
  const sent = await api.waitForRequest((r) => r.seq > before && r.thread === 'main', 20_000);
  t.equal(sent.prompt, c.sent, `${c.name}: the first request after the user's Enter carries exactly their text`);
  await term.waitFor(new RegExp(`Reply ${sent.seq}:`), 20_000);
  const note = await api.waitForRequest((r) => r.seq > sent.seq && r.thread === 'main' && NOTE_RE.test(r.prompt), 20_000);
  t.same(api.messages('main').filter((r) => r.seq > sent.seq && r.seq < note.seq).map((r) => r.prompt), [],
    `${c.name}: the checkpoint prompt is the next request after the user's turn`);
  await handoffDone(s, footer, note);
  return { sent, note };
}

/**
 * A whole session of unsent-input cases (test/e2e/checkpoint-unsent-*.test.ts): guard over the
 * real Claude, one answered turn, each case in turn, then /exit; the log must hold one whole
 * handoff per case and nothing else (no refusal: the policy never tried while the box was not
 * empty).
 */
export async function unsentSession(t: Test, cases: UnsentCase[]): Promise<void> {
  const s = await startClaudeSession({ guardArgs: [] });
  const footer = watchFooter(s.term);
  t.teardown(async () => { footer.stop(); debugRequests(t, s.api, footer); await s.dispose(); });
  await s.turn('hello');
  for (const c of cases) await unsentCase(t, s, footer, c);
  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0);
  const log = guardLogLatest(s);
  const handoff = ['armed', 'prompted', 'note-written', 'cleared', 'resumed'];
  t.same(checkpointPhases(log.lines), cases.flatMap(() => handoff), 'one whole checkpoint per case, nothing refused');
}
