import t from 'tap';
import { telemetryEnv } from '../../../src/app/claude-run.js';
import type { Receiver } from '../../../src/telemetry/receiver.js';

const receiver: Receiver = { port: 4999, url: 'http://127.0.0.1:4999', close: async () => undefined };

t.test('Claude exports logs and metrics to guard, with the token, through per-signal variables only', async (t) => {
  const env = telemetryEnv(receiver, 'tok');
  t.match(env, {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOGS_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://127.0.0.1:4999/v1/logs',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:4999/v1/metrics',
    OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-guard-token=tok', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-guard-token=tok',
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
    GUARD_RECEIVER_URL: 'http://127.0.0.1:4999', GUARD_TOKEN: 'tok',
  });
  // The general variables are the user's: the exporter would add their headers (guard's token)
  // to every signal, traces sent to the user's own collector included.
  for (const k of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    t.notOk(k in env, `${k} is left alone`);
  }
  t.notOk(Object.values(env).some((v) => v.includes('tok') && !v.startsWith('x-guard-token=') && v !== 'tok'), 'the token appears nowhere else');
});

t.test('when forwarding, Claude is asked for the user\'s protocol; otherwise for JSON', async (t) => {
  const env = telemetryEnv(receiver, 'tok', { logs: 'http/protobuf' });
  t.equal(env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, 'http/protobuf', 'the collector gets the bytes Claude sent');
  t.equal(env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL, 'http/json', 'metrics are not forwarded: guard\'s own choice');
});
