// Claude Code's metric points as the context tracker's counters (the Claude adapter's
// `readMetric`, src/agents/claude/). Input: one decoded metric point (src/telemetry/records.ts).
// Output: the counter it adds to (src/context/metrics.ts), its session, and the main
// conversation's model; null for any other metric. Pure.
//
// Claude Code exports two counters (2.1.x, fixtures in ../shared/fixtures/): claude_code.token.usage
// with a `type` attribute (input, output, cacheRead, cacheCreation) and claude_code.cost.usage in
// US dollars. Both carry `session.id`, `model` and `query_source`; the metrics spell the main
// conversation's source `main` where the log records say repl_main_thread or sdk.
import type { Counter, MetricReading } from '../context/metrics.js';
import { str } from '../telemetry/attributes.js';
import type { MetricPoint } from '../telemetry/records.js';

export const TOKEN_METRIC = 'claude_code.token.usage';
export const COST_METRIC = 'claude_code.cost.usage';
/** The metrics' query_source of the main conversation. */
const METRIC_MAIN_SOURCE = 'main';

/** A Map, not an object: a `type` of "constructor" or "toString" must name no counter. */
const TOKEN_TYPES: ReadonlyMap<string, Counter> = new Map([
  ['input', 'input'], ['output', 'output'], ['cacheRead', 'cacheRead'], ['cacheCreation', 'cacheCreation'],
]);

export function readClaudeMetric(p: MetricPoint): MetricReading | null {
  let counter: Counter | null = null;
  if (p.name === COST_METRIC) counter = 'costUsd';
  else if (p.name === TOKEN_METRIC) {
    const type = str(p.attributes['type']);
    counter = type === null ? null : TOKEN_TYPES.get(type) ?? null;
  }
  if (counter === null) return null;
  const main = str(p.attributes['query_source']) === METRIC_MAIN_SOURCE;
  return { counter, sessionId: str(p.attributes['session.id']), mainModel: main ? str(p.attributes['model']) : null };
}
