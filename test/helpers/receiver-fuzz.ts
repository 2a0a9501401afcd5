// Fuzzes guard's real OTLP/HTTP receiver (src/telemetry/receiver.ts) over loopback. Input: a seed
// and a case count. Each case is a request built from a seeded generator: random bytes, truncated
// and bit-flipped protobuf fixtures, JSON with wrong types, huge strings and deep nesting, gzip
// bombs, wrong content types, encodings and lengths, malformed HTTP. Output: a summary of what
// every case got (status counts, failures with the seed and case number to replay them, resident
// memory) — the CI test (test/unit/telemetry/receiver-fuzz.test.ts) asserts on it, and
// `npm run fuzz -- [count] [seed]` runs it longer and prints it.
//
// A case passes when the receiver answers 200 or a 4xx (never 5xx), or — for a request the
// client itself cuts short — closes the connection; never when the reply takes longer than
// CASE_DEADLINE_MS (a hang). After all cases a valid request must still be counted.

import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startReceiver, TOKEN_HEADER } from '../../src/telemetry/receiver.js';
import { fixtureBodies, VERSIONS, type FixtureBody } from '../unit/telemetry/fixtures.js';

/** A reply slower than this is a hang (the receiver's request limit in the fuzz run is far below). */
const CASE_DEADLINE_MS = 15_000;
/** Requests in flight at once: several, so cases interleave as real exporters and relays do. */
const CONCURRENCY = 8;
/** Request limits for the fuzz run: short, so the cases that stall their own request end soon. */
const FUZZ_HEADERS_TIMEOUT_MS = 500;
const FUZZ_REQUEST_TIMEOUT_MS = 1_000;
const TOKEN = 'fuzz-token-0123456789abcdef';
const PATHS = ['/v1/logs', '/v1/metrics', '/v1/traces', '/guard/hook/Stop', '/guard/hook/statusline', '/guard/hook/SessionStart'];
const CONTENT_TYPES = ['application/json', 'application/x-protobuf', 'application/protobuf', 'text/plain', '', 'application/json; charset=utf-8', 'multipart/form-data; boundary=x', 'application/x-protobuf; proto=bogus'];
const MIB = 1024 * 1024;

/** mulberry32: a small seeded generator, so a failing case replays from its seed and number. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Rand {
  (): number;
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  bytes(n: number): Buffer;
}

function rand(seed: number): Rand {
  const next = rng(seed);
  const r = (() => next()) as Rand;
  r.int = (n) => Math.floor(next() * n);
  r.pick = (list) => list[Math.floor(next() * list.length)] as never;
  r.bytes = (n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
    return b;
  };
  return r;
}

/** One request: either through node:http (headers it can express) or as raw bytes on a socket. */
export type FuzzCase =
  | { kind: string; mode: 'http'; method: string; path: string; headers: Record<string, string>; body: Buffer }
  | { kind: string; mode: 'raw'; bytes: Buffer; endSocket: boolean };

interface Material {
  pb: FixtureBody[];
  json: FixtureBody[];
  gzipBomb: Buffer;
  gzipBombJson: Buffer;
  /** Deeply nested protobuf requests, built once (nesting depth 1,000 to 50,000). */
  deepPb: Buffer[];
}

const oneMiBZipped = new Map<number, Buffer>();
/** A gzip member that inflates to 1 MiB of `byte`. */
function oneMiB(byte: number): Buffer {
  let z = oneMiBZipped.get(byte);
  if (z === undefined) oneMiBZipped.set(byte, z = gzipSync(Buffer.alloc(MIB, byte), { level: 9 }));
  return z;
}

export function material(): Material {
  const pb = VERSIONS.flatMap((v) => fixtureBodies(v, 'protobuf'));
  const json = VERSIONS.flatMap((v) => fixtureBodies(v, 'json'));
  return {
    pb, json,
    // 64 MiB of zeros from ~64 KB, four times the receiver's body limit: one gzip member of 1 MiB,
    // repeated (a gzip stream may hold several members; gunzip inflates them all).
    gzipBomb: Buffer.concat(Array.from({ length: 64 }, () => oneMiB(0))),
    // A bomb that is valid JSON up to the limit: '{"resourceLogs":[' then 40 MiB of spaces.
    gzipBombJson: Buffer.concat([gzipSync('{"resourceLogs":['), ...Array.from({ length: 40 }, () => oneMiB(0x20))]),
    deepPb: [1_000, 10_000, 50_000].map(deepProtobuf),
  };
}

function otlpPathFor(f: FixtureBody): string { return f.signal === 'logs' ? '/v1/logs' : '/v1/metrics'; }

function flipBits(r: Rand, b: Buffer): Buffer {
  const out = Buffer.from(b);
  const flips = 1 + r.int(8);
  for (let i = 0; i < flips && out.length > 0; i++) out[r.int(out.length)]! ^= 1 << r.int(8);
  return out;
}

const WRONG_VALUES: readonly unknown[] = [null, 0, -1, 1e308, 'x', '', true, [], {}, [[]], { intValue: 'NaN' }, { stringValue: 5 }, { kvlistValue: { values: 'no' } }, { arrayValue: { values: [{}] } }, '18446744073709551616', { intValue: '99999999999999999999999' }];

/** Replaces a random node of a parsed JSON tree with a value of the wrong type. */
function mutateJson(r: Rand, root: unknown): unknown {
  const nodes: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 40 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) v.forEach((c, i) => { nodes.push({ parent: v, key: i }); walk(c, depth + 1); });
    else for (const [k, c] of Object.entries(v)) { nodes.push({ parent: v as Record<string, unknown>, key: k }); walk(c, depth + 1); }
  };
  walk(root, 0);
  const mutations = 1 + r.int(4);
  for (let i = 0; i < mutations && nodes.length > 0; i++) {
    const n = r.pick(nodes);
    (n.parent as Record<string | number, unknown>)[n.key] = r.pick(WRONG_VALUES);
  }
  return root;
}

function deepJson(r: Rand): string {
  const depth = 1_000 + r.int(50_000);
  switch (r.int(3)) {
    case 0: return '['.repeat(depth) + ']'.repeat(depth);
    case 1: return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    default: {
      // Deep inside a valid logs request: an attribute whose kvlist nests `depth` levels.
      const v = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth) + '{"stringValue":"x"}' + '}]}}'.repeat(depth);
      return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"event.name","value":{"stringValue":"api_request"}},{"key":"deep","value":${v}}]}]}]}]}`;
    }
  }
}

/**
 * Protobuf AnyValue nested `depth` levels (kvlist → values → KeyValue{key "k", value AnyValue} …)
 * in a logs request's attribute. Length-delimited fields have no suffix, so the levels' lengths are
 * computed inside out and their prefixes written outside in, in linear time.
 */
function deepProtobuf(depth: number): Buffer {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
    out.push(n);
    return out;
  };
  const tagged = (no: number, len: number): number[] => [(no << 3) | 2, ...varint(len)];
  const key = [...tagged(1, 1), 0x6b]; // KeyValue.key = "k"
  // Innermost AnyValue: string_value "x".
  let anyLen = 3;
  const prefixes: number[][] = [];
  for (let i = 0; i < depth; i++) {
    const valueField = tagged(2, anyLen);
    const kvLen = key.length + valueField.length + anyLen;
    const kvField = tagged(1, kvLen); // KeyValueList.values
    const listLen = kvField.length + kvLen;
    const listField = tagged(6, listLen); // AnyValue.kvlist_value
    prefixes.push([...listField, ...kvField, ...key, ...valueField]);
    anyLen = listField.length + listLen;
  }
  const core = Buffer.from([...tagged(1, 1), 0x78]);
  const deep = Buffer.concat([...prefixes.reverse().map((p) => Buffer.from(p)), core]);
  const wrap = (no: number, body: Buffer): Buffer => Buffer.concat([Buffer.from(tagged(no, body.length)), body]);
  const attr = Buffer.concat([Buffer.from([...tagged(1, 4), ...Buffer.from('deep')]), wrap(2, deep)]);
  return wrap(1, wrap(2, wrap(2, wrap(6, attr)))); // request.resource_logs.scope_logs.log_records.attributes
}

function hugeStringJson(r: Rand): string {
  const size = (1 + r.int(4)) * MIB;
  const big = 'A'.repeat(size);
  return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"${big}"},"attributes":[{"key":"event.name","value":{"stringValue":"${big.slice(0, 1000)}"}},{"key":"session.id","value":{"stringValue":"${big}"}}]}]}]}]}`;
}

function httpCase(kind: string, path: string, contentType: string, body: Buffer, extra: Record<string, string> = {}, method = 'POST'): FuzzCase {
  const headers: Record<string, string> = { [TOKEN_HEADER]: TOKEN, ...extra };
  if (contentType !== '') headers['content-type'] = contentType;
  return { kind, mode: 'http', method, path, headers, body };
}

function rawCase(kind: string, text: string | Buffer, endSocket = true): FuzzCase {
  return { kind, mode: 'raw', bytes: typeof text === 'string' ? Buffer.from(text, 'latin1') : text, endSocket };
}

/** The request for case `n` of a run seeded with `seed`: the same pair always gives the same request. */
export function makeCase(seed: number, n: number, m: Material): FuzzCase {
  const r = rand((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  const roll = r.int(1000);
  if (roll < 200) {
    return httpCase('random bytes', r.pick(PATHS), r.pick(CONTENT_TYPES), r.bytes(r.int(4096)));
  }
  if (roll < 350) {
    const f = r.pick(m.pb);
    return httpCase('truncated protobuf', otlpPathFor(f), 'application/x-protobuf', f.body.subarray(0, r.int(f.body.length)));
  }
  if (roll < 500) {
    const f = r.pick(m.pb);
    return httpCase('bit-flipped protobuf', otlpPathFor(f), 'application/x-protobuf', flipBits(r, f.body));
  }
  if (roll < 650) {
    const f = r.pick(m.json);
    const tree = mutateJson(r, JSON.parse(f.body.toString('utf8')));
    return httpCase('JSON with wrong types', otlpPathFor(f), 'application/json', Buffer.from(JSON.stringify(tree)));
  }
  if (roll < 700) {
    const f = r.pick(m.json);
    const text = f.body.toString('utf8');
    return httpCase('truncated JSON', otlpPathFor(f), 'application/json', Buffer.from(text.slice(0, r.int(text.length))));
  }
  if (roll < 720) {
    if (r.int(2) === 0) return httpCase('deep JSON', r.pick(['/v1/logs', '/v1/metrics', '/v1/traces', '/guard/hook/Stop']), 'application/json', Buffer.from(deepJson(r)));
    return httpCase('deep protobuf', r.pick(['/v1/logs', '/v1/traces']), 'application/x-protobuf', r.pick(m.deepPb));
  }
  if (roll < 721) {
    return httpCase('huge strings', r.pick(['/v1/logs', '/guard/hook/Stop']), 'application/json', Buffer.from(hugeStringJson(r)));
  }
  if (roll < 725) {
    const bomb = r.int(2) === 0 ? m.gzipBomb : m.gzipBombJson;
    return httpCase('gzip bomb', r.pick(PATHS), r.pick(['application/json', 'application/x-protobuf']), bomb, { 'content-encoding': 'gzip' });
  }
  if (roll < 800) {
    const f = r.pick([...m.pb, ...m.json]);
    const variant = r.int(4);
    const zipped = variant === 1 || variant === 2 ? gzipSync(f.body) : f.body;
    const body = variant === 0 ? r.bytes(r.int(2048)) : variant === 1 ? zipped.subarray(0, r.int(zipped.length)) : variant === 2 ? flipBits(r, zipped) : f.body;
    return httpCase('bad gzip', otlpPathFor(f), f.file.endsWith('.json') ? 'application/json' : 'application/x-protobuf', body, { 'content-encoding': r.pick(['gzip', 'GZIP', 'deflate', 'br', 'gzip, gzip', 'x']) });
  }
  if (roll < 880) {
    // A real body under the wrong label: protobuf called JSON, JSON called protobuf, or neither.
    const f = r.pick([...m.pb, ...m.json]);
    return httpCase('wrong content type', r.pick(PATHS), r.pick(CONTENT_TYPES), f.body);
  }
  if (roll < 900) {
    const f = r.pick(m.json);
    return httpCase('wrong method or path', r.pick([...PATHS, '/', '/v1/logs/', '/guard/hook/', '/guard/hook/../../x', '/v1/logs?x=1', '/%00']), 'application/json', f.body, {}, r.pick(['GET', 'PUT', 'DELETE', 'OPTIONS', 'POST', 'PATCH']));
  }
  if (roll < 920) {
    const f = r.pick(m.json);
    const t = r.int(3);
    const token = t === 0 ? '' : t === 1 ? TOKEN.slice(0, -1) : `${TOKEN} x`;
    return { kind: 'wrong token', mode: 'http', method: 'POST', path: otlpPathFor(f), headers: { [TOKEN_HEADER]: token, 'content-type': 'application/json' }, body: f.body };
  }
  // Raw HTTP: lengths that lie, broken chunking, bad header lines.
  const f = r.pick(m.json);
  const head = (extra: string): string => `POST ${otlpPathFor(f)} HTTP/1.1\r\nhost: 127.0.0.1\r\n${TOKEN_HEADER}: ${TOKEN}\r\ncontent-type: application/json\r\n${extra}`;
  // A client that declares more than it sends and holds the socket waits out the request limit: rare.
  switch (r.int(100) === 0 ? 1 : r.pick([0, 2, 3, 4, 5, 6, 7])) {
    case 0: return rawCase('content-length longer than the body', Buffer.concat([Buffer.from(head(`content-length: ${f.body.length + 1 + r.int(10_000)}\r\n\r\n`)), f.body]), true);
    case 1: return rawCase('content-length longer than the body, socket held', Buffer.concat([Buffer.from(head(`content-length: ${f.body.length + 1 + r.int(10_000)}\r\n\r\n`)), f.body]), false);
    case 2: return rawCase('content-length shorter than the body', Buffer.concat([Buffer.from(head(`content-length: ${r.int(f.body.length)}\r\nconnection: close\r\n\r\n`)), f.body]));
    case 3: return rawCase('content-length not a number', Buffer.concat([Buffer.from(head(`content-length: ${r.pick(['-1', 'abc', '1e3', '99999999999999999999', '12, 13', ''])}\r\n\r\n`)), f.body]));
    case 4: return rawCase('two content-lengths', Buffer.concat([Buffer.from(head(`content-length: ${f.body.length}\r\ncontent-length: ${f.body.length + 5}\r\n\r\n`)), f.body]));
    case 5: return rawCase('broken chunking', Buffer.concat([Buffer.from(head(`transfer-encoding: chunked\r\n\r\n${r.pick(['zz', 'ffffffffffffffff', '5', '-1'])}\r\n`)), f.body.subarray(0, 64), Buffer.from('\r\n0\r\n\r\n')]));
    case 6: return rawCase('bad header bytes', Buffer.concat([Buffer.from(head('')), r.bytes(r.int(300)), Buffer.from('\r\n\r\n')]));
    default: return rawCase('random request line', Buffer.concat([r.bytes(r.int(200)), Buffer.from('\r\n\r\n')]));
  }
}

export interface CaseResult { status: number | 'closed' | 'hang' | 'error'; ms: number }

export interface FuzzSummary {
  seed: number;
  cases: number;
  byKind: Record<string, Record<string, number>>;
  failures: Array<{ n: number; kind: string; got: string }>;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
  /** Batches the receiver delivered while fuzzed (valid bodies that survived mutation). */
  delivered: number;
  /** A valid request after all cases: its status, and whether it was delivered. */
  finalStatus: number;
  finalDelivered: boolean;
  receiverErrors: number;
  seconds: number;
}

function sendHttp(url: string, agent: Agent, c: Extract<FuzzCase, { mode: 'http' }>): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    let replied = false;
    const req = request(url + c.path, { method: c.method, headers: { ...c.headers, 'content-length': String(c.body.length) }, agent }, (res) => {
      replied = true;
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 0));
    });
    // After an early answer (413, 415 …) the server may close while the body is still going out.
    req.on('error', () => { if (!replied) resolve('closed'); });
    req.end(c.body);
  });
}

function sendRaw(port: number, c: Extract<FuzzCase, { mode: 'raw' }>): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', () => undefined);
    s.on('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve(m ? Number(m[1]) : 'closed');
    });
    s.on('connect', () => {
      s.write(c.bytes);
      if (c.endSocket) s.end();
    });
    // The server answers (or cuts off) every request; a socket still open after its answer is closed here.
    s.on('data', () => { if (!c.endSocket) s.end(); });
  });
}

/** Cases whose request the client itself cuts short: closing without an answer is fine for them. */
function clientCutShort(c: FuzzCase): boolean {
  return c.mode === 'raw';
}

function ok(c: FuzzCase, status: CaseResult['status']): boolean {
  if (typeof status === 'number') return status === 200 || (status >= 400 && status < 500);
  if (status === 'closed') return clientCutShort(c) || c.kind === 'gzip bomb' || c.kind === 'huge strings';
  return false;
}

export async function runReceiverFuzz(o: { seed: number; count: number; onProgress?: (done: number) => void }): Promise<FuzzSummary> {
  const started = Date.now();
  const m = material();
  // Counted, not kept: what the fuzz holds must not count as the receiver's memory.
  let delivered = 0;
  let receiverErrors = 0;
  const receiver = await startReceiver({
    token: TOKEN, onTelemetry: () => { delivered++; }, onHook: () => undefined, onError: () => { receiverErrors++; },
    headersTimeoutMs: FUZZ_HEADERS_TIMEOUT_MS, requestTimeoutMs: FUZZ_REQUEST_TIMEOUT_MS,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const byKind: FuzzSummary['byKind'] = {};
  const failures: FuzzSummary['failures'] = [];
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 50);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const n = next++;
      if (n >= o.count) return;
      const c = makeCase(o.seed, n, m);
      const t0 = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'hang'>((resolve) => { timer = setTimeout(() => resolve('hang'), CASE_DEADLINE_MS); });
      let status: CaseResult['status'];
      try {
        status = await Promise.race([c.mode === 'http' ? sendHttp(receiver.url, agent, c) : sendRaw(receiver.port, c), deadline]);
      } catch {
        status = 'error';
      } finally {
        clearTimeout(timer);
      }
      const kindCounts = (byKind[c.kind] ??= {});
      kindCounts[String(status)] = (kindCounts[String(status)] ?? 0) + 1;
      if (!ok(c, status)) failures.push({ n, kind: c.kind, got: `${String(status)} after ${Date.now() - t0} ms` });
      done++;
      if (done % 1000 === 0) o.onProgress?.(done);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const before = delivered;
    const valid = fixtureBodies(VERSIONS[1], 'protobuf').find((f) => f.signal === 'logs')!;
    const finalStatus = await sendHttp(receiver.url, agent, { kind: 'valid', mode: 'http', method: 'POST', path: '/v1/logs', headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/x-protobuf' }, body: valid.body });
    return {
      seed: o.seed, cases: o.count, byKind, failures,
      rssBeforeMiB: rssBefore / MIB, rssPeakMiB: rssPeak / MIB, rssAfterMiB: process.memoryUsage().rss / MIB,
      delivered: before, finalStatus: typeof finalStatus === 'number' ? finalStatus : 0, finalDelivered: delivered === before + 1,
      receiverErrors, seconds: (Date.now() - started) / 1000,
    };
  } finally {
    clearInterval(sampler);
    agent.destroy();
    await receiver.close();
  }
}
