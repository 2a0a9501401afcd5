// The whole data core end to end: each captured fixture session (2.1.197 and 2.1.330, JSON and
// protobuf) is POSTed over HTTP to the real receiver, in arrival order, with its content type
// and the run's token; the receiver's batches go through toClaudeEvent into the tracker, and the
// tracked context must equal the hand-computed figures after every main request.
//
// Hooks: the hook fixtures were captured with the JSON runs (same session and prompt ids); the
// protobuf runs are separate captures with other ids, so their sessions are replayed without
// hooks (the window then comes from the table of known models). For the JSON runs each hook is
// POSTed to /guard/hook/<Event> just before the first telemetry file that mentions its prompt
// id: hooks fire live, while telemetry waits for its export batch (see interleave()).
import t from 'tap';
import { startReceiver, TOKEN_HEADER } from '../../../src/telemetry/receiver.js';
import { toClaudeEvent } from '../../../src/claude/events.js';
import { ClaudeTracker } from '../../helpers/claude-tracker.js';
import type { TelemetryBatch } from '../../../src/telemetry/records.js';
import { VERSIONS, ENCODINGS, EXPECTED, telemetryFiles, hookFiles, interleave, replayChecker, type Version, type Encoding } from './fixture-data.js';

const TOKEN = 'replay-test-token';

async function post(url: string, body: Uint8Array | string, contentType: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType, [TOKEN_HEADER]: TOKEN } });
  await res.arrayBuffer();
  return res.status;
}

for (const version of VERSIONS) {
  for (const encoding of ENCODINGS) {
    const withHooks = encoding === 'json';
    t.test(`${version} ${encoding}${withHooks ? ' + hooks' : ''} through the receiver over HTTP`, async (t) => {
      const tr = new ClaudeTracker({ env: {} });
      const check = replayChecker(t, version);
      const batches: TelemetryBatch['signal'][] = [];
      const hooksSeen: string[] = [];
      const receiver = await startReceiver({
        token: TOKEN,
        onTelemetry(batch) {
          batches.push(batch.signal);
          if (batch.signal === 'metrics') {
            for (const p of batch.points) tr.onMetric(p);
            return;
          }
          for (const r of batch.records) {
            const e = toClaudeEvent(r);
            tr.onEvent(e);
            check.onEvent(e, tr);
          }
        },
        onHook(event, payload) {
          hooksSeen.push(event);
          tr.onHook(event, payload);
        },
      });
      t.teardown(() => receiver.close());

      const files = telemetryFiles(version, encoding as Encoding);
      const hooks = withHooks ? hookFiles(version as Version) : [];
      for (const step of interleave(files, hooks)) {
        if (step.kind === 'hook') {
          const status = await post(`${receiver.url}/guard/hook/${step.hook.event}`, JSON.stringify(step.hook.payload), 'application/json');
          t.equal(status, 200, `hook ${step.hook.name}`);
        } else {
          const status = await post(`${receiver.url}/v1/${step.file.signal}`, step.file.body, step.file.contentType);
          t.equal(status, 200, `${step.file.name}`);
        }
      }
      t.equal(batches.length, files.length, 'every file delivered as one batch');
      t.same(hooksSeen, hooks.map((h) => h.event), 'every hook delivered, in order');
      check.finish(tr);

      const s = tr.snapshot();
      const x = EXPECTED[version];
      t.equal(s.contextWindow, x.window);
      if (withHooks) {
        t.equal(s.claudeSessionId, hooks[0]?.payload['session_id'], 'on screen: the SessionStart session');
        // Sources present in the data: 2.1.330 has the status line (1,000,000); 2.1.197 has no
        // status line and no "[1m]" anywhere, so its 200,000 comes from the table.
        t.equal(s.windowSource, version === '2.1.330' ? 'statusline' : 'known-model');
      } else {
        t.equal(s.windowSource, 'known-model');
      }
    });
  }
}

t.test('a request without the token changes nothing', async (t) => {
  const tr = new ClaudeTracker({ env: {} });
  const receiver = await startReceiver({ token: TOKEN, onTelemetry: () => t.fail('no batch expected'), onHook: (e, p) => tr.onHook(e, p) });
  t.teardown(() => receiver.close());
  const res = await fetch(`${receiver.url}/guard/hook/SessionStart`, { method: 'POST', body: '{"session_id":"X"}', headers: { 'content-type': 'application/json' } });
  await res.arrayBuffer();
  t.equal(res.status, 401);
  t.equal(tr.snapshot().claudeSessionId, null);
});
