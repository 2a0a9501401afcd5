// Young-generation collections in guard's quiet moments (src/supervisor/idle-gc.ts): with a fake
// clock and a fake young generation, a collection comes only after activity, only when the
// generation is at least half full, and only after QUIET_MS with no activity; activity during the
// wait calls it off; nothing is left pending after dispose. Then the real one: V8's young
// generation fills as the test allocates, and a collection on demand is a minor one (V8's own gc
// performance entry says so) that empties it. Then the supervisor's wiring: a program's output
// counts as activity, and the supervisor collects through what it is given.
import t from 'tap';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { IdleCollector, v8YoungGeneration, CHECK_EVERY_MS, QUIET_MS, FILL_TO_COLLECT, type YoungGeneration } from '../../../src/supervisor/idle-gc.js';
import { runSupervised } from '../../../src/supervisor/supervise.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { Notices } from '../../../src/ui/notices.js';
import { realClock } from '../../../src/lib/clock.js';
import { fakeTerminalIo } from '../../helpers/fake-terminal-io.js';

function fakeYoung(fill: number): YoungGeneration & { collections: number; level: number } {
  const y = { collections: 0, level: fill, fill: () => y.level, collect: () => { y.collections++; y.level = 0; } };
  return y;
}

t.test('no activity, no collection, however full', async (t) => {
  const clock = new FakeClock();
  const young = fakeYoung(0.99);
  const c = new IdleCollector(clock, young);
  clock.advance(10 * CHECK_EVERY_MS);
  t.equal(young.collections, 0);
  c.dispose();
  t.equal(clock.count(), 0, 'nothing pending after dispose');
});

t.test('after activity, a generation at least FILL_TO_COLLECT full is collected once guard was quiet for QUIET_MS', async (t) => {
  const clock = new FakeClock();
  const young = fakeYoung(FILL_TO_COLLECT);
  const c = new IdleCollector(clock, young);
  c.activity();
  clock.advance(CHECK_EVERY_MS + QUIET_MS - 1);
  t.equal(young.collections, 0, 'not before the quiet time is over');
  clock.advance(1);
  t.equal(young.collections, 1, 'collected');
  clock.advance(5 * CHECK_EVERY_MS);
  t.equal(young.collections, 1, 'no activity since: no second collection');
  young.level = 0.7;
  c.activity();
  clock.advance(CHECK_EVERY_MS + QUIET_MS);
  t.equal(young.collections, 2, 'new activity, full again: collected again');
  c.dispose();
});

t.test('a generation under FILL_TO_COLLECT is left to V8', async (t) => {
  const clock = new FakeClock();
  const young = fakeYoung(FILL_TO_COLLECT - 0.01);
  const c = new IdleCollector(clock, young);
  for (let i = 0; i < 10; i++) { c.activity(); clock.advance(CHECK_EVERY_MS); }
  t.equal(young.collections, 0);
  c.dispose();
});

t.test('activity during the quiet wait calls the collection off until the next look', async (t) => {
  const clock = new FakeClock();
  const young = fakeYoung(0.8);
  const c = new IdleCollector(clock, young);
  c.activity();
  clock.advance(CHECK_EVERY_MS + QUIET_MS - 1);
  c.activity();
  clock.advance(1);
  t.equal(young.collections, 0, 'a key during the wait: no collection then');
  clock.advance(CHECK_EVERY_MS);
  t.equal(young.collections, 1, 'the next look, with quiet after it, collects');
  c.activity();
  clock.advance(CHECK_EVERY_MS);
  c.dispose();
  clock.advance(QUIET_MS);
  t.equal(young.collections, 1, 'dispose during a wait: no collection after');
  t.equal(clock.count(), 0, 'nothing pending');
});

t.test('the running V8: the young generation fills, and a collection on demand is a minor one that empties it', async (t) => {
  const young = v8YoungGeneration();
  // V8's own collections may come in the same moments (an incremental marking it finishes by a
  // task: a major one seen in a CI run): only those that started during collect() are its.
  const seen: Array<{ kind: number; start: number }> = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) seen.push({ kind: (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1, start: e.startTime });
  });
  obs.observe({ entryTypes: ['gc'] });
  t.teardown(() => obs.disconnect());
  young.collect();
  await new Promise((r) => setTimeout(r, 20));
  const before = young.fill();
  t.ok(before >= 0 && before <= 1, `a fill between 0 and 1 (${before})`);
  let keep: unknown[] = [];
  for (let i = 0; i < 2000; i++) keep.push({ i, s: `garbage ${i}` });
  const filled = young.fill();
  t.ok(filled > before, `allocating fills it (${before.toFixed(3)} to ${filled.toFixed(3)})`);
  keep = [];
  const from = performance.now();
  young.collect();
  const to = performance.now();
  const after = young.fill();
  t.ok(after < filled, `collected: ${filled.toFixed(3)} to ${after.toFixed(3)}`);
  await new Promise((r) => setTimeout(r, 20));
  const kinds = seen.filter((e) => e.start >= from && e.start <= to).map((e) => e.kind);
  t.ok(kinds.length > 0, 'V8 reported the collection');
  t.ok(kinds.every((k) => k === constants.NODE_PERFORMANCE_GC_MINOR), `a minor (young-generation) collection, nothing more (kinds ${kinds.join(',')})`);
  t.equal(keep.length, 0);
});

for (const [fill, expected] of [[0.9, 'collects'], [0.1, 'leaves it']] as const) {
  t.test(`the supervisor counts the program's output as activity and ${expected} (young generation ${fill} full)`, async (t) => {
    const out: string[] = [];
    const young = fakeYoung(fill);
    const notices = new Notices(realClock);
    t.teardown(() => notices.dispose());
    // Output, then quiet for well over a look and the quiet time.
    const { status } = await runSupervised({
      program: 'sh', args: ['-c', `echo working; sleep ${(3 * CHECK_EVERY_MS) / 1000}`], footer: false, io: fakeTerminalIo(out), notices, youngGeneration: young,
    });
    t.equal(status, 0);
    t.match(out.join(''), 'working');
    if (fill >= FILL_TO_COLLECT) t.ok(young.collections >= 1, `collected (${young.collections})`);
    else t.equal(young.collections, 0);
  });
}
