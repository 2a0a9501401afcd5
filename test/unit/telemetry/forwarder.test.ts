// The forwarder against a stand-in for the user's collector on 127.0.0.1 (capture-server.ts):
// bodies arrive byte-identical with the user's headers and content-type and never guard's token;
// the queue is bounded and counts drops; a dead, slow or failing collector costs one warning and
// never an exception; close() flushes what is queued, or gives up at its deadline. The last tests
// go through guard's receiver and through startClaudeRun, with no Claude: a fixture body POSTed to
// the receiver with the run's token reaches the user's collector.

import t, { type Test } from 'tap';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startForwarder, type ForwarderOptions } from '../../../src/telemetry/forwarder.js';
import { forwardPlanFromEnv, type ForwardTarget, type ForwardSignal } from '../../../src/telemetry/forward-env.js';
import { startReceiver, TOKEN_HEADER } from '../../../src/telemetry/receiver.js';
import { startClaudeRun } from '../../../src/app/claude-run.js';
import { makePolicyConfig } from '../../../src/policy/config.js';
import { resolvePaths } from '../../../src/paths.js';
import type { RunRecording } from '../../../src/log/run-recording.js';
import { Notices } from '../../../src/ui/notices.js';
import { realClock } from '../../../src/lib/clock.js';
import { RECEIVER_URL_ENV, TOKEN_ENV } from '../../../src/claude/relay/post.js';
import { fixtureBodies, VERSIONS, CONTENT_TYPE } from './fixtures.js';
import { post } from './http-client.js';
import { deadUrl, startCaptureServer, type CaptureServer } from './capture-server.js';

const PB = CONTENT_TYPE.protobuf;
const bodies = fixtureBodies(VERSIONS[1], 'protobuf');
const logsPb = bodies.find((b) => b.signal === 'logs')!;
const logsJson = fixtureBodies(VERSIONS[1], 'json').find((b) => b.signal === 'logs')!;

function target(signal: ForwardSignal, url: string, more: Partial<ForwardTarget> = {}): ForwardTarget {
  return { signal, url, headers: {}, protocol: 'http/protobuf', compression: 'none', timeoutMs: 5000, ...more };
}

async function capture(t: Test): Promise<CaptureServer> {
  const c = await startCaptureServer();
  t.teardown(() => c.close());
  return c;
}

/** A forwarder whose problems are collected; closed at teardown if the test did not. */
function forwarder(t: Test, o: Omit<ForwarderOptions, 'onProblem'>): { f: ReturnType<typeof startForwarder>; problems: string[] } {
  const problems: string[] = [];
  const f = startForwarder({ onProblem: (m) => problems.push(m), ...o });
  t.teardown(() => f.close(100));
  return { f, problems };
}

t.test('bodies arrive byte-identical, in order, with the user headers and content-type, never the token', async (t) => {
  const c = await capture(t);
  const headers = { authorization: 'Bearer abc==', 'x-tenant': 'a' };
  const { f, problems } = forwarder(t, {
    targets: { logs: target('logs', `${c.url}/v1/logs`, { headers }), metrics: target('metrics', `${c.url}/v1/metrics`, { headers }) },
  });
  for (const b of bodies) f.accept(b.signal, PB, b.body);
  f.accept('traces', PB, Buffer.from('ignored'));
  const stats = await f.close();
  t.equal(c.requests.length, bodies.length, 'one request per body; traces have no target');
  c.requests.forEach((r, i) => {
    const b = bodies[i]!;
    t.ok(r.body.equals(b.body), `${b.file} byte-identical`);
    t.equal(r.path, `/v1/${b.signal}`);
    t.equal(r.headers['content-type'], PB);
    t.equal(r.headers.authorization, 'Bearer abc==');
    t.equal(r.headers['x-tenant'], 'a');
    t.equal(r.headers[TOKEN_HEADER], undefined, 'no guard token');
  });
  t.match(stats, { sent: bodies.length, failed: 0, dropped: 0, pending: 0, firstProblem: null });
  t.strictSame(problems, []);
});

t.test('gzip compression when the user asked for it', async (t) => {
  const c = await capture(t);
  const { f } = forwarder(t, { targets: { logs: target('logs', c.url, { compression: 'gzip' }) } });
  f.accept('logs', PB, logsPb.body);
  await f.close();
  t.equal(c.requests[0]?.headers['content-encoding'], 'gzip');
  t.ok(gunzipSync(c.requests[0]!.body).equals(logsPb.body), 'inflates to the accepted body');
});

t.test('429 and 5xx are retried; other 4xx are not', async (t) => {
  const c = await capture(t);
  c.behave((n) => (n < 2 ? { status: n === 0 ? 429 : 503, headers: { 'retry-after': '0' } } : n === 3 ? { status: 400 } : { status: 200 }));
  const { f, problems } = forwarder(t, { targets: { logs: target('logs', c.url) }, backoffMs: 5 });
  f.accept('logs', PB, logsPb.body); // requests 0 (429), 1 (503), 2 (200)
  f.accept('logs', PB, logsPb.body); // request 3 (400): given up at once
  f.accept('logs', PB, logsPb.body); // request 4 (200)
  const stats = await f.close();
  t.equal(c.requests.length, 5);
  t.match(stats, { sent: 2, failed: 1, dropped: 0 });
  t.equal(problems.length, 1);
  t.match(problems[0], /failed: HTTP 400/);
});

t.test('the queue is bounded: beyond the limit the oldest are dropped and counted, one warning', async (t) => {
  const c = await capture(t);
  c.behave((n) => (n === 0 ? 'hang' : { status: 200 }));
  const { f, problems } = forwarder(t, { targets: { logs: target('logs', c.url) }, maxQueue: 3 });
  const tagged = (i: number): Buffer => Buffer.concat([logsPb.body, Buffer.from([i])]);
  f.accept('logs', PB, tagged(0));
  await c.waitFor(1); // body 0 is in flight, held by the collector
  for (let i = 1; i <= 8; i++) f.accept('logs', PB, tagged(i));
  t.match(f.stats(), { dropped: 5, pending: 4 }, 'three queued + one in flight');
  t.equal(problems.length, 1, 'warned once');
  t.match(problems[0], /fell behind/);
  c.release();
  const stats = await f.close();
  t.strictSame(c.requests.map((r) => r.body.at(-1)), [0, 6, 7, 8], 'the newest three were kept');
  t.match(stats, { sent: 4, dropped: 5, failed: 0 });
});

t.test('the queue is bounded in bytes too', async (t) => {
  const c = await capture(t);
  c.behave((n) => (n === 0 ? 'hang' : { status: 200 }));
  const { f } = forwarder(t, { targets: { logs: target('logs', c.url) }, maxQueueBytes: 2500 });
  f.accept('logs', PB, Buffer.alloc(10));
  await c.waitFor(1);
  for (let i = 0; i < 5; i++) f.accept('logs', PB, Buffer.alloc(1000, i));
  t.equal(f.stats().dropped, 3, 'two 1000-byte bodies fit');
  c.release();
  await f.close();
  t.strictSame(c.requests.slice(1).map((r) => r.body[0]), [3, 4]);
});

t.test('collector down: one warning, nothing thrown, every body accounted for', async (t) => {
  const url = await deadUrl();
  const { f, problems } = forwarder(t, { targets: { logs: target('logs', url), metrics: target('metrics', url) }, retries: 2, backoffMs: 5 });
  t.doesNotThrow(() => {
    for (const b of bodies.slice(0, 4)) f.accept(b.signal, PB, b.body);
  });
  const stats = await f.close();
  t.match(stats, { sent: 0, failed: 4, dropped: 0, pending: 0 });
  t.equal(problems.length, 1, 'reported once');
  t.match(problems[0], /ECONNREFUSED/);
});

t.test('a collector that never answers times out, and the next body still goes', async (t) => {
  const c = await capture(t);
  c.behave((n) => (n === 0 ? 'hang' : { status: 200 }));
  const { f, problems } = forwarder(t, { targets: { logs: target('logs', c.url, { timeoutMs: 150 }) }, retries: 0 });
  f.accept('logs', PB, logsPb.body);
  f.accept('logs', PB, logsPb.body);
  const stats = await f.close();
  t.match(stats, { sent: 1, failed: 1 });
  t.match(problems, [/no answer within 150 ms/]);
  c.release();
});

t.test('close flushes the queue; at its deadline it gives up and counts what was left', async (t) => {
  const c = await capture(t);
  c.behave(() => ({ status: 200, delayMs: 20 }));
  const { f } = forwarder(t, { targets: { logs: target('logs', c.url) } });
  for (let i = 0; i < 5; i++) f.accept('logs', PB, logsPb.body);
  t.match(await f.close(2000), { sent: 5, pending: 0, dropped: 0 }, 'everything queued was sent before close resolved');
  f.accept('logs', PB, logsPb.body);
  t.equal(c.requests.length, 5, 'nothing is taken after close');

  const stuck = await capture(t);
  stuck.behave(() => 'hang');
  const g = forwarder(t, { targets: { logs: target('logs', stuck.url) } });
  for (let i = 0; i < 3; i++) g.f.accept('logs', PB, logsPb.body);
  await stuck.waitFor(1);
  const stats = await g.f.close(100);
  t.match(stats, { sent: 0, failed: 1, dropped: 2, pending: 0 }, 'the one in flight failed, the queued two dropped');
  t.match(g.problems, [/guard exited/]);
});

t.test('option checks name the bad value', async (t) => {
  t.throws(() => startForwarder({ targets: {}, onProblem: () => undefined, maxQueue: 0 }), /maxQueue must be a positive integer, got 0/);
  t.throws(() => startForwarder({ targets: {}, onProblem: 'x' as never }), /onProblem must be a function, got string/);
});

t.test('through the receiver: token checked, body forwarded as received, per-signal endpoints', async (t) => {
  const logs = await capture(t);
  const metrics = await capture(t);
  const plan = forwardPlanFromEnv({
    CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOGS_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: metrics.url,
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${logs.url}/custom/logs`,
    OTEL_EXPORTER_OTLP_HEADERS: 'api-key=k%2C1',
  }, { tokenHeader: TOKEN_HEADER, insideGuardEnv: RECEIVER_URL_ENV });
  const { f } = forwarder(t, { targets: plan.targets });
  const receiver = await startReceiver({ token: 'tok', onTelemetry: () => undefined, onAccepted: (s, ct, b) => f.accept(s, ct, b) });
  t.teardown(() => receiver.close());
  const send = (signal: string, body: Buffer | string, headers: Record<string, string>) =>
    post(receiver.url, `/v1/${signal}`, { headers: { 'content-type': PB, ...headers }, body });

  t.equal((await send('logs', logsPb.body, {})).status, 401, 'no token');
  t.equal((await send('logs', Buffer.from([0xff, 0xff]), { [TOKEN_HEADER]: 'tok' })).status, 400, 'undecodable');
  const metricsPb = bodies.find((b) => b.signal === 'metrics')!;
  t.equal((await send('logs', logsPb.body, { [TOKEN_HEADER]: 'tok' })).status, 200);
  t.equal((await send('metrics', metricsPb.body, { [TOKEN_HEADER]: 'tok' })).status, 200);
  t.equal((await send('logs', logsJson.body, { [TOKEN_HEADER]: 'tok', 'content-type': 'application/json' })).status, 200);
  await f.close();

  t.equal(logs.requests.length, 2, 'refused bodies are not forwarded');
  t.equal(logs.requests[0]?.path, '/custom/logs', 'per-signal endpoint as given');
  t.ok(logs.requests[0]?.body.equals(logsPb.body));
  t.equal(logs.requests[1]?.headers['content-type'], 'application/json', 'a JSON body goes as JSON');
  t.ok(logs.requests[1]?.body.equals(logsJson.body));
  t.equal(metrics.requests.length, 1);
  t.equal(metrics.requests[0]?.path, '/v1/metrics', 'general endpoint + /v1/metrics');
  t.ok(metrics.requests[0]?.body.equals(metricsPb.body));
  for (const r of [...logs.requests, ...metrics.requests]) {
    t.equal(r.headers['api-key'], 'k,1', 'user header, URL-decoded');
    t.equal(r.headers[TOKEN_HEADER], undefined, 'never the token');
  }
});

t.test('through startClaudeRun: Claude is asked for the user protocol, its exports reach the user collector', async (t) => {
  const c = await capture(t);
  const home = mkdtempSync(join(tmpdir(), 'guard-forward-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const recording: RunRecording = { id: 't', paths: resolvePaths({ env: { GUARD_HOME: home } }), log: null, live: null, warnings: [], finish: () => undefined };
  const stderr: string[] = [];
  const start = (env: NodeJS.ProcessEnv) => startClaudeRun({ args: [], cwd: home, env, policy: makePolicyConfig(), color: false, recording, notices: new Notices(realClock), stderr: (s) => stderr.push(s) });
  const userEnv = {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOGS_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: c.url, OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20dXNlcg%3D%3D',
  };

  const run = await start(userEnv);
  const env = run.supervised.extraEnv!;
  t.equal(env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, 'http/json', "logs: the user's protocol, so guard forwards Claude's own bytes");
  t.equal(env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL, 'http/protobuf');
  t.not(env.OTEL_EXPORTER_OTLP_ENDPOINT, c.url, "Claude itself sends to guard's receiver");
  const res = await post(env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT!, '', {
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: env[TOKEN_ENV]! }, body: logsJson.body,
  });
  t.equal(res.status, 200);
  t.ok(run.tracker.snapshot().claudeSessionId, "guard's own tracker got the batch too");
  await run.close();
  t.equal(c.requests.length, 1, 'flushed on close');
  t.equal(c.requests[0]?.path, '/v1/logs');
  t.ok(c.requests[0]?.body.equals(logsJson.body), 'byte-identical');
  t.equal(c.requests[0]?.headers.authorization, 'Basic dXNlcg==');
  t.equal(c.requests[0]?.headers[TOKEN_HEADER], undefined);
  t.strictSame(stderr, [], 'nothing to report');

  const grpc = await start({ ...userEnv, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: '' });
  t.match(grpc.warnings, [/gRPC, which guard cannot forward/], 'gRPC: a warning at start');
  t.equal(grpc.supervised.extraEnv!.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, 'http/json', 'not forwarded: guard\'s own choice');
  await grpc.close();

  const down = await start({ ...userEnv, OTEL_EXPORTER_OTLP_ENDPOINT: await deadUrl() });
  const denv = down.supervised.extraEnv!;
  const ok = await post(denv.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT!, '', {
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: denv[TOKEN_ENV]! }, body: logsJson.body,
  });
  t.equal(ok.status, 200, 'a dead collector does not affect what Claude gets from guard');
  await down.close();
  t.equal(stderr.length, 1, 'one line on stderr at exit');
  t.match(stderr[0], /1 telemetry export\(s\) did not reach your collector/);
});
