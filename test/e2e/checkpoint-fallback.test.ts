// Issue 4, a handoff whose note is never written, end to end: the real Claude Code 2.1.330 under
// `bin/guard.js claude --model OFFLINE_MODEL` (claude-env.ts) against the stand-in API set to answer the
// checkpoint prompt with words instead of a Write (`refuseWrites`). guard finds no note after
// Claude's turn, falls back to `/compact`, and the context drops all the same, before any main
// request reaches the auto-compact point. Proven in the stand-in's records, on the screen and in
// guard's session log.
import t from 'tap';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import {
  AUTO_COMPACT_200K, answeredTurn, checkpointNotes, checkpointPhases, debugRequests, exitClaude, guardLogLatest, watchFooter,
} from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

const THRESHOLD = 0.8 * AUTO_COMPACT_200K;
/** One step from Claude's own ~20k to past the threshold (~143k), still well below the point. */
const PAD = 120_000;

t.test('fallback: no note after the handoff prompt, so guard compacts instead', async (t) => {
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL], standin: { refuseWrites: true } });
  const { api, term, env } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  const before = await answeredTurn(s, `PAD:${PAD} big read`);
  t.ok((before?.contextTokens ?? 0) >= THRESHOLD, `past the threshold: ${before?.contextTokens}`);

  // guard asks for the note; the stand-in's Claude declines in words; no Write happens.
  const asked = await api.waitForRequest((r) => r.thread === 'main' && NOTE_RE.test(r.prompt), 20_000);
  await term.waitFor(/I will not write/, 20_000);
  // Then guard compacts: Claude's compaction call, then "Compacted".
  const call = await api.waitForRequest((r) => r.thread === 'compact', 30_000);
  t.ok(call.seq > asked.seq, 'the compaction call came after the checkpoint prompt');
  t.match(JSON.stringify(call.body?.messages?.at(-1)), /Keep the goal, what is done and what remains/, 'with guard\'s /compact instructions');
  await term.waitFor(/Compacted/, 30_000);
  await until(() => !/checkpointing/.test(footer.now()), 15_000, 'the footer to leave checkpointing');
  await waitForIdle(term);
  t.same(await checkpointNotes(env.cwd), [], 'no note was written');
  t.notOk(api.messages('main').some((r) => r.answer?.kind === 'tool_use' && r.answer.name === 'Write'), 'no Write tool call');

  const next = await answeredTurn(s, 'and now?');
  const screen = term.screen();
  t.equal(next?.prompt, 'and now?');
  t.match(screen, new RegExp(`Reply ${next?.seq}: context about ${next?.contextTokens} tokens`), 'the next prompt is answered');
  t.ok((next?.contextTokens ?? Infinity) < (before?.contextTokens ?? 0) / 4, `context dropped: ${before?.contextTokens} → ${next?.contextTokens}`);
  t.equal(api.messages('compact').length, 1, 'one compaction call');
  t.ok(Math.max(...api.messages('main').map((r) => r.contextTokens ?? 0)) < AUTO_COMPACT_200K, 'no main request reached the auto-compact point');
  t.ok(footer.seen.some((f) => /checkpointing: Claude is writing the checkpoint note/.test(f)), 'footer: the handoff was tried');
  t.ok(footer.seen.some((f) => /checkpointing: (\/compact at next idle|compacting)/.test(f)), 'footer: then compacting');

  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0);
  const log = guardLogLatest(s);
  t.equal(log.status, 0, log.stderr);
  t.same(checkpointPhases(log.lines), ['armed', 'prompted', 'fallback', 'compact-sent', 'compacted'], 'handoff, fallback, compaction');
  const fallback = log.lines.find((l) => l.type === 'checkpoint' && l.phase === 'fallback');
  t.match(fallback?.detail, /no checkpoint note at \.guard\/checkpoints\/\S+\.md/, 'the fallback names the missing note');
  t.match(log.lines.filter((l) => l.type === 'checkpoint' && (l.phase === 'compact-sent' || l.phase === 'compacted')), [{ strategy: 'compact' }, { strategy: 'compact' }],
    'the compaction is recorded under the compact strategy');
  t.match(log.lines.filter((l) => l.type === 'compaction'), [{ trigger: 'manual', success: true }], 'one manual compaction, no automatic one');
  t.match(log.lines.at(-1), { type: 'exit', code: 0 });
});
