// Growth per user turn and turns left, on hand-made timelines.
import t from 'tap';
import { forecast, turnGrowths, median, percentile, type TimelineMark } from '../../../src/context/forecast.js';

const P: TimelineMark = { kind: 'prompt' };
const C: TimelineMark = { kind: 'compaction' };
const M = (context: number): TimelineMark => ({ kind: 'main', context });

t.test('a turn is sized by its last main request', async (t) => {
  t.same(turnGrowths([P, M(100), M(150), P, M(160), M(200), P, M(260)]), [50, 60]);
  t.same(turnGrowths([]), []);
  t.same(turnGrowths([P, M(100)]), []);
});

t.test('turns without a main request and growth across a compaction are skipped', async (t) => {
  // turn 3 is "/compact": no main request, then the compaction.
  t.same(turnGrowths([P, M(100), P, M(200), P, C, P, M(50), P, M(90)]), [100, 40]);
  // an automatic compaction inside a turn, before its request
  t.same(turnGrowths([P, M(100), P, M(200), P, C, M(30), P, M(45)]), [100, 15]);
});

t.test('median and high percentile over recent turns; turns left at the median pace', async (t) => {
  const marks: TimelineMark[] = [];
  let ctx = 10_000;
  for (const g of [0, 1000, 2000, 3000, 4000, 10_000]) { ctx += g; marks.push(P, M(ctx)); }
  const f = forecast(marks, ctx, 50_000);
  t.equal(f.growthPerTurn, 3000);
  t.equal(f.growthHigh, 10_000);
  t.equal(f.turnsLeft, Math.floor((50_000 - 30_000) / 3000));
});

t.test('only the recent turns count', async (t) => {
  const marks: TimelineMark[] = [P, M(0)];
  let ctx = 0;
  for (let i = 0; i < 5; i++) { ctx += 100_000; marks.push(P, M(ctx)); }
  for (let i = 0; i < 10; i++) { ctx += 10; marks.push(P, M(ctx)); }
  t.equal(forecast(marks, ctx, 1_000_000).growthPerTurn, 10);
});

t.test('no forecast without growth; zero turns at or past the point', async (t) => {
  t.same(forecast([P, M(100)], 100, 1000), { growthPerTurn: null, growthHigh: null, turnsLeft: null });
  t.same(forecast([P, M(100), P, M(100)], 100, 1000), { growthPerTurn: 0, growthHigh: 0, turnsLeft: null });
  t.equal(forecast([P, M(100), P, M(900)], 1000, 1000).turnsLeft, 0);
  t.equal(forecast([P, M(100), P, M(900)], null, 1000).turnsLeft, null);
});

t.test('median and percentile', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 2, 3]), 2.5);
  t.equal(percentile([5], 0.9), 5);
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
  t.equal(percentile([10, 1], 0.9), 10);
});
