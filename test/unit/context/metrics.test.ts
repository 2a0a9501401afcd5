// Token and cost counters per session: delta adds, cumulative never double counts. The points
// are Claude's, read by Claude's reader as a run reads them (src/claude/metrics.ts).
import t from 'tap';
import { readClaudeMetric } from '../../../src/claude/metrics.js';
import { MetricCounters } from '../../../src/context/metrics.js';
import type { MetricPoint, Temporality } from '../../../src/telemetry/records.js';

function pt(name: string, value: number, temporality: Temporality, attrs: Record<string, string>, start = '100', time = '200'): MetricPoint {
  return { name, unit: '', kind: 'sum', temporality, monotonic: true, value, attributes: { 'session.id': 'S', ...attrs }, resource: {}, startTimeUnixNano: start, timeUnixNano: time };
}
const TOK = 'claude_code.token.usage';
const COST = 'claude_code.cost.usage';

/** What a run does with a point: Claude's reader names the counter, the session's counters add it. */
function add(c: MetricCounters, p: MetricPoint): boolean {
  const r = readClaudeMetric(p);
  return r !== null && c.add(p, r.counter);
}

t.test('delta points add up', async (t) => {
  const c = new MetricCounters();
  add(c, pt(TOK, 1587, 'delta', { type: 'input', query_source: 'main' }));
  add(c, pt(TOK, 21, 'delta', { type: 'input', query_source: 'auxiliary' }));
  add(c, pt(TOK, 40, 'delta', { type: 'output' }));
  add(c, pt(TOK, 25380, 'delta', { type: 'cacheRead' }));
  add(c, pt(TOK, 4758, 'delta', { type: 'cacheCreation' }));
  add(c, pt(COST, 0.03, 'delta', {}));
  add(c, pt(COST, 0.01, 'delta', {}));
  t.same(c.totals(), { costUsd: 0.04, input: 1608, output: 40, cacheRead: 25380, cacheCreation: 4758 });
});

t.test('cumulative points: the newest value per series, no double counting', async (t) => {
  const c = new MetricCounters();
  add(c, pt(TOK, 100, 'cumulative', { type: 'input', query_source: 'main' }, '100', '200'));
  add(c, pt(TOK, 250, 'cumulative', { type: 'input', query_source: 'main' }, '100', '300'));
  add(c, pt(TOK, 250, 'cumulative', { type: 'input', query_source: 'main' }, '100', '400'));
  add(c, pt(TOK, 7, 'cumulative', { type: 'input', query_source: 'auxiliary' }, '100', '400'));
  t.equal(c.totals().input, 257);
  // A late, older point does not roll the series back.
  add(c, pt(TOK, 100, 'cumulative', { type: 'input', query_source: 'main' }, '100', '250'));
  t.equal(c.totals().input, 257);
  // The exporter restarted (new start time): the old run's total is kept.
  add(c, pt(TOK, 30, 'cumulative', { type: 'input', query_source: 'main' }, '500', '600'));
  t.equal(c.totals().input, 287);
  // Cumulative cost too.
  add(c, pt(COST, 0.5, 'cumulative', {}, '1', '2'));
  add(c, pt(COST, 0.75, 'cumulative', {}, '1', '3'));
  t.equal(c.totals().costUsd, 0.75);
});

t.test('a value that is no finite number is not counted', async (t) => {
  const c = new MetricCounters();
  t.equal(c.add(pt(TOK, Number.NaN, 'delta', { type: 'input' }), 'input'), false);
  t.equal(c.add(pt(TOK, Number.POSITIVE_INFINITY, 'cumulative', { type: 'input' }), 'input'), false);
  t.equal(c.add(pt(TOK, 3, 'delta', { type: 'input' }), 'input'), true);
  t.same(c.totals(), { costUsd: 0, input: 3, output: 0, cacheRead: 0, cacheCreation: 0 });
});
