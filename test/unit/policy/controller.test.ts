import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextSnapshot } from '../../../src/context/snapshot.js';
import type { CheckpointRecord } from '../../../src/log/records.js';
import { OUTPUT_QUIET_MS, USER_QUIET_MS } from '../../../src/policy/idle.js';
import { makePolicyConfig, type AgentCommands, type PolicyConfig } from '../../../src/policy/config.js';
import { CLEAR_SETTLE_MS } from '../../../src/policy/policy.js';
import { CheckpointController, type NoteCheck } from '../../../src/policy/controller.js';
import { parseHook } from '../../../src/claude/hooks.js';
import { noteChecker } from '../../../src/policy/note-file.js';
import { PtyWriter } from '../../../src/writer/writer.js';
import type { Disposable } from '../../../src/lib/disposables.js';
import { UnsentScanner } from '../../../src/input/unsent.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import type { KeyBoxView } from '../../../src/writer/key-box.js';
import type { PromptBoxView } from '../../../src/events/prompt-box.js';

const HOOKS = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'claude-code-2.1.330', 'hooks');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(HOOKS, name), 'utf8'));
/** A hook post of Claude's, read by its adapter's parser as a run reads it (src/app/agent-run.ts). */
const post = (c: CheckpointController, event: string, payload: unknown): void => c.hookFact(parseHook(event, payload));

/** The real writer (its scanner reads the user's keys) over a sink that keeps what guard typed. */
class TestWriter {
  writes: string[] = [];
  readonly pty: PtyWriter;
  constructor(now: () => number) {
    this.pty = new PtyWriter({ write: (d) => { if (this.nextIsGuard) this.writes.push(String(d).replace('\x1b[200~', '').replace('\x1b[201~', '')); } }, new UnsentScanner(), now);
  }
  private nextIsGuard = false;
  write(data: string, origin: 'guard'): void { this.nextIsGuard = true; this.pty.write(data, origin); this.nextIsGuard = false; }
  keyBox(): KeyBoxView { return this.pty.keyBox(); }
  screenShowsEmpty(): void { this.pty.screenShowsEmpty(); }
  holdUserInput(): Disposable { return this.pty.holdUserInput(); }
}

/** Claude's prompt box as the screen shows it; tests set it. */
class FakeScreen {
  box: PromptBoxView = { kind: 'empty' };
  promptBox(): PromptBoxView { return this.box; }
}

function snap(contextTokens: number | null): ContextSnapshot {
  return {
    claudeSessionId: 's1', model: 'claude-sonnet-5', contextTokens, lastOutputTokens: 0, contextWindow: 200_000,
    windowSource: 'known-model', autoCompactAt: 167_000, autoCompactSource: 'default', growthPerTurn: null, growthHigh: null,
    turnsLeft: null, costUsd: 0, mainRequests: 1, compactions: [],
  };
}

function setup(config: Partial<PolicyConfig> = {}, note: NoteCheck = { ok: true, bytes: 500 }, extra: { holdSettleMs?: number; commands?: AgentCommands } = {}, failPrepare = false) {
  const timers = new FakeClock(1_700_000_000_000);
  const writer = new TestWriter(timers.now);
  const screen = new FakeScreen();
  const records: CheckpointRecord[] = [];
  const notices: string[] = [];
  const checked: string[] = [];
  /** Note folders prepared, with how many writes had happened by then. */
  const prepared: Array<{ path: string; writesBefore: number }> = [];
  const c = new CheckpointController(makePolicyConfig(config), {
    writer, screen, clock: timers,
    checkNote: async (p) => { checked.push(p); return note; },
    prepareNote: (p) => {
      if (failPrepare) throw Object.assign(new Error('read-only'), { code: 'EROFS' });
      prepared.push({ path: p, writesBefore: writer.writes.length });
    },
    log: (r) => records.push(r), notice: (n) => notices.push(n), ...extra,
  });
  const settle = async (): Promise<void> => { await new Promise((r) => setImmediate(r)); };
  writer.pty.onUserInput((w) => c.userInput(w));
  /** The user's bytes, through the writer as the input router sends them. */
  const type = (data: string): void => writer.pty.write(data, 'user');
  return { c, timers, writer, screen, type, records, notices, checked, prepared, settle, phases: () => records.map((r) => r.phase) };
}

t.test('handoff end to end through hooks, output and timers', async (t) => {
  const { c, timers, writer, checked, prepared, settle, phases } = setup();
  t.equal(c.guardState, 'starting');
  post(c, 'SessionStart', fixture('000-SessionStart.json'));
  post(c, 'UserPromptSubmit', fixture('002-UserPromptSubmit.json'));
  c.output();
  t.equal(c.guardState, 'working');
  c.snapshot(snap(150_000));
  t.equal(c.view.armed, true);
  timers.advance(5_000);
  t.same(writer.writes, [], 'armed, but Claude is working: nothing typed');
  post(c, 'Stop', fixture('003-Stop.json'));
  c.output();
  timers.advance(OUTPUT_QUIET_MS - 1);
  t.same(writer.writes, [], 'the screen has not settled yet');
  timers.advance(1);
  t.equal(writer.writes.length, 1);
  t.match(writer.writes[0], /^Write a checkpoint note to \.guard\/checkpoints\/\S+\.md .*\r$/);
  t.equal(c.guardState, 'checkpointing');
  // Claude answers the note prompt.
  post(c, 'UserPromptSubmit', { session_id: 's', hook_event_name: 'UserPromptSubmit', prompt: 'Write a checkpoint note…' });
  c.output();
  timers.advance(3_000);
  t.same(checked, [], 'no check before the Stop');
  post(c, 'Stop', fixture('006-Stop.json'));
  timers.advance(OUTPUT_QUIET_MS);
  await settle();
  t.equal(checked.length, 1);
  t.match(checked[0], /^\.guard\/checkpoints\//);
  t.same(prepared, [{ path: checked[0], writesBefore: 0 }], 'the note\'s folder was prepared once, before the prompt was typed');
  t.same(writer.writes.slice(1), ['/clear\r']);
  // Nothing else is typed until the new session starts.
  timers.advance(10_000);
  t.equal(writer.writes.length, 2);
  post(c, 'SessionStart', { session_id: 'new', hook_event_name: 'SessionStart', source: 'clear', model: 'claude-sonnet-5' });
  c.snapshot(snap(null));
  c.output();
  timers.advance(OUTPUT_QUIET_MS);
  t.equal(writer.writes.length, 3);
  t.match(writer.writes[2], new RegExp(`^Continue from the checkpoint note in ${checked[0]!.replace(/\./g, '\\.')}.*\\r$`));
  t.same(phases(), ['armed', 'prompted', 'note-written', 'cleared', 'resumed']);
  t.equal(c.guardState, 'working');
  c.exit();
  t.equal(c.guardState, 'exited');
});

t.test('clearReady idle (Codex\'s /new): no hook follows; the resume prompt goes at an idle, empty prompt after the settle time', async (t) => {
  const commands: AgentCommands = { compact: '/compact', compactTakesInstructions: false, clear: '/new', clearReady: 'idle', agentName: 'Codex' };
  const { c, timers, writer, screen, checked, settle, phases } = setup({}, { ok: true, bytes: 500 }, { commands });
  post(c, 'UserPromptSubmit', fixture('002-UserPromptSubmit.json'));
  c.snapshot(snap(150_000));
  post(c, 'Stop', fixture('003-Stop.json'));
  timers.advance(OUTPUT_QUIET_MS);
  t.equal(writer.writes.length, 1, 'the note prompt');
  post(c, 'UserPromptSubmit', { session_id: 's', hook_event_name: 'UserPromptSubmit', prompt: 'Write a checkpoint note…' });
  post(c, 'Stop', fixture('006-Stop.json'));
  timers.advance(OUTPUT_QUIET_MS);
  await settle();
  t.same(writer.writes.slice(1), ['/new\r']);
  // Codex redraws its screen twice; the first time the box shows leftover text.
  c.output();
  screen.box = { kind: 'text', lines: ['x'] };
  timers.advance(CLEAR_SETTLE_MS);
  t.equal(writer.writes.length, 2, 'the box is not empty: nothing typed');
  screen.box = { kind: 'empty' };
  c.output();
  timers.advance(OUTPUT_QUIET_MS - 1);
  t.equal(writer.writes.length, 2, 'the screen has not settled yet');
  timers.advance(1);
  t.equal(writer.writes.length, 3, 'idle, empty, past the settle time: the resume prompt');
  t.match(writer.writes[2], new RegExp(`^Continue from the checkpoint note in ${checked[0]!.replace(/\./g, '\\.')}.*\\r$`));
  t.same(phases(), ['armed', 'prompted', 'note-written', 'cleared', 'resumed']);
  t.equal(c.guardState, 'working', 'the resume prompt is a turn');
  c.exit();
});

t.test('the user typing holds the checkpoint; their Enter submits and guard waits for the next idle', async (t) => {
  const { c, timers, writer, screen, type, phases } = setup();
  post(c, 'SessionStart', fixture('000-SessionStart.json'));
  c.snapshot(snap(150_000));
  type('fix the bug');
  screen.box = { kind: 'text', lines: ['fix the bug'] };
  timers.advance(10_000);
  t.same(writer.writes, [], 'unsent input: nothing typed');
  t.equal(c.view.next, 'handoff once your input is sent');
  type('\r');
  screen.box = { kind: 'empty' };
  c.output();
  timers.advance(1_000);
  t.same(writer.writes, [], 'the Enter made Claude busy');
  post(c, 'UserPromptSubmit', fixture('002-UserPromptSubmit.json'));
  timers.advance(60_000);
  t.same(writer.writes, [], 'still working: no Stop yet');
  post(c, 'Stop', fixture('003-Stop.json'));
  timers.advance(OUTPUT_QUIET_MS);
  t.equal(writer.writes.length, 1);
  t.same(phases(), ['armed', 'prompted']);
});

t.test('text and Enter in one write is a submitted prompt: guard waits for the turn even when the hook is late', async (t) => {
  const { c, timers, writer, type } = setup();
  post(c, 'SessionStart', fixture('000-SessionStart.json'));
  timers.advance(OUTPUT_QUIET_MS);
  t.equal(c.guardState, 'idle');
  type('hello\r'); // the box is empty again after the Enter
  t.equal(c.guardState, 'working', 'working at once, before the UserPromptSubmit hook');
  c.snapshot(snap(150_000));
  timers.advance(10_000);
  t.same(writer.writes, [], 'armed, the hook is late: still nothing typed (Claude may be working)');
  post(c, 'UserPromptSubmit', fixture('002-UserPromptSubmit.json'));
  post(c, 'Stop', fixture('003-Stop.json'));
  timers.advance(OUTPUT_QUIET_MS);
  t.equal(writer.writes.length, 1, 'typed after the turn ended');
  const paste = setup();
  post(paste.c, 'SessionStart', fixture('000-SessionStart.json'));
  paste.timers.advance(OUTPUT_QUIET_MS);
  paste.type('\x1b[200~line one\rline two\x1b[201~');
  t.equal(paste.c.guardState, 'idle', 'an Enter inside a paste sends nothing');
  paste.type('\x1b[200~a pasted prompt\x1b[201~\r');
  t.equal(paste.c.guardState, 'working', 'a paste and its Enter in one write does');
});

t.test('mouse and focus reports are not the user at the keyboard; an arrow key is', async (t) => {
  const { c, timers, writer, type } = setup();
  post(c, 'SessionStart', fixture('000-SessionStart.json'));
  timers.advance(OUTPUT_QUIET_MS);
  type('\x1b[<35;10;5M\x1b[<35;11;5M');
  type('\x1b[I');
  c.snapshot(snap(150_000));
  t.equal(writer.writes.length, 1, 'typed at once: only reports since the quiet moment');
  const b = setup();
  post(b.c, 'SessionStart', fixture('000-SessionStart.json'));
  b.timers.advance(OUTPUT_QUIET_MS);
  b.type('\x1b[A');
  b.screen.box = { kind: 'text', lines: ['an earlier prompt'] };
  b.c.snapshot(snap(150_000));
  t.equal(b.writer.writes.length, 0, 'an arrow key holds it back');
  b.timers.advance(USER_QUIET_MS);
  t.equal(b.writer.writes.length, 0, 'Up recalled a prompt: the screen shows it, guard waits');
  t.equal(b.c.view.next, 'handoff once the prompt box is empty');
  b.type('\x1b[B');
  b.screen.box = { kind: 'empty' };
  b.timers.advance(USER_QUIET_MS);
  t.equal(b.writer.writes.length, 1, 'Down emptied it again: the screen says so, guard types');
});

t.test('compact strategy: typed, compaction event succeeds, miss on an automatic one', async (t) => {
  const { c, timers, writer, phases, notices } = setup({ strategy: 'compact' });
  post(c, 'SessionStart', fixture('000-SessionStart.json'));
  c.snapshot(snap(150_000));
  timers.advance(OUTPUT_QUIET_MS);
  t.match(writer.writes, [/^\/compact Keep the goal.*\r$/]);
  c.compaction('manual', true);
  t.same(phases(), ['armed', 'compact-sent', 'compacted']);
  post(c, 'PreCompact', fixture('020-PreCompact.json'));
  t.same(phases().slice(-1), ['compacted'], 'the PreCompact hook alone is no miss (guard may hold it, or it may fail)');
  c.compaction('auto', false, 'Not enough messages to compact.');
  t.same(phases().slice(-1), ['compacted'], 'nor is a failed automatic compaction');
  c.compaction('auto', true);
  t.same(phases().slice(-1), ['miss'], 'the compaction event that succeeded is');
  t.match(notices, [/compacted on its own/]);
});

t.test('a missing note falls back to /compact', async (t) => {
  const { c, timers, writer, settle, phases } = setup({}, { ok: false });
  post(c, 'SessionStart', fixture('000-SessionStart.json'));
  c.snapshot(snap(150_000));
  timers.advance(OUTPUT_QUIET_MS);
  post(c, 'UserPromptSubmit', fixture('002-UserPromptSubmit.json'));
  post(c, 'Stop', fixture('003-Stop.json'));
  timers.advance(OUTPUT_QUIET_MS);
  await settle();
  t.match(writer.writes[1], /^\/compact /);
  t.same(phases(), ['armed', 'prompted', 'fallback', 'compact-sent']);
});

t.test('noteChecker: exists with content, empty, missing', async (t) => {
  const dir = t.testdir({ '.guard': { checkpoints: { 'a.md': '# Checkpoint note\n\nGoal: x\n', 'empty.md': '' } } });
  const check = noteChecker(dir);
  t.match(await check('.guard/checkpoints/a.md'), { ok: true, bytes: 27 });
  t.match(await check('.guard/checkpoints/empty.md'), { ok: false, bytes: 0 });
  t.same(await check('.guard/checkpoints/none.md'), { ok: false });
  t.match(await check(join(dir, '.guard/checkpoints/a.md')), { ok: true });
});

// ---- Claude's PreCompact hook answered (issue 7) --------------------------------------------------

function snap1m(contextTokens: number, contextAt: number): ContextSnapshot {
  return { ...snap(contextTokens), contextWindow: 1_000_000, autoCompactAt: 967_000, contextAt };
}

/** A 1M-window session whose one turn jumped past the point; guard typed its handoff prompt. */
function handingOver(settleMs = 1_500) {
  const b = setupWith({ holdSettleMs: settleMs });
  post(b.c, 'SessionStart', fixture('000-SessionStart.json'));
  b.c.snapshot(snap1m(973_767, b.timers.now() - 1_000));
  b.timers.advance(OUTPUT_QUIET_MS);
  return b;
}

function setupWith(extra: { holdSettleMs?: number }, config: Partial<PolicyConfig> = {}) {
  return setup(config, undefined, extra);
}

t.test('PreCompact(auto) while handing over: held after the settle time', async (t) => {
  const { c, timers, writer, phases, notices } = handingOver();
  t.match(writer.writes, [/^Write a checkpoint note/], 'the handoff prompt was typed');
  post(c, 'PreCompact', fixture('020-PreCompact.json'));
  let answer: unknown = null;
  void c.preCompact('auto').then((a) => { answer = a; });
  await new Promise((r) => setImmediate(r));
  t.equal(answer, null, 'no answer before the settle time: telemetry may still say it is a recovery');
  timers.advance(1_500);
  await new Promise((r) => setImmediate(r));
  t.match(answer, { hold: true, reason: /handing over/ });
  t.same(phases(), ['armed', 'prompted', 'held']);
  t.match(notices, [/holding Claude's auto-compact: handing over/]);
  t.match(await c.preCompact('manual'), { hold: false }, 'a manual /compact is never held');
});

t.test('PreCompact(auto) while handing over: an API error meanwhile lets Claude recover at once', async (t) => {
  const { c, timers, phases } = handingOver();
  post(c, 'PreCompact', fixture('020-PreCompact.json'));
  let answer: unknown = null;
  void c.preCompact('auto').then((a) => { answer = a; });
  timers.advance(200);
  c.apiError(timers.now() - 150);
  await new Promise((r) => setImmediate(r));
  t.match(answer, { hold: false, reason: /refused/ }, 'answered when the api_error arrived, not after the settle time');
  t.notOk(phases().includes('held'));
  c.compaction('auto', true);
  t.same(phases().slice(-1), ['miss'], 'the recovery is a miss');
  t.equal(c.view.phase, 'watching', 'and the handoff is dropped');
});

t.test('PreCompact: manual, not handing over, or guard ending → allowed at once', async (t) => {
  const { c, timers } = handingOver();
  t.match(await c.preCompact('manual'), { hold: false });
  t.match(await c.preCompact(null), { hold: false });
  const idle = setupWith({ holdSettleMs: 1_500 });
  idle.c.snapshot(snap1m(100_000, idle.timers.now()));
  t.match(await idle.c.preCompact('auto'), { hold: false, reason: /not handing over/ }, 'no wait when guard would not hold it');
  const p = c.preCompact('auto');
  c.dispose();
  t.match(await p, { hold: false, reason: /guard has ended/ }, 'a pending answer is released when guard ends');
  t.equal(timers.count(), 0, 'no timer left');

t.test('a note folder guard cannot prepare is a notice; the prompt is typed all the same', async (t) => {
  const { c, timers, writer, notices } = setup({}, undefined, {}, true);
  post(c, 'SessionStart', fixture('000-SessionStart.json'));
  c.snapshot(snap(150_000));
  c.output();
  timers.advance(OUTPUT_QUIET_MS);
  t.equal(writer.writes.length, 1, 'the handoff prompt was typed');
  t.match(notices, [/could not prepare the folder of \.guard\/checkpoints\/\S+\.md \(EROFS\)/]);
});
});
