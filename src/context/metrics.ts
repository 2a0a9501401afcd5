// An agent's token and cost counters, summed per session. Input: decoded metric points
// (src/telemetry/records.ts), each with the counter the agent's adapter read it as (a
// MetricReader: Claude's is src/claude/metrics.ts; an agent without one has no counters).
// Output: MetricTotals for the snapshot. Pure.
//
// Delta points add up. Cumulative points each carry the running total of one series since its
// start time, so only the newest value per series counts (adding them would double count); when a
// series restarts (a new start time), what the old run reached is kept and the new run adds on.

import type { MetricPoint } from '../telemetry/records.js';
import type { MetricTotals } from './snapshot.js';

/** The total one metric point adds to. */
export type Counter = keyof MetricTotals;

/** What an agent's adapter reads off one of its metric points. */
export interface MetricReading {
  counter: Counter;
  /** The conversation the point counts for; null: none named. */
  sessionId: string | null;
  /** The model, when the point is the main conversation's (it may name a window, as "[1m]" does). */
  mainModel: string | null;
}

/** An agent's reading of its metric points: null for a point that is no token or cost counter. */
export type MetricReader = (p: MetricPoint) => MetricReading | null;

interface CumulativeSeries { start: string; time: string; value: number; carried: number }

export function emptyTotals(): MetricTotals {
  return { costUsd: 0, input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
}

/** One session's counters. */
export class MetricCounters {
  private readonly delta = emptyTotals();
  private readonly cumulative = new Map<string, { counter: Counter; series: CumulativeSeries }>();

  /** Adds one point to `counter`; returns false for a value that is not a finite number. */
  add(p: MetricPoint, counter: Counter): boolean {
    if (!Number.isFinite(p.value)) return false;
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

function seriesKey(p: MetricPoint): string {
  const attrs = Object.keys(p.attributes).sort().map((k) => `${k}=${JSON.stringify(p.attributes[k])}`);
  return `${p.name}|${attrs.join('|')}`;
}

function compareNanos(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
