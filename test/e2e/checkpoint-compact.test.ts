// Issue 4, strategy `compact`, end to end: the real Claude Code 2.1.330 under
// `bin/guard.js --strategy compact claude --model OFFLINE_MODEL` (claude-env.ts) (a 200,000-token window that
// Claude itself does not compact ahead of) against the stand-in API. The conversation is padded
// toward the auto-compact point (167,000); at the next idle moment past the threshold guard types
// `/compact <instructions>`, Claude makes its compaction call (a manual one), and the context
// starts small again, all before any main request reaches the point. Proven on the screen, in the
// stand-in's records and in guard's session log.
import t from 'tap';
import { waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import {
  AUTO_COMPACT_200K, answeredTurn, checkpointNotes, checkpointPhases, debugRequests, exitClaude, firstSeen, guardLogLatest, watchFooter,
} from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

const PAD_STEP = 40_000;
const MAX_PAD_TURNS = 6;
const THRESHOLD = 0.8 * AUTO_COMPACT_200K;

t.test('compact: guard types /compact before the auto-compact point; a manual compaction empties the context', async (t) => {
  const s = await startClaudeSession({ guardArgs: ['--strategy', 'compact'], claudeArgs: ['--model', OFFLINE_MODEL] });
  const { api, term, env } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  const compactCall = () => api.messages('compact')[0];
  let turns = 0;
  while (!compactCall() && turns < MAX_PAD_TURNS) {
    turns++;
    await answeredTurn(s, `PAD:${PAD_STEP} step ${turns}`);
    if ((api.lastMain()?.contextTokens ?? 0) >= THRESHOLD) await api.waitForRequest((r) => r.thread === 'compact', 20_000);
  }
  const call = compactCall();
  t.ok(call, `guard had Claude compact within ${turns} padded turns`);
  if (!call) return;
  const before = api.messages('main').filter((r) => r.seq < call.seq && r.status === 200).at(-1);
  t.ok((before?.contextTokens ?? 0) >= THRESHOLD, `the context had passed the threshold: ${before?.contextTokens}`);
  t.equal(call.padding, before?.padding, 'the compaction call carried the whole padded conversation');
  t.match(JSON.stringify(call.body?.messages?.at(-1)), /Keep the goal, what is done and what remains/, 'guard\'s /compact instructions reached Claude\'s compaction call');

  // Claude says it compacted; guard's footer leaves checkpointing.
  await term.waitFor(/Compacted/, 30_000);
  await until(() => !/checkpointing/.test(footer.now()), 15_000, 'the footer to leave checkpointing');
  await waitForIdle(term);

  // The next prompt is answered, in a context a fraction of the size.
  const next = await answeredTurn(s, 'what next after compacting');
  const screen = term.screen();
  t.equal(next?.prompt, 'what next after compacting', 'the next prompt reached the API');
  t.match(screen, new RegExp(`Reply ${next?.seq}: context about ${next?.contextTokens} tokens`), 'and its answer is on screen');
  t.equal(next?.padding, 0, 'the padding left with the compacted messages');
  t.ok((next?.contextTokens ?? Infinity) < (before?.contextTokens ?? 0) / 4, `context dropped: ${before?.contextTokens} → ${next?.contextTokens}`);
  t.equal(next?.sessionId, before?.sessionId, 'the same Claude session goes on (compaction keeps the id)');

  t.equal(api.messages('compact').length, 1, 'exactly one compaction call: guard\'s');
  t.same(api.requests.filter((r) => r.status !== 200).map((r) => `${r.seq} ${r.status}`), [], 'no request refused');
  const biggest = Math.max(...api.messages('main').map((r) => r.contextTokens ?? 0));
  t.ok(biggest < AUTO_COMPACT_200K, `largest main request ${biggest} < ${AUTO_COMPACT_200K}`);
  t.same(await checkpointNotes(env.cwd), [], 'no note file: compact writes none');

  // Armed lasts from the telemetry that crosses the threshold to the next idle moment: when Claude
  // is idle already (its Stop hook now arrives within milliseconds), that can be shorter than a
  // frame, and the footer never draws it. The session log below has the phase either way.
  const armedAt = firstSeen(footer, /checkpoint armed → compact/);
  const compactingAt = firstSeen(footer, /checkpointing: (\/compact at next idle|compacting)/);
  t.ok(compactingAt >= 0, 'footer: checkpointing (compacting)');
  t.ok(armedAt < compactingAt, `footer: checkpoint armed → compact, if drawn at all, before that (${armedAt < 0 ? 'not drawn' : 'drawn'})`);
  t.match(footer.now(), /\bidle\b/, 'footer: idle afterwards');

  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0, 'guard exits 0 with Claude');
  const log = guardLogLatest(s);
  t.equal(log.status, 0, log.stderr);
  t.same(checkpointPhases(log.lines), ['armed', 'compact-sent', 'compacted'], 'the checkpoint\'s phases, in order');
  t.ok(log.lines.filter((l) => l.type === 'checkpoint').every((l) => l.strategy === 'compact'), 'all of the compact strategy');
  const compactions = log.lines.filter((l) => l.type === 'compaction');
  t.match(compactions, [{ trigger: 'manual', success: true }], 'one compaction, manual and successful');
  t.notOk(compactions.some((l) => l.trigger === 'auto' || l.miss), 'no automatic compaction, no miss');
  t.equal(log.lines.filter((l) => l.type === 'request' && l.thread === 'compact').length, 1, 'the compaction call is logged as thread compact');
  t.match(log.lines.at(-1), { type: 'exit', code: 0 }, 'the exit record ends the log');
});
