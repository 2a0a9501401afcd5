// Issue 4, the user's unsent input, end to end: the real Claude Code 2.1.330 under
// `bin/guard.js claude --model OFFLINE_MODEL` (claude-env.ts) against the stand-in API. The user types text and
// does not send it while the turn that crosses guard's threshold runs. guard must type nothing
// while the text sits in Claude's prompt box (it would be mixed into the user's words); when the
// user sends it, it reaches the API exactly as typed, and the checkpoint follows at the next idle
// moment after that turn. Proven on the screen (the prompt box, the footer), the stand-in's
// records and guard's session log.
import t from 'tap';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { promptInput, submit, waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import {
  AUTO_COMPACT_200K, answeredTurn, checkpointPhases, debugRequests, exitClaude, guardLogLatest, watchFooter,
} from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

const PAD_STEP = 40_000;
const THRESHOLD = 0.8 * AUTO_COMPACT_200K;
/** Holds the crossing turn's answer back long enough for the user's keys to land while it runs. */
const SLOW_ANSWER_MS = 1_500;
/** How long the text sits unsent with guard armed: longer than any idle wait guard has (2 s). */
const HOLD_MS = 3_000;
/** Punctuation and quotes too: nothing of it may be lost, escaped or reordered on the way. */
const USER_TEXT = 'my own words: don\'t lose "these" & 42%';
const RESUME_RE = /^Continue from the checkpoint note in /;

t.test('unsent input: guard types nothing over the user\'s text; it reaches the API as typed; the checkpoint follows', async (t) => {
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL] });
  const { api, term } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  // Two steps below the threshold (about 60k and 100k with Claude's own ~20k).
  for (const step of [1, 2]) await answeredTurn(s, `PAD:${PAD_STEP} step ${step}`);
  t.ok((api.lastMain()?.contextTokens ?? Infinity) < THRESHOLD, `below the threshold after two steps: ${api.lastMain()?.contextTokens}`);
  t.match(footer.now(), /\bidle\b/, 'footer: idle');
  t.notMatch(footer.now(), /armed/, 'footer: not armed yet');

  // The third step crosses it. While Claude works on it, the user types and does not send.
  api.latencyMs = SLOW_ANSWER_MS;
  await waitForIdle(term);
  submit(term, 'PAD:40000 step 3');
  const crossing = await api.waitForRequest((r) => r.thread === 'main' && r.prompt === 'PAD:40000 step 3', 20_000);
  term.write(USER_TEXT);
  const typed = await term.waitFor((x) => promptInput(x) === USER_TEXT, 10_000);
  api.latencyMs = 0;
  t.notMatch(typed, new RegExp(`Reply ${crossing.seq}:`), 'the text was typed while the crossing turn still ran');
  t.equal(crossing.prompt, 'PAD:40000 step 3');
  t.ok((crossing.contextTokens ?? 0) >= THRESHOLD, `that turn crossed the threshold: ${crossing.contextTokens}`);

  // The turn ends; guard arms but holds off, and says why.
  await term.waitFor(new RegExp(`Reply ${crossing.seq}:`), 20_000);
  await until(() => /checkpoint armed → handoff once your input is sent/.test(footer.now()), 10_000, 'the footer to say guard waits for the input');
  await waitForIdle(term);
  const requestsBefore = api.requests.length;
  await new Promise((r) => setTimeout(r, HOLD_MS));
  t.equal(api.requests.length, requestsBefore, `no request reached the API while the text sat unsent for ${HOLD_MS} ms`);
  t.notOk(api.messages('main').some((r) => NOTE_RE.test(r.prompt)), 'no checkpoint prompt was sent');
  t.equal(promptInput(term.screen()), USER_TEXT, 'the prompt box still shows exactly the user\'s text');
  t.match(footer.now(), /armed → handoff once your input is sent/, 'footer: still armed, waiting for the input');

  // The user sends it: it reaches the API as typed and is answered; then guard checkpoints.
  term.write('\r');
  const sent = await api.waitForRequest((r) => r.thread === 'main' && r.seq > requestsBefore, 20_000);
  t.equal(sent.prompt, USER_TEXT, 'the first request after Enter carries the user\'s text exactly');
  const lastUser = sent.body?.messages?.filter((m) => m.role === 'user').at(-1);
  t.match(JSON.stringify(lastUser), JSON.stringify(USER_TEXT).slice(1, -1), 'in the last user message, verbatim');
  t.notMatch(JSON.stringify(lastUser), /checkpoint note/i, 'with nothing of guard\'s in it');
  await term.waitFor(new RegExp(`Reply ${sent.seq}:`), 20_000);
  const note = await api.waitForRequest((r) => r.thread === 'main' && NOTE_RE.test(r.prompt), 20_000);
  t.equal(api.messages('main').filter((r) => r.seq > sent.seq && r.seq < note.seq).length, 0, 'the checkpoint prompt is the next request after the user\'s turn');
  t.match(JSON.stringify(note.body?.messages), new RegExp(`Reply ${sent.seq}:`), 'sent after the user\'s turn had its answer');

  // Let the handoff finish before looking at the log.
  const resume = await api.waitForRequest((r) => r.thread === 'main' && RESUME_RE.test(r.prompt), 45_000);
  await term.waitFor(new RegExp(`Reply ${resume.seq}:`), 20_000);
  await until(() => !/checkpointing/.test(footer.now()), 10_000, 'the footer to leave checkpointing');
  await waitForIdle(term);
  t.same(api.messages('compact'), [], 'no compaction call');
  t.ok(Math.max(...api.messages('main').map((r) => r.contextTokens ?? 0)) < AUTO_COMPACT_200K, 'no main request reached the auto-compact point');

  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0);
  const log = guardLogLatest(s);
  t.same(checkpointPhases(log.lines), ['armed', 'prompted', 'note-written', 'cleared', 'resumed'], 'one checkpoint, all its phases');
  const armed = log.lines.find((l) => l.type === 'checkpoint' && l.phase === 'armed');
  const prompted = log.lines.find((l) => l.type === 'checkpoint' && l.phase === 'prompted');
  t.ok(armed && Date.parse(armed.t) < sent.t, 'armed before the user sent their text');
  t.ok(prompted && Date.parse(prompted.t) > sent.t, 'the checkpoint prompt typed only after the user\'s turn');
});
