// POSIX shell quoting, for the commands guard hands an agent to run through `sh -c` (hooks, the
// status line). Part of the shared toolkit (src/lib/): imports nothing of guard's.

/** `s` as one word of a POSIX shell line: as it is when it has nothing special, else in single quotes. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_/.,:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
