// `guard claude` on the REAL Claude Code (2.1.330) for a user who set Claude's telemetry up in the
// `env` of their Claude settings file (~/.claude/settings.json), not in their shell: a capture
// collector on 127.0.0.1 that requires the user's header, in http/json. Claude applies a settings
// file's env over the shell (so the shell's endpoint, a decoy here, loses) and takes no telemetry
// transport variable from a project's own files (so the decoy in .claude/settings.local.json loses
// too). Under guard the user's data still reaches their collector, with their header, never
// guard's token; and guard's own footer keeps up although the file asks Claude for a 60 s export
// interval (guard keeps its own in force).
import t from 'tap';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatTokens } from '../../src/lib/text.js';
import { startOtlpCapture } from '../helpers/otlp-capture.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import { OFFLINE_MODEL } from '../helpers/claude-env.js';
import { until } from '../helpers/until.js';

const USER_HEADER = 'x-user-key';
const USER_SECRET = 'user secret/2';
/** guard asks Claude for metrics every 5 s; one export must arrive well within this. */
const ARRIVAL_TIMEOUT_MS = 15_000;
/** Far longer than any wait below: were it in force, the footer would not move in this test. */
const USERS_LOGS_INTERVAL_MS = 60_000;

t.test("telemetry configured in the user's Claude settings file keeps reaching their collector under guard", async (t) => {
  const collector = await startOtlpCapture(USER_HEADER, USER_SECRET);
  const decoy = await startOtlpCapture(USER_HEADER, USER_SECRET);
  t.teardown(() => Promise.all([collector.close(), decoy.close()]));
  const session = await startClaudeSession({
    guardArgs: [],
    claudeArgs: ['--model', OFFLINE_MODEL],
    // The shell points elsewhere: the settings file wins over it, in Claude and so in guard.
    extraEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: decoy.url },
    beforeStart: async (env) => {
      await mkdir(join(env.home, '.claude'), { recursive: true });
      await writeFile(join(env.home, '.claude', 'settings.json'), JSON.stringify({
        env: {
          CLAUDE_CODE_ENABLE_TELEMETRY: '1',
          OTEL_LOGS_EXPORTER: 'otlp',
          OTEL_METRICS_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_HEADERS: `${USER_HEADER}=${encodeURIComponent(USER_SECRET)}`,
          OTEL_LOGS_EXPORT_INTERVAL: USERS_LOGS_INTERVAL_MS,
        },
      }));
      // A project's files cannot send Claude's telemetry elsewhere (2.1.330 ignores this).
      await mkdir(join(env.cwd, '.claude'), { recursive: true });
      await writeFile(join(env.cwd, '.claude', 'settings.local.json'), JSON.stringify({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: decoy.url } }));
    },
  });
  t.teardown(() => session.dispose());

  await session.turn('hello');
  const main = session.api.lastMain();
  t.ok(main?.contextTokens, 'the stand-in answered a main request');
  const footer = await session.term.waitFor((s) => s.includes(formatTokens(main!.contextTokens!)), ARRIVAL_TIMEOUT_MS);
  t.ok(footer, `guard's footer follows the context although the file asks for a ${USERS_LOGS_INTERVAL_MS / 1000} s interval`);

  await until(() => collector.events('api_request').length > 0, ARRIVAL_TIMEOUT_MS, 'the api_request event at the collector');
  await until(() => collector.posts.some((p) => p.path === '/v1/metrics'), ARRIVAL_TIMEOUT_MS, 'a metrics export at the collector');
  t.ok(collector.posts.every((p) => p.authorized), "every forwarded export carries the user's header from the file, URL-decoded");
  t.ok(collector.posts.every((p) => p.body !== null), 'and is JSON, as the file asks');
  const api = collector.events('api_request').find((e) => e.attrs.query_source === 'repl_main_thread');
  t.ok(api, "Claude's main api_request reached the user's collector");
  t.equal(api?.attrs.input_tokens, main?.usage?.input_tokens, 'with the figures Claude sent');
  t.same(decoy.posts, [], 'nothing went to the shell\'s endpoint or the project\'s');
});
