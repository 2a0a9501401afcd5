// The one fake clock of the unit tests: a Clock (src/lib/clock.ts) whose time moves only when the
// test says. advance() fires the timers that fall due, in the order they are due (same time: the
// order they were set), with now() at each one's time while it runs; a timer set meanwhile fires
// in the same advance if it falls due within it. Intervals repeat; setImmediate is due at once.
import type { Clock } from '../../src/lib/clock.js';
import type { Disposable } from '../../src/lib/disposables.js';

interface Pending { at: number; seq: number; fn: () => void; every: number | null }

export class FakeClock implements Clock {
  /** Every delay a timeout or interval was set with, in order (what the code under test asked for). */
  readonly delays: number[] = [];
  private time: number;
  private seq = 0;
  private readonly pending = new Set<Pending>();

  constructor(start = 0) { this.time = start; }

  now = (): number => this.time;

  setTimeout = (fn: () => void, ms: number): Disposable => this.add(fn, ms, null);
  setInterval = (fn: () => void, ms: number): Disposable => this.add(fn, ms, Math.max(1, ms));
  setImmediate = (fn: () => void): Disposable => this.add(fn, 0, null, false);

  /** Timers set and not yet fired or disposed. */
  count(): number { return this.pending.size; }

  /** Moves time on by `ms`, firing every timer due by then in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance: ms must be 0 or more, got ${ms}`);
    const end = this.time + ms;
    for (let next = this.due(end); next !== undefined; next = this.due(end)) {
      this.time = Math.max(this.time, next.at);
      if (next.every === null) this.pending.delete(next);
      else { next.at += next.every; next.seq = this.seq++; }
      next.fn();
    }
    this.time = end;
  }

  /** Fires the timeouts pending now, and those they set, moving time to each (intervals excepted). */
  runAll(): void {
    for (;;) {
      const last = [...this.pending].filter((p) => p.every === null).reduce((m, p) => Math.max(m, p.at), -Infinity);
      if (last === -Infinity) return;
      this.advance(Math.max(0, last - this.time));
    }
  }

  private add(fn: () => void, ms: number, every: number | null, record = true): Disposable {
    if (record) this.delays.push(ms);
    const p: Pending = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, every };
    this.pending.add(p);
    return { dispose: () => { this.pending.delete(p); } };
  }

  private due(end: number): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) if (p.at <= end && (best === undefined || p.at < best.at || (p.at === best.at && p.seq < best.seq))) best = p;
    return best;
  }
}
