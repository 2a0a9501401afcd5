// The timers the session log and the live registry use to coalesce writes, injectable so tests
// fire them by hand. The real ones are unref'd: a pending write never keeps guard alive (the exit
// path flushes synchronously instead).
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms);
    h.unref();
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
