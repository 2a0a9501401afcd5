import t from 'tap';
import { Injector, MAX_INJECT_CHARS, type InjectWriter } from '../../src/policy/injector.js';

class FakeWriter implements InjectWriter {
  writes: { data: string; origin: string }[] = [];
  unsent = false;
  fail = false;
  write(data: string, origin: 'guard'): void {
    if (this.fail) throw new Error('pty closed');
    this.writes.push({ data, origin });
  }
  hasUnsentInput(): boolean { return this.unsent; }
}

const typed = (text: string): string => `\x1b[200~${text}\x1b[201~\r`;

t.test('text goes out as a bracketed paste with the Enter after it, in one write, marked as guard\'s', async (t) => {
  const w = new FakeWriter();
  const inj = new Injector(w);
  t.same(inj.inject('/compact keep the tests'), { ok: true, text: '/compact keep the tests' });
  t.same(w.writes, [{ data: '\x1b[200~/compact keep the tests\x1b[201~\r', origin: 'guard' }]);
});

t.test('refuses while the user has unsent input, and writes nothing', async (t) => {
  const w = new FakeWriter();
  w.unsent = true;
  t.match(new Injector(w).inject('hello'), { ok: false, reason: 'unsent-input' });
  t.same(w.writes, []);
});

t.test('after /clear nothing is typed until the new SessionStart', async (t) => {
  const w = new FakeWriter();
  const inj = new Injector(w);
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
  const inj = new Injector(w);
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
