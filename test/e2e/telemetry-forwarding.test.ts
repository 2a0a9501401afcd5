// `guard claude` on the REAL Claude Code (2.1.330) for a user who already exports Claude's
// telemetry to their own collector (here a capture collector on 127.0.0.1 that requires the user's
// header, in http/json, then in http/protobuf): under guard their data keeps flowing — Claude's own
// api_request events and metrics reach the collector with the user's header and never guard's
// token — while guard's footer still follows the context (with protobuf, through guard's codec).
import t from 'tap';
import { formatTokens } from '../../src/lib/text.js';
import { startOtlpCapture } from '../helpers/otlp-capture.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import { OFFLINE_MODEL } from '../helpers/claude-env.js';
import { until } from '../helpers/until.js';

const USER_HEADER = 'x-user-key';
const USER_SECRET = 'user secret/1';
/** guard asks Claude for metrics every 5 s; one export must arrive well within this. */
const ARRIVAL_TIMEOUT_MS = 15_000;

for (const protocol of ['http/json', 'http/protobuf'] as const) {
  t.test(`the user's collector keeps getting Claude's telemetry under guard (${protocol})`, async (t) => {
    const collector = await startOtlpCapture(USER_HEADER, USER_SECRET);
    t.teardown(() => collector.close());
    const session = await startClaudeSession({
      guardArgs: [],
      claudeArgs: ['--model', OFFLINE_MODEL],
      extraEnv: {
        CLAUDE_CODE_ENABLE_TELEMETRY: '1',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_HEADERS: `${USER_HEADER}=${encodeURIComponent(USER_SECRET)}`,
      },
    });
    t.teardown(() => session.dispose());

    await session.turn('hello');
    const main = session.api.lastMain();
    t.ok(main?.contextTokens, 'the stand-in answered a main request');
    await until(() => collector.posts.some((p) => p.path === '/v1/logs'), ARRIVAL_TIMEOUT_MS, 'a logs export at the collector');
    await until(() => collector.posts.some((p) => p.path === '/v1/metrics'), ARRIVAL_TIMEOUT_MS, 'a metrics export at the collector');
    t.ok(collector.posts.every((p) => p.authorized), "every forwarded export carries the user's header, URL-decoded");
    if (protocol === 'http/json') {
      await until(() => collector.events('api_request').length > 0, ARRIVAL_TIMEOUT_MS, 'the api_request event at the collector');
      t.ok(collector.posts.every((p) => p.body !== null), 'and is JSON, as the user asked');
      const api = collector.events('api_request').find((e) => e.attrs.query_source === 'repl_main_thread');
      t.ok(api, "Claude's main api_request reached the user's collector");
      t.equal(api?.attrs.input_tokens, main?.usage?.input_tokens, 'with the figures Claude sent');
      t.ok(collector.events('user_prompt').length > 0, 'user_prompt too');
    } else {
      // Claude then sends protobuf to guard as well (the same bodies go on): guard decodes them
      // with its codec, loaded on demand (dist/chunks/telemetry-codec.js), for the footer below.
      t.ok(collector.posts.every((p) => p.contentType === 'application/x-protobuf'), `and is protobuf, as the user asked: ${[...new Set(collector.posts.map((p) => p.contentType))].join(', ')}`);
    }

    const footer = await session.term.waitFor((s) => s.includes(formatTokens(main!.contextTokens!)), 5_000);
    t.ok(footer, "guard's own footer still follows the context");
  });
}
