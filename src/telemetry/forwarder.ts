// Keeps the user's own OpenTelemetry data flowing while guard's receiver takes Claude's exports.
// Input: each body the receiver accepted (signal, content-type, bytes, exactly as Claude sent them
// after gunzip). Output: the same bytes POSTed to the user's endpoint for that signal (a
// ForwardTarget from forward-env.ts) with the user's headers, never guard's token. Asynchronous and
// bounded so it never slows guard or Claude: a queue that drops its oldest bodies when full, one
// request in flight, a time limit per request, a few retries with backoff, and problems reported
// once through `onProblem`, never thrown. close() flushes what is queued within a short deadline.
// This is the only module that imports undici.

import { Agent, request } from 'undici';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { ForwardSignal, ForwardTarget } from './forward-env.js';
import { realClock, type Clock } from '../lib/clock.js';
import type { Disposable } from '../lib/disposables.js';

/** Bodies held while the endpoint is slow or down: a few minutes of Claude's exports. */
export const DEFAULT_MAX_QUEUE = 256;
/** And at most this many bytes of them. */
export const DEFAULT_MAX_QUEUE_BYTES = 32 * 1024 * 1024;
/** Attempts after the first for 429, 5xx, timeouts and connection errors. */
export const DEFAULT_RETRIES = 3;
/** Backoff before retry n is base · 2^(n-1): 0.5 s, 1 s, 2 s. */
export const DEFAULT_BACKOFF_MS = 500;
/** A Retry-After longer than this is not waited for (the body would block the queue). */
const MAX_RETRY_AFTER_MS = 10_000;
/** guard's exit waits at most this long for queued bodies (the user is waiting for a prompt). */
export const DEFAULT_FLUSH_MS = 2000;
/** Idle keep-alive sockets to the user's collector are kept this long between exports. */
const KEEP_ALIVE_MS = 30_000;

const gzipAsync = promisify(gzip);

export interface ForwarderOptions {
  targets: Partial<Record<ForwardSignal, ForwardTarget>>;
  /** Told once, on the first body that could not be delivered or had to be dropped. */
  onProblem(message: string): void;
  maxQueue?: number;
  maxQueueBytes?: number;
  retries?: number;
  backoffMs?: number;
  /**
   * The request time limits, backoff waits and close()'s deadline. Default realClock, whose
   * timeouts keep the process alive: guard's exit awaits close(), and with the program gone a
   * backoff wait may be all that keeps guard running until the flush is done. Each is bounded.
   */
  timers?: Pick<Clock, 'setTimeout'>;
}

export interface ForwardStats {
  /** Bodies the user's endpoint accepted (2xx). */
  sent: number;
  /** Bodies given up after their attempts (or refused with a non-retryable status). */
  failed: number;
  /** Bodies pushed out of a full queue, or still queued when close()'s deadline passed. */
  dropped: number;
  /** Bodies waiting now (the one in flight included). */
  pending: number;
  /** The first problem's description, if any. */
  firstProblem: string | null;
}

export interface Forwarder {
  /** Queues a body accepted by the receiver; signals without a target are ignored. Never throws. */
  accept(signal: string, contentType: string, body: Uint8Array): void;
  stats(): ForwardStats;
  /** Stops accepting, sends what is queued until `deadlineMs` passes, then gives up on the rest. */
  close(deadlineMs?: number): Promise<ForwardStats>;
}

interface Item { target: ForwardTarget; contentType: string; body: Uint8Array }

type Outcome = { ok: true } | { ok: false; retry: boolean; delayMs?: number; reason: string };

export function startForwarder(o: ForwarderOptions): Forwarder {
  if (typeof o !== 'object' || o === null) throw new TypeError(`startForwarder: options must be an object, got ${String(o)}`);
  if (typeof o.onProblem !== 'function') throw new TypeError(`startForwarder: onProblem must be a function, got ${typeof o.onProblem}`);
  const maxQueue = positiveInt('maxQueue', o.maxQueue ?? DEFAULT_MAX_QUEUE);
  const maxQueueBytes = positiveInt('maxQueueBytes', o.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES);
  const retries = nonNegativeInt('retries', o.retries ?? DEFAULT_RETRIES);
  const backoffMs = nonNegativeInt('backoffMs', o.backoffMs ?? DEFAULT_BACKOFF_MS);
  const timers = o.timers ?? realClock;
  for (const t of Object.values(o.targets)) {
    if (t !== undefined && !(t.timeoutMs > 0)) throw new RangeError(`startForwarder: ${t.signal} timeoutMs must be positive, got ${t.timeoutMs}`);
  }

  // One keep-alive pool per origin; a request's own AbortSignal bounds it, these only back it up.
  const agent = new Agent({ keepAliveTimeout: KEEP_ALIVE_MS, connections: 2 });
  const queue: Item[] = [];
  let queuedBytes = 0;
  let inFlight = 0;
  const stats = { sent: 0, failed: 0, dropped: 0 };
  let firstProblem: string | null = null;
  let closed = false;
  // Aborted when close()'s deadline passes: cuts the request in flight and any backoff wait.
  const giveUp = new AbortController();
  let pumping: Promise<void> | null = null;

  const problem = (message: string): void => {
    if (firstProblem !== null) return;
    firstProblem = message;
    try { o.onProblem(message); } catch { /* a faulty sink must not reach the receiver */ }
  };

  function accept(signal: string, contentType: string, body: Uint8Array): void {
    try {
      const target = o.targets[signal as ForwardSignal];
      if (closed || target === undefined) return;
      queue.push({ target, contentType, body });
      queuedBytes += body.byteLength;
      while (queue.length > 1 && (queue.length > maxQueue || queuedBytes > maxQueueBytes)) {
        const old = queue.shift()!;
        queuedBytes -= old.body.byteLength;
        stats.dropped++;
        problem(`forwarding to ${old.target.url} fell behind; dropping the oldest telemetry`);
      }
      pumping ??= pump();
    } catch (err) {
      problem(`forwarding failed: ${(err as Error).message}`);
    }
  }

  // Clears `pumping` in the same turn it finds the queue empty, so the next accept starts a new pump.
  async function pump(): Promise<void> {
    await Promise.resolve(); // let accept() finish assigning `pumping` before the loop can end
    try {
      while (queue.length > 0 && !giveUp.signal.aborted) {
        const item = queue.shift()!;
        queuedBytes -= item.body.byteLength;
        inFlight++;
        try {
          await deliver(item);
        } catch (err) {
          stats.failed++;
          problem(`forwarding to ${item.target.url} failed: ${(err as Error).message}`);
        } finally {
          inFlight--;
        }
      }
    } finally {
      pumping = null;
    }
  }

  async function deliver(item: Item): Promise<void> {
    const { target } = item;
    const body = target.compression === 'gzip' ? await gzipAsync(item.body) : item.body;
    const headers: Record<string, string> = { ...target.headers, 'content-type': item.contentType };
    if (target.compression === 'gzip') headers['content-encoding'] = 'gzip';
    let earlier: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const outcome = await post(target, headers, body);
      if (outcome.ok) {
        stats.sent++;
        return;
      }
      if (!outcome.retry || attempt >= retries || giveUp.signal.aborted) {
        stats.failed++;
        const reason = giveUp.signal.aborted && earlier !== undefined ? `${earlier}, then guard exited` : outcome.reason;
        problem(`forwarding to ${target.url} failed: ${reason}`);
        return;
      }
      earlier = outcome.reason;
      await sleep(Math.max(backoffMs * 2 ** attempt, outcome.delayMs ?? 0));
    }
  }

  async function post(target: ForwardTarget, headers: Record<string, string>, body: Uint8Array): Promise<Outcome> {
    const abort = new AbortController();
    let timedOut = false;
    const timer = timers.setTimeout(() => { timedOut = true; abort.abort(); }, target.timeoutMs);
    const onGiveUp = (): void => abort.abort();
    giveUp.signal.addEventListener('abort', onGiveUp);
    try {
      const res = await request(target.url, {
        dispatcher: agent,
        method: 'POST',
        headers,
        body,
        signal: abort.signal,
        headersTimeout: target.timeoutMs,
        bodyTimeout: target.timeoutMs,
      });
      await res.body.dump({ limit: 64 * 1024, signal: abort.signal }).catch(() => undefined);
      const status = res.statusCode;
      if (status >= 200 && status < 300) return { ok: true };
      const retry = status === 429 || status >= 500;
      const delayMs = retryAfterMs(res.headers['retry-after']);
      return { ok: false, retry, ...(delayMs !== undefined ? { delayMs } : {}), reason: `HTTP ${status}` };
    } catch (err) {
      if (timedOut) return { ok: false, retry: true, reason: `no answer within ${target.timeoutMs} ms` };
      if (giveUp.signal.aborted) return { ok: false, retry: false, reason: 'guard exited before it was sent' };
      return { ok: false, retry: true, reason: connectionReason(err) };
    } finally {
      timer.dispose();
      giveUp.signal.removeEventListener('abort', onGiveUp);
    }
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (giveUp.signal.aborted) { resolve(); return; }
      const done = (): void => {
        h.dispose();
        giveUp.signal.removeEventListener('abort', done);
        resolve();
      };
      const h = timers.setTimeout(done, ms);
      giveUp.signal.addEventListener('abort', done);
    });
  }

  function snapshot(): ForwardStats {
    return { ...stats, pending: queue.length + inFlight, firstProblem };
  }

  let closing: Promise<ForwardStats> | undefined;
  async function close(deadlineMs = DEFAULT_FLUSH_MS): Promise<ForwardStats> {
    closed = true;
    closing ??= (async () => {
      if (pumping !== null) {
        let h: Disposable | undefined;
        const deadline = new Promise<void>((resolve) => { h = timers.setTimeout(resolve, deadlineMs); });
        await Promise.race([pumping, deadline]);
        h?.dispose();
        giveUp.abort();
        await pumping;
      }
      if (queue.length > 0) {
        stats.dropped += queue.length;
        problem(`guard exited before ${queue.length} telemetry export(s) reached ${queue[0]!.target.url}`);
        queue.length = 0;
        queuedBytes = 0;
      }
      await agent.destroy().catch(() => undefined);
      return snapshot();
    })();
    return closing;
  }

  return { accept, stats: snapshot, close };
}

/** undici and node name connection failures by code (ECONNREFUSED, UND_ERR_SOCKET …). */
function connectionReason(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(err);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`startForwarder: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function nonNegativeInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`startForwarder: ${name} must be a non-negative integer, got ${String(v)}`);
  return v;
}
