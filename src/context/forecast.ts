// Growth of the context per user turn and how many turns are left before the auto-compact
// point. Input: one Claude session's timeline (user prompts, main requests, compactions) in
// event order, as the tracker keeps it. Output: plain numbers for the snapshot. Pure.
//
// A turn is the span from one user prompt to the next. Its size is the context of its last main
// request; its growth is that minus the previous turn's size. Turns without a main request (a
// `/compact` command) have no size, and a growth across a compaction is not a growth, so both
// are skipped.

/** Recent turns only: the pace of the last few turns says more than the session's start. */
export const RECENT_TURNS = 10;
/** The "high" growth: a turn this large or smaller happens 9 times in 10. */
export const HIGH_PERCENTILE = 0.9;

export type TimelineMark =
  | { kind: 'prompt' }
  | { kind: 'main'; context: number }
  | { kind: 'compaction' };

export interface Forecast {
  growthPerTurn: number | null;
  growthHigh: number | null;
  turnsLeft: number | null;
}

/** Context growth of each turn over its predecessor, oldest first. */
export function turnGrowths(marks: readonly TimelineMark[]): number[] {
  const growths: number[] = [];
  let prevEnd: number | null = null;
  let curEnd: number | null = null;
  let compactedSincePrev = false;
  const closeTurn = (): void => {
    if (curEnd === null) return;
    if (prevEnd !== null && !compactedSincePrev) growths.push(curEnd - prevEnd);
    prevEnd = curEnd;
    curEnd = null;
    compactedSincePrev = false;
  };
  for (const m of marks) {
    if (m.kind === 'prompt') closeTurn();
    else if (m.kind === 'main') curEnd = m.context;
    else {
      // A compaction cuts the turn in two: what came before it is not comparable with after.
      closeTurn();
      compactedSincePrev = true;
    }
  }
  closeTurn();
  return growths;
}

/** Nearest-rank percentile of a non-empty list (p in [0, 1]). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Whole turns that still fit before `point` at the median pace; 0 once at or past it. */
export function forecast(marks: readonly TimelineMark[], contextNow: number | null, point: number): Forecast {
  return forecastFromGrowths(turnGrowths(marks), contextNow, point);
}

/** The same from growths already computed (the tracker caches them between snapshots). */
export function forecastFromGrowths(growths: readonly number[], contextNow: number | null, point: number): Forecast {
  const recent = growths.slice(-RECENT_TURNS);
  if (recent.length === 0) return { growthPerTurn: null, growthHigh: null, turnsLeft: null };
  const growthPerTurn = median(recent);
  const growthHigh = percentile(recent, HIGH_PERCENTILE);
  let turnsLeft: number | null = null;
  if (contextNow !== null) {
    if (contextNow >= point) turnsLeft = 0;
    else if (growthPerTurn > 0) turnsLeft = Math.floor((point - contextNow) / growthPerTurn);
  }
  return { growthPerTurn, growthHigh, turnsLeft };
}
