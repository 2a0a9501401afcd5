// Node built-ins that guard needs only after it has started the program (the receiver's first
// request, a gzipped body, a run without a terminal), loaded on first use instead of at start.
// Part of the shared toolkit (src/lib/): imports nothing of guard's. Also the run's random bytes,
// read from the kernel without loading node:crypto.
//
// Why: an ES module's static imports all load before its first line runs, so every built-in the
// CLI bundle names delays `guard claude`'s spawn (issue 10). Measured on this project's 2-core
// machine, median of 20-30 spawns each: loading them at first use brought Claude's spawn 5-7 ms
// sooner (of ~118 ms), and `guard --version` 8-12 ms; each alone loads in 4-7 ms. node:child_process
// still loads before the spawn on the receiver's listen (node:net asks node:cluster, which needs
// it); guard's other commands are spared it.
import { createRequire } from 'node:module';
import { closeSync, openSync, readSync } from 'node:fs';

const requireBuiltin = createRequire(import.meta.url);

/** A getter for a built-in module, loaded on the first call. */
export function lazyBuiltin<T>(name: `node:${string}`): () => T {
  let mod: T | undefined;
  return () => (mod ??= requireBuiltin(name) as T);
}

export const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');
export const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');
export const childProcess = lazyBuiltin<typeof import('node:child_process')>('node:child_process');
/** node:v8, for the flags guard sets at run time (src/supervisor/v8-flags.ts) and the young generation's fill (src/supervisor/idle-gc.ts). */
export const v8 = lazyBuiltin<typeof import('node:v8')>('node:v8');
/** node:vm, for the context that carries V8's `gc` function (src/supervisor/idle-gc.ts), at the first collection. */
export const vm = lazyBuiltin<typeof import('node:vm')>('node:vm');
/**
 * node:http, always through here, never by an ES `import` (test/unit/architecture.test.ts checks):
 * an ES import builds the module's namespace from every export, and on Node 22 that reads
 * `http.WebSocket`, a lazy getter that loads Node's bundled undici: measured 50 ms for
 * `await import('node:http')` against 7 ms for `require('node:http')` (Node 22.23; Node 20 has no
 * such getter). The receiver starts before Claude's spawn, so this was on its path.
 */
export const http = lazyBuiltin<typeof import('node:http')>('node:http');

/**
 * `n` random bytes from the kernel's generator (/dev/urandom, as node:crypto's own randomBytes
 * uses on Linux and macOS), falling back to node:crypto where that file cannot be read.
 */
export function randomBytes(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`randomBytes: n must be a positive integer, got ${String(n)}`);
  const buf = Buffer.alloc(n);
  let fd: number | null = null;
  try {
    fd = openSync('/dev/urandom', 'r');
    let got = 0;
    while (got < n) {
      const r = readSync(fd, buf, got, n - got, null);
      if (r <= 0) throw new Error('short read from /dev/urandom');
      got += r;
    }
    return buf;
  } catch {
    return crypto().randomBytes(n);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
