// The OTLP/HTTP receiver over real HTTP on 127.0.0.1: fixture sessions in both encodings, the
// collector-style responses, the token, gzip, hooks, and every bad input — each followed by a valid
// request that must still work, with nothing delivered earlier lost.

import t, { type Test } from 'tap';
import { gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import { once } from 'node:events';
import { startReceiver, TOKEN_HEADER, type Receiver } from '../../../src/telemetry/receiver.js';
import { decodeResponsePb, decodeRpcStatusPb } from '../../../src/telemetry/otlp-schema.js';
import type { TelemetryBatch } from '../../../src/telemetry/records.js';
import { fixtureBodies, VERSIONS, CONTENT_TYPE, type Encoding } from './fixtures.js';
import { post, type Reply } from './http-client.js';

const TOKEN = 'test-token-0123456789';
const LIMIT = 64 * 1024;

interface Harness {
  receiver: Receiver;
  batches: TelemetryBatch[];
  hooks: Array<{ event: string; payload: unknown }>;
  errors: Error[];
  /** Makes the next onTelemetry/onHook call throw. */
  failNext(): void;
}

async function harness(t: Test, maxBodyBytes = LIMIT): Promise<Harness> {
  const batches: TelemetryBatch[] = [];
  const hooks: Harness['hooks'] = [];
  const errors: Error[] = [];
  let fail = false;
  const check = (): void => {
    if (fail) { fail = false; throw new Error('callback exploded'); }
  };
  const receiver = await startReceiver({
    token: TOKEN,
    maxBodyBytes,
    onTelemetry: (b) => { check(); batches.push(b); },
    onHook: (event, payload) => { check(); hooks.push({ event, payload }); },
    onError: (err) => errors.push(err),
  });
  t.teardown(() => receiver.close());
  return { receiver, batches, hooks, errors, failNext: () => { fail = true; } };
}

const smallLogs = fixtureBodies(VERSIONS[0], 'json').find((f) => f.signal === 'logs')!;
const smallLogsPb = fixtureBodies(VERSIONS[0], 'protobuf').find((f) => f.signal === 'logs')!;

function otlp(h: Harness, path: string, body: Buffer | string | Iterable<Buffer>, headers: Record<string, string> = {}): Promise<Reply> {
  return post(h.receiver.url, path, { headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json', ...headers }, body });
}

/** A valid request after a bad one: it works, and what was delivered before is all still there. */
async function stillWorks(t: Test, h: Harness): Promise<void> {
  const before = h.batches.slice();
  const res = await otlp(h, '/v1/logs', smallLogs.body);
  t.equal(res.status, 200, 'a valid request afterwards is accepted');
  t.equal(h.batches.length, before.length + 1, 'and delivered');
  t.strictSame(h.batches.slice(0, before.length), before, 'earlier batches are kept');
}

async function primed(t: Test, maxBodyBytes?: number): Promise<Harness> {
  const h = await harness(t, maxBodyBytes);
  const res = await otlp(h, '/v1/logs', smallLogs.body);
  t.equal(res.status, 200, 'priming request accepted');
  return h;
}

t.test('startReceiver listens on 127.0.0.1 and checks its options', async (t) => {
  const h = await harness(t);
  t.match(h.receiver.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal(h.receiver.url, `http://127.0.0.1:${h.receiver.port}`);
  t.ok(h.receiver.port > 0);
  await t.rejects(startReceiver({ token: '', onTelemetry: () => {} }), /token must be a non-empty string/);
  await t.rejects(startReceiver({ token: 'x', onTelemetry: () => {}, maxBodyBytes: -1 }), /maxBodyBytes must be a positive integer, got -1/);
});

for (const version of VERSIONS) {
  for (const encoding of ['json', 'protobuf'] as Encoding[]) {
    t.test(`${version} ${encoding} session replayed over HTTP`, async (t) => {
      const h = await harness(t, 16 * 1024 * 1024);
      const bodies = fixtureBodies(version, encoding);
      let records = 0;
      for (const f of bodies) {
        const res = await otlp(h, `/v1/${f.signal}`, f.body, { 'content-type': CONTENT_TYPE[encoding] });
        t.equal(res.status, 200, f.file);
        t.equal(res.headers['content-type'], CONTENT_TYPE[encoding], `${f.file}: response in the request's encoding`);
        if (encoding === 'json') t.strictSame(JSON.parse(res.text), {}, 'empty JSON response');
        else t.strictSame(decodeResponsePb(f.signal, res.body), {}, 'empty Export…ServiceResponse');
        const batch = h.batches.at(-1)!;
        t.equal(batch.signal, f.signal);
        if (batch.signal === 'logs') records += batch.records.length;
      }
      t.equal(h.batches.length, bodies.length, 'one batch per request, in order');
      const names = h.batches.flatMap((b) => b.signal === 'logs' ? b.records.map((r) => r.attributes['event.name']) : []);
      t.equal(names.length, records);
      t.ok(names.includes('api_request') && names.includes('compaction'), 'api_request and compaction events delivered');
      t.equal(h.errors.length, 0, 'no errors reported');
    });
  }
}

t.test('protobuf response body is an empty Export…ServiceResponse for each signal', async (t) => {
  const h = await harness(t);
  for (const signal of ['logs', 'metrics', 'traces'] as const) {
    const res = await otlp(h, `/v1/${signal}`, Buffer.alloc(0), { 'content-type': 'application/x-protobuf' });
    t.equal(res.status, 200, signal);
    t.equal(res.headers['content-type'], 'application/x-protobuf');
    t.equal(res.body.length, 0, 'an empty message encodes to zero bytes');
    t.strictSame(decodeResponsePb(signal, res.body), {}, 'and decodes as the empty response');
  }
});

t.test('/v1/traces is accepted and ignored', async (t) => {
  const h = await harness(t);
  const res = await otlp(h, '/v1/traces', '{"resourceSpans":[]}');
  t.equal(res.status, 200);
  t.strictSame(JSON.parse(res.text), {});
  t.equal(h.batches.length, 0, 'nothing delivered');
  const bad = await otlp(h, '/v1/traces', 'nope', { 'content-type': 'application/x-protobuf' });
  t.equal(bad.status, 400, 'malformed trace protobuf is still a 400');
});

t.test('content-type parameters and gzip are accepted', async (t) => {
  const h = await harness(t);
  const a = await otlp(h, '/v1/logs', smallLogs.body, { 'content-type': 'application/json; charset=utf-8' });
  t.equal(a.status, 200, 'application/json; charset=utf-8');
  const b = await otlp(h, '/v1/logs', gzipSync(smallLogs.body), { 'content-encoding': 'gzip' });
  t.equal(b.status, 200, 'gzipped JSON');
  const c = await otlp(h, '/v1/logs', gzipSync(smallLogsPb.body), { 'content-type': 'Application/X-Protobuf', 'content-encoding': 'GZIP' });
  t.equal(c.status, 200, 'gzipped protobuf, case-insensitive names');
  t.equal(h.batches.length, 3);
  t.strictSame(h.batches[1], h.batches[0], 'gzip decodes to the same batch');
});

t.test('hooks: POST /guard/hook/<EventName> with a JSON body', async (t) => {
  const h = await harness(t);
  const payload = { session_id: 'abc', hook_event_name: 'Stop', nested: { n: 1 } };
  const res = await post(h.receiver.url, '/guard/hook/Stop', { headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  t.equal(res.status, 200);
  const curlStyle = await post(h.receiver.url, '/guard/hook/statusline', { headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/x-www-form-urlencoded' }, body: '{"x":true}' });
  t.equal(curlStyle.status, 200, 'a curl -d @- style content type is taken too');
  t.strictSame(h.hooks, [{ event: 'Stop', payload }, { event: 'statusline', payload: { x: true } }]);
  const bad = await post(h.receiver.url, '/guard/hook/Stop', { headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' }, body: '{oops' });
  t.equal(bad.status, 400, 'malformed hook JSON');
  t.match(JSON.parse(bad.text), { message: /invalid JSON/ });
  const badName = await post(h.receiver.url, '/guard/hook/../v1/logs', { headers: { [TOKEN_HEADER]: TOKEN }, body: '{}' });
  t.equal(badName.status, 404, 'only plain event names are routed');
  const noEvent = await post(h.receiver.url, '/guard/hook/', { headers: { [TOKEN_HEADER]: TOKEN }, body: '{}' });
  t.equal(noEvent.status, 404, 'an event name is required');
  const unauthorized = await post(h.receiver.url, '/guard/hook/Stop', { body: '{}' });
  t.equal(unauthorized.status, 401, 'hooks need the token too');
  t.equal(h.hooks.length, 2, 'nothing more delivered');
  await stillWorks(t, h);
});

t.test('401 without the token or with a wrong one', async (t) => {
  const h = await primed(t);
  const none = await post(h.receiver.url, '/v1/logs', { headers: { 'content-type': 'application/json' }, body: smallLogs.body });
  t.equal(none.status, 401, 'missing token');
  const wrong = await otlp(h, '/v1/logs', smallLogs.body, { [TOKEN_HEADER]: `${TOKEN}x` });
  t.equal(wrong.status, 401, 'longer token');
  const prefix = await otlp(h, '/v1/logs', smallLogs.body, { [TOKEN_HEADER]: TOKEN.slice(0, -1) });
  t.equal(prefix.status, 401, 'prefix of the token');
  const unknownPath = await post(h.receiver.url, '/nope', { method: 'GET' });
  t.equal(unknownPath.status, 401, 'the token is checked before anything else');
  t.equal(h.batches.length, 1, 'nothing delivered');
  await stillWorks(t, h);
});

t.test('404 for an unknown path', async (t) => {
  const h = await primed(t);
  for (const path of ['/v1/log', '/v1/logs/extra', '/', '/guard/hooks/Stop']) {
    const res = await otlp(h, path, smallLogs.body);
    t.equal(res.status, 404, path);
    t.match(res.text, `no such path: ${path}`, 'says which path');
  }
  const long = await otlp(h, `/${'x'.repeat(5000)}`, '{}');
  t.equal(long.status, 404);
  t.ok(long.text.length <= 201, 'the reason stays short');
  await stillWorks(t, h);
});

t.test('405 with Allow for a wrong method', async (t) => {
  const h = await primed(t);
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const res = await post(h.receiver.url, '/v1/logs', { method, headers: { [TOKEN_HEADER]: TOKEN } });
    t.equal(res.status, 405, method);
    t.equal(res.headers['allow'], 'POST', 'Allow: POST');
  }
  await stillWorks(t, h);
});

t.test('415 for an unsupported content type or content encoding', async (t) => {
  const h = await primed(t);
  for (const type of ['text/plain', 'application/jsonx', 'multipart/form-data; boundary=x']) {
    const res = await otlp(h, '/v1/logs', smallLogs.body, { 'content-type': type });
    t.equal(res.status, 415, type);
  }
  const none = await post(h.receiver.url, '/v1/metrics', { headers: { [TOKEN_HEADER]: TOKEN }, body: '{}' });
  t.equal(none.status, 415, 'no content type on an OTLP path');
  const br = await otlp(h, '/v1/logs', smallLogs.body, { 'content-encoding': 'br' });
  t.equal(br.status, 415, 'content-encoding br');
  t.match(br.text, /content-encoding/);
  t.equal(h.batches.length, 1, 'nothing delivered');
  await stillWorks(t, h);
});

t.test('400 with a short reason for malformed JSON, protobuf or gzip', async (t) => {
  const h = await primed(t);
  const json = await otlp(h, '/v1/logs', '{"resourceLogs": [');
  t.equal(json.status, 400, 'malformed JSON');
  t.equal(json.headers['content-type'], 'application/json', 'reason in the request encoding');
  t.match(JSON.parse(json.text), { code: 3, message: /^invalid JSON/ });

  const shape = await otlp(h, '/v1/metrics', '{"resourceMetrics": 5}');
  t.equal(shape.status, 400, 'valid JSON, invalid OTLP');
  t.match(JSON.parse(shape.text), { message: /resourceMetrics is not an array/ });

  const pb = await otlp(h, '/v1/logs', smallLogsPb.body.subarray(0, 100), { 'content-type': 'application/x-protobuf' });
  t.equal(pb.status, 400, 'truncated protobuf');
  t.equal(pb.headers['content-type'], 'application/x-protobuf');
  t.match(decodeRpcStatusPb(pb.body), { code: 3, message: /^invalid protobuf/ }, 'a google.rpc.Status');

  const gz = await otlp(h, '/v1/logs', gzipSync(smallLogs.body).subarray(0, 50), { 'content-encoding': 'gzip' });
  t.equal(gz.status, 400, 'truncated gzip');
  t.match(JSON.parse(gz.text), { message: 'invalid gzip body' });

  const notGz = await otlp(h, '/v1/logs', smallLogs.body, { 'content-encoding': 'gzip' });
  t.equal(notGz.status, 400, 'gzip declared, plain body sent');
  t.equal(h.batches.length, 1, 'nothing delivered from bad requests');
  await stillWorks(t, h);
});

t.test('413 when the declared length is over the limit', async (t) => {
  const h = await primed(t);
  const res = await otlp(h, '/v1/logs', Buffer.alloc(LIMIT + 1, 0x20));
  t.equal(res.status, 413);
  t.match(JSON.parse(res.text), { message: /larger than 65536 bytes/ });
  t.equal(res.headers['connection'], 'close');
  const exactly = await otlp(h, '/v1/logs', Buffer.concat([Buffer.from('{}'), Buffer.alloc(LIMIT - 2, 0x20)]));
  t.equal(exactly.status, 200, 'a body of exactly the limit is fine');
  await stillWorks(t, h);
});

t.test('413 for an endless chunked body, without reading it all', async (t) => {
  const h = await primed(t);
  const CAP = 256 * 1024 * 1024;
  let generated = 0;
  let sentWhenAnswered = 0;
  function* endless(): Generator<Buffer> {
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    while (generated < CAP) { generated += chunk.length; yield chunk; }
  }
  const res = await post(h.receiver.url, '/v1/logs', {
    headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' }, body: endless(),
    onSent: (n) => { sentWhenAnswered = n; },
  });
  t.equal(res.status, 413);
  t.ok(sentWhenAnswered < CAP, `answered after ${sentWhenAnswered} bytes, long before the client's ${CAP}`);
  await stillWorks(t, h);
});

t.test('413 for a gzip body that inflates past the limit', async (t) => {
  const h = await primed(t);
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
  t.ok(bomb.length < LIMIT, `compressed ${bomb.length} bytes, under the limit`);
  const res = await otlp(h, '/v1/logs', bomb, { 'content-encoding': 'gzip' });
  t.equal(res.status, 413, 'inflated size counted');
  const bigCompressed = await otlp(h, '/v1/logs', gzipSync(Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251))), { 'content-encoding': 'gzip' });
  t.equal(bigCompressed.status, 413, 'compressed size over the limit');
  await stillWorks(t, h);
});

t.test('a throwing callback gets 500 and the receiver keeps running', async (t) => {
  const h = await primed(t);
  h.failNext();
  const res = await otlp(h, '/v1/logs', smallLogs.body);
  t.equal(res.status, 500, 'onTelemetry threw');
  t.ok(h.errors.some((e) => e.message === 'callback exploded'), 'reported through onError');
  h.failNext();
  const hook = await post(h.receiver.url, '/guard/hook/Stop', { headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' }, body: '{}' });
  t.equal(hook.status, 500, 'onHook threw');
  await stillWorks(t, h);
});

t.test('close() stops listening', async (t) => {
  const h = await harness(t);
  await h.receiver.close();
  await h.receiver.close();
  await t.rejects(otlp(h, '/v1/logs', '{}'), 'no longer accepting connections');
});

t.test('a client that hangs up mid-body loses only its own request', async (t) => {
  const h = await primed(t);
  const socket = connect(h.receiver.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(`POST /v1/logs HTTP/1.1\r\nhost: 127.0.0.1\r\n${TOKEN_HEADER}: ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"resourceLogs":[`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
  await stillWorks(t, h);
  t.equal(h.batches.length, 2, 'the cut-off request delivered nothing');
});

t.test("hooks: the callback's answer is the reply's JSON body, awaited when it is a promise", async (t) => {
  const errors: Error[] = [];
  const receiver = await startReceiver({
    token: TOKEN,
    onTelemetry: () => {},
    onHook: (event) => {
      if (event === 'PreCompact') return new Promise((r) => setTimeout(() => r({ decision: 'block', reason: 'handing over' }), 50));
      if (event === 'SessionEnd') return Promise.reject(new Error('answer failed'));
      return undefined;
    },
    onError: (err) => errors.push(err),
  });
  t.teardown(() => receiver.close());
  const headers = { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' };
  const pre = await post(receiver.url, '/guard/hook/PreCompact', { headers, body: '{"trigger":"auto"}' });
  t.equal(pre.status, 200);
  t.strictSame(JSON.parse(pre.text), { decision: 'block', reason: 'handing over' });
  const stop = await post(receiver.url, '/guard/hook/Stop', { headers, body: '{}' });
  t.same([stop.status, stop.text], [200, '{}'], 'no answer: {}');
  const failed = await post(receiver.url, '/guard/hook/SessionEnd', { headers, body: '{}' });
  t.same([failed.status, failed.text], [200, '{}'], 'a rejected answer: {} (Claude goes on as without guard)');
  t.match(errors, [{ message: 'answer failed' }], 'and is reported');
});
