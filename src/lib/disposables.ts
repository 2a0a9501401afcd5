// The one way guard's parts hold listeners, timers and handlers: each registration returns a
// Disposable, and a Disposables bag tears them all down in one place (reverse order); and the one
// process-exit backstop for a run's private files. Part of the shared toolkit (src/lib/):
// imported by every stage, imports nothing of guard's.
export interface Disposable { dispose(): void }

export class Disposables implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.items.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.items.reverse()) {
      try { d.dispose(); } catch { /* teardown goes on whatever one part throws */ }
    }
    this.items = [];
  }
}

/** Subscribes to a Node EventEmitter and returns the unsubscription. */
export function listen<A extends unknown[]>(
  emitter: { on(ev: string, fn: (...a: A) => void): unknown; off(ev: string, fn: (...a: A) => void): unknown },
  ev: string,
  fn: (...a: A) => void,
): Disposable {
  emitter.on(ev, fn);
  return { dispose: () => { emitter.off(ev, fn); } };
}

/**
 * A tiny typed event: listeners in, fire out. A listener added or removed while an event fires
 * takes effect from the next one. The listeners are an array that `on` and `dispose` replace,
 * never change, so `fire` walks the one it found without a copy or an iterator: it runs several
 * times per keystroke, in code V8 leaves in its baseline tier (src/supervisor/v8-flags.ts), where
 * each would be garbage per call (copies and iterators like these, here and in the per-key loops,
 * were ~13% of what guard allocated per key: heap sampling on the latency bench, 4.5 MB to 3.9 MB
 * over ~400 keys once they were gone).
 */
export class Emitter<T> {
  private fns: ReadonlyArray<(v: T) => void> = [];
  on(fn: (v: T) => void): Disposable {
    if (!this.fns.includes(fn)) this.fns = [...this.fns, fn];
    return { dispose: () => { this.fns = this.fns.filter((f) => f !== fn); } };
  }
  fire(v: T): void {
    const fns = this.fns;
    for (let i = 0; i < fns.length; i++) (fns[i] as (v: T) => void)(v);
  }
}

/**
 * Runs `fn` when the process exits, whatever way it gets there short of a kill (the backstop
 * that removes a run's private files when its teardown was skipped); returns the undo.
 */
export function onProcessExit(fn: () => void): () => void {
  process.once('exit', fn);
  return () => { process.off('exit', fn); };
}
