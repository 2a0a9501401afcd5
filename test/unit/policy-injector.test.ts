import t from 'tap';
import { Injector, type InjectWriter } from '../../src/policy/injector.js';

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

t.test('text and Enter go out as one write, marked as guard\'s', async (t) => {
  const w = new FakeWriter();
  const inj = new Injector(w);
  t.same(inj.inject('/compact keep the tests'), { ok: true, text: '/compact keep the tests' });
  t.same(w.writes, [{ data: '/compact keep the tests\r', origin: 'guard' }]);
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
  t.same(w.writes.map((x) => x.data), ['/clear\r', 'Continue from the checkpoint note\r']);
  inj.inject('/clear');
  inj.reset();
  t.equal(inj.waitingForSessionStart, false);
});

t.test('rejects empty or multi-line text and reports a failed write', async (t) => {
  const w = new FakeWriter();
  const inj = new Injector(w);
  t.match(inj.inject(''), { ok: false, reason: 'empty' });
  t.match(inj.inject('a\nb'), { ok: false, reason: 'empty' });
  w.fail = true;
  t.match(inj.inject('x'), { ok: false, reason: 'write-failed', detail: 'pty closed' });
  t.same(w.writes, []);
});
