// `guard claude --continue`: a conversation resumed under guard, end to end with the real Claude
// Code against the stand-in. A first run (bare claude) fills the conversation to ~143k tokens of
// a 200k window; then guard runs `claude --continue` in the same HOME and project. Before the run
// sent anything, Claude's status line carries the resumed conversation's newest main request
// (src/context/tracker.ts): the footer and `guard ls` show it to the token before any prompt. That
// figure arms nothing: above the default threshold (80% of the 167k auto-compact point) guard types
// nothing until the user's first prompt, and hands over after it, as the run's first request says.
// Every process started here is ended here.
import t, { type Test } from 'tap';
import { startStandinApi, type StandinApi } from '../../src/demo/standin-api.js';
import { OFFLINE_MODEL } from '../../src/demo/offline-claude.js';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { formatTokens } from '../../src/lib/text.js';
import { makeClaudeEnv, submitAndWait, waitForIdle, type ClaudeEnv } from '../helpers/claude-env.js';
import { startTerminal, type TestTerminal } from '../helpers/terminal.js';
import { checkpointNotes, checkpointPhases, footerOf, guardLogLatest, RESUME_RE } from '../helpers/checkpoint.js';
import { guardLsSync } from '../helpers/guard-ls.js';
import { until } from '../helpers/until.js';
import { telemetryOffClaude } from '../helpers/faults.js';
import { NO_TELEMETRY_MS } from '../../src/app/agent-run.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Two padded turns: the stand-in counts ~23k of Claude's own request, then these. */
const PADS = [60_000, 60_000];
const AUTO_COMPACT = '167k';

interface World { api: StandinApi; env: ClaudeEnv; context: number }

/** A conversation of ~143k tokens, made by bare claude in a fresh HOME; its newest main request's context. */
async function filledConversation(t: Test): Promise<World> {
  const api = await startStandinApi();
  const env = await makeClaudeEnv({ apiUrl: api.url });
  t.teardown(async () => { await api.close(); await env.cleanup(); });
  const cmd = env.claudeCommand(['--model', OFFLINE_MODEL]);
  const term = startTerminal({ file: cmd.file, args: cmd.args, cwd: env.cwd, env: env.env, cols: 110, rows: 32 });
  try {
    await waitForIdle(term, { timeoutMs: 60_000 });
    for (const pad of PADS) await submitAndWait(term, `PAD:${pad} a long read`);
    term.write('/exit\r');
    await term.waitExit(20_000);
  } finally {
    term.dispose();
  }
  const context = api.requests.filter((r) => r.thread === 'main').at(-1)?.contextTokens ?? 0;
  t.ok(context > 140_000 && context < 150_000, `the first run left a conversation of ${context} tokens`);
  return { api, env, context };
}

function guardContinue(t: Test, w: World, guardArgs: string[], env: Record<string, string> = w.env.env): TestTerminal {
  const cmd = w.env.guardCommand(guardArgs, ['--model', OFFLINE_MODEL, '--continue']);
  const term = startTerminal({ file: cmd.file, args: cmd.args, cwd: w.env.cwd, env, cols: 110, rows: 32 });
  t.teardown(async () => { await term.end(3_000); });
  return term;
}

t.test('resumed: the footer and guard ls show the conversation\'s context before any prompt, to the token', async (t) => {
  const w = await filledConversation(t);
  const sent = w.api.requests.length;
  // 143k is 86% of the auto-compact point: under a 90% threshold guard only shows it.
  const term = guardContinue(t, w, ['--threshold', '90']);
  await waitForIdle(term, { timeoutMs: 60_000 });
  await until(() => footerOf(term).includes(`${formatTokens(w.context)} / ${AUTO_COMPACT}`), 15_000, () => `the footer to show ${formatTokens(w.context)}: ${footerOf(term)}`);
  const ls = await until(() => { const e = guardLsSync(w.env.guardHome); return e[0]?.contextTokens === w.context ? e : null; }, 5_000,
    () => `guard ls to show ${w.context}: ${JSON.stringify(guardLsSync(w.env.guardHome))}`);
  t.match(ls[0], { contextTokens: w.context, autoCompactAt: 167_000, state: 'idle' }, 'guard ls: the resumed context, exactly');
  t.equal(w.api.requests.length, sent, 'before any request of this run');
  t.match(footerOf(term), /handoff at 90%/, 'not armed: under the threshold');
  await submitAndWait(term, 'hello again');
  const next = w.api.requests.filter((r) => r.thread === 'main').at(-1)?.contextTokens ?? 0;
  t.ok(next > w.context, 'the next request carries the whole conversation');
  await until(() => footerOf(term).includes(`${formatTokens(next)} / ${AUTO_COMPACT}`), 15_000, () => `the footer to show ${formatTokens(next)}: ${footerOf(term)}`);
});

t.test('resumed above the threshold: shown at once, nothing typed before the user\'s first prompt, handed over after it', async (t) => {
  const w = await filledConversation(t);
  const sent = w.api.requests.length;
  const term = guardContinue(t, w, []);
  await waitForIdle(term, { timeoutMs: 60_000 });
  await until(() => footerOf(term).includes(`${formatTokens(w.context)} / ${AUTO_COMPACT}`), 15_000, () => `the footer to show ${formatTokens(w.context)}: ${footerOf(term)}`);
  // Longer than guard would take to start a handoff at an idle prompt (the checkpoint tests: well under a second).
  await new Promise((r) => setTimeout(r, 3_000));
  t.equal(w.api.requests.length, sent, 'the resumed figure alone makes guard type nothing');
  t.same(await checkpointNotes(w.env.cwd), [], 'no note');
  await submitAndWait(term, 'hello again');
  const resume = await w.api.waitForRequest((r) => r.seq > sent && r.thread === 'main' && RESUME_RE.test(r.prompt), 60_000);
  const mains = w.api.requests.filter((r) => r.seq > sent && r.thread === 'main');
  t.equal(mains[0]?.prompt, 'hello again', 'the user\'s prompt went first, to the whole conversation');
  t.ok(NOTE_RE.test(mains[1]?.prompt ?? ''), `then guard's note request: ${JSON.stringify(mains[1]?.prompt.slice(0, 60))}`);
  t.ok((resume.contextTokens ?? Infinity) < 40_000, `the conversation goes on from a fresh context (${resume.contextTokens})`);
  t.equal((await checkpointNotes(w.env.cwd)).length, 1, 'one checkpoint note written');
  await waitForIdle(term, { timeoutMs: 30_000 });
  term.write('/exit\r');
  await term.waitExit(20_000);
  const log = guardLogLatest({ env: w.env });
  t.same(checkpointPhases(log.lines), ['armed', 'prompted', 'note-written', 'cleared', 'resumed'], 'one whole handoff');
  t.notOk(log.lines.some((l) => l.type === 'compaction'), 'Claude never compacted');
});

t.test('resumed with Claude\'s telemetry off (as managed settings do): shown, then "no telemetry", and guard types nothing', async (t) => {
  const w = await filledConversation(t);
  const bin = join(w.env.root, 'telemetry-off-bin');
  await mkdir(bin);
  await telemetryOffClaude(bin);
  const sent = w.api.requests.length;
  const term = guardContinue(t, w, [], { ...w.env.env, PATH: `${bin}:${w.env.env.PATH ?? '/usr/bin:/bin'}` });
  await waitForIdle(term, { timeoutMs: 60_000 });
  await until(() => footerOf(term).includes(`${formatTokens(w.context)} / ${AUTO_COMPACT}`), 15_000, () => `the footer to show ${formatTokens(w.context)}: ${footerOf(term)}`);
  await until(() => /no telemetry from Claude/.test(footerOf(term)), NO_TELEMETRY_MS + 15_000, () => `the footer to say no telemetry: ${footerOf(term)}`);
  t.notMatch(footerOf(term), new RegExp(formatTokens(w.context)), 'the resumed figure, which nothing would move again, is gone from the footer');
  await submitAndWait(term, 'hello again');
  await new Promise((r) => setTimeout(r, 3_000));
  const mains = w.api.requests.filter((r) => r.seq > sent && r.thread === 'main');
  t.same(mains.map((r) => r.prompt), ['hello again'], 'only the user\'s prompt: guard typed nothing, above the threshold as it was');
  t.same(await checkpointNotes(w.env.cwd), [], 'no note');
});
