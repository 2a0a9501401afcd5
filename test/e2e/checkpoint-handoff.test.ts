// Issue 4, the handoff (guard's default strategy), end to end: the real Claude Code 2.1.330 under
// `bin/guard.js claude --model OFFLINE_MODEL` (claude-env.ts) (a 200,000-token window that Claude itself does
// not compact ahead of: guard must) against the stand-in API. The conversation is padded step by
// step toward the auto-compact point (167,000); guard arms, has Claude write a checkpoint note,
// clears the context and resumes from the note, before any main request reaches the point.
// Proven on the screen (the footer's phases, the replies), the stand-in's records (every request
// Claude sent) and guard's session log (`guard log --json latest`, read before cleanup).
import t from 'tap';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import {
  AUTO_COMPACT_200K, answeredTurn, checkpointNotes, checkpointPhases, debugRequests, exitClaude, firstSeen, guardLogLatest, watchFooter,
} from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

/** Big steps: few turns (each real-Claude turn costs seconds on this machine), still several below the point. */
const PAD_STEP = 40_000;
/** More turns than it takes (about 4 from a ~20k start); a guard that never fires fails the test, not the loop. */
const MAX_PAD_TURNS = 6;
/** guard's default threshold: 80% of the auto-compact point. */
const THRESHOLD = 0.8 * AUTO_COMPACT_200K;
const RESUME_RE = /Continue from the checkpoint note in (\S+?):/;

t.test('handoff: guard checkpoints before the auto-compact point, the note is written, the context starts small', async (t) => {
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL] });
  const { api, term, env } = s;
  const footer = watchFooter(term);
  t.teardown(async () => {
    footer.stop();
    debugRequests(t, api, footer);
    await s.dispose();
  });

  // Pad until the context passes guard's threshold (80% of the auto-compact point), then guard
  // types its checkpoint prompt at the next idle moment (the stand-in sees it as the note request).
  const noteRequest = () => api.messages('main').find((r) => NOTE_RE.test(r.prompt));
  let turns = 0;
  while (!noteRequest() && turns < MAX_PAD_TURNS) {
    turns++;
    await answeredTurn(s, `PAD:${PAD_STEP} step ${turns}`);
    if ((api.lastMain()?.contextTokens ?? 0) >= THRESHOLD) await api.waitForRequest((r) => NOTE_RE.test(r.prompt), 20_000);
  }
  const asked = noteRequest();
  t.ok(asked, `guard asked for a checkpoint note within ${turns} padded turns`);
  if (!asked) return;
  // guard's prompt reached the API as plain text, exactly as typed (no paste markers or tags).
  t.match(asked.prompt, /^Write a checkpoint note to \.guard\/checkpoints\/[^\s/]+\.md so that the work can continue in a fresh context\. Cover: [^\n]*Write only that file, then stop\.$/,
    'the checkpoint prompt arrived verbatim');
  const beforeHandoff = api.messages('main').filter((r) => r.seq < asked.seq && r.status === 200).at(-1);
  t.ok((beforeHandoff?.contextTokens ?? 0) >= THRESHOLD, `the context had passed the threshold before the handoff: ${beforeHandoff?.contextTokens}`);

  // The handoff runs by itself: note written (Write tool), /clear, the resume prompt answered.
  const resume = await api.waitForRequest((r) => r.thread === 'main' && RESUME_RE.test(r.prompt), 45_000);
  await term.waitFor(new RegExp(`Reply ${resume.seq}:`), 20_000);
  await until(() => !/checkpointing/.test(footer.now()), 10_000, 'the footer to leave checkpointing');
  await waitForIdle(term);

  t.match(resume.prompt, /^Continue from the checkpoint note in \S+\.md: read it first, then carry on with the next step it names\.$/, 'the resume prompt arrived verbatim');
  const notePath = RESUME_RE.exec(resume.prompt)?.[1] ?? '';
  t.match(notePath, /^\.guard\/checkpoints\/[^/]+\.md$/, 'the resume prompt names a note under .guard/checkpoints/');
  const notes = await checkpointNotes(env.cwd);
  t.equal(notes.length, 1, 'one note in <cwd>/.guard/checkpoints/');
  t.equal(`.guard/checkpoints/${notes[0]?.name}`, notePath, 'the note guard resumed from');
  t.match(notes[0]?.text ?? '', /## Goal[\s\S]*## Done[\s\S]*## Next/, 'the note has content');
  const notesDir = join(env.cwd, '.guard', 'checkpoints');
  t.equal(statSync(notesDir).mode & 0o777, 0o700, 'the notes folder is private');
  t.match(readFileSync(join(notesDir, '.gitignore'), 'utf8'), /^\*$/m, 'and git ignores it');
  t.not(resume.sessionId, asked.sessionId, '/clear started a new conversation');
  t.ok((resume.contextTokens ?? Infinity) < (beforeHandoff?.contextTokens ?? 0) / 4,
    `the fresh context is a small fraction of the old: ${beforeHandoff?.contextTokens} → ${resume.contextTokens}`);
  t.equal(resume.padding, 0, 'no padding survived the handoff');

  // The next prompt the user types is answered.
  const next = await answeredTurn(s, 'what next after the checkpoint');
  const screen = term.screen();
  t.equal(next?.prompt, 'what next after the checkpoint', 'the user\'s next prompt reached the API');
  t.match(screen, new RegExp(`Reply ${next?.seq}: context about ${next?.contextTokens} tokens`), 'and its answer is on screen');

  // Claude never got to compact on its own, and no main request reached the auto-compact point.
  t.same(api.messages('compact'), [], 'no compaction call at all');
  t.same(api.requests.filter((r) => r.status !== 200).map((r) => `${r.seq} ${r.status}`), [], 'no request refused');
  const biggest = Math.max(...api.messages('main').map((r) => r.contextTokens ?? 0));
  t.ok(biggest < AUTO_COMPACT_200K, `largest main request ${biggest} < ${AUTO_COMPACT_200K}`);

  // The footer showed the phases, in order. Armed can be shorter than a frame (Claude idle
  // already when the threshold is crossed: the footer never draws it); the log has it either way.
  const armedAt = firstSeen(footer, /checkpoint armed → handoff/);
  const writingAt = firstSeen(footer, /checkpointing: Claude is writing the checkpoint note/);
  t.ok(writingAt >= 0, 'footer: checkpointing while Claude writes the note');
  t.ok(armedAt < writingAt, `footer: checkpoint armed, if drawn at all, before that (${armedAt < 0 ? 'not drawn' : 'drawn'})`);
  t.ok(firstSeen(footer, /checkpointing: (clearing the context|resuming from)/) > writingAt, 'footer: then clearing / resuming');
  t.match(footer.now(), /\bidle\b/, 'footer: idle afterwards');
  t.notMatch(footer.now(), /checkpointing|armed/, 'footer: nothing armed afterwards');

  // The session log, read with guard's own command after Claude exits.
  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0, 'guard exits 0 with Claude');
  const log = guardLogLatest(s);
  t.equal(log.status, 0, log.stderr);
  t.ok(log.lines.length > 0, 'the log has records');
  t.ok(log.lines.every((l) => typeof l.type === 'string' && typeof l.t === 'string' && new Date(l.t).toISOString() === l.t),
    'every line has an ISO t and a type');
  const mainReqs = log.lines.filter((l) => l.type === 'request' && l.thread === 'main');
  const answeredMain = api.messages('main').filter((r) => r.status === 200);
  t.same(mainReqs.map((l) => l.contextTokens), answeredMain.map((r) => r.contextTokens), 'every main request with its context, as the API reported it');
  t.same(checkpointPhases(log.lines), ['armed', 'prompted', 'note-written', 'cleared', 'resumed'], 'the checkpoint\'s phases, in order');
  t.ok(log.lines.filter((l) => l.type === 'checkpoint').every((l) => l.strategy === 'handoff'), 'all of the handoff strategy');
  t.same(log.lines.filter((l) => l.type === 'compaction'), [], 'no compaction record (auto or otherwise)');
  t.match(log.lines.at(-1), { type: 'exit', code: 0 }, 'the exit record ends the log');
  const sessions = log.lines.filter((l) => l.type === 'claude_session').map((l) => l.claudeSessionId);
  t.ok(sessions.includes(asked.sessionId) && sessions.includes(resume.sessionId), 'both Claude sessions named in the log');
});
