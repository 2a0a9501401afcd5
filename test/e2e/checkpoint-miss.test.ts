// Issue 4, the case guard cannot prevent, end to end: the real Claude Code 2.1.330 under
// `bin/guard.js claude --model OFFLINE_MODEL` (claude-env.ts) against the stand-in API, with one turn that
// jumps from well below guard's threshold to past the 200,000-token window. The API refuses it
// ("prompt is too long"), Claude compacts on its own (trigger auto) and goes on. guard must record
// and show that as a miss. This is also the negative control of the other checkpoint tests: the
// setup they use does produce Claude's own compaction when guard does not get there first.
import t from 'tap';
import { startClaudeSession } from '../helpers/claude-session.js';
import { AUTO_COMPACT_200K, answeredTurn, debugRequests, guardLogLatest, watchFooter, type LogLine } from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';
import { submit, waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { HANDOFF_ROOM_TOKENS } from '../../src/policy/policy.js';

const THRESHOLD = 0.8 * AUTO_COMPACT_200K;

t.test('miss: Claude compacts on its own after an over-window turn; guard logs and shows a miss', async (t) => {
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL] });
  const { api, term } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  const first = await answeredTurn(s, 'PAD:60000 first');
  t.ok((first.contextTokens ?? Infinity) < THRESHOLD, `below the threshold: ${first.contextTokens}`);
  await waitForIdle(term);
  const seen = api.requests.length;
  submit(term, 'PAD:120000 too much at once');
  const refused = await api.waitForRequest((r) => r.seq > seen && r.status === 400, 20_000);
  t.match(refused.answer, { kind: 'error', message: /^prompt is too long: \d+ tokens > 200000 maximum$/ }, 'the API refused the over-window prompt');
  const call = await api.waitForRequest((r) => r.seq > refused.seq && r.thread === 'compact', 30_000);
  const retried = await api.waitForRequest((r) => r.seq > call.seq && r.thread === 'main' && r.status === 200, 30_000);
  t.ok(retried.contextTokens !== null && retried.contextTokens < (first.contextTokens ?? 0), `Claude compacted on its own and went on, in a small context: ${retried.contextTokens}`);

  let log: LogLine[] = [];
  await until(() => (log = guardLogLatest(s).lines).some((l) => l.type === 'compaction'), 15_000, 'the compaction in guard\'s log');
  t.match(log.filter((l) => l.type === 'compaction'), [{ trigger: 'auto', success: true, miss: true }], 'logged as an automatic compaction and a miss');
  t.ok(log.some((l) => l.type === 'checkpoint' && l.phase === 'miss'), 'a checkpoint record of phase miss');
  await until(() => footer.seen.some((f) => /Claude compacted on its own/.test(f)), 10_000, 'the miss notice in the footer');
  t.pass('the footer told the user');
});

// Issue 7: the same refusal with guard armed for a handoff, and with room it would otherwise hold
// Claude's compaction for. One turn arms guard on its first request (the context passes Claude's
// auto-compact point, 167,000, below the window) and then overflows the window with a large file
// read (a tool result). The API refuses; Claude's PreCompact hook asks to compact; guard must let
// it (holding it would fail the user's request: "Context limit reached"), record one miss, drop
// the armed checkpoint, and compact nothing more.
t.test('guard armed: Claude\'s recovery compaction after an over-window turn is not held; one miss, no second compaction', async (t) => {
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL] });
  const { api, term } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  const first = await answeredTurn(s, 'PAD:105000 first');
  t.ok((first.contextTokens ?? Infinity) < THRESHOLD, `below the threshold: ${first.contextTokens}`);
  // The turn: its first request is answered with a tool call that reads a large file. The read
  // takes a second: Claude exports its telemetry every 500 ms (LOGS_EXPORT_INTERVAL_MS), so the
  // first request's record reaches guard before the refusal's; in one export with the compaction
  // that follows, the request counts as compacted already and arms nothing (seen once, when the
  // turn no longer waited for guard's UserPromptSubmit relay).
  api.enqueue({ kind: 'tool_use', name: 'Bash', input: { command: 'sleep 1 && echo FILE:$((60000))', description: 'Read the large file' } });
  await waitForIdle(term);
  const seen = api.requests.length;
  submit(term, 'PAD:45000 now read the large file');
  const armedBy = await api.waitForRequest((r) => r.seq > seen && r.thread === 'main', 20_000);
  t.equal(armedBy.status, 200);
  t.ok((armedBy.contextTokens ?? 0) > AUTO_COMPACT_200K && (armedBy.contextTokens ?? Infinity) + HANDOFF_ROOM_TOKENS <= 200_000,
    `its first request passed the auto-compact point with room for a handoff: ${armedBy.contextTokens}`);
  const refused = await api.waitForRequest((r) => r.seq > armedBy.seq && r.status === 400, 30_000);
  t.match(refused.answer, { kind: 'error', message: /^prompt is too long: \d+ tokens > 200000 maximum$/ }, 'the tool result overflowed the window');
  const call = await api.waitForRequest((r) => r.seq > refused.seq && r.thread === 'compact', 30_000);
  const retried = await api.waitForRequest((r) => r.seq > call.seq && r.thread === 'main' && r.status === 200, 30_000);
  await term.waitFor(new RegExp(`Reply ${retried.seq}:`), 20_000);
  t.notMatch(term.screen(), /Context limit reached/, 'the user\'s request did not fail');
  await waitForIdle(term);

  let log: LogLine[] = [];
  await until(() => (log = guardLogLatest(s).lines).some((l) => l.type === 'compaction'), 15_000, 'the compaction in guard\'s log');
  // Nothing more happens: no handoff over the small context, no second compaction.
  const next = await answeredTurn(s, 'and then');
  await new Promise((r) => setTimeout(r, 3_000));
  t.equal(api.messages('compact').length, 1, 'one compaction call, Claude\'s recovery');
  t.notOk(api.messages('main').some((r) => NOTE_RE.test(r.prompt)), 'the armed handoff was dropped');
  t.match(term.screen(), new RegExp(`Reply ${next.seq}:`), 'the next prompt is answered');
  log = guardLogLatest(s).lines;
  t.match(log.filter((l) => l.type === 'compaction'), [{ trigger: 'auto', success: true, miss: true }], 'one automatic compaction, a miss');
  const phases = log.filter((l) => l.type === 'checkpoint').map((l) => String(l.phase));
  t.equal(phases.filter((p) => p === 'miss').length, 1, `one miss: ${phases.join(', ')}`);
  t.notOk(phases.includes('held'), 'not held');
  t.same(phases, ['armed', 'miss'], 'armed by the turn, dropped by the miss');
});
