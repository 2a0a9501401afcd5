import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRunRecording } from '../../../src/log/run-recording.js';
import { requestRecord, compactionRecord } from '../../../src/log/from-events.js';
import { parseLog } from '../../../src/log/reader.js';
import { listLive } from '../../../src/registry/live.js';
import type { ApiRequestEvent, CompactionEvent } from '../../../src/claude/events.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-rec-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

const base = { sessionId: 'c-1', t: Date.UTC(2026, 10, 24, 5, 0, 0), sequence: 3, promptId: null };
const apiReq = (thread: ApiRequestEvent['thread']): ApiRequestEvent => ({
  ...base, type: 'api_request', thread, threadGuessed: false, querySource: 'repl_main_thread', model: 'claude-sonnet-5',
  inputTokens: 10, outputTokens: 700, cacheReadTokens: 50_000, cacheCreationTokens: 1_000, costUsd: 0.12, durationMs: 900, agentName: null,
});

t.test('records from events', async (t) => {
  t.same(requestRecord(apiReq('main')), {
    t: '2026-11-24T05:00:00.000Z', type: 'request', claudeSessionId: 'c-1', thread: 'main', querySource: 'repl_main_thread', model: 'claude-sonnet-5',
    inputTokens: 10, outputTokens: 700, cacheReadTokens: 50_000, cacheCreationTokens: 1_000, costUsd: 0.12, durationMs: 900, contextTokens: 51_010,
  });
  t.equal(requestRecord(apiReq('main'), { contextTokens: 42 }).contextTokens, 42);
  t.notOk('contextTokens' in requestRecord(apiReq('subagent')), 'no context on sub-agent requests');
  t.notOk('contextTokens' in requestRecord(apiReq('side')));
  const c: CompactionEvent = { ...base, type: 'compaction', trigger: 'auto', success: true, preTokens: 160_000, postTokens: 9_000, durationMs: 3, error: null };
  t.same(compactionRecord(c, { miss: true }), { t: '2026-11-24T05:00:00.000Z', type: 'compaction', claudeSessionId: 'c-1', trigger: 'auto', success: true, preTokens: 160_000, postTokens: 9_000, error: null, miss: true });
  t.notOk('miss' in compactionRecord(c));
});

t.test('a run records its log and live entry under one id, and finishes cleanly', async (t) => {
  const home = tmp(t);
  const rec = startRunRecording({ env: { GUARD_HOME: home }, pid: process.pid, program: 'claude', loggedArgs: ['<redacted>'], cwd: '/p', guardVersion: '0.1.0', flushOnExit: false });
  t.same(rec.warnings, []);
  t.ok(rec.log && rec.live);
  t.equal(rec.log!.id, rec.id);
  t.match(listLive(path.join(home, 'live')), [{ id: rec.id, state: 'starting', logPath: rec.log!.path }]);
  rec.log!.append(requestRecord(apiReq('main')));
  rec.finish({ code: 3, signal: null });
  rec.finish({ code: 4, signal: null });
  const { entries, malformed } = parseLog(fs.readFileSync(path.join(home, 'sessions', `${rec.id}.jsonl`), 'utf8'));
  t.equal(malformed, 0);
  t.same(entries.map((e) => e.type), ['start', 'request', 'exit']);
  t.match(entries[2], { code: 3 });
  t.match(entries[0], { args: ['<redacted>'] });
  t.same(listLive(path.join(home, 'live')), [], 'live entry removed');
});

t.test('an unusable state folder gives warnings, not a failure', async (t) => {
  const root = tmp(t);
  const file = path.join(root, 'not-a-folder');
  fs.writeFileSync(file, '');
  const rec = startRunRecording({ env: { GUARD_HOME: file }, pid: process.pid, program: 'sh', loggedArgs: [], cwd: '/', guardVersion: '0', flushOnExit: false });
  t.equal(rec.log, null);
  t.equal(rec.live, null);
  t.match(rec.warnings, [new RegExp(`${file}.*running without a session log`)]);
  rec.finish({ code: 0, signal: null });
});
