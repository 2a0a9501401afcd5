// What every stand-in API server shares (the Messages one, src/demo/standin-api.ts; the Responses
// one, src/demo/responses-standin.ts; the Gemini one, src/demo/gemini-standin.ts): a request body
// read whole up to a size limit, a check of numeric options at the boundary, and the log of the
// requests served with the waits tests make on it, and the server's skeleton (StandinServer: the
// listening, the queue of answers a test puts ahead of the script, the request numbers). Input: a
// request, an option's value, each request the server records. Output: the body text (null past
// the limit), the number or a clear error, the requests in order and the first one matching a
// test's predicate.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { http } from '../lib/lazy-builtin.js';
import type { AddressInfo } from 'node:net';

/** The whole body as UTF-8; null (and the request destroyed) once it passes `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > maxBytes) { resolve(null); req.destroy(); return; }
      parts.push(d);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** `v`, or `dflt` when undefined; throws `<who>: <name> must be a non-negative number, got <v>`. */
export function checkCount(who: string, name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 0) throw new Error(`${who}: ${name} must be a non-negative number, got ${String(v)}`);
  return v;
}

/**
 * The requests a stand-in served, in the order it recorded them, and the waits tests make on them.
 * A test's listener or predicate that throws never breaks the server (it counts as no match).
 * close() clears every timer: pending waits and delays then never settle (the server is going).
 */
export class RequestLog<R> {
  readonly requests: R[] = [];
  private readonly listeners = new Set<(r: R) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();

  /** `who` names the stand-in in a wait's timeout message. */
  constructor(private readonly who: string) {}

  record(r: R): void {
    this.requests.push(r);
    for (const l of [...this.listeners]) { try { l(r); } catch { /* a test's listener must not break the server */ } }
  }

  /** Called for each request once it is recorded; returns the unsubscribe function. */
  onRequest(listener: (r: R) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Resolves with the first request (already recorded or future) matching `pred`. */
  waitForRequest(pred: (r: R) => boolean, timeoutMs = 30_000): Promise<R> {
    const found = this.requests.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        this.timers.delete(timer);
        reject(new Error(`${this.who}: no matching request within ${timeoutMs} ms (${this.requests.length} seen)`));
      }, timeoutMs);
      this.timers.add(timer);
      const off = this.onRequest((r) => { if (pred(r)) { off(); clearTimeout(timer); this.timers.delete(timer); resolve(r); } });
    });
  }

  /** Resolves after `ms` (a stand-in's simulated latency), unless close() comes first. */
  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.timers.delete(timer); resolve(); }, ms);
      this.timers.add(timer);
    });
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.listeners.clear();
  }
}

/**
 * What the three stand-in servers share: the HTTP server on 127.0.0.1, the request log, the answers
 * a test queued ahead of the script (per thread), and the request numbers. A subclass answers the
 * requests (`handle`) and says what a request that threw gets (`fail`).
 */
export abstract class StandinServer<R, A, T extends string> {
  port = 0;
  readonly server: Server;
  protected readonly log: RequestLog<R>;
  readonly requests: R[];
  /** The last request's number (each handled request takes the next). */
  protected seq = 0;
  private readonly queued: Array<{ answer: A; thread: T }> = [];

  /** `who` names the stand-in in errors; `mainThread` is where enqueue puts an answer by default. */
  constructor(who: string, private readonly mainThread: T) {
    this.log = new RequestLog<R>(who);
    this.requests = this.log.requests;
    this.server = http().createServer((req, res) => { this.handle(req, res).catch((err: unknown) => this.fail(res, err)); });
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  protected abstract fail(res: ServerResponse, err: unknown): void;

  /** The next request of `thread` gets this answer instead of the script's. */
  enqueue(answer: A, thread: T = this.mainThread): void { this.queued.push({ answer, thread }); }

  /** The answer queued for `thread` (taken off the queue), if any. */
  protected takeQueued(thread: T): A | undefined {
    const i = this.queued.findIndex((q) => q.thread === thread);
    return i >= 0 ? this.queued.splice(i, 1)[0]!.answer : undefined;
  }

  /** Resolves with the first request (already recorded or future) matching `pred`. */
  waitForRequest(pred: (r: R) => boolean, timeoutMs?: number): Promise<R> { return this.log.waitForRequest(pred, timeoutMs); }

  protected record(r: R): void { this.log.record(r); }

  /** Listens on 127.0.0.1 (`port`, or a free one); resolves with the port. */
  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => { this.server.off('error', reject); resolve(); });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    this.log.close();
    await new Promise<void>((resolve) => { this.server.close(() => resolve()); this.server.closeAllConnections(); });
  }
}
