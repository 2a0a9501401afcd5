// The one clock-and-timer abstraction of guard: the time now and timers that are Disposables, so a
// part's timers are torn down with its listeners. Part of the shared toolkit (src/lib/): imported
// by every stage, imports nothing of guard's. The real clocks wrap Date.now and Node's timers;
// tests pass the fake one in test/helpers/fake-clock.ts and move time by hand.
import type { Disposable } from './disposables.js';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): Disposable;
  setInterval(fn: () => void, ms: number): Disposable;
  /** Runs fn after pending I/O callbacks, without a timer's millisecond floor (the display's next frame). */
  setImmediate(fn: () => void): Disposable;
}

/**
 * Node's timers as they are: a pending timeout keeps guard alive (the exit path waits on some:
 * the kill grace, the forwarder's backoff while it flushes). Intervals never do:
 * a repeating refresh (the footer's clock) must not hold guard open after its program ended.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); return { dispose: () => { clearTimeout(t); } }; },
  setInterval: (fn, ms) => { const t = setInterval(fn, ms); t.unref(); return { dispose: () => { clearInterval(t); } }; },
  setImmediate: (fn) => { const t = setImmediate(fn); return { dispose: () => { clearImmediate(t); } }; },
};

/**
 * The same clock, but no timer of it keeps guard alive: for work that coalesces or waits in the
 * background (the session log's and the live registry's batched writes, the checkpoint
 * controller's waits). The exit path flushes or tears them down itself.
 */
export const backgroundClock: Clock = {
  ...realClock,
  setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); t.unref(); return { dispose: () => { clearTimeout(t); } }; },
};
