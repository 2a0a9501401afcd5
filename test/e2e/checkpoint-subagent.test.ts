// Issue 7 part 3, a handoff waits for background sub-agents, end to end: the real Claude Code
// 2.1.330 under `bin/guard.js claude --model OFFLINE_MODEL` (claude-env.ts) against the stand-in API. The turn
// that crosses guard's threshold starts a sub-agent, which 2.1.330 runs in the background: the
// main turn ends (Stop, with `background_tasks` naming the running sub-agent) while the sub-agent
// still works. guard must not hand over then: /clear would throw away the sub-agent's result. It
// waits until the result has reached the main conversation (Claude's <task-notification> turn and
// its Stop), then hands over, and the note request carries that result. The user's own Stop hook
// (merged with guard's) keeps what Claude sent, so the test also checks the fact guard relies on.
import t from 'tap';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOTE_RE, SUBAGENT_MARKER } from '../../src/demo/standin-script.js';
import { shellQuote } from '../../src/lib/shell.js';
import { submit, waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import { AUTO_COMPACT_200K, answeredTurn, checkpointPhases, debugRequests, exitClaude, guardLogLatest, watchFooter } from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

const THRESHOLD = 0.8 * AUTO_COMPACT_200K;
/** The sub-agent's answers are held back this long: far longer than guard's idle wait (2 s). */
const SUBAGENT_MS = 6_000;
const RESUME_RE = /^Continue from the checkpoint note in /;

interface StopPayload { background_tasks?: Array<{ type?: string; status?: string }>; last_assistant_message?: string }

t.test('a handoff waits until a background sub-agent\'s result has reached the main conversation', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'guard-subagent-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // The user's own Stop hook: keeps each Stop payload, one JSON a line.
  const stopsFile = join(dir, 'stops.jsonl');
  const keep = `cat >> ${shellQuote(stopsFile)}; echo >> ${shellQuote(stopsFile)}`;
  const settings = JSON.stringify({ hooks: { Stop: [{ matcher: '', hooks: [{ type: 'command', command: keep }] }] } });
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL, '--settings', settings] });
  const { api, term } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });
  const stops = async (): Promise<StopPayload[]> => {
    try { return (await readFile(stopsFile, 'utf8')).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as StopPayload); } catch { return []; }
  };

  await answeredTurn(s, 'PAD:60000 first');
  // The crossing turn is answered with a sub-agent call; the sub-agent is slow.
  api.subagentLatencyMs = SUBAGENT_MS;
  api.enqueue({ kind: 'tool_use', name: 'Agent', input: { description: 'standin subagent', prompt: `${SUBAGENT_MARKER} slow research` } });
  await waitForIdle(term);
  const seen = api.requests.length;
  submit(term, 'PAD:60000 research in the background');
  const crossing = await api.waitForRequest((r) => r.seq > seen && r.thread === 'main', 20_000);
  t.ok((crossing.contextTokens ?? 0) >= THRESHOLD, `the turn crossed guard's threshold: ${crossing.contextTokens}`);
  await api.waitForRequest((r) => r.seq > crossing.seq && r.thread === 'subagent', 20_000);

  // The main turn ends while the sub-agent works: Claude's Stop names it as running.
  await until(async () => (await stops()).some((p) => (p.background_tasks ?? []).some((b) => b.status === 'running')), 20_000,
    'a Stop with a running background task');
  const running = (await stops()).find((p) => (p.background_tasks ?? []).some((b) => b.status === 'running'));
  t.match(running?.background_tasks, [{ type: 'subagent', status: 'running' }], '2.1.330: Stop carries background_tasks with the running sub-agent');
  await until(() => /checkpoint armed/.test(footer.now()), 10_000, 'guard armed');

  // The sub-agent finishes; its result comes back to the main thread; only then the handoff.
  const note = await api.waitForRequest((r) => r.thread === 'main' && NOTE_RE.test(r.prompt), 45_000);
  const subs = api.messages('subagent');
  const lastSub = subs.at(-1);
  t.ok(lastSub && lastSub.seq < note.seq, 'the handoff prompt came after the sub-agent\'s last request');
  const notified = api.messages('main').find((r) => r.seq > (lastSub?.seq ?? 0) && r.seq < note.seq && /task-notification/.test(JSON.stringify(r.body?.messages?.at(-1))));
  t.ok(notified, 'Claude\'s <task-notification> turn reached the main conversation before the handoff');
  t.match(JSON.stringify(note.body?.messages), /Sub-agent(: | done\. )Reply \d+: context about/, 'the note request carries the sub-agent\'s result');

  const resume = await api.waitForRequest((r) => r.thread === 'main' && RESUME_RE.test(r.prompt), 45_000);
  await term.waitFor(new RegExp(`Reply ${resume.seq}:`), 20_000);
  await until(() => !/checkpointing/.test(footer.now()), 10_000, 'the footer to leave checkpointing');
  await waitForIdle(term);
  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0);
  t.same(checkpointPhases(guardLogLatest(s).lines), ['armed', 'prompted', 'note-written', 'cleared', 'resumed'], 'one handoff, after the sub-agent');
});
