// The receiver against clients that hold on: headers that never finish, bodies that trickle, and
// more sockets than the cap. Short limits are injected; the production values are checked for
// their relation to the relays' deadline. After each, a valid request is still accepted.

import t, { type Test } from 'tap';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import {
  startReceiver, TOKEN_HEADER, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, MAX_CONNECTIONS, type Receiver,
} from '../../../src/telemetry/receiver.js';
import { RELAY_DEADLINE_MS } from '../../../src/claude/relay/post.js';
import type { TelemetryBatch } from '../../../src/telemetry/records.js';
import { fixtureBodies, VERSIONS } from './fixtures.js';
import { post } from './http-client.js';
import { until } from '../../helpers/until.js';

const TOKEN = 'limits-token-0123456789';
const logs = fixtureBodies(VERSIONS[1], 'json').find((f) => f.signal === 'logs')!;

async function start(t: Test, o: { headersTimeoutMs?: number; requestTimeoutMs?: number; maxConnections?: number }): Promise<{ receiver: Receiver; batches: TelemetryBatch[]; errors: Error[] }> {
  const batches: TelemetryBatch[] = [];
  const errors: Error[] = [];
  const receiver = await startReceiver({ token: TOKEN, onTelemetry: (b) => batches.push(b), onError: (e) => errors.push(e), ...o });
  t.teardown(() => receiver.close());
  return { receiver, batches, errors };
}

function open(receiver: Receiver): Promise<Socket> {
  const s = connect(receiver.port, '127.0.0.1');
  s.on('error', () => undefined);
  return once(s, 'connect').then(() => s);
}

/** Everything the server sends until it closes the socket. */
function untilClosed(s: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1'))));
}

async function validStillCounts(t: Test, receiver: Receiver, batches: TelemetryBatch[]): Promise<void> {
  const before = batches.length;
  const res = await post(receiver.url, '/v1/logs', { headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' }, body: logs.body });
  t.equal(res.status, 200, 'a valid request afterwards is accepted');
  t.equal(batches.length, before + 1, 'and counted');
}

t.test('the production limits leave guard\'s own senders room', async (t) => {
  t.ok(HEADERS_TIMEOUT_MS >= 5 * RELAY_DEADLINE_MS, 'a relay gives up long before its headers could be cut off');
  t.ok(REQUEST_TIMEOUT_MS >= HEADERS_TIMEOUT_MS, 'the request limit includes the headers');
  t.ok(REQUEST_TIMEOUT_MS >= 10_000, 'no shorter than the OTLP exporter\'s own default timeout (10 s)');
  t.ok(MAX_CONNECTIONS > 50, 'room for the load test\'s 50 concurrent senders');
  t.ok(MAX_CONNECTIONS < 1024, 'below the usual limit of open files');
});

t.test('bad limits are refused with the value in the message', async (t) => {
  await t.rejects(startReceiver({ token: 'x', onTelemetry: () => undefined, maxConnections: 0 }), /maxConnections must be a positive integer, got 0/);
  await t.rejects(startReceiver({ token: 'x', onTelemetry: () => undefined, headersTimeoutMs: 2000, requestTimeoutMs: 1000 }), /headersTimeoutMs \(2000\) must not exceed requestTimeoutMs \(1000\)/);
});

t.test('headers that never finish are cut off with 408', async (t) => {
  const { receiver, batches } = await start(t, { headersTimeoutMs: 300, requestTimeoutMs: 600 });
  const s = await open(receiver);
  const closed = untilClosed(s);
  s.write(`POST /v1/logs HTTP/1.1\r\nhost: x\r\n${TOKEN_HEADER}: ${TOKEN}\r\n`); // no blank line: headers never end
  const answer = await closed;
  t.match(answer, /^HTTP\/1\.1 408/, 'the server answered 408 and closed the socket');
  await validStillCounts(t, receiver, batches);
});

t.test('a body that trickles is cut off; nothing of it is delivered', async (t) => {
  const { receiver, batches } = await start(t, { headersTimeoutMs: 300, requestTimeoutMs: 600 });
  const s = await open(receiver);
  const closed = untilClosed(s);
  s.write(`POST /v1/logs HTTP/1.1\r\nhost: x\r\n${TOKEN_HEADER}: ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${logs.body.length}\r\n\r\n`);
  // One byte at a time, far slower than the request limit allows; stops once the server closes.
  let i = 0;
  const drip = setInterval(() => { if (!s.destroyed && i < logs.body.length) s.write(logs.body.subarray(i, ++i)); }, 50);
  t.teardown(() => clearInterval(drip));
  const answer = await closed;
  clearInterval(drip);
  t.ok(i < logs.body.length, `the socket was closed before the body was complete (${i} of ${logs.body.length} bytes)`);
  t.notMatch(answer, /^HTTP\/1\.1 200/, 'no 200 for a cut-off body');
  t.equal(batches.length, 0, 'nothing delivered');
  await validStillCounts(t, receiver, batches);
});

t.test('sockets beyond the cap are closed at once; a freed slot serves again', async (t) => {
  const { receiver, batches, errors } = await start(t, { maxConnections: 3 });
  const held = await Promise.all([open(receiver), open(receiver), open(receiver)]);
  const extra = await open(receiver);
  const answer = await untilClosed(extra);
  t.equal(answer, '', 'the fourth socket is closed without an answer');
  t.ok(errors.some((e) => /connection refused, 3 already open/.test(e.message)), 'and reported');
  const freed = held.pop()!;
  freed.destroy();
  await once(freed, 'close');
  // The server learns of the close asynchronously: retry until a slot is free.
  const res = await until(() => post(receiver.url, '/v1/logs', { headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json', connection: 'close' }, body: logs.body }).catch(() => null),
    10_000, 'a free connection slot', 20);
  t.equal(res.status, 200, 'a valid request in the freed slot is accepted');
  t.equal(batches.length, 1, 'and counted');
  for (const s of held) s.destroy();
});
