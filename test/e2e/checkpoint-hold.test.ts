// Issue 7, guard holds Claude's own automatic compaction while it hands over, end to end: the real
// Claude Code 2.1.330 under `bin/guard.js claude` against the stand-in API.
// 1. A 1M-window session (the default model, claude-opus-5-5, a 1,000,000 window: auto-compact
//    point 967,000) whose one turn (a large file read) lands between the point and the window.
//    guard arms and types its handoff prompt; Claude would compact before sending it (a miss that
//    saves nothing). guard answers Claude's PreCompact hook "block", so Claude sends the prompt
//    with the full context, which still fits: note, /clear, resume, with no compaction at all.
// 2. A manual /compact the user types while guard is armed still runs (guard never holds `manual`).
// Proven on the screen (the footer), the stand-in's records and `guard log --json latest`.
import t from 'tap';
import { NOTE_RE, answeredToolCalls } from '../../src/demo/standin-script.js';
import { promptInput, submit, waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import {
  AUTO_COMPACT_200K, answeredTurn, checkpointNotes, checkpointPhases, debugRequests, exitClaude, firstSeen, guardLogLatest, watchFooter,
} from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

/** The auto-compact point of a 1,000,000 window (window − 33,000; CLAUDE-CODE.md). */
const AUTO_COMPACT_1M = 967_000;
const WINDOW_1M = 1_000_000;
/** From ~14k of Claude's own to ~974k in one turn: past the point, below the window. */
const BIG_READ = 'PAD:960000 read the large file';
const RESUME_RE = /^Continue from the checkpoint note in (\S+?):/;

t.test('1M window, one turn past the auto-compact point: guard holds Claude\'s compaction and hands over', async (t) => {
  const s = await startClaudeSession({ guardArgs: [] });
  const { api, term, env } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  const big = await answeredTurn(s, BIG_READ);
  t.equal(big.window, WINDOW_1M, 'a 1M window at the stand-in');
  t.ok((big.contextTokens ?? 0) > AUTO_COMPACT_1M && (big.contextTokens ?? Infinity) < WINDOW_1M,
    `one turn landed between the auto-compact point and the window: ${big.contextTokens}`);

  // guard arms and types its handoff prompt; Claude asks to compact first; guard holds it.
  const asked = await api.waitForRequest((r) => r.thread === 'main' && NOTE_RE.test(r.prompt), 30_000);
  t.ok((asked.contextTokens ?? 0) > AUTO_COMPACT_1M, `Claude sent the handoff prompt with the full context: ${asked.contextTokens}`);
  t.equal(asked.sessionId, big.sessionId, 'in the same conversation');
  const resume = await api.waitForRequest((r) => r.thread === 'main' && RESUME_RE.test(r.prompt), 60_000);
  await term.waitFor(new RegExp(`Reply ${resume.seq}:`), 20_000);
  await until(() => !/checkpointing/.test(footer.now()), 10_000, 'the footer to leave checkpointing');
  await waitForIdle(term);

  // Exactly one handoff: one note, one /clear (a new conversation), one resume.
  const notes = await checkpointNotes(env.cwd);
  t.equal(notes.length, 1, 'one note');
  t.equal(`.guard/checkpoints/${notes[0]?.name}`, RESUME_RE.exec(resume.prompt)?.[1], 'the note guard resumed from');
  t.match(notes[0]?.text ?? '', /## Goal[\s\S]*## Next/, 'the note has content');
  // (Requests answering a tool call belong to the same turn: its newest typed text is still the prompt.)
  const typed = api.messages('main').filter((r) => r.body !== null && answeredToolCalls(r.body).length === 0);
  t.equal(typed.filter((r) => NOTE_RE.test(r.prompt)).length, 1, 'one handoff prompt');
  t.equal(typed.filter((r) => RESUME_RE.test(r.prompt)).length, 1, 'one resume prompt');
  t.not(resume.sessionId, asked.sessionId, '/clear started a new conversation');
  t.ok((resume.contextTokens ?? Infinity) < 100_000, `the fresh context is small: ${resume.contextTokens}`);

  // The next prompt is answered.
  const next = await answeredTurn(s, 'what next after the handoff');
  t.match(term.screen(), new RegExp(`Reply ${next.seq}: context about ${next.contextTokens} tokens`), 'the next prompt is answered');

  // No automatic compaction at all, and nothing refused.
  t.same(api.messages('compact'), [], 'no compaction call');
  t.same(api.requests.filter((r) => r.status !== 200).map((r) => `${r.seq} ${r.status}`), [], 'no request refused');
  t.ok(firstSeen(footer, /holding Claude's auto-compact/) >= 0, 'the footer said guard held Claude\'s compaction (the rest may be cut at the footer width)');

  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0);
  const log = guardLogLatest(s);
  t.equal(log.status, 0, log.stderr);
  const phases = checkpointPhases(log.lines);
  t.same(phases.filter((p) => p !== 'held'), ['armed', 'prompted', 'note-written', 'cleared', 'resumed'], 'one handoff, all its phases');
  t.ok(phases.includes('held'), `the log shows the held compaction: ${phases.join(', ')}`);
  t.ok(phases.indexOf('held') > phases.indexOf('armed') && phases.lastIndexOf('held') < phases.indexOf('cleared'), 'held while handing over');
  t.match(log.lines.find((l) => l.phase === 'held'), { strategy: 'handoff', detail: /held Claude's automatic compaction at \d+ tokens of 1000000/ });
  t.notOk(phases.includes('miss'), 'no miss');
  t.same(log.lines.filter((l) => l.type === 'compaction'), [], 'no compaction record');
});

t.test('a manual /compact the user types while guard is armed still runs', async (t) => {
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL] });
  const { api, term } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  await answeredTurn(s, 'PAD:60000 first');
  // The second turn crosses guard's threshold (80% of 167,000); while it runs the user types /compact.
  api.latencyMs = 1_500;
  await waitForIdle(term);
  submit(term, 'PAD:60000 second');
  const crossing = await api.waitForRequest((r) => r.thread === 'main' && r.prompt === 'PAD:60000 second', 20_000);
  term.write('/compact keep the tests');
  await term.waitFor((x) => promptInput(x).startsWith('/compact keep the tests'), 10_000);
  api.latencyMs = 0;
  t.ok((crossing.contextTokens ?? 0) >= 0.8 * AUTO_COMPACT_200K, `that turn crossed the threshold: ${crossing.contextTokens}`);
  await term.waitFor(new RegExp(`Reply ${crossing.seq}:`), 20_000);
  await until(() => /checkpoint armed → handoff once your input is sent/.test(footer.now()), 10_000, 'guard armed, waiting for the input');

  // The user sends it: Claude compacts (a manual compaction) and guard lets it.
  term.write('\r');
  const call = await api.waitForRequest((r) => r.thread === 'compact', 30_000);
  t.match(JSON.stringify(call.body?.messages?.at(-1)), /keep the tests/, 'the user\'s instructions reached the compaction call');
  await until(() => !/armed/.test(footer.now()), 15_000, 'guard to disarm: the context is small again');
  await waitForIdle(term);
  const after = await answeredTurn(s, 'after the compaction');
  t.ok((after.contextTokens ?? Infinity) < (crossing.contextTokens ?? 0) / 2, `the context is small again: ${after.contextTokens}`);
  t.notOk(api.messages('main').some((r) => NOTE_RE.test(r.prompt)), 'guard typed no handoff: the user compacted');

  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0);
  const log = guardLogLatest(s);
  t.match(log.lines.filter((l) => l.type === 'compaction'), [{ trigger: 'manual', success: true }], 'one manual compaction, done');
  t.notOk(log.lines.some((l) => l.type === 'compaction' && l.miss), 'not a miss');
  t.same(checkpointPhases(log.lines), ['armed', 'disarmed'], 'armed, then disarmed by the user\'s compaction; nothing held');
});
