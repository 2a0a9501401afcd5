// Issue 12, `guard gemini` end to end: the real Gemini CLI 0.61.0 (pinned devDependency) under
// `bin/guard.js gemini` against the project's Gemini stand-in, offline. guard's footer and
// `guard ls --json` carry the newest main request's context exactly (the stand-in's
// promptTokenCount, cached part included), with guard's hooks writing to its hook folder; a session
// padded toward Gemini's own compression point (0.5 × 1,048,576) is checkpointed by guard first
// (note, /clear, resume: Gemini never compresses) and the next prompt is answered; text left in the
// box is never typed over; `guard log --json latest` records it all. In YOLO mode (its box marked
// "*"), a `gemini -p …` that Gemini itself runs (guard's hooks reach it through the environment)
// takes neither the footer nor `guard ls`, and guard still hands over; so it does in vim mode,
// with NO_COLOR and in screen-reader mode.
import t from 'tap';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { startGeminiSession, paneRows, geminiIdle, type GeminiSessionOptions } from '../helpers/gemini-session.js';
import { readGeminiPromptBox } from '../../src/gemini/prompt-box.js';
import { checkpointNotes, checkpointPhases, footerOf, guardLogLatest, guardLsJson, watchFooter, RESUME_RE, UNSENT_HOLD_MS } from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';
import { formatTokens } from '../../src/lib/text.js';
import { hookSpoolCommand } from '../../src/telemetry/hook-spool.js';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Gemini CLI's window and its compression point (model.compressionThreshold 0.5). */
const WINDOW = 1_048_576;
const COMPRESS_AT = 524_288;
/** guard's default threshold: 80% of the compression point. */
const THRESHOLD = 0.8 * COMPRESS_AT;
/** One padded turn lands between guard's threshold and Gemini's point. */
const PAD = 450_000;

const k = (n: number): string => `${(n / 1000).toFixed(1)}k`;

t.test('the footer and guard ls show the newest main request exactly; the log records it', async (t) => {
  // A variable named like a shell variable in a hook line: Gemini would put its value into the line
  // (src/gemini/settings.ts EXPANDED_BY_GEMINI), and the turn ends would not reach guard.
  const s = await startGeminiSession({ guardArgs: [], extraEnv: { f: '/nonexistent/f' } });
  t.teardown(() => s.dispose());
  // guard's hooks, in the settings copy of the run's private home (named by guard's pid), write to
  // its hook folder: no Node start at each turn's end, which Gemini waits for.
  const guardPid = s.term.proc.pid;
  const runDir = readdirSync(tmpdir()).find((f) => f.startsWith(`guard-gemini-${guardPid}-`));
  const hookFolder = readdirSync(tmpdir()).find((f) => f.startsWith(`guard-hooks-${guardPid}-`));
  t.ok(runDir && hookFolder, `the run's home and hook folder in ${tmpdir()}`);
  const copy = JSON.parse(readFileSync(join(tmpdir(), runDir ?? '-', 'gemini-home', '.gemini', 'settings.json'), 'utf8')) as { hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> };
  t.equal(copy.hooks['AfterAgent']?.[0]?.hooks[0]?.command, hookSpoolCommand(join(tmpdir(), hookFolder ?? '-'), 'AfterAgent'), 'AfterAgent writes to the hook folder');
  await s.turn('say hi please');
  await s.turn('PAD:20000 a file');
  const last = s.api.lastMain();
  const context = last?.usage?.promptTokenCount ?? -1;
  await until(() => footerOf(s.term).includes(`${k(context)} / ${k(COMPRESS_AT)}`), 15_000, `the footer to show ${k(context)} / ${k(COMPRESS_AT)}`);
  // The live entry is rewritten at most every UPDATE_INTERVAL_MS (src/registry/live.ts): it may trail the footer.
  const ls = await until(() => { const now = guardLsJson(s); return now[0]?.contextTokens === context ? now : null; }, 5_000,
    () => `guard ls to show ${context}: ${JSON.stringify(guardLsJson(s))}`);
  t.equal(ls.length, 1);
  t.match(ls[0], { program: 'gemini', agent: 'gemini', model: 'standin-model', contextTokens: context, contextWindow: WINDOW, autoCompactAt: COMPRESS_AT, state: 'idle' },
    `guard ls: the context is the stand-in's promptTokenCount (${context}), cached part included`);
  s.term.write('/quit');
  await new Promise((r) => setTimeout(r, 400));
  s.term.write('\r');
  const exit = await s.term.waitExit(30_000);
  t.equal(exit.exitCode, 0, "guard exits with gemini's status");
  const log = guardLogLatest(s);
  t.equal(log.status, 0);
  t.match(log.lines[0], { type: 'start', program: 'gemini', agent: 'gemini' });
  const mains = log.lines.filter((l) => l.type === 'request' && l.thread === 'main');
  t.same(mains.map((l) => l.contextTokens), s.api.generations('main').map((r) => r.usage?.promptTokenCount), 'every main request logged with its exact context');
  t.notMatch(log.stdout, /say hi please/, 'no prompt in the log');
  t.notOk(readdirSync(tmpdir()).some((f) => f.startsWith(`guard-hooks-${guardPid}-`) || f.startsWith(`guard-gemini-${guardPid}-`)), 'both gone after the run');
});

t.test('padded toward the compression point: guard hands over first, Gemini never compresses, the next prompt is answered', async (t) => {
  const s = await startGeminiSession({ guardArgs: [], geminiArgs: ['--approval-mode', 'auto_edit'], standin: { latencyMs: 2_500 } });
  const footer = watchFooter(s.term);
  t.teardown(async () => {
    footer.stop();
    if (t.passing()) { await s.dispose(); return; }
    t.comment(`footers seen:\n${footer.seen.join('\n')}\nscreen:\n${s.term.screen()}\nrequests: ${s.api.requests.map((r) => `${r.seq} ${r.thread} ${r.status} ${r.usage?.promptTokenCount} ${JSON.stringify(r.prompt.slice(0, 50))}`).join('; ')}`);
    await s.dispose();
  });
  await s.turn('build the thing');
  // The padded turn runs 2.5 s at the stand-in; meanwhile the user types into the box and leaves it unsent.
  const before = s.api.requests.length;
  s.term.write(`PAD:${PAD} read the big file`);
  await new Promise((r) => setTimeout(r, 400));
  s.term.write('\r');
  const padded = await s.api.waitForRequest((r) => r.seq > before && r.thread === 'main', 30_000);
  t.ok((padded.usage?.promptTokenCount ?? 0) >= THRESHOLD && (padded.usage?.promptTokenCount ?? 0) < COMPRESS_AT,
    `the padded request is past guard's threshold, short of Gemini's point: ${padded.usage?.promptTokenCount}`);
  s.term.write('my unsent words');
  await s.term.waitFor(new RegExp(`Reply ${padded.seq}:`), 30_000);
  await s.term.waitFor((x) => readGeminiPromptBox(paneRows(x)).kind === 'text', 10_000);
  const held = s.api.requests.length;
  await new Promise((r) => setTimeout(r, UNSENT_HOLD_MS));
  t.equal(s.api.requests.length, held, `for ${UNSENT_HOLD_MS} ms over the unsent box guard typed nothing`);
  // Read on a whole frame: Ink erases its live rows and prints a finished item in separate writes,
  // and a screen read between them shows no box, its lowest prompt row the transcript's last
  // prompt (seen once in CI: "PAD:450000 read the big file"). A box that holds anything else stays so.
  const wanted = { kind: 'text', lines: ['my unsent words'] };
  const readBox = (): ReturnType<typeof readGeminiPromptBox> => readGeminiPromptBox(paneRows(s.term.screen()));
  const box = await until(() => { const b = readBox(); return JSON.stringify(b) === JSON.stringify(wanted) ? b : null; }, 5_000, 'the box to hold what the user typed')
    .catch(() => readBox());
  t.same(box, wanted, 'the box holds exactly what the user typed');
  // The user clears the box (Ctrl-C empties Gemini's input); guard then checkpoints.
  s.term.write('\x03');
  const note = await s.api.waitForRequest((r) => r.seq > padded.seq && r.thread === 'main' && NOTE_RE.test(r.prompt), 30_000);
  t.match(note.prompt, /^Write a checkpoint note to \.guard\/checkpoints\/[^\s/]+\.md so that the work can continue in a fresh context\./, "guard's note prompt arrived verbatim");
  const resume = await s.api.waitForRequest((r) => r.seq > note.seq && r.thread === 'main' && RESUME_RE.test(r.prompt), 60_000);
  await s.term.waitFor(new RegExp(`Reply ${resume.seq}:`), 30_000);
  await s.term.waitFor(geminiIdle, 30_000);
  t.ok((resume.usage?.promptTokenCount ?? Infinity) < THRESHOLD / 10, `the fresh context is small: ${resume.usage?.promptTokenCount}`);
  t.equal(resume.padding, 0, 'no padding survived /clear');
  const notes = await checkpointNotes(s.cwd);
  t.equal(notes.length, 1, 'the note is written');
  t.equal(`.guard/checkpoints/${notes[0]?.name}`, RESUME_RE.exec(resume.prompt)?.[1], 'the note guard resumed from');
  await s.turn('what next after the checkpoint');
  const next = s.api.lastMain();
  t.equal(next?.prompt, 'what next after the checkpoint', 'the next prompt is answered');
  t.same(s.api.generations('compress'), [], 'Gemini never compressed on its own');
  await until(() => !/checkpointing/.test(footer.now()), 10_000, 'the footer to leave checkpointing');
  const phases = checkpointPhases(guardLogLatest(s).lines);
  t.match(phases.join(' '), /armed.*note-written.*resumed/, `the log records the handoff: ${phases.join(' ')}`);
  t.notOk(guardLogLatest(s).lines.some((l) => l.type === 'compaction'), 'and no compaction');
});

t.test('YOLO mode, and a gemini run by Gemini itself: the footer and guard ls stay on the run\'s conversation, and guard still hands over', async (t) => {
  const s = await startGeminiSession({ guardArgs: [], geminiArgs: ['--approval-mode', 'yolo'] });
  const footer = watchFooter(s.term);
  t.teardown(async () => {
    footer.stop();
    if (!t.passing()) t.comment(`footers seen:\n${footer.seen.join('\n')}\nscreen:\n${s.term.screen()}`);
    await s.dispose();
  });
  t.match(s.term.screen(), /YOLO Ctrl\+Y/, 'Gemini runs in YOLO mode: its box is marked "*"');
  await s.turn('build the thing');
  const main = guardLogLatest(s).lines.find((l) => l.type === 'claude_session')?.claudeSessionId;
  t.ok(typeof main === 'string', `the run's conversation: ${String(main)}`);
  // Gemini's shell tool (approved by YOLO) runs another gemini, whose environment holds guard's
  // private GEMINI_CLI_HOME: its SessionStart reaches guard's hook folder too.
  await s.turn('TOOL:gemini --model standin-model -p "child says hi" </dev/null; echo CHILD DONE | tr " " -', 120_000);
  // The tool's output, not the command line shown above it.
  await s.term.waitFor(/CHILD-DONE/, 60_000);
  await s.term.waitFor(/Tool done\. Reply \d+/, 30_000);
  await s.term.waitFor(geminiIdle, 30_000);
  t.ok(s.api.requests.some((r) => r.prompt === 'child says hi'), 'the child gemini sent its prompt');
  // The run's own newest request is the one after the tool ("Tool done."); the child's answer shows inside the tool's box.
  const newest = Number(/Tool done\. Reply \d+: context about (\d+) tokens/.exec(s.term.screen())?.[1]);
  t.ok(newest > 0, `the run's newest request: ${newest}`);
  await until(() => footerOf(s.term).includes(`${formatTokens(newest)} / ${formatTokens(COMPRESS_AT)}`), 20_000,
    () => `the footer to show the run's newest request ${newest}: ${footerOf(s.term)}`);
  t.equal(guardLsJson(s)[0]?.claudeSessionId, main, 'guard ls names the run\'s conversation, not the child\'s');
  t.equal(guardLogLatest(s).lines.filter((l) => l.type === 'claude_session').length, 1, 'the child\'s start is not logged as the run\'s');
  // Padded past guard's threshold: guard reads the "*" box as empty and hands over.
  const before = s.api.requests.length;
  await s.turn(`PAD:${PAD} read the big file`);
  t.ok(s.api.requests.length > before, 'the padded prompt went out');
  const note = await s.api.waitForRequest((r) => r.thread === 'main' && NOTE_RE.test(r.prompt), 60_000);
  const resume = await s.api.waitForRequest((r) => r.seq > note.seq && r.thread === 'main' && RESUME_RE.test(r.prompt), 60_000);
  await s.term.waitFor(new RegExp(`Reply ${resume.seq}:`), 30_000);
  t.equal((await checkpointNotes(s.cwd)).length, 1, 'the note is written');
  t.same(s.api.generations('compress'), [], 'Gemini never compressed on its own');
});

// Ways a user may run Gemini whose box looks different: vim mode (its INSERT-mode placeholder); with
// NO_COLOR the box stands between two rules; in screen-reader mode it is the last row, at column 0.
// Each read as no box before, so guard never typed and Gemini compressed on its own.
const LOOKS: ReadonlyArray<{ what: string; opts: Partial<GeminiSessionOptions>; shows?: RegExp }> = [
  { what: 'vim mode (INSERT)', opts: { settings: { general: { vimMode: true } } }, shows: /\[INSERT\]/ },
  { what: 'NO_COLOR', opts: { extraEnv: { NO_COLOR: '1' } }, shows: /^─{10,}\n >   Type your message/m },
  { what: 'screen-reader mode', opts: { settings: { ui: { accessibility: { screenReader: true } } }, ready: (x) => x.includes('Type your message') }, shows: /^Accepting edits +Type your message/m },
];
for (const { what, opts, shows } of LOOKS) {
  t.test(`${what}: guard reads the box and hands over`, async (t) => {
    const s = await startGeminiSession({ guardArgs: [], geminiArgs: ['--approval-mode', 'auto_edit'], ...opts });
    t.teardown(async () => {
      if (!t.passing()) t.comment(`screen:\n${s.term.screen()}`);
      await s.dispose();
    });
    if (shows) t.match(s.term.screen(), shows, `Gemini runs in ${what}`);
    await s.turn(`PAD:${PAD} read the big file`);
    const note = await s.api.waitForRequest((r) => r.thread === 'main' && NOTE_RE.test(r.prompt), 60_000);
    const resume = await s.api.waitForRequest((r) => r.seq > note.seq && r.thread === 'main' && RESUME_RE.test(r.prompt), 60_000);
    await s.term.waitFor(new RegExp(`Reply ${resume.seq}:`), 30_000);
    t.equal((await checkpointNotes(s.cwd)).length, 1, 'the note is written');
    t.same(s.api.generations('compress'), [], 'Gemini never compressed on its own');
  });
}
