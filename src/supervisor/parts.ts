// Fault isolation between guard's parts. guard calls each of its parts (the display, the
// checkpoint controller, the session log and `guard ls` entry, the telemetry gauge) only through
// that part's boundary: its method calls, the callbacks it registered and the timers it set.
// When the part throws there, the boundary switches the part off (later calls are skipped, so a
// broken part cannot fail again and again), reports the fault once through `onFault`, and the
// caller carries on: the program under guard keeps running whatever part of guard failed.
import type { Disposable } from '../lib/disposables.js';
import type { Clock } from '../lib/clock.js';

export interface Part {
  readonly name: string;
  /** The part threw once and is off for the rest of the run. */
  readonly failed: boolean;
  /** Runs fn inside the boundary; `fallback` when the part is off or fn throws. */
  run<T>(fn: () => T, fallback: T): T;
  /** fn for callbacks: every call goes through the boundary (nothing happens once the part is off). */
  wrap<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  /** Switches the part off as if it had thrown `err` (e.g. an error its own onError reported). */
  fail(err: unknown): void;
}

/** The error's message, for a one-line notice. */
export function faultText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim() || (err instanceof Error ? err.name : 'unknown error');
}

/** A part named `name`; onFault runs once, on its first fault (what onFault throws is dropped). */
export function isolatedPart(name: string, onFault: (err: unknown) => void): Part {
  if (typeof name !== 'string' || name === '') throw new TypeError(`isolatedPart: name must be a non-empty string, got ${JSON.stringify(name)}`);
  let failed = false;
  const fail = (err: unknown): void => {
    if (failed) return;
    failed = true;
    try { onFault(err); } catch { /* the fault report itself must not throw into the caller */ }
  };
  const run = <T>(fn: () => T, fallback: T): T => {
    if (failed) return fallback;
    try { return fn(); } catch (err) { fail(err); return fallback; }
  };
  return {
    name,
    get failed() { return failed; },
    run,
    wrap: (fn) => (...args) => { run(() => fn(...args), undefined); },
    fail,
  };
}

/** The clock with every timer's callback run inside `part` (a part's own timers are part of its boundary). */
export function partClock(clock: Clock, part: Part): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (fn, ms) => clock.setTimeout(part.wrap(fn), ms),
    setInterval: (fn, ms) => clock.setInterval(part.wrap(fn), ms),
    setImmediate: (fn) => clock.setImmediate(part.wrap(fn)),
  };
}

/** A Disposable that disposes `d` inside the part's boundary. */
export function partDisposable(d: Disposable, part: Part): Disposable {
  return { dispose: () => { try { d.dispose(); } catch (err) { part.fail(err); } } };
}
