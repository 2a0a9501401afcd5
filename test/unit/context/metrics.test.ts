// Token and cost counters per session: delta adds, cumulative never double counts.
import t from 'tap';
import { MetricCounters } from '../../../src/context/metrics.js';
import type { MetricPoint, Temporality } from '../../../src/telemetry/records.js';

function pt(name: string, value: number, temporality: Temporality, attrs: Record<string, string>, start = '100', time = '200'): MetricPoint {
  return { name, unit: '', kind: 'sum', temporality, monotonic: true, value, attributes: { 'session.id': 'S', ...attrs }, resource: {}, startTimeUnixNano: start, timeUnixNano: time };
}
const TOK = 'claude_code.token.usage';
const COST = 'claude_code.cost.usage';

t.test('delta points add up', async (t) => {
  const c = new MetricCounters();
  c.add(pt(TOK, 1587, 'delta', { type: 'input', query_source: 'main' }));
  c.add(pt(TOK, 21, 'delta', { type: 'input', query_source: 'auxiliary' }));
  c.add(pt(TOK, 40, 'delta', { type: 'output' }));
  c.add(pt(TOK, 25380, 'delta', { type: 'cacheRead' }));
  c.add(pt(TOK, 4758, 'delta', { type: 'cacheCreation' }));
  c.add(pt(COST, 0.03, 'delta', {}));
  c.add(pt(COST, 0.01, 'delta', {}));
  t.same(c.totals(), { costUsd: 0.04, input: 1608, output: 40, cacheRead: 25380, cacheCreation: 4758 });
});

t.test('cumulative points: the newest value per series, no double counting', async (t) => {
  const c = new MetricCounters();
  c.add(pt(TOK, 100, 'cumulative', { type: 'input', query_source: 'main' }, '100', '200'));
  c.add(pt(TOK, 250, 'cumulative', { type: 'input', query_source: 'main' }, '100', '300'));
  c.add(pt(TOK, 250, 'cumulative', { type: 'input', query_source: 'main' }, '100', '400'));
  c.add(pt(TOK, 7, 'cumulative', { type: 'input', query_source: 'auxiliary' }, '100', '400'));
  t.equal(c.totals().input, 257);
  // A late, older point does not roll the series back.
  c.add(pt(TOK, 100, 'cumulative', { type: 'input', query_source: 'main' }, '100', '250'));
  t.equal(c.totals().input, 257);
  // The exporter restarted (new start time): the old run's total is kept.
  c.add(pt(TOK, 30, 'cumulative', { type: 'input', query_source: 'main' }, '500', '600'));
  t.equal(c.totals().input, 287);
  // Cumulative cost too.
  c.add(pt(COST, 0.5, 'cumulative', {}, '1', '2'));
  c.add(pt(COST, 0.75, 'cumulative', {}, '1', '3'));
  t.equal(c.totals().costUsd, 0.75);
});

t.test('other metrics and unknown token types are not counted', async (t) => {
  const c = new MetricCounters();
  t.equal(c.add(pt('claude_code.session.count', 1, 'delta', {})), false);
  t.equal(c.add(pt(TOK, 5, 'delta', { type: 'weird' })), false);
  t.equal(c.add(pt(TOK, 5, 'delta', {})), false);
  t.same(c.totals(), { costUsd: 0, input: 0, output: 0, cacheRead: 0, cacheCreation: 0 });
});
