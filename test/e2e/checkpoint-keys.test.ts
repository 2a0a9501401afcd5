// Issue 4, guard's prefix-key commands, end to end: the real Claude Code 2.1.330 under
// `bin/guard.js claude --model OFFLINE_MODEL` (claude-env.ts) against the stand-in API. The test types the keys
// a terminal would send: Ctrl-G (BEL, '\x07') and then `c` ("checkpoint now") or `s` ("skip this
// one"), one write per key.
// - Checkpoint now, at a small context: guard runs the whole handoff at once (note, /clear, resume);
//   pressed while the user has typed and not sent, guard types nothing until the user sends it.
// - Skip this one: the threshold is crossed while the user has unsent text, so guard arms and
//   waits; Ctrl-G s drops that checkpoint: nothing happens for this fill-up, even at idle moments.
// Proven on the screen (prompt box, footer), the stand-in's records and guard's session log
// (`guard log --json latest`).
import t from 'tap';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { promptInput, submit, waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import type { TestTerminal } from '../helpers/terminal.js';
import type { StandinRequest } from '../../src/demo/standin-api.js';
import {
  AUTO_COMPACT_200K, RESUME_RE, answeredTurn, checkpointNotes, checkpointPhases, debugRequests, exitClaude, firstSeen, guardLogLatest, handoffDone,
  holdStill, prefixKey, watchFooter,
} from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

const CTRL_U = '\x15';
/** guard's default threshold: 80% of the auto-compact point. */
const THRESHOLD_80 = 0.8 * AUTO_COMPACT_200K;
/** The skip test's threshold (`--threshold 50`): one padded turn crosses it. */
const THRESHOLD_50_PCT = 50;
const THRESHOLD_50 = (THRESHOLD_50_PCT / 100) * AUTO_COMPACT_200K;
/** With Claude's own ~20k of system prompt and tools, one turn of this lands at ~90k: past 50%, far from the point. */
const CROSSING_PAD = 70_000;
/** Holds the crossing turn's answer back long enough for the user's keys to land while it runs. */
const SLOW_ANSWER_MS = 1_500;
/** The text sits unsent with "checkpoint now" pending: as long as guard's own keyboard-quiet wait (2 s). */
const UNSENT_HOLD_MS = 2_000;
/** Idle with nothing armed: longer than any idle wait guard has (2 s), so an armed guard would have typed. */
const IDLE_HOLD_MS = 3_000;
/** Punctuation and quotes: nothing of it may be lost, escaped or mixed with guard's text. */
const USER_TEXT = 'my own words: don\'t lose "these" & 42%';

/** Types text without sending it and waits until Claude's prompt box shows exactly that. */
async function typeUnsent(term: TestTerminal, text: string): Promise<string> {
  term.write(text);
  return term.waitFor((x) => promptInput(x) === text, 10_000);
}

t.test('Ctrl-G c: checkpoint now, at once when idle, and only after the user sends unsent text', async (t) => {
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL] });
  const { api, term, env } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  const hello = await answeredTurn(s, 'hello');
  t.ok((hello.contextTokens ?? Infinity) < THRESHOLD_80 / 2, `a small context, well below the threshold: ${hello.contextTokens}`);
  t.notMatch(footer.now(), /armed|checkpointing/, 'footer: nothing armed');

  // 1. Idle: Ctrl-G c runs the handoff at once, with no further keys from the user.
  prefixKey(term, 'c');
  const note1 = await api.waitForRequest((r) => r.thread === 'main' && NOTE_RE.test(r.prompt), 15_000);
  t.same(api.messages('main').filter((r) => r.seq > hello.seq && r.seq < note1.seq).map((r) => r.prompt), [],
    'the checkpoint prompt is the first request after the user\'s turn');
  t.match(note1.prompt, /^Write a checkpoint note to \.guard\/checkpoints\/[^\s/]+\.md so that the work can continue in a fresh context\./,
    'the checkpoint prompt arrived verbatim');
  t.equal(note1.sessionId, hello.sessionId, 'asked in the user\'s conversation');
  const resume1 = await handoffDone(s, footer, note1);
  const notePath1 = RESUME_RE.exec(resume1.prompt)?.[1] ?? '';
  const notes1 = await checkpointNotes(env.cwd);
  t.same(notes1.map((n) => `.guard/checkpoints/${n.name}`), [notePath1], 'the note guard resumed from is the one in <cwd>/.guard/checkpoints/');
  t.match(notes1[0]?.text ?? '', /## Goal[\s\S]*## Done[\s\S]*## Next/, 'the note has content');
  t.not(resume1.sessionId, hello.sessionId, '/clear started a new conversation at the API');
  t.ok(firstSeen(footer, /checkpointing: Claude is writing the checkpoint note/) >= 0, 'footer: checkpointing while Claude wrote the note');
  t.notMatch(footer.now(), /armed|checkpointing/, 'footer: nothing armed afterwards');

  // 2. Unsent text: Ctrl-G c arms, but guard types nothing while the text sits in the prompt box.
  await typeUnsent(term, USER_TEXT);
  const before = api.requests.length;
  prefixKey(term, 'c');
  await until(() => /checkpoint armed → handoff once your input is sent/.test(footer.now()), 10_000, 'the footer to say guard waits for the input');
  t.equal(promptInput(term.screen()), USER_TEXT, 'the box holds the user\'s text when guard is asked');
  const broken = await holdStill(s, UNSENT_HOLD_MS, promptInput);
  t.equal(broken, null, `for ${UNSENT_HOLD_MS} ms the prompt box held exactly the user's text and no request reached the API`);
  t.equal(api.requests.length, before, 'no request at all while armed over unsent text');

  // The user sends it: it reaches the API as typed, is answered, and then guard checkpoints.
  term.write('\r');
  const sent = await api.waitForRequest((r) => r.seq > before && r.thread === 'main', 20_000);
  t.equal(sent.prompt, USER_TEXT, 'the first request after Enter carries exactly the user\'s text');
  t.notMatch(JSON.stringify(sent.body?.messages?.filter((m) => m.role === 'user').at(-1)), /checkpoint note/i, 'with nothing of guard\'s in it');
  await term.waitFor(new RegExp(`Reply ${sent.seq}:`), 20_000);
  const note2 = await api.waitForRequest((r) => r.seq > sent.seq && r.thread === 'main' && NOTE_RE.test(r.prompt), 20_000);
  t.same(api.messages('main').filter((r) => r.seq > sent.seq && r.seq < note2.seq).map((r) => r.prompt), [],
    'the checkpoint prompt is the next request after the user\'s turn');
  const resume2 = await handoffDone(s, footer, note2);
  t.not(resume2.sessionId, sent.sessionId, 'the second /clear started another conversation');
  t.equal((await checkpointNotes(env.cwd)).length, 2, 'two notes now');
  t.same(api.messages('compact'), [], 'no compaction call');
  t.same(api.requests.filter((r) => r.status !== 200).map((r) => `${r.seq} ${r.status}`), [], 'no request refused');

  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0, 'guard exits 0 with Claude');
  const log = guardLogLatest(s);
  t.equal(log.status, 0, log.stderr);
  const handoff = ['armed', 'prompted', 'note-written', 'cleared', 'resumed'];
  t.same(checkpointPhases(log.lines), [...handoff, ...handoff], 'two checkpoints, each with all its phases, in order');
  const armed = log.lines.filter((l) => l.type === 'checkpoint' && l.phase === 'armed');
  t.same(armed.map((l) => l.detail), ['checkpoint now (user)', 'checkpoint now (user)'], 'both armed by the user (reason manual), not by a threshold');
  t.ok(log.lines.filter((l) => l.type === 'checkpoint').every((l) => l.strategy === 'handoff'), 'all of the handoff strategy');
  const prompted = log.lines.filter((l) => l.type === 'checkpoint' && l.phase === 'prompted');
  t.ok(Date.parse(armed[1]?.t ?? '') < sent.t && Date.parse(prompted[1]?.t ?? '') > sent.t,
    'the second was armed before the user sent the text, and prompted only after');
  t.match(log.lines.at(-1), { type: 'exit', code: 0 }, 'the exit record ends the log');
});

t.test('Ctrl-G s: skip the armed checkpoint; nothing happens for this fill-up', async (t) => {
  const s = await startClaudeSession({ guardArgs: ['--threshold', String(THRESHOLD_50_PCT)], claudeArgs: ['--model', OFFLINE_MODEL] });
  const { api, term, env } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  // The crossing turn runs slowly; the user types meanwhile and does not send: guard arms and waits.
  const crossingText = `PAD:${CROSSING_PAD} cross`;
  api.latencyMs = SLOW_ANSWER_MS;
  submit(term, crossingText);
  const crossing = await api.waitForRequest((r) => r.thread === 'main' && r.prompt === crossingText, 20_000);
  const typed = await typeUnsent(term, USER_TEXT);
  api.latencyMs = 0;
  t.notMatch(typed, new RegExp(`Reply ${crossing.seq}:`), 'the text was typed while the crossing turn still ran');
  t.ok((crossing.contextTokens ?? 0) >= THRESHOLD_50 && (crossing.contextTokens ?? Infinity) < AUTO_COMPACT_200K,
    `that turn crossed the threshold (${THRESHOLD_50}), far from the point: ${crossing.contextTokens}`);
  await term.waitFor(new RegExp(`Reply ${crossing.seq}:`), 20_000);
  await until(() => /checkpoint armed → handoff once your input is sent/.test(footer.now()), 10_000, 'the footer to say guard is armed and waits for the input');

  // Ctrl-G s: the footer no longer says armed; the user's text is untouched.
  prefixKey(term, 's');
  await until(() => !/armed/.test(footer.now()), 10_000, 'the footer to drop "armed"');
  t.notMatch(footer.now(), /armed|checkpointing/, 'footer: nothing armed, nothing under way');
  t.equal(promptInput(term.screen()), USER_TEXT, 'the prompt box still holds the user\'s text');

  // The user sends it (the context stays past the threshold), and Claude goes idle: no checkpoint.
  const before = api.requests.length;
  term.write('\r');
  const sent = await api.waitForRequest((r) => r.seq > before && r.thread === 'main', 20_000);
  t.equal(sent.prompt, USER_TEXT, 'the user\'s text reached the API as typed');
  t.ok((sent.contextTokens ?? 0) >= THRESHOLD_50, `still past the threshold: ${sent.contextTokens}`);
  await term.waitFor(new RegExp(`Reply ${sent.seq}:`), 20_000);
  await waitForIdle(term);
  const settled = api.requests.length;
  await new Promise((r) => setTimeout(r, IDLE_HOLD_MS));
  t.equal(api.requests.length, settled, `no request in ${IDLE_HOLD_MS} ms of idle`);
  t.notOk(api.messages('main').some((r) => NOTE_RE.test(r.prompt) || RESUME_RE.test(r.prompt) || r.prompt.startsWith('/')),
    'no checkpoint, resume or slash prompt reached the API');
  t.same(api.messages('compact'), [], 'no compaction call');
  t.same([...new Set(api.messages('main').map((r) => r.sessionId))], [crossing.sessionId], 'one conversation throughout: no /clear');
  t.same(await checkpointNotes(env.cwd), [], 'no note written');
  t.notMatch(footer.now(), /armed|checkpointing/, 'footer: still nothing armed');
  t.ok(firstSeen(footer, /checkpointing/) < 0, 'footer: never checkpointing');

  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0, 'guard exits 0 with Claude');
  const log = guardLogLatest(s);
  t.equal(log.status, 0, log.stderr);
  t.same(checkpointPhases(log.lines), ['armed', 'skipped'], 'armed, then skipped: nothing else');
  t.match(log.lines.find((l) => l.type === 'checkpoint' && l.phase === 'skipped'), { detail: 'skipped by the user', strategy: 'handoff' },
    'the skipped record says the user skipped it');
  t.match(log.lines.at(-1), { type: 'exit', code: 0 }, 'the exit record ends the log');
});
