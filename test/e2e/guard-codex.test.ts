// `guard codex` end to end: the real Codex CLI 0.171.0 under bin/guard.js against the project's
// Responses stand-in, offline (test/helpers/codex-env.ts). The footer and `guard ls --json` show
// the newest main request's context to the token (input_token_count, the cached part not added
// twice); a conversation padded toward Codex's own compaction point (90% of its window) is handed
// over by guard first (the note, /new, the resume prompt in a new conversation the gauge follows),
// or compacted with --strategy compact, and the next prompt is answered; text the user has not sent is never
// typed over; `guard log --json latest` records it all, with the agent. guard's hooks write to its
// hook folder.
import t, { type Test } from 'tap';
import { startResponsesStandin, type ResponsesStandin } from '../../src/demo/responses-standin.js';
import { startTerminal, type TestTerminal } from '../helpers/terminal.js';
import { codexPromptText, codexReady, codexWorking, guardCli, makeCodexEnv, submitCodex, type CodexEnv } from '../helpers/codex-env.js';
import { GUARD_BIN } from '../helpers/claude-env.js';
import { checkpointNotes, footerOf, RESUME_RE, watchFooter, type LogLine } from '../helpers/checkpoint.js';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { until } from '../helpers/until.js';
import { formatTokens } from '../../src/lib/text.js';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A window where Codex's ~12,000-token requests leave room: Codex compacts at 36,000, guard arms at 80% of that. */
const WINDOW = 40_000;
const AUTO_COMPACT = 36_000;
const THRESHOLD = 0.8 * AUTO_COMPACT;

interface Run { api: ResponsesStandin; w: CodexEnv; term: TestTerminal }

interface RunOptions {
  guardArgs?: string[];
  codexArgs?: string[];
  /** More config.toml lines (the user's own settings). */
  extraToml?: string;
  /** When Codex's screen is ready (default: its status row is on screen). */
  ready?: (screen: string) => boolean;
  /** Runs once the world exists, before guard starts (e.g. to write the project's files). */
  beforeStart?: (w: CodexEnv) => void;
}

async function startRun(t: Test, o: RunOptions = {}): Promise<Run> {
  const api = await startResponsesStandin();
  const w = await makeCodexEnv({ baseUrl: api.baseUrl, contextWindow: WINDOW, extraToml: o.extraToml });
  o.beforeStart?.(w);
  const term = startTerminal({ file: process.execPath, args: [GUARD_BIN, ...(o.guardArgs ?? []), 'codex', ...(o.codexArgs ?? [])], cwd: w.cwd, env: w.env, cols: 100, rows: 30 });
  t.teardown(async () => { term.dispose(); await api.close(); await w.cleanup(); });
  await term.waitFor(o.ready ?? codexReady, 30_000);
  return { api, w, term };
}

/** Submits a prompt and waits for its answer on screen and Codex idle again. */
async function turn(r: Run, text: string): Promise<NonNullable<ReturnType<ResponsesStandin['lastMain']>>> {
  const before = r.api.requests.length;
  await submitCodex(r.term, text);
  const req = await r.api.waitForRequest((q) => q.seq > before && q.thread === 'main' && q.prompt === text, 30_000);
  await r.term.waitFor(new RegExp(`Reply ${req.seq}: context about ${req.contextTokens} tokens`), 30_000);
  await r.term.waitFor((s) => !codexWorking(s) && codexPromptText(r.term) === '', 15_000);
  return req;
}

async function quit(r: Run): Promise<number> {
  r.term.write('\x03');
  await new Promise((res) => setTimeout(res, 300));
  r.term.write('\x03');
  return (await r.term.waitExit(20_000)).exitCode;
}

function logLines(w: CodexEnv): LogLine[] {
  const r = guardCli(w, ['log', '--json', 'latest']);
  if (r.status !== 0) throw new Error(`guard log: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as LogLine);
}

/** The footer's own figure (src/ui/footer.ts): the test compares what a user reads. */
const k = formatTokens;

/** The `-c hooks.Stop=…` value Codex was started with (its command line, in /proc), found by the run's TMPDIR. */
function codexStopHook(tmp: string): string | null {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let args: string[];
    try { args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    const hook = args.find((a) => a.startsWith('hooks.Stop=') && a.includes(tmp));
    if (hook) return hook;
  }
  return null;
}

t.test('the footer and guard ls show the newest main request exactly', async (t) => {
  const r = await startRun(t);
  // guard's hooks write to its hook folder (no Node start); the turns below end through them.
  const stopHook = codexStopHook(r.w.tmp) ?? '';
  t.match(stopHook, new RegExp(`^hooks\\.Stop=\\[\\{hooks=\\[\\{type="command",command="\\{ cat >${r.w.tmp}/guard-hooks-${r.term.proc.pid}-`), `Codex's Stop hook writes to guard's hook folder: ${stopHook}`);
  t.notMatch(stopHook, /hook-relay/, 'not the relay');
  const first = await turn(r, 'hello PAD:1500');
  await until(() => footerOf(r.term).includes(`${k(first.contextTokens!)} / ${k(AUTO_COMPACT)}`), 10_000, `the footer to show ${first.contextTokens}`);
  // Before a second turn adds the forecast, the footer has room for the model and its window.
  await until(() => /standin-model 40k/.test(footerOf(r.term)), 10_000, `the footer to name the model and Codex's window (from its config): ${footerOf(r.term)}`);
  const second = await turn(r, 'more PAD:800');
  t.ok(second.contextTokens! > first.contextTokens!, 'the context grew');
  await until(() => footerOf(r.term).includes(`${k(second.contextTokens!)} / ${k(AUTO_COMPACT)}`), 10_000, `the footer to show ${second.contextTokens}`);
  t.match(footerOf(r.term), /handoff at 80%/, 'the default strategy: guard will hand over');
  let entry: Record<string, unknown> | undefined;
  await until(() => {
    const ls = guardCli(r.w, ['ls', '--json']);
    entry = (JSON.parse(ls.stdout) as Array<Record<string, unknown>>)[0];
    return entry?.contextTokens === second.contextTokens;
  }, 10_000, 'guard ls to show the newest main request');
  t.match(entry, { program: 'codex', agent: 'codex', contextTokens: second.contextTokens, contextWindow: WINDOW, autoCompactAt: AUTO_COMPACT, model: 'standin-model', claudeSessionId: second.threadId });
  const title = r.api.responses('title')[0];
  t.ok(title && title.threadId !== second.threadId, 'the title request ran in its own thread');
  t.equal(await quit(r), 0, 'guard exits with Codex\'s status');
  const lines = logLines(r.w);
  t.match(lines[0], { type: 'start', program: 'codex', agent: 'codex' });
  const requests = lines.filter((l) => l.type === 'request');
  t.same(requests.filter((l) => l.thread === 'main').map((l) => l.contextTokens), [first.contextTokens, second.contextTokens], 'each main request, to the token');
  t.ok(requests.some((l) => l.thread === 'side' && l.claudeSessionId === title?.threadId), 'the title request logged as a side request');
  t.match(lines.find((l) => l.type === 'window'), { contextWindow: WINDOW, source: 'agent-config', autoCompactAt: AUTO_COMPACT });
  t.match(lines.at(-1), { type: 'exit', code: 0 }, `the exit record ends the log: ${JSON.stringify(lines.slice(-3))}`);
});

t.test('padded toward Codex\'s compaction point: guard hands over (note, /new, resume), Codex never compacts, the next prompt is answered', async (t) => {
  const r = await startRun(t);
  const footer = watchFooter(r.term);
  t.teardown(() => {
    footer.stop();
    if (!t.passing()) t.comment(`footers seen:\n${footer.seen.join('\n')}\nscreen:\n${r.term.screen()}\nrequests: ${r.api.requests.map((q) => `${q.seq} ${q.thread} ${q.threadId} ${q.contextTokens} ${JSON.stringify(q.prompt.slice(0, 50))}`).join('; ')}`);
  });
  const padded = await turn(r, 'PAD:18000 big read');
  t.ok(padded.contextTokens! >= THRESHOLD && padded.contextTokens! < AUTO_COMPACT, `past guard's threshold, short of Codex's point: ${padded.contextTokens}`);
  const note = await r.api.waitForRequest((q) => q.seq > padded.seq && q.thread === 'main' && NOTE_RE.test(q.prompt), 30_000);
  t.equal(note.threadId, padded.threadId, 'the note is written from the full conversation');
  const resume = await r.api.waitForRequest((q) => q.seq > note.seq && q.thread === 'main' && RESUME_RE.test(q.prompt), 60_000);
  t.not(resume.threadId, padded.threadId, 'the resume prompt runs in a new conversation (after /new)');
  // Codex's own instructions and tools are ~12,000 tokens of every request; the padded conversation was past 28,800.
  t.ok(resume.contextTokens! < THRESHOLD / 2, `the fresh context is small: ${resume.contextTokens}`);
  t.equal(resume.padding, 0, 'no padding survived /new');
  await r.term.waitFor(new RegExp(`Reply ${resume.seq}: context`), 30_000);
  await r.term.waitFor((x) => !codexWorking(x) && codexPromptText(r.term) === '', 15_000);
  const notes = await checkpointNotes(r.w.cwd);
  t.equal(notes.length, 1, 'one note written');
  t.equal(`.guard/checkpoints/${notes[0]?.name}`, RESUME_RE.exec(resume.prompt)?.[1], 'the note guard resumed from');
  await until(() => footerOf(r.term).includes(`${k(resume.contextTokens!)} / ${k(AUTO_COMPACT)}`), 10_000, `the gauge to follow the new conversation: ${resume.contextTokens}`);
  await until(() => !/checkpointing/.test(footer.now()), 15_000, 'the footer to leave checkpointing');
  const next = await turn(r, 'what next after the checkpoint');
  t.equal(next.threadId, resume.threadId, 'the next prompt goes on in the new conversation');
  t.same(r.api.responses('compact'), [], 'Codex never compacted');
  t.ok(Math.max(...r.api.responses('main').map((q) => q.contextTokens ?? 0)) < AUTO_COMPACT, 'no main request reached Codex\'s point');
  await until(() => footerOf(r.term).includes(`${k(next.contextTokens!)} / ${k(AUTO_COMPACT)}`), 10_000, 'the footer to show the new conversation');
  let entry: Record<string, unknown> | undefined;
  await until(() => {
    entry = (JSON.parse(guardCli(r.w, ['ls', '--json']).stdout) as Array<Record<string, unknown>>)[0];
    return entry?.contextTokens === next.contextTokens;
  }, 10_000, 'guard ls to show the new conversation');
  t.match(entry, { claudeSessionId: next.threadId });
  t.equal(await quit(r), 0);
  const lines = logLines(r.w);
  const phases = lines.filter((l) => l.type === 'checkpoint').map((l) => l.phase);
  t.same(phases, ['armed', 'prompted', 'note-written', 'cleared', 'resumed'], 'the handoff\'s phases');
  t.notOk(lines.some((l) => l.type === 'compaction'), 'no compaction logged');
});

t.test('padded toward Codex\'s compaction point: guard compacts first, the next prompt is answered', async (t) => {
  const r = await startRun(t, { guardArgs: ['--strategy', 'compact'] });
  const footer = watchFooter(r.term);
  t.teardown(() => footer.stop());
  const padded = await turn(r, 'PAD:18000 big read');
  t.ok(padded.contextTokens! >= THRESHOLD && padded.contextTokens! < AUTO_COMPACT, `past guard's threshold, short of Codex's point: ${padded.contextTokens}`);
  const call = await r.api.waitForRequest((q) => q.thread === 'compact', 30_000);
  t.equal(call.padding, 18_000, 'the compaction call carried the padded conversation');
  await r.term.waitFor(/Context compacted/, 20_000);
  await until(() => !/checkpointing/.test(footer.now()), 15_000, 'the footer to leave checkpointing');
  const next = await turn(r, 'what next after compacting');
  t.equal(next.padding, 0, 'the padding went with the compaction');
  t.ok(next.contextTokens! < padded.contextTokens!, `context dropped: ${padded.contextTokens} → ${next.contextTokens}`);
  t.equal(next.threadId, padded.threadId, 'the same conversation goes on');
  t.equal(r.api.responses('compact').length, 1, 'one compaction: guard\'s');
  t.ok(Math.max(...r.api.responses('main').map((q) => q.contextTokens ?? 0)) < AUTO_COMPACT, 'no main request reached Codex\'s point');
  await until(() => footerOf(r.term).includes(`${k(next.contextTokens!)} / ${k(AUTO_COMPACT)}`), 10_000, 'the footer to show the compacted context');
  t.equal(await quit(r), 0);
  const lines = logLines(r.w);
  const phases = lines.filter((l) => l.type === 'checkpoint').map((l) => l.phase);
  t.same(phases, ['armed', 'compact-sent', 'compacted'], 'the checkpoint\'s phases');
  const compactions = lines.filter((l) => l.type === 'compaction');
  t.match(compactions, [{ trigger: 'manual', success: true }], 'one manual compaction (Codex\'s PostCompact hook)');
  t.notOk(compactions.some((l) => l.trigger === 'auto' || l.miss), 'no automatic compaction, no miss');
});

// The status row under the box is the user's (`[tui] status_line`); with none at all, Codex shows
// its context figure on the hint row. guard read the box by the folder in the status row, so such a
// user never got a checkpoint.
t.test('with no status row under the box (`status_line = []`), guard still hands over', async (t) => {
  const r = await startRun(t, { extraToml: '[tui]\nstatus_line = []', ready: (s) => /context left/.test(s) });
  const footer = watchFooter(r.term);
  t.teardown(() => {
    footer.stop();
    if (!t.passing()) t.comment(`footers seen:\n${footer.seen.join('\n')}\nscreen:\n${r.term.screen()}`);
  });
  t.notOk(codexReady(r.term.screen()), 'no status row with the folder on screen');
  const padded = await turn(r, 'PAD:18000 big read');
  t.ok(padded.contextTokens! >= THRESHOLD && padded.contextTokens! < AUTO_COMPACT, `past guard's threshold, short of Codex's point: ${padded.contextTokens}`);
  const note = await r.api.waitForRequest((q) => q.seq > padded.seq && q.thread === 'main' && NOTE_RE.test(q.prompt), 30_000);
  const resume = await r.api.waitForRequest((q) => q.seq > note.seq && q.thread === 'main' && RESUME_RE.test(q.prompt), 60_000);
  t.not(resume.threadId, padded.threadId, 'the resume prompt runs in a new conversation');
  await r.term.waitFor(new RegExp(`Reply ${resume.seq}: context`), 30_000);
  await until(() => !/checkpointing/.test(footer.now()), 15_000, 'the footer to leave checkpointing');
  t.same(r.api.responses('compact'), [], 'Codex never compacted');
  t.equal(await quit(r), 0);
  t.same(logLines(r.w).filter((l) => l.type === 'checkpoint').map((l) => l.phase), ['armed', 'prompted', 'note-written', 'cleared', 'resumed'], 'the handoff\'s phases');
});

// `model_post_turn_compact_threshold_percent` makes Codex compact right after a turn past that share
// of its usable window (95%). guard took only the 90% rule and `model_auto_compact_token_limit`, so
// with the user's 50 Codex compacted at 19,000 while guard waited for 28,800.
t.test('with the user\'s post-turn compaction threshold (50%), guard takes Codex\'s earlier point and hands over first', async (t) => {
  const r = await startRun(t, { extraToml: 'model_post_turn_compact_threshold_percent = 50' });
  const point = 19_000;
  const padded = await turn(r, 'PAD:4300 read the file');
  t.ok(padded.contextTokens! >= 0.8 * point && padded.contextTokens! < point, `past guard's threshold for Codex's point, short of it: ${padded.contextTokens}`);
  await until(() => footerOf(r.term).includes(`/ ${k(point)}`), 10_000, `the footer to show Codex's point ${point}`);
  const note = await r.api.waitForRequest((q) => q.seq > padded.seq && q.thread === 'main' && NOTE_RE.test(q.prompt), 30_000);
  const resume = await r.api.waitForRequest((q) => q.seq > note.seq && q.thread === 'main' && RESUME_RE.test(q.prompt), 60_000);
  await r.term.waitFor(new RegExp(`Reply ${resume.seq}: context`), 30_000);
  t.same(r.api.responses('compact'), [], 'Codex never compacted');
  t.equal(await quit(r), 0);
  t.match(logLines(r.w).find((l) => l.type === 'window'), { autoCompactAt: point, source: 'agent-config' });
});

// A project's own .codex/config.toml (read by Codex in a folder the user trusted) with a lower
// model_auto_compact_token_limit: Codex compacted at 20,000 (seen) while guard waited for 28,800.
t.test('with a lower compaction limit in the project\'s own .codex/config.toml, guard hands over first', async (t) => {
  const r = await startRun(t, {
    beforeStart: (w) => {
      mkdirSync(join(w.cwd, '.codex'));
      writeFileSync(join(w.cwd, '.codex', 'config.toml'), 'model_auto_compact_token_limit = 20000\n');
      appendFileSync(join(w.codexHome, 'config.toml'), `\n[projects.${JSON.stringify(w.cwd)}]\ntrust_level = "trusted"\n`);
    },
  });
  const point = 20_000;
  const padded = await turn(r, 'PAD:4300 read the file');
  t.ok(padded.contextTokens! >= 0.8 * point && padded.contextTokens! < point, `past guard's threshold for the project's point, short of it: ${padded.contextTokens}`);
  await until(() => footerOf(r.term).includes(`/ ${k(point)}`), 10_000, `the footer to show the project's point ${point}`);
  const note = await r.api.waitForRequest((q) => q.seq > padded.seq && q.thread === 'main' && NOTE_RE.test(q.prompt), 30_000);
  const resume = await r.api.waitForRequest((q) => q.seq > note.seq && q.thread === 'main' && RESUME_RE.test(q.prompt), 60_000);
  await r.term.waitFor(new RegExp(`Reply ${resume.seq}: context`), 30_000);
  t.same(r.api.responses('compact'), [], 'Codex never compacted');
  t.equal(await quit(r), 0);
});

t.test('text the user has not sent is never typed over', async (t) => {
  const r = await startRun(t, { guardArgs: ['--strategy', 'compact'] });
  const footer = watchFooter(r.term);
  t.teardown(() => footer.stop());
  // The user starts the next prompt while the padded turn runs; it stays in the box, unsent.
  await submitCodex(r.term, 'PAD:18000 big read');
  const padded = await r.api.waitForRequest((q) => q.thread === 'main' && q.prompt === 'PAD:18000 big read', 30_000);
  r.term.write('half typed');
  await r.term.waitFor(new RegExp(`Reply ${padded.seq}: context`), 30_000);
  await r.term.waitFor((s) => !codexWorking(s), 15_000);
  await until(() => /compact/.test(footer.now()) && /armed|waiting|unsent|typ/.test(footer.now()), 10_000, 'guard to arm');
  await new Promise((res) => setTimeout(res, 3_000));
  t.equal(codexPromptText(r.term), 'half typed', 'the user\'s text is still there, untouched');
  t.equal(r.api.responses('compact').length, 0, 'guard did not compact over it');
  // The user deletes it: guard compacts at the next idle moment.
  r.term.write('\x15');
  await r.api.waitForRequest((q) => q.thread === 'compact', 30_000);
  await r.term.waitFor(/Context compacted/, 20_000);
  t.pass('compacted once the box was empty');
  t.equal(await quit(r), 0);
});

t.test('a prompt given on Codex\'s command line reaches Codex and never the session log', async (t) => {
  const prompt = 'please say hello to the secret garden';
  const r = await startRun(t, { codexArgs: ['-m', 'standin-model', '-c', 'model_verbosity="low"', prompt] });
  const req = await r.api.waitForRequest((q) => q.thread === 'main' && q.prompt === prompt, 30_000);
  t.ok(req, 'Codex sent the prompt from its command line');
  await r.term.waitFor((s) => !codexWorking(s), 30_000);
  t.equal(await quit(r), 0);
  const lines = logLines(r.w);
  t.match(lines[0], { type: 'start', program: 'codex', agent: 'codex', args: ['-m', 'standin-model', '-c', '<redacted>', '<redacted>'] });
  const log = guardCli(r.w, ['log', '--json', 'latest']).stdout;
  t.notMatch(log, /secret garden|model_verbosity/, 'neither the prompt nor the config value is in the log');
});
