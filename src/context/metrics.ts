// Claude Code's token and cost counters (claude_code.token.usage, claude_code.cost.usage),
// summed per Claude session. Input: decoded metric points (src/telemetry/records.ts). Output:
// MetricTotals for the snapshot. Pure.
//
// Delta points add up. Cumulative points each carry the running total of one series since its
// start time, so only the newest value per series counts (adding them would double count); when a
// series restarts (a new start time), what the old run reached is kept and the new run adds on.

import type { MetricPoint } from '../telemetry/records.js';
import type { MetricTotals } from './snapshot.js';
import { str } from '../claude/events.js';

export const TOKEN_METRIC = 'claude_code.token.usage';
export const COST_METRIC = 'claude_code.cost.usage';

type Counter = 'input' | 'output' | 'cacheRead' | 'cacheCreation' | 'costUsd';
const TOKEN_TYPES: Readonly<Record<string, Counter>> = {
  input: 'input', output: 'output', cacheRead: 'cacheRead', cacheCreation: 'cacheCreation',
};

interface CumulativeSeries { start: string; time: string; value: number; carried: number }

export function emptyTotals(): MetricTotals {
  return { costUsd: 0, input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
}

/** One session's counters. */
export class MetricCounters {
  private readonly delta = emptyTotals();
  private readonly cumulative = new Map<string, { counter: Counter; series: CumulativeSeries }>();

  /** Returns false for points that are not a token or cost counter. */
  add(p: MetricPoint): boolean {
    const counter = counterOf(p);
    if (counter === null || !Number.isFinite(p.value)) return false;
    if (p.temporality !== 'cumulative') {
      // Delta, and 'unspecified' which Claude's exporter never sends: counted as a delta.
      this.delta[counter] += p.value;
      return true;
    }
    const key = seriesKey(p);
    const known = this.cumulative.get(key);
    if (known === undefined) {
      this.cumulative.set(key, { counter, series: { start: p.startTimeUnixNano, time: p.timeUnixNano, value: p.value, carried: 0 } });
      return true;
    }
    const s = known.series;
    if (p.startTimeUnixNano !== s.start) {
      if (compareNanos(p.startTimeUnixNano, s.start) < 0) return true; // a late point from an older run
      s.carried += s.value;
      s.start = p.startTimeUnixNano;
      s.time = p.timeUnixNano;
      s.value = p.value;
    } else if (compareNanos(p.timeUnixNano, s.time) >= 0) {
      s.time = p.timeUnixNano;
      s.value = p.value;
    }
    return true;
  }

  totals(): MetricTotals {
    const d = this.delta;
    const t: MetricTotals = { costUsd: d.costUsd, input: d.input, output: d.output, cacheRead: d.cacheRead, cacheCreation: d.cacheCreation };
    for (const { counter, series } of this.cumulative.values()) t[counter] += series.carried + series.value;
    return t;
  }
}

function counterOf(p: MetricPoint): Counter | null {
  if (p.name === COST_METRIC) return 'costUsd';
  if (p.name !== TOKEN_METRIC) return null;
  const type = str(p.attributes['type']);
  return type === null ? null : TOKEN_TYPES[type] ?? null;
}

function seriesKey(p: MetricPoint): string {
  const attrs = Object.keys(p.attributes).sort().map((k) => `${k}=${JSON.stringify(p.attributes[k])}`);
  return `${p.name}|${attrs.join('|')}`;
}

function compareNanos(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
