// Issue 4, the case guard cannot prevent, end to end: the real Claude Code 2.1.330 under
// `bin/guard.js claude --model claude-sonnet-4-5` against the stand-in API, with one turn that
// jumps from well below guard's threshold to past the 200,000-token window. The API refuses it
// ("prompt is too long"), Claude compacts on its own (trigger auto) and goes on. guard must record
// and show that as a miss. This is also the negative control of the other checkpoint tests: the
// setup they use does produce Claude's own compaction when guard does not get there first.
// Needs a fresh `npx tsc -p tsconfig.json`.
import t from 'tap';
import { startClaudeSession } from '../helpers/claude-session.js';
import { AUTO_COMPACT_200K, answeredTurn, debugRequests, guardLogLatest, until, watchFooter, type LogLine } from '../helpers/checkpoint.js';
import { submit, waitForIdle } from '../helpers/claude-env.js';

const THRESHOLD = 0.8 * AUTO_COMPACT_200K;

t.test('miss: Claude compacts on its own after an over-window turn; guard logs and shows a miss', async (t) => {
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', 'claude-sonnet-4-5'] });
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
