// The one way tests wait for something that happens on its own time (a screen, a file, a log
// record, a listing, a process's end): poll a check until it holds, or fail after a timeout with
// a message saying what was awaited. Used by the helpers and the tests alike; nothing else in
// test/ loops on a deadline.

/** How often a check runs by default: a screen frame or a file write lands well within it. */
export const POLL_MS = 50;

/** What a check gives when it holds. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Runs `check` every `pollMs` until it gives a truthy value, and resolves with that value (a check
 * may return what it found: a listing, a command line). Rejects after `timeoutMs` with "timed out
 * after … ms waiting for <what>"; `what` may be a function, called then, so the message can show
 * what was seen last (the screen, a listing).
 */
export async function until<T>(
  check: () => T | Promise<T>, timeoutMs: number, what: string | (() => string), pollMs = POLL_MS,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
