import t from 'tap';
import {
  OUTPUT_QUIET_MS, PROMPT_IDS_KEPT, UNCONFIRMED_ENTER_QUIET_MS, USER_QUIET_MS, applyIdleEvent, guardStateOf, initialIdleFacts, judgeIdle,
  type IdleEvent, type IdleFacts,
} from '../../../src/policy/idle.js';

function feed(events: IdleEvent[], f: IdleFacts = initialIdleFacts()): IdleFacts {
  return events.reduce(applyIdleEvent, f);
}

t.test('starting until the first session or prompt', async (t) => {
  const f = feed([{ type: 'output', t: 0 }]);
  t.same(judgeIdle(f, 5000, false), { activity: 'starting', waitingForInput: false, recheckAt: null });
  t.equal(guardStateOf(f, judgeIdle(f, 5000, false), false), 'starting');
});

t.test('idle after a Stop that follows the prompt, once the output is quiet', async (t) => {
  const f = feed([
    { type: 'sessionStart', t: 0, source: 'startup' },
    { type: 'prompt', t: 100, via: 'hook' },
    { type: 'output', t: 150 },
    { type: 'stop', t: 1000 },
    { type: 'output', t: 1050 },
  ]);
  t.same(judgeIdle(f, 1100, false), { activity: 'working', waitingForInput: true, recheckAt: 1050 + OUTPUT_QUIET_MS },
    'screen still moving: re-check when it has been quiet long enough');
  t.same(judgeIdle(f, 1050 + OUTPUT_QUIET_MS, false), { activity: 'idle', waitingForInput: true, recheckAt: null });
  t.equal(guardStateOf(f, judgeIdle(f, 5000, false), false), 'idle');
  t.equal(guardStateOf(f, judgeIdle(f, 5000, false), true), 'checkpointing');
});

t.test('the quiet moment counts from the Stop even if the screen was already still', async (t) => {
  const f = feed([{ type: 'sessionStart', t: 0, source: 'startup' }, { type: 'prompt', t: 10, via: 'hook' }, { type: 'output', t: 20 }, { type: 'stop', t: 5000 }]);
  t.same(judgeIdle(f, 5001, false), { activity: 'working', waitingForInput: true, recheckAt: 5000 + OUTPUT_QUIET_MS });
  t.equal(judgeIdle(f, 5000 + OUTPUT_QUIET_MS, false).activity, 'idle');
});

t.test('events in the same millisecond keep their order', async (t) => {
  const f = feed([{ type: 'sessionStart', t: 0, source: 'startup' }, { type: 'prompt', t: 0, via: 'hook' }]);
  t.equal(judgeIdle(f, 10_000, false).activity, 'working');
  t.equal(judgeIdle(applyIdleEvent(f, { type: 'stop', t: 0 }), 10_000, false).activity, 'idle');
});

t.test('a recent keystroke (an arrow, a menu key) holds idleness back for a moment', async (t) => {
  const f = feed([{ type: 'sessionStart', t: 0, source: 'startup' }, { type: 'stop', t: 10 }, { type: 'userInput', t: 5000 }]);
  t.same(judgeIdle(f, 5100, false), { activity: 'working', waitingForInput: true, recheckAt: 5000 + USER_QUIET_MS });
  t.equal(judgeIdle(f, 5000 + USER_QUIET_MS, false).activity, 'idle');
});

t.test('unsent input means not idle, though Claude waits', async (t) => {
  const f = feed([{ type: 'sessionStart', t: 0, source: 'startup' }, { type: 'prompt', t: 10, via: 'hook' }, { type: 'stop', t: 20 }]);
  const j = judgeIdle(f, 5000, true);
  t.equal(j.activity, 'working');
  t.equal(j.waitingForInput, true);
  t.equal(judgeIdle(f, 5000, false).activity, 'idle');
});

t.test('a prompt after the Stop means working; a stale Stop does not count', async (t) => {
  const f = feed([
    { type: 'sessionStart', t: 0, source: 'startup' }, { type: 'stop', t: 100 }, { type: 'prompt', t: 200, via: 'hook' },
  ]);
  t.same(judgeIdle(f, 99_999, false), { activity: 'working', waitingForInput: false, recheckAt: null });
  t.equal(guardStateOf(f, judgeIdle(f, 99_999, false), false), 'working');
});

t.test('a Stop with a background sub-agent still running is not the end of the work', async (t) => {
  const f = feed([
    { type: 'sessionStart', t: 0, source: 'startup' }, { type: 'prompt', t: 100, via: 'hook' }, { type: 'stop', t: 200, runningSubagents: 1 },
  ]);
  t.equal(judgeIdle(f, 10_000, false).activity, 'working');
  t.equal(judgeIdle(applyIdleEvent(f, { type: 'stop', t: 5000 }), 10_000, false).activity, 'idle');
});

t.test('after /clear or a manual /compact, the new SessionStart leaves Claude waiting', async (t) => {
  const base: IdleEvent[] = [{ type: 'sessionStart', t: 0, source: 'startup' }, { type: 'prompt', t: 10, via: 'hook' }, { type: 'stop', t: 20 }];
  const cleared = feed([...base, { type: 'prompt', t: 1000, via: 'enter' }, { type: 'output', t: 1010 }, { type: 'sessionStart', t: 1200, source: 'clear' }]);
  t.equal(judgeIdle(cleared, 1200 + OUTPUT_QUIET_MS, false).activity, 'idle');
  const compacted = feed([...base, { type: 'prompt', t: 1000, via: 'enter' }, { type: 'preCompact', t: 1100, trigger: 'manual' },
    { type: 'sessionStart', t: 5000, source: 'compact' }]);
  t.equal(judgeIdle(compacted, 5000 + OUTPUT_QUIET_MS, false).activity, 'idle');
});

t.test('an automatic compaction mid-turn does not end the turn', async (t) => {
  // The order captured in fixtures/claude-code-2.1.330/hooks/019..022.
  const f = feed([
    { type: 'sessionStart', t: 0, source: 'startup' }, { type: 'prompt', t: 100, via: 'hook' },
    { type: 'preCompact', t: 200, trigger: 'auto' }, { type: 'sessionStart', t: 300, source: 'compact' },
  ]);
  t.equal(judgeIdle(f, 99_999, false).activity, 'working');
  t.equal(judgeIdle(applyIdleEvent(f, { type: 'stop', t: 400 }), 99_999, false).activity, 'idle');
});

t.test('a held automatic compaction (guard answered PreCompact "block") leaves no SessionStart(compact) pending', async (t) => {
  const held: IdleEvent[] = [
    { type: 'sessionStart', t: 0, source: 'startup' }, { type: 'prompt', t: 100, via: 'hook' },
    { type: 'preCompact', t: 200, trigger: 'auto' }, { type: 'compactHeld', t: 1700 }, { type: 'stop', t: 3000 },
    // A later compaction's SessionStart (a /compact from a command that fired no hook of guard's).
    { type: 'prompt', t: 4000, via: 'enter' }, { type: 'sessionStart', t: 5000, source: 'compact' },
  ];
  t.equal(judgeIdle(feed(held), 5000 + OUTPUT_QUIET_MS, false).activity, 'idle', 'it ends the wait, as after a manual /compact');
  const notHeld = held.filter((e) => e.type !== 'compactHeld');
  t.equal(judgeIdle(feed(notHeld), 5000 + OUTPUT_QUIET_MS, false).activity, 'working', 'without the mark it would be taken for the held one');
});

t.test('an Enter no hook confirms (a slash command, a menu) shows as waiting after a long quiet, never idle', async (t) => {
  const f = feed([
    { type: 'sessionStart', t: 0, source: 'startup' }, { type: 'stop', t: 10 },
    { type: 'prompt', t: 1000, via: 'enter' }, { type: 'output', t: 1500 },
  ]);
  t.same(judgeIdle(f, 2000, false), { activity: 'working', waitingForInput: false, recheckAt: 1500 + UNCONFIRMED_ENTER_QUIET_MS });
  const later = judgeIdle(f, 1500 + UNCONFIRMED_ENTER_QUIET_MS, false);
  t.same(later, { activity: 'working', waitingForInput: true, recheckAt: null });
  t.equal(guardStateOf(f, later, false), 'idle', 'the footer shows it as idle');
  t.equal(judgeIdle(applyIdleEvent(f, { type: 'stop', t: 9000 }), 9000 + OUTPUT_QUIET_MS, false).activity, 'idle', 'a Stop makes it idle');
  const confirmed = applyIdleEvent(f, { type: 'prompt', t: 1100, via: 'hook' });
  t.same(judgeIdle(confirmed, 60_000, false), { activity: 'working', waitingForInput: false, recheckAt: null },
    'a UserPromptSubmit makes it a real turn: only a Stop ends it');
});

t.test('exit', async (t) => {
  const f = feed([{ type: 'sessionStart', t: 0, source: 'startup' }, { type: 'exit', t: 10 }]);
  t.equal(guardStateOf(f, judgeIdle(f, 20, false), false), 'exited');
  t.not(judgeIdle(f, 20, false).activity, 'idle');
});

// The UserPromptSubmit and Stop relays run in the background (Claude's ASYNC_HOOK_EVENTS, Codex's
// CODEX_ASYNC_HOOK_EVENTS): their posts can cross. The prompt ids put them back in order.
t.test('background hooks out of turn: a short turn\'s Stop before its own UserPromptSubmit', async (t) => {
  const f = feed([
    { type: 'sessionStart', t: 0, source: 'startup' },
    { type: 'prompt', t: 100, via: 'enter' },
    { type: 'stop', t: 180, promptId: 'A' },
    { type: 'prompt', t: 200, via: 'hook', promptId: 'A' },
  ]);
  t.same(judgeIdle(f, 200 + OUTPUT_QUIET_MS, false), { activity: 'idle', waitingForInput: true, recheckAt: null },
    'the late UserPromptSubmit of an ended turn starts nothing');
  const sync = feed([{ type: 'sessionStart', t: 0, source: 'startup' }, { type: 'prompt', t: 100, via: 'hook', promptId: 'A' }, { type: 'stop', t: 180, promptId: 'A' }]);
  t.same(judgeIdle(f, 5000, false), judgeIdle(sync, 5000, false), 'the same as in order');
});

t.test('background hooks out of turn: a turn\'s Stop after the next prompt\'s UserPromptSubmit', async (t) => {
  const f = feed([
    { type: 'sessionStart', t: 0, source: 'startup' },
    { type: 'prompt', t: 100, via: 'hook', promptId: 'A' },
    { type: 'prompt', t: 1000, via: 'enter' },
    { type: 'prompt', t: 1050, via: 'hook', promptId: 'B' },
    { type: 'stop', t: 1060, promptId: 'A' },
  ]);
  t.same(judgeIdle(f, 99_999, false), { activity: 'working', waitingForInput: false, recheckAt: null }, 'the older turn\'s Stop ends nothing');
  t.equal(judgeIdle(applyIdleEvent(f, { type: 'stop', t: 3000, promptId: 'B' }), 3000 + OUTPUT_QUIET_MS, false).activity, 'idle', 'its own Stop does');
});

t.test('a Stop after a bare Enter still counts; the next UserPromptSubmit undoes it within the quiet time', async (t) => {
  // Text typed while Claude works joins the running turn: 2.1.330 sent UserPromptSubmit A
  // ("first"), UserPromptSubmit A ("second", typed meanwhile), Stop A, then Stop B for the
  // turn that answered "second", with no UserPromptSubmit B.
  const queued = feed([
    { type: 'sessionStart', t: 0, source: 'startup' },
    { type: 'prompt', t: 100, via: 'hook', promptId: 'A' },
    { type: 'prompt', t: 1000, via: 'enter' },
    { type: 'prompt', t: 1050, via: 'hook', promptId: 'A' },
    { type: 'stop', t: 3000, promptId: 'A' },
    { type: 'stop', t: 6000, promptId: 'B' },
  ]);
  t.equal(judgeIdle(queued, 6000 + OUTPUT_QUIET_MS, false).activity, 'idle', 'the queued prompt\'s turn ends at its Stop');
  // The next prompt's Enter came before the last turn's Stop, its UserPromptSubmit after.
  const crossed = feed([
    { type: 'sessionStart', t: 0, source: 'startup' },
    { type: 'prompt', t: 100, via: 'hook', promptId: 'A' },
    { type: 'prompt', t: 1000, via: 'enter' },
    { type: 'stop', t: 1010, promptId: 'A' },
  ]);
  t.equal(judgeIdle(crossed, 1011, false).activity, 'working', 'not idle within the quiet time');
  const confirmed = applyIdleEvent(crossed, { type: 'prompt', t: 1100, via: 'hook', promptId: 'B' });
  t.same(judgeIdle(confirmed, 99_999, false), { activity: 'working', waitingForInput: false, recheckAt: null }, 'working once it comes');
});

t.test('the remembered prompt ids stay few', async (t) => {
  let f = feed([{ type: 'sessionStart', t: 0, source: 'startup' }]);
  for (let i = 0; i < 50; i++) f = feed([{ type: 'prompt', t: i * 10, via: 'hook', promptId: `p${i}` }, { type: 'stop', t: i * 10 + 5, promptId: `p${i}` }], f);
  t.equal(f.confirmedIds.length, PROMPT_IDS_KEPT);
  t.equal(f.endedIds.length, PROMPT_IDS_KEPT);
  t.equal(f.endedIds.at(-1), 'p49');
});
