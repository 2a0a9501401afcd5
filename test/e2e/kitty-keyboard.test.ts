// Issue 7, the kitty keyboard protocol, end to end: the real Claude Code 2.1.330 under
// `bin/guard.js claude`, in a test terminal that speaks the protocol as kitty, Ghostty, WezTerm
// or foot do (answers CSI ? u, keeps the flags programs push; Shift-Enter and Ctrl + a letter
// arrive as key reports once flag 1 is on, and as plain bytes before). Claude asks for the
// protocol at start; guard answers from the outer terminal's own answer and mirrors the flags
// Claude pushes onto it, so Shift-Enter reaches Claude as Shift-Enter (a new line in the box)
// and not as a plain Enter that would send a half-written prompt. guard reads the key reports:
// with "checkpoint now" pressed (Ctrl-G as a key report) over two unsent lines it types nothing;
// the text, when sent, reaches the API exactly as typed; the flags come off at exit.
import t from 'tap';
import { startClaudeSession } from '../helpers/claude-session.js';
import { checkpointPhases, debugRequests, exitClaude, guardLogLatest, promptBoxRows, unsentCase, watchFooter } from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

/** Claude Code 2.1.330 pushes these once its query is answered: disambiguate (1) + report alternate keys (4). */
const CLAUDE_FLAGS = 5;

t.test('kitty keyboard: Claude gets the protocol through guard; Shift-Enter is a new line; guard types nothing over it; flags come off at exit', async (t) => {
  const s = await startClaudeSession({ guardArgs: [], kittyKeyboard: true });
  const footer = watchFooter(s.term);
  t.teardown(async () => { footer.stop(); debugRequests(t, s.api, footer); await s.dispose(); });
  await until(() => s.term.kittyFlags === CLAUDE_FLAGS, 10_000, 'Claude\'s flags to reach the outer terminal');
  t.equal(s.term.kittyFlags, CLAUDE_FLAGS, 'the flags Claude pushed are on the user\'s terminal');
  t.equal(s.term.shiftEnter(), '\x1b[13;2u', 'so the terminal now reports Shift-Enter as a key');
  await s.turn('hello');

  await unsentCase(t, s, footer, {
    name: 'Shift-Enter',
    keys: ['line one', s.term.shiftEnter()],
    shows: (screen) => JSON.stringify(promptBoxRows(screen)) === '["line one",""]',
    footer: /checkpoint armed → handoff once your input is sent/,
    send: ['line two', '\r'],
    sent: 'line one\nline two',
    prefix: s.term.ctrl('g'),
  });

  const exit = await exitClaude(s);
  t.equal(exit.exitCode, 0);
  t.equal(s.term.kittyFlags, 0, 'no flags left on the user\'s terminal after guard exits');
  t.ok(s.term.kittySeen.includes('?u'), 'guard asked the terminal');
  const log = guardLogLatest(s);
  t.same(checkpointPhases(log.lines), ['armed', 'prompted', 'note-written', 'cleared', 'resumed'], 'one whole checkpoint');
});
