// Helpers for the checkpoint end-to-end tests (test/e2e/checkpoint*.test.ts): the real Claude Code
// under `bin/guard.js claude` against the stand-in API (claude-session.ts). They read what a user
// and a reviewer would: guard's footer on the reconstructed screen (watched in the background so
// short-lived phases are not missed), and guard's session log through `guard log --json latest`.
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GUARD_BIN, submit, waitForIdle } from './claude-env.js';
import type { ClaudeSession } from './claude-session.js';
import type { TestTerminal } from './terminal.js';
import type { StandinApi, StandinRequest } from '../../src/demo/standin-api.js';

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

export interface LogLine { t: string; type: string; [k: string]: unknown }

/** `guard log --json latest` with the test's GUARD_HOME: one parsed object per line. */
export function guardLogLatest(s: ClaudeSession): { status: number | null; lines: LogLine[]; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [GUARD_BIN, 'log', '--json', 'latest'], {
    env: { ...s.env.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000,
  });
  if (r.error) throw new Error(`guard log: ${r.error.message}; stderr: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as LogLine);
  return { status: r.status, lines, stdout: r.stdout, stderr: r.stderr };
}

/** The checkpoint records' phases, in log order. */
export function checkpointPhases(lines: LogLine[]): string[] {
  return lines.filter((l) => l.type === 'checkpoint').map((l) => String(l.phase));
}

/** The notes under `<cwd>/.guard/checkpoints/`, with their text. */
export async function checkpointNotes(cwd: string): Promise<Array<{ name: string; text: string }>> {
  const dir = join(cwd, '.guard', 'checkpoints');
  let names: string[];
  try { names = await readdir(dir); } catch { return []; }
  return Promise.all(names.sort().map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
}

/** Polls `pred` until it holds; rejects with `what` after `timeoutMs`. */
export async function until(pred: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
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
