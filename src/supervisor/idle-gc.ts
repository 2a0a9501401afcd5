// guard's young-generation collections, moved into its quiet moments while it runs a program in
// a pty. Input: the supervisor's word on each chunk of the user's input and of the program's output
// (activity, from ./supervise.ts), the clock, and V8's young generation (how full it is; a
// collection on demand). Output: now and then a young-generation collection (a scavenge, 0.3-1 ms
// on guard's main thread), at a moment when guard has had nothing to do for QUIET_MS.
//
// Why (issue 11, the keystroke's p99): V8 collects its young generation when an allocation finds it
// full, that is in the middle of whatever allocates most, and in guard that is a keystroke's echo
// (its input, the program's output through the screen model, the frame). In the latency bench's
// set-up (1,000 keys, in turns; V8's gc performance entries timed against the keys), 15 keys
// overlapped a collection, mostly a scavenge of 0.3-0.7 ms: on a p99, the 10th-slowest key, that
// decides it. Collected here instead, in the gaps between keys, 0 of 52 and 1 of 27 collections
// fell inside a key (two probed runs). A collection this early costs little more than a late one (a
// scavenge's work is what survives it, not what died), so the young generation is collected about
// twice as often, all in time nobody waits on.
//
// How: every CHECK_EVERY_MS, if there was activity since the last look and the young generation
// is over FILL_TO_COLLECT full, wait QUIET_MS; with no activity meanwhile, collect. A key or an
// output chunk during the wait calls it off until the next look. No activity, no look at the heap:
// an idle guard (the user away) does no more than wake up for the check.
//
// V8 offers a collection on demand only through its `gc` function, which exists in a context
// made after the --expose-gc flag is set (node:v8 sets it, node:vm makes the context; both lazily,
// at the first collection). Should either fail on some Node, collections stay V8's own.
import type { Clock } from '../lib/clock.js';
import { Disposables, type Disposable } from '../lib/disposables.js';
import { v8, vm } from '../lib/lazy-builtin.js';

/** V8's young generation, as the collector needs it. */
export interface YoungGeneration {
  /** How full it is: 0 (empty) to 1 (the next allocation collects it). */
  fill(): number;
  /** Collects it now, synchronously. */
  collect(): void;
}

/**
 * How often the collector looks. Keys typed fast come 30-100 ms apart, and a key allocates ~10 kB
 * of a young generation of 1-8 MB (heap sampling over 400 keys: 3.9 MB); at 4 looks a second the
 * young generation fills from half to full only under a flood, which collects it as V8 would.
 * Each look costs a wake-up and ~10 µs.
 */
export const CHECK_EVERY_MS = 250;
/**
 * How long guard must have had nothing to do before it collects. A key's echo takes ~1 ms through
 * guard (input, the program's answer, the frame), so 5 ms of nothing means the key is done with;
 * shorter, and a collection could land between a key and its echo.
 */
export const QUIET_MS = 5;
/**
 * How full the young generation must be for a collection. At half full, V8's own collection (at
 * full, or its task at 80%) is at least a look or two away at any typing speed, while a
 * collection of a nearly empty generation would be work for nothing.
 */
export const FILL_TO_COLLECT = 0.5;

export class IdleCollector implements Disposable {
  private readonly subs = new Disposables();
  private activityCount = 0;
  private countAtLook = 0;
  private waiting: Disposable | null = null;

  constructor(private readonly clock: Clock, private readonly young: YoungGeneration) {
    this.subs.add(clock.setInterval(() => this.look(), CHECK_EVERY_MS));
  }

  /** A chunk of input or output went through guard (called per chunk: a counter, nothing more). */
  activity(): void { this.activityCount++; }

  private look(): void {
    if (this.waiting || this.activityCount === this.countAtLook) return;
    this.countAtLook = this.activityCount;
    if (!(this.young.fill() >= FILL_TO_COLLECT)) return;
    const count = this.activityCount;
    this.waiting = this.clock.setTimeout(() => {
      this.waiting = null;
      if (this.activityCount === count) this.young.collect();
    }, QUIET_MS);
  }

  dispose(): void {
    this.waiting?.dispose();
    this.waiting = null;
    this.subs.dispose();
  }
}

/** The `gc` function V8 puts in contexts made after --expose-gc; null where that did not work. */
type GcFunction = (options: { type: 'minor' }) => void;

/** The running V8's young generation ('new_space' in node:v8's heap statistics, Node 20 to 25). */
export function v8YoungGeneration(): YoungGeneration {
  let gc: GcFunction | null | undefined;
  return {
    fill() {
      if (gc === null) return 0;
      const s = v8().getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
      const capacity = s ? s.space_used_size + s.space_available_size : 0;
      return s && capacity > 0 ? s.space_used_size / capacity : 0;
    },
    collect() {
      if (gc === undefined) gc = exposedGc();
      gc?.({ type: 'minor' });
    },
  };
}

function exposedGc(): GcFunction | null {
  try {
    v8().setFlagsFromString('--expose-gc');
    const gc: unknown = vm().runInNewContext('gc');
    return typeof gc === 'function' ? (gc as GcFunction) : null;
  } catch {
    return null;
  }
}
