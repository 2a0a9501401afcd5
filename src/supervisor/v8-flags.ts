// The V8 flags guard sets on itself while it runs a program. Input: the V8 version of the Node.js
// running guard (process.versions.v8). Output: flags, set once through node:v8's setFlagsFromString
// by the run command (src/cli/commands/run.ts, setSessionV8Flags) after an agent's spawn and
// before the rest of the run loads. Nothing else in guard reads or sets V8 flags. Two jobs, both
// for issue 11 (the keystroke's p99): how soon V8 optimizes guard's own code (tier-up), and no
// memory-reducer collections in the first seconds.
//
// Tier-up. V8 optimizes a function once it has run enough of its bytecode, on a background thread.
// guard's per-keystroke code (stdin, the router, the writer, xterm's parser on a few bytes, the
// frame, Node's stream internals) runs a little per key, so under V8's default thresholds its
// functions became hot one by one all through the first thousand keys: 25 optimizing compiles in a
// 640-key run (--log-code), each 1.5-3 ms of a background thread. On a 2-core machine that thread
// took the CPU from guard's main thread in the middle of a key (perf sched: 12 of the 27 keys
// slower than 1.5 ms in a 1,000-key run; guard's main thread runnable but waiting 1.5-3 ms behind
// its own compiler). Raising the thresholds TIER_UP_FACTOR times leaves code that runs only per
// keystroke in V8's baseline tier (the interpreter's and Sparkplug's, compiled on the main thread
// in microseconds), while code that really works hard (a flood of output: megabytes through the
// parser) still crosses them within its first megabyte or so. Measured in the latency bench's
// set-up, 1,000 keys, in turns: guard's p99 went from 2.44-3.39 ms to 1.22-1.34 ms (bare pty
// 0.40-0.53), keys over 2 ms from 15-18 to 3-5; p50 +0.05 ms (Node 20.20; on Node 22.12, one run:
// 2.11 against 3.01 ms). Throughput of a 32 MiB flood: 0.51 s against 0.48 s (best of 5), CPU per
// MiB unchanged (18.1 against 18.4 ms/MiB). guard's CPU per Claude turn went down
// (bench/turn.bench.ts: 21.7 to 18.3-18.9 ms).
//
// V8's flags differ between versions, and an unknown one is not ignored: V8 prints "Error:
// unrecognized flag" on standard error, which is the user's terminal. So flags are set only for
// the V8 versions they were checked against (`node --v8-options`). And only where V8 has no Maglev
// on by default (Node 20 to 22): from Node 23 on, Maglev (a fast optimizing tier, ~0.3 ms a
// compile) takes the per-key code first, and raising the thresholds there measured no better at
// the p99 (four runs on Node 24.11, 1,000 keys each: 1.43-2.07 ms with, 1.49-2.11 without) and
// 0.12-0.15 ms worse at the p50. There, and on any version not checked, V8's defaults stay.
import { v8 } from '../lib/lazy-builtin.js';

/**
 * How many times V8's default thresholds guard's code must run before the optimizing compilers
 * take it. p99 in runs of 1,000 keys, the factors in turns: 16x 1.30, 1.65, 2.11, 1.94 ms; 64x
 * 1.22, 1.34, 1.83, 1.73 ms; 256x 1.38 and 1.65 ms in the two (noisier) runs it was in. A higher
 * factor keeps more per-key code out of the compilers for longer, but also the display's code
 * while Claude redraws its screen (10-20 kB a redraw): at 256x a function has to run through ~50
 * MB of its bytecode first. The trade-off at 64x: a function that is busy but not flood-busy
 * (decoding telemetry, a footer's text) stays in the baseline tier, ~2-3x slower, on work that
 * takes microseconds per event.
 */
export const TIER_UP_FACTOR = 64;

/** V8 11.3's (Node 20's) per-function budget of bytecode bytes before a tick; ticks then lead to TurboFan. */
const V8_11_3_INTERRUPT_BUDGET = 67_584;
/** V8 11.8 and 12.4 (Node 21 and 22) count calls instead: V8's default for TurboFan. */
const INVOCATIONS_FOR_TURBOFAN = 3000;

/**
 * The V8 flags that raise the tier-up thresholds TIER_UP_FACTOR times for this V8 version
 * ("11.3.244.8-node.38"); none for a V8 with Maglev on by default or one not checked (above).
 * Another factor is for the latency bench, which raises its own thresholds while it times keys
 * and puts V8's back (factor 1) after.
 */
export function tierUpFlags(v8Version: string, factor: number = TIER_UP_FACTOR): string[] {
  if (!(Number.isInteger(factor) && factor >= 1)) throw new RangeError(`tierUpFlags: factor must be a whole number from 1, got ${factor}`);
  const m = /^(\d+)\.(\d+)\./.exec(v8Version);
  if (!m) return [];
  const version = `${m[1]}.${m[2]}`;
  // Node 20 is all V8 11.3, Node 21 11.8, Node 22 12.4; the invocation counts replaced the interrupt budget by 11.8.
  if (version === '11.3') return [`--interrupt-budget=${V8_11_3_INTERRUPT_BUDGET * factor}`];
  if (version === '11.8' || version === '12.4') return [`--invocation-count-for-turbofan=${INVOCATIONS_FOR_TURBOFAN * factor}`];
  return [];
}

/**
 * The V8 versions on which V8 starts its memory reducer in a small heap's first seconds, checked
 * with `--trace-gc` under the latency bench (Node 20.20, 21.7, 22.12: two "Mark-Compact (reduce)"
 * ~8 s after start, 2.9-3.9 ms each on guard's main thread; Node 24.11: none).
 *
 * Why: V8 starts the reducer once its old generation has grown 1 MB past its size at start-up with
 * no full collection yet, which loading guard does; 8 s later (--gc-memory-reducer-start-delay-ms)
 * it runs two full collections to hand memory back. Each stops guard for 3-4 ms, and a key typed
 * then waits that long: one of a thousand keys, so it sits right at the p99. The flag is read when
 * the old generation grows, so it must be set before guard's run loads (run.ts: before the
 * import of run-session.js; set there, it kept both collections away; set at runSession's start it
 * was already too late). The memory it would have handed back: ~1.5 MB of an ~8 MB heap (the
 * same trace); later collections still shrink the heap as V8 sees fit.
 */
const MEMORY_REDUCER_VERSIONS = new Set(['11.3', '11.8', '12.4']);

/** The flag that keeps V8's memory reducer from starting in a small heap, for the versions checked (above). */
export function memoryReducerFlags(v8Version: string): string[] {
  const m = /^(\d+)\.(\d+)\./.exec(v8Version);
  return m && MEMORY_REDUCER_VERSIONS.has(`${m[1]}.${m[2]}`) ? ['--no-memory-reducer-for-small-heaps'] : [];
}

/** Every flag guard sets on the running V8 while it runs a program: tierUpFlags, then memoryReducerFlags. */
export function sessionV8Flags(v8Version: string): string[] {
  return [...tierUpFlags(v8Version), ...memoryReducerFlags(v8Version)];
}

/** Sets sessionV8Flags for the running V8 (process-wide, for the rest of guard's life); returns what it set. */
export function setSessionV8Flags(v8Version: string = process.versions.v8, setFlags: (flags: string) => void = (f) => v8().setFlagsFromString(f)): string[] {
  const flags = sessionV8Flags(v8Version);
  for (const f of flags) setFlags(f);
  return flags;
}
