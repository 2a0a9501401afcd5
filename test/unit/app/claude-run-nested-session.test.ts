// A `claude` started from Claude's own shell tool reports to guard's receiver too, under its own
// session id. Through startClaudeRun and the real receiver: its compaction neither disarms the
// outer checkpoint nor counts as a miss, and its requests are logged as side ones; the same
// compaction from the followed session does both (so this test can tell the difference).
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClaudeRun } from '../../../src/app/claude-run.js';
import { TOKEN_ENV } from '../../../src/claude/relay/post.js';
import { TOKEN_HEADER } from '../../../src/telemetry/receiver.js';
import { makePolicyConfig } from '../../../src/policy/config.js';
import { resolvePaths } from '../../../src/paths.js';
import type { RunRecording } from '../../../src/log/run-recording.js';
import type { SessionLog } from '../../../src/log/session-log.js';
import type { LogEntry } from '../../../src/log/records.js';
import { post } from '../telemetry/http-client.js';

type Attr = { key: string; value: Record<string, string> };
const attr = (key: string, v: string | number): Attr => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });

function logs(records: Attr[][]): string {
  return JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: records.map((attributes) => ({ timeUnixNano: String(Date.now() * 1e6), attributes })) }] }] });
}
const request = (session: string, seq: number, context: number): Attr[] => [
  attr('event.name', 'api_request'), attr('session.id', session), attr('event.sequence', seq), attr('model', 'claude-sonnet-4-5'),
  attr('query_source', 'repl_main_thread'), attr('input_tokens', context), attr('output_tokens', 10), attr('cache_read_tokens', 0),
  attr('cache_creation_tokens', 0), attr('cost_usd', '0.01'), attr('duration_ms', 100),
];
const compaction = (session: string, seq: number): Attr[] => [
  attr('event.name', 'compaction'), attr('session.id', session), attr('event.sequence', seq), attr('trigger', 'auto'),
  attr('success', 'true'), attr('pre_tokens', 150_000), attr('post_tokens', 3_000),
];

t.test('a nested session\'s compaction does not disarm the outer checkpoint nor count as a miss', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'guard-nested-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const entries: LogEntry[] = [];
  const log = { append: (r: LogEntry) => { entries.push(r); } } as unknown as SessionLog;
  const recording: RunRecording = { id: 't', paths: resolvePaths({ env: { GUARD_HOME: home } }), log, live: null, warnings: [], finish: () => undefined };
  const run = await startClaudeRun({ args: [], cwd: home, env: {}, policy: makePolicyConfig(), color: false, recording, stderr: () => undefined });
  t.teardown(() => run.close());
  const env = run.supervised.extraEnv!;
  const headers = { [TOKEN_HEADER]: env[TOKEN_ENV]!, 'content-type': 'application/json' };
  const send = async (body: string, path = '/v1/logs'): Promise<void> => {
    const res = await post(env['GUARD_RECEIVER_URL']!, path, { headers, body });
    t.equal(res.status, 200, `${path} accepted`);
  };

  await send(JSON.stringify({ session_id: 'OUTER', hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-5' }), '/guard/hook/SessionStart');
  await send(logs([request('OUTER', 1, 150_000)]));
  t.equal(run.controller.view.armed, true, 'the outer conversation at 150k of 167k arms the checkpoint');

  await send(logs([request('NESTED', 1, 160_000), compaction('NESTED', 2), request('NESTED', 3, 3_000)]));
  t.equal(run.controller.view.armed, true, 'still armed after the nested compaction');
  t.equal(run.tracker.snapshot().contextTokens, 150_000, 'the gauge is the outer one');
  const nestedCompaction = entries.find((e) => e.type === 'compaction' && e.claudeSessionId === 'NESTED');
  t.ok(nestedCompaction, 'the nested compaction is logged');
  t.notOk(nestedCompaction && 'miss' in nestedCompaction, 'but not as a miss');
  t.same(entries.filter((e) => e.type === 'request' && e.claudeSessionId === 'NESTED').map((e) => e.type === 'request' && e.thread), ['side', 'side'], 'its requests are side ones');

  await send(logs([compaction('OUTER', 2)]));
  t.equal(run.controller.view.armed, false, 'the outer conversation\'s own compaction disarms it');
  t.match(entries.find((e) => e.type === 'compaction' && e.claudeSessionId === 'OUTER'), { miss: true }, 'and is a miss');
});
