import t from 'tap';
import { Injector, MAX_INJECT_CHARS, typingGate, type InjectWriter, type PromptScreen } from '../../../src/policy/injector.js';
import type { BoxState, KeyBoxView, ModalView } from '../../../src/writer/key-box.js';
import type { PromptBoxView } from '../../../src/events/prompt-box.js';
import type { Disposable } from '../../../src/lib/disposables.js';

class FakeWriter implements InjectWriter {
  writes: { data: string; origin: string }[] = [];
  box: BoxState = { kind: 'empty' };
  modal: ModalView | null = null;
  fail = false;
  write(data: string, origin: 'guard'): void {
    if (this.fail) throw new Error('pty closed');
    this.writes.push({ data, origin });
  }
  keyBox(): KeyBoxView { return { box: this.box, modal: this.modal, mayHaveUnsent: this.box.kind !== 'empty' || this.modal !== null }; }
  screenShowsEmpty(): void { if (this.box.kind === 'unsure') this.box = { kind: 'empty' }; }
  /** Holds taken and not yet released. */
  holding = 0;
  holdUserInput(): Disposable { this.holding++; let done = false; return { dispose: () => { if (!done) { done = true; this.holding--; } } }; }
}

class FakeScreen implements PromptScreen {
  box: PromptBoxView = { kind: 'empty' };
  promptBox(): PromptBoxView { return this.box; }
}

const typed = (text: string): string => `\x1b[200~${text}\x1b[201~\r`;

t.test('text goes out as a bracketed paste with the Enter after it, in one write, marked as guard\'s', async (t) => {
  const w = new FakeWriter();
  const inj = new Injector(w, new FakeScreen());
  t.same(inj.inject('/compact keep the tests'), { ok: true, text: '/compact keep the tests' });
  t.same(w.writes, [{ data: '\x1b[200~/compact keep the tests\x1b[201~\r', origin: 'guard' }]);
});

t.test('an agent that needs it (Gemini) gets plain keys, and the Enter in its own write submitDelayMs later', async (t) => {
  const w = new FakeWriter();
  const later: Array<{ fn: () => void; ms: number }> = [];
  const inj = new Injector(w, new FakeScreen(), '/clear', 300, (fn, ms) => { later.push({ fn, ms }); });
  t.same(inj.inject('/compress'), { ok: true, text: '/compress' });
  t.same(w.writes, [{ data: '/compress', origin: 'guard' }], 'the text alone first, as plain keys');
  t.same(later.map((l) => l.ms), [300]);
  later[0]?.fn();
  t.same(w.writes.map((x) => x.data), ['/compress', '\r'], 'then the Enter');
  t.equal(w.holding, 0, 'the user\'s keys flow again once the Enter is sent');
  w.fail = true;
  t.doesNotThrow(() => later[0]?.fn(), 'a late Enter into a closed pty is dropped quietly');
});

t.test('between the text and its late Enter the user\'s keys are held back, so none lands inside guard\'s prompt', async (t) => {
  const w = new FakeWriter();
  const later: Array<() => void> = [];
  const inj = new Injector(w, new FakeScreen(), '/clear', 300, (fn) => { later.push(fn); });
  t.equal(w.holding, 0);
  inj.inject('/compress');
  t.equal(w.holding, 1, 'held from the text on');
  later[0]?.();
  t.equal(w.holding, 0, 'released after the Enter');
  const once = new FakeWriter();
  new Injector(once, new FakeScreen()).inject('/compact');
  t.equal(once.holding, 0, 'one write (bracketed paste and Enter): nothing to hold');
  const failing = new FakeWriter();
  failing.fail = true;
  t.match(new Injector(failing, new FakeScreen(), '/clear', 300, () => undefined).inject('/compress'), { ok: false, reason: 'write-failed' });
  t.equal(failing.holding, 0, 'a failed write releases the hold at once');
});

t.test('refuses while the user has unsent input, and writes nothing', async (t) => {
  const w = new FakeWriter();
  w.box = { kind: 'typed', text: 'fix th' };
  t.match(new Injector(w, new FakeScreen()).inject('hello'), { ok: false, reason: 'unsent-input' });
  t.same(w.writes, []);
});

t.test('after /clear nothing is typed until the new SessionStart', async (t) => {
  const w = new FakeWriter();
  const inj = new Injector(w, new FakeScreen());
  t.match(inj.inject('/clear'), { ok: true });
  t.equal(inj.waitingForSessionStart, true);
  t.match(inj.inject('Continue from the checkpoint note'), { ok: false, reason: 'awaiting-session-start' });
  inj.onHook({ type: 'Stop', sessionId: null, promptId: null, stopHookActive: false, runningSubagents: 0 });
  t.match(inj.inject('still not'), { ok: false, reason: 'awaiting-session-start' });
  inj.onHook({ type: 'SessionStart', sessionId: 'new', transcriptPath: null, cwd: null, source: 'clear', model: null });
  t.match(inj.inject('Continue from the checkpoint note'), { ok: true });
  t.same(w.writes.map((x) => x.data), [typed('/clear'), typed('Continue from the checkpoint note')]);
  inj.inject('/clear');
  inj.reset();
  t.equal(inj.waitingForSessionStart, false);
});

t.test('rejects empty or multi-line text and reports a failed write', async (t) => {
  const w = new FakeWriter();
  const inj = new Injector(w, new FakeScreen());
  t.match(inj.inject(''), { ok: false, reason: 'empty' });
  t.match(inj.inject('a\nb'), { ok: false, reason: 'empty' });
  t.match(inj.inject('a\x1b[201~b'), { ok: false, reason: 'empty' }, 'nothing can end the paste early');
  t.match(inj.inject('x'.repeat(MAX_INJECT_CHARS + 1)), { ok: false, reason: 'too-long' });
  t.match(inj.inject('x'.repeat(MAX_INJECT_CHARS)), { ok: true });
  w.writes = [];
  w.fail = true;
  t.match(inj.inject('x'), { ok: false, reason: 'write-failed', detail: 'pty closed' });
  t.same(w.writes, []);
});

t.test('the two witnesses: keys and screen must both say the box is empty; certain keys win, doubt goes to the screen', async (t) => {
  const keys = (box: BoxState, modal: ModalView | null = null): KeyBoxView => ({ box, modal, mayHaveUnsent: box.kind !== 'empty' || modal !== null });
  const empty: PromptBoxView = { kind: 'empty' };
  const text: PromptBoxView = { kind: 'text', lines: ['first line', ''] };
  const absent: PromptBoxView = { kind: 'absent' };
  t.same(typingGate(keys({ kind: 'empty' }), empty), { ok: true });
  t.match(typingGate(keys({ kind: 'typed', text: 'a' }), empty), { ok: false, reason: 'unsent-input' }, 'typed text the screen does not show yet');
  t.match(typingGate(keys({ kind: 'empty' }), text), { ok: false, reason: 'keys-and-screen-disagree' });
  t.match(typingGate(keys({ kind: 'empty' }, 'history-search'), empty), { ok: false, reason: 'view-open' });
  t.match(typingGate(keys({ kind: 'empty' }), absent), { ok: false, reason: 'prompt-not-visible' });
  t.match(typingGate(keys({ kind: 'empty' }), { kind: 'absent', mode: 'vim-normal' }), { ok: false, reason: 'vim-normal-mode', detail: /NORMAL mode/ }, 'vim NORMAL mode: keys there are commands');
  t.match(typingGate(keys({ kind: 'unsure', why: 'key ESC[D' }), text), { ok: false, reason: 'prompt-not-empty', detail: /first line/ });
  t.same(typingGate(keys({ kind: 'unsure', why: 'key ESC[A' }), empty), { ok: true }, 'doubt from the keys, an empty box on screen');
  t.match(typingGate({ box: { kind: 'empty' }, modal: null, mayHaveUnsent: true }, empty), { ok: false, reason: 'unsent-input' }, 'a paste under way');

  const w = new FakeWriter();
  const screen = new FakeScreen();
  const inj = new Injector(w, screen);
  screen.box = text;
  t.match(inj.inject('hello'), { ok: false, reason: 'keys-and-screen-disagree' });
  w.box = { kind: 'unsure', why: 'key ESC[A' };
  screen.box = absent;
  t.match(inj.inject('hello'), { ok: false, reason: 'prompt-not-visible' });
  t.same(w.writes, [], 'nothing typed while they disagree');
  screen.box = empty;
  t.match(inj.inject('hello'), { ok: true });
  t.same(w.box, { kind: 'empty' }, 'the screen settled the keys\' doubt');
});
