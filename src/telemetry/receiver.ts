// guard's OTLP/HTTP receiver: one node:http server per guard run on 127.0.0.1 (free port). Claude
// Code's exporters POST logs/metrics/traces here (JSON or protobuf, maybe gzipped), and guard's
// hook and status-line relays POST what Claude wrote on their stdin. Decoded batches go to
// `onTelemetry`, hook payloads to `onHook` (whose answer, e.g. guard's PreCompact decision, is the
// reply's JSON body), and accepted OTLP bodies to `onAccepted` (forwarding). Answers like an OTLP collector: 200 with an empty
// Export…ServiceResponse in the request's encoding, or a 4xx with a google.rpc.Status and a short
// reason. A bad request never stops the server nor touches what earlier requests delivered; a
// client that is slow to send its request is cut off (HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS) and
// sockets beyond MAX_CONNECTIONS are closed at accept.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { crypto, http, zlib } from '../lib/lazy-builtin.js';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { TelemetryBatch } from './records.js';
import { OtlpDecodeError } from './decode-common.js';
import { decodeJsonLogs, decodeJsonMetrics } from './otlp-json.js';
import type { OtlpEncoding } from './decode.js';
import type { OtlpSignal } from './otlp-schema.js';
import type * as CodecModule from './codec.js';

type Codec = typeof CodecModule;
/** Set once codec.js has loaded; every protobuf request awaits that before it decodes or replies. */
let codec: Codec | null = null;
let codecLoading: Promise<Codec> | null = null;
/** Loads the decoders (once per process). */
function loadCodec(): Promise<Codec> {
  codecLoading ??= import('./codec.js').then((m) => { codec = m; return m; });
  return codecLoading;
}

/** The header carrying the per-run token (guard sets OTEL_EXPORTER_OTLP_HEADERS=x-guard-token=…). */
export const TOKEN_HEADER = 'x-guard-token';

/** Bodies above this (compressed or inflated) get 413: far above any real export batch. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Time a client gets to send its request headers, and its whole request. Node's defaults (60 s and
 * 300 s, checked every 30 s) let a local process without the token hold sockets for minutes.
 * Nobody guard serves comes close: the hook and status-line relays send a buffered body and give
 * up themselves after RELAY_DEADLINE_MS (800 ms, src/claude/relay/post.ts); Claude's OTLP
 * exporters send small, frequent batches over loopback and abandon a request after their own
 * OTEL_EXPORTER_OTLP_TIMEOUT (10 s by default), so a request still arriving after that is
 * answered to nobody. The cost of a lower value: a machine stalled for that long loses one batch
 * (the exporter retries it).
 */
export const HEADERS_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 10_000;
/** How often Node checks those two timeouts (its default, 30 s, would let them run 30 s late). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
/** An idle kept-alive socket is closed after this; the exporters reconnect when they next send. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/**
 * Open sockets at once; further ones are closed at accept. Claude uses one or two kept-alive
 * sockets for its exporters and one per running relay (a handful of hooks can run at once, plus
 * the status line): a few tens at most. The load test runs 50 concurrent senders. A cap well
 * above that and far below the usual 1,024 open files keeps a local process from exhausting
 * guard's file descriptors; the price is that such a process, by holding 128 idle sockets, can
 * delay guard's telemetry until the timeouts above close them.
 */
export const MAX_CONNECTIONS = 128;

const HOST = '127.0.0.1';
const HOOK_PREFIX = '/guard/hook/';
// Hook event names are Claude's (Stop, SessionStart, …) or `statusline`; nothing else is routed.
const HOOK_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const OTLP_PATHS: Readonly<Record<string, OtlpSignal>> = { '/v1/logs': 'logs', '/v1/metrics': 'metrics', '/v1/traces': 'traces' };

// google.rpc.Code values an OTLP server uses in its Status replies.
const RPC_CODE = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, INTERNAL: 13 } as const;
/** Reasons echo parser messages, which may quote the input: cut to keep error replies short. */
const MAX_REASON_CHARS = 200;

export interface ReceiverOptions {
  /** The per-run secret every request must carry in TOKEN_HEADER. */
  token: string;
  onTelemetry(batch: TelemetryBatch): void;
  /**
   * A hook or status-line relay's payload: `event` is the path's last part (e.g. Stop, statusline).
   * What it returns (or resolves to), a JSON object, is the reply's body; nothing: `{}`. The relay
   * waits for it, so an answer must come quickly (a rejected promise replies `{}`).
   */
  onHook?(event: string, payload: unknown): HookAnswer | void | Promise<HookAnswer | void>;
  /** Largest accepted body in bytes, before and after gunzip. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Told about requests that were refused or whose callback threw (the receiver keeps running). */
  onError?(err: Error): void;
  /**
   * Each OTLP body the receiver accepted (token right, decoded, onTelemetry done), as sent but
   * after gunzip, with its content-type: the forwarder re-sends it to the user's own collector.
   * Called just before the 200; what it throws is reported to onError and changes nothing.
   */
  onAccepted?(signal: OtlpSignal, contentType: string, body: Buffer): void;
  /** Default HEADERS_TIMEOUT_MS (tests make it short). */
  headersTimeoutMs?: number;
  /** Default REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Default MAX_CONNECTIONS. */
  maxConnections?: number;
}

/** A hook's answer, sent back to the relay as JSON. */
export type HookAnswer = Record<string, unknown>;

export interface Receiver {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1, port 0. Resolves once it is listening. */
export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  if (typeof opts !== 'object' || opts === null) throw new TypeError(`startReceiver: options must be an object, got ${String(opts)}`);
  if (typeof opts.token !== 'string' || opts.token.length === 0) {
    throw new TypeError(`startReceiver: token must be a non-empty string, got ${JSON.stringify(opts.token)}`);
  }
  if (typeof opts.onTelemetry !== 'function') throw new TypeError(`startReceiver: onTelemetry must be a function, got ${typeof opts.onTelemetry}`);
  if (opts.onHook !== undefined && typeof opts.onHook !== 'function') throw new TypeError(`startReceiver: onHook must be a function, got ${typeof opts.onHook}`);
  if (opts.onAccepted !== undefined && typeof opts.onAccepted !== 'function') throw new TypeError(`startReceiver: onAccepted must be a function, got ${typeof opts.onAccepted}`);
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError(`startReceiver: maxBodyBytes must be a positive integer, got ${String(opts.maxBodyBytes)}`);
  }

  const headersTimeoutMs = positiveInt(opts.headersTimeoutMs, HEADERS_TIMEOUT_MS, 'headersTimeoutMs');
  const requestTimeoutMs = positiveInt(opts.requestTimeoutMs, REQUEST_TIMEOUT_MS, 'requestTimeoutMs');
  const maxConnections = positiveInt(opts.maxConnections, MAX_CONNECTIONS, 'maxConnections');
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new RangeError(`startReceiver: headersTimeoutMs (${headersTimeoutMs}) must not exceed requestTimeoutMs (${requestTimeoutMs})`);
  }

  // Hashed at the first request, not here: node:crypto then loads after the program's spawn.
  let tokenDigest: Buffer | null = null;
  const reportError = (err: Error): void => {
    try { opts.onError?.(err); } catch { /* a faulty error sink must not take the receiver down */ }
  };

  const server = http().createServer({
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, headersTimeoutMs),
    keepAliveTimeout: Math.min(KEEP_ALIVE_TIMEOUT_MS, requestTimeoutMs),
  }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      reportError(error);
      if (!res.headersSent) reply(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  server.maxConnections = maxConnections;
  server.on('drop', () => reportError(new Error(`receiver: connection refused, ${maxConnections} already open`)));
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!tokenMatches(req.headers[TOKEN_HEADER], tokenDigest ??= digest(opts.token))) {
      refuse(req, res, 401, 'missing or wrong token');
      return;
    }
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const signal = OTLP_PATHS[path];
    const hookEvent = path.startsWith(HOOK_PREFIX) ? path.slice(HOOK_PREFIX.length) : undefined;
    if (signal === undefined && (hookEvent === undefined || !HOOK_NAME.test(hookEvent))) {
      refuse(req, res, 404, `no such path: ${path}`);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      refuse(req, res, 405, `method ${String(req.method)} not allowed, use POST`);
      return;
    }
    const encoding = signal !== undefined ? otlpEncodingOf(req.headers['content-type']) : hookContentOk(req.headers['content-type']);
    if (encoding === undefined) {
      refuse(req, res, 415, `unsupported content-type: ${req.headers['content-type'] ?? '(none)'}`);
      return;
    }
    // The protobuf decoders (protobufjs and the schema: ~300 KB to compile, and tens of ms of
    // code generation at the first decode) load at the first protobuf request, never at the
    // listen: the listen comes before the program's spawn, and guard's CPU while Claude starts
    // delays Claude's prompt about as much as it costs (measured on 2 cores). guard asks its agents
    // for OTLP/JSON (telemetry/otel-env.ts), which JSON.parse decodes; protobuf comes only when the
    // user's own collector takes it (forwarding) or from another sender. Hooks are JSON both ways.
    // Should the codec fail to load, each protobuf request reports it (500).
    if (encoding === 'protobuf') await loadCodec();
    const contentEncoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (contentEncoding !== 'identity' && contentEncoding !== 'gzip') {
      refuse(req, res, 415, `unsupported content-encoding: ${contentEncoding}`);
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      refuseTooLarge(req, res, encoding, maxBodyBytes);
      return;
    }

    const body = await readBody(req, contentEncoding === 'gzip', maxBodyBytes);
    if (body === TOO_LARGE) {
      refuseTooLarge(req, res, encoding, maxBodyBytes);
      return;
    }
    if (body === BAD_GZIP) {
      refuseBadRequest(res, encoding, 'invalid gzip body');
      return;
    }
    if (body === ABORTED) return;

    if (signal === undefined) {
      await handleHook(res, hookEvent!, body);
      return;
    }
    const otlpEncoding = encoding as OtlpEncoding;
    let batch: TelemetryBatch | undefined;
    try {
      if (signal === 'traces') checkTraces(otlpEncoding, body);
      else if (otlpEncoding === 'json') batch = signal === 'logs' ? { signal, records: decodeJsonLogs(body) } : { signal, points: decodeJsonMetrics(body) };
      else batch = codec!.decodeTelemetry(signal, otlpEncoding, body);
    } catch (err) {
      if (err instanceof OtlpDecodeError) {
        refuseBadRequest(res, otlpEncoding, err.reason);
        return;
      }
      throw err;
    }
    if (batch !== undefined && !deliver(() => opts.onTelemetry(batch))) {
      replyStatus(res, 500, otlpEncoding, RPC_CODE.INTERNAL, 'receiver callback failed');
      return;
    }
    const onAccepted = opts.onAccepted;
    if (onAccepted !== undefined) deliver(() => onAccepted(signal, req.headers['content-type'] ?? '', body));
    if (otlpEncoding === 'json') reply(res, 200, 'application/json', '{}');
    else reply(res, 200, 'application/x-protobuf', codec!.encodeEmptyResponsePb(signal));
  }

  async function handleHook(res: ServerResponse, event: string, body: Buffer): Promise<void> {
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch (err) {
      refuseBadRequest(res, 'json', `invalid JSON: ${(err as Error).message}`);
      return;
    }
    const onHook = opts.onHook;
    let answer: HookAnswer | void = undefined;
    if (onHook !== undefined) {
      let result: ReturnType<typeof onHook>;
      try {
        result = onHook(event, payload);
      } catch (err) {
        reportError(err instanceof Error ? err : new Error(String(err)));
        replyStatus(res, 500, 'json', RPC_CODE.INTERNAL, 'receiver callback failed');
        return;
      }
      try {
        answer = await result;
      } catch (err) {
        reportError(err instanceof Error ? err : new Error(String(err)));
      }
    }
    if (res.destroyed) return;
    reply(res, 200, 'application/json', answer && typeof answer === 'object' ? JSON.stringify(answer) : '{}');
  }

  /** Runs a callback; false if it threw (or its promise rejected, reported later). */
  function deliver(call: () => unknown): boolean {
    try {
      const result = call();
      if (result instanceof Promise) result.catch((err: unknown) => reportError(err instanceof Error ? err : new Error(String(err))));
      return true;
    } catch (err) {
      reportError(err instanceof Error ? err : new Error(String(err)));
      return false;
    }
  }

  function refuse(req: IncomingMessage, res: ServerResponse, status: number, fullReason: string): void {
    const reason = short(fullReason);
    reportError(new Error(`receiver: ${status} ${req.method ?? '?'} ${req.url ?? '?'}: ${reason}`));
    // The body was not read: close the connection rather than drain an unknown amount of input.
    if (!req.readableEnded) res.setHeader('connection', 'close');
    reply(res, status, 'text/plain; charset=utf-8', `${reason}\n`);
  }

  function refuseTooLarge(req: IncomingMessage, res: ServerResponse, encoding: 'json' | 'protobuf', limit: number): void {
    const reason = `body larger than ${limit} bytes`;
    reportError(new Error(`receiver: 413 ${req.url ?? '?'}: ${reason}`));
    res.setHeader('connection', 'close');
    replyStatus(res, 413, encoding, RPC_CODE.RESOURCE_EXHAUSTED, reason);
  }

  function refuseBadRequest(res: ServerResponse, encoding: 'json' | 'protobuf', fullReason: string): void {
    const reason = short(fullReason);
    reportError(new Error(`receiver: 400: ${reason}`));
    replyStatus(res, 400, encoding, RPC_CODE.INVALID_ARGUMENT, reason);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${HOST}:${port}`,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// ---- request helpers (module-level, no per-receiver state)

const TOO_LARGE = Symbol('too large');
const BAD_GZIP = Symbol('bad gzip');
const ABORTED = Symbol('aborted');

/**
 * Reads the whole body, stopping (and destroying the inflater) as soon as more than `limit` bytes
 * arrived or were inflated, so a huge or gzip-bomb body is never held in memory.
 */
function readBody(req: IncomingMessage, gzip: boolean, limit: number): Promise<Buffer | typeof TOO_LARGE | typeof BAD_GZIP | typeof ABORTED> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let rawBytes = 0;
    let bodyBytes = 0;
    let done = false;
    const gunzip = gzip ? zlib().createGunzip() : undefined;
    const source: Readable = gunzip ?? req;
    const finish = (result: Buffer | typeof TOO_LARGE | typeof BAD_GZIP | typeof ABORTED): void => {
      if (done) return;
      done = true;
      if (gunzip) {
        req.unpipe(gunzip);
        gunzip.destroy();
      }
      req.pause();
      resolve(result);
    };
    if (gunzip) {
      req.on('data', (chunk: Buffer) => {
        rawBytes += chunk.length;
        if (rawBytes > limit) finish(TOO_LARGE);
      });
      req.pipe(gunzip);
      gunzip.on('error', () => finish(BAD_GZIP));
    }
    source.on('data', (chunk: Buffer) => {
      if (done) return;
      bodyBytes += chunk.length;
      if (bodyBytes > limit) {
        finish(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    });
    source.on('end', () => finish(Buffer.concat(chunks, bodyBytes)));
    req.on('error', () => finish(ABORTED));
    req.on('close', () => { if (!req.readableEnded) finish(ABORTED); });
  });
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`startReceiver: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

function short(reason: string): string {
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
}

function digest(text: string): Buffer {
  return crypto().createHash('sha256').update(text, 'utf8').digest();
}

// Both sides are hashed first so the comparison takes the same time whatever the length.
function tokenMatches(header: string | string[] | undefined, expected: Buffer): boolean {
  if (typeof header !== 'string') return false;
  return crypto().timingSafeEqual(digest(header.trim()), expected);
}

/** The OTLP encoding a content-type names (parameters such as charset allowed), if supported. */
function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  switch (mediaType(contentType)) {
    case 'application/json': return 'json';
    case 'application/x-protobuf': case 'application/protobuf': return 'protobuf';
    default: return undefined;
  }
}

// Hook relays send JSON; a plain `curl -d @-` labels it form data, so that and text are taken too.
function hookContentOk(contentType: string | undefined): 'json' | undefined {
  const type = mediaType(contentType);
  return type === '' || type === 'application/json' || type === 'text/plain' || type === 'application/x-www-form-urlencoded'
    ? 'json' : undefined;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

function checkTraces(encoding: OtlpEncoding, body: Buffer): void {
  if (encoding === 'protobuf') {
    try {
      codec!.checkTraceRequestPb(body);
    } catch (err) {
      throw new OtlpDecodeError(`invalid protobuf: ${(err as Error).message}`);
    }
    return;
  }
  try {
    JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON: ${(err as Error).message}`);
  }
}

function replyStatus(res: ServerResponse, status: number, encoding: 'json' | 'protobuf', code: number, message: string): void {
  if (encoding === 'json') reply(res, status, 'application/json', JSON.stringify({ code, message }));
  else reply(res, status, 'application/x-protobuf', codec!.encodeRpcStatusPb(code, message));
}

function reply(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  res.end(body);
}
