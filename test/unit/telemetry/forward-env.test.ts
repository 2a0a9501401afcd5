// forwardPlanFromEnv: from the user's environment to where their Claude Code would have sent its
// logs and metrics (the OpenTelemetry exporter's rules), and what guard cannot forward.

import t from 'tap';
import { DEFAULT_TIMEOUT_MS, forwardPlanFromEnv, parseHeaders } from '../../../src/telemetry/forward-env.js';

const OPTS = { tokenHeader: 'x-guard-token', insideGuardEnv: 'GUARD_RECEIVER_URL' };
const ON = { CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOGS_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp' };
const plan = (env: Record<string, string>) => forwardPlanFromEnv(env, OPTS);

t.test('nothing is forwarded unless the user exports telemetry', async (t) => {
  t.strictSame(plan({}), { targets: {}, warnings: [] }, 'no variables');
  t.strictSame(plan({ ...ON, CLAUDE_CODE_ENABLE_TELEMETRY: '0' }).targets, {}, 'telemetry switched off');
  t.strictSame(plan({ ...ON, CLAUDE_CODE_ENABLE_TELEMETRY: '' }).targets, {}, 'empty switch');
  t.strictSame(plan({ CLAUDE_CODE_ENABLE_TELEMETRY: '1' }).targets, {}, 'enabled but no otlp exporter');
  t.strictSame(Object.keys(plan({ ...ON, OTEL_METRICS_EXPORTER: 'console' }).targets), ['logs'], 'only the otlp signal');
  t.strictSame(Object.keys(plan({ ...ON, CLAUDE_CODE_ENABLE_TELEMETRY: 'TRUE', OTEL_LOGS_EXPORTER: 'console, otlp' }).targets), ['logs', 'metrics'],
    'TRUE is truthy; otlp among several exporters counts');
  t.strictSame(plan({ ...ON, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', GUARD_RECEIVER_URL: 'http://127.0.0.1:1' }).targets, {},
    "inside another guard's Claude the exporter settings are that guard's: not forwarded");
});

t.test('endpoints: general + /v1/<signal>, per-signal as given, the OTLP default otherwise', async (t) => {
  const p = plan({ ...ON, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318' });
  t.equal(p.targets.logs?.url, 'https://collector.example:4318/v1/logs');
  t.equal(p.targets.metrics?.url, 'https://collector.example:4318/v1/metrics');
  t.equal(plan({ ...ON, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c/otlp/' }).targets.logs?.url, 'http://c/otlp/v1/logs', 'one slash after a trailing slash');
  const per = plan({ ...ON, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:9000/ingest' });
  t.equal(per.targets.logs?.url, 'http://logs:9000/ingest', 'per-signal endpoint used as-is and wins');
  t.equal(per.targets.metrics?.url, 'http://general:4318/v1/metrics', 'the other signal keeps the general one');
  t.equal(plan(ON).targets.logs?.url, 'http://localhost:4318/v1/logs', 'no endpoint: localhost:4318');
  const bad = plan({ ...ON, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'collector:4318' });
  t.equal(bad.targets.metrics, undefined, 'not an http(s) URL: not forwarded');
  t.match(bad.warnings, [/metrics.*"collector:4318" is not an http\(s\) URL/]);
});

t.test('headers: general and per-signal merged, URL-decoded, guard token never kept', async (t) => {
  const p = plan({
    ...ON,
    OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc%3D%3D, x-tenant = team-a ,broken,=novalue,x-guard-token=leak',
    OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-tenant=logs-team,x-extra=1',
  });
  t.strictSame(p.targets.logs?.headers, { authorization: 'Bearer abc==', 'x-tenant': 'logs-team', 'x-extra': '1' });
  t.strictSame(p.targets.metrics?.headers, { authorization: 'Bearer abc==', 'x-tenant': 'team-a' });
  t.strictSame(parseHeaders('a=100%,b=x=y,Content-Type=text/plain,connection=close'), { a: '100%', b: 'x=y' },
    'a bad escape is kept as written; only the first = splits; headers the client manages are dropped');
  t.strictSame(parseHeaders(undefined), {});
});

t.test('protocol: http/protobuf by default, http/json honoured, grpc warned about once and not forwarded', async (t) => {
  t.equal(plan(ON).targets.logs?.protocol, 'http/protobuf');
  const json = plan({ ...ON, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf' });
  t.equal(json.targets.logs?.protocol, 'http/json');
  t.equal(json.targets.metrics?.protocol, 'http/protobuf', 'per-signal protocol wins');
  const grpc = plan({ ...ON, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
  t.strictSame(grpc.targets, {});
  t.equal(grpc.warnings.length, 1, 'one warning for both signals');
  t.match(grpc.warnings[0], /logs and metrics .*gRPC/);
  const mixed = plan({ ...ON, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json' });
  t.strictSame(Object.keys(mixed.targets), ['logs']);
  t.match(mixed.warnings, [/metrics are set to OTLP over gRPC/]);
  const odd = plan({ ...ON, OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' });
  t.strictSame(odd.targets, {});
  t.match(odd.warnings, [/unknown OTLP protocol "thrift"/, /unknown OTLP protocol "thrift"/]);
});

t.test('compression and timeout follow the exporter settings', async (t) => {
  const p = plan({ ...ON, OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'none', OTEL_EXPORTER_OTLP_TIMEOUT: '2500' });
  t.equal(p.targets.logs?.compression, 'gzip');
  t.equal(p.targets.metrics?.compression, 'none');
  t.equal(p.targets.logs?.timeoutMs, 2500);
  t.equal(plan({ ...ON, OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }).targets.logs?.timeoutMs, DEFAULT_TIMEOUT_MS, 'unreadable timeout: the default');
});
