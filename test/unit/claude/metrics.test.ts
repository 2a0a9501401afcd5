// Claude Code's metric points as counters (src/claude/metrics.ts): the two counters it exports,
// the token types, the session, and the main conversation's model; anything else reads as none.
import t from 'tap';
import { readClaudeMetric } from '../../../src/claude/metrics.js';
import type { MetricPoint } from '../../../src/telemetry/records.js';

function pt(name: string, attrs: Record<string, string>): MetricPoint {
  return { name, unit: '', kind: 'sum', temporality: 'delta', monotonic: true, value: 1, attributes: attrs, resource: {}, startTimeUnixNano: '1', timeUnixNano: '2' };
}
const TOK = 'claude_code.token.usage';
const COST = 'claude_code.cost.usage';

t.test('tokens by type, cost, the session and the main model', async (t) => {
  for (const type of ['input', 'output', 'cacheRead', 'cacheCreation']) {
    t.same(readClaudeMetric(pt(TOK, { type, 'session.id': 'S' })), { counter: type, sessionId: 'S', mainModel: null }, type);
  }
  t.same(readClaudeMetric(pt(COST, { 'session.id': 'S', model: 'claude-opus-4-8[1m]', query_source: 'main' })),
    { counter: 'costUsd', sessionId: 'S', mainModel: 'claude-opus-4-8[1m]' }, 'the main conversation\'s model, suffix kept');
  t.same(readClaudeMetric(pt(TOK, { type: 'input', model: 'claude-haiku-4-5', query_source: 'auxiliary' })),
    { counter: 'input', sessionId: null, mainModel: null }, 'a side request names no model for the window; no session: null');
});

t.test('other metrics and unknown token types are none', async (t) => {
  t.equal(readClaudeMetric(pt('claude_code.session.count', {})), null);
  t.equal(readClaudeMetric(pt(TOK, { type: 'weird' })), null);
  t.equal(readClaudeMetric(pt(TOK, {})), null);
  for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    t.equal(readClaudeMetric(pt(TOK, { type })), null, `type ${type}: no counter of Object's`);
  }
});
