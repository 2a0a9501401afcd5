// guard's Prometheus endpoint (src/prometheus/metrics.ts) against a fake run: what a scrape
// returns (the Prometheus text format, read here line by line, not with prom-client), that it
// reads the snapshot at scrape time, counts what it is told, answers only GET /metrics on
// loopback, and says clearly when its port is taken.
import t from 'tap';
import { request } from 'node:http';
import type { ContextSnapshot } from '../../../src/context/snapshot.js';
import { CHECKPOINT_OUTCOMES, startMetricsServer, type MetricsSource } from '../../../src/prometheus/metrics.js';

function snap(over: Partial<ContextSnapshot> = {}): ContextSnapshot {
  return {
    claudeSessionId: 'c1', model: 'claude-sonnet-4-5', contextTokens: 121_400, lastOutputTokens: 40, contextWindow: 200_000, windowSource: 'known-model',
    autoCompactAt: 167_000, autoCompactSource: 'default', growthPerTurn: null, growthHigh: null, turnsLeft: null, costUsd: 0.0123456789,
    mainRequests: 3, compactions: [], ...over,
  };
}

async function get(url: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `name{labels} value` lines as a map from `name{labels}` to the value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

t.test('a scrape: the snapshot now, the counters, every series labelled with the run', async (t) => {
  let current = snap();
  let dropped = 0;
  const source: MetricsSource = { session: 'run-1', snapshot: () => current, forwardsDropped: () => dropped };
  const m = await startMetricsServer({ port: 0, source });
  t.teardown(() => m.close());
  t.match(m.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

  const first = await get(m.url);
  t.equal(first.status, 200);
  t.match(first.type, /^text\/plain; version=0\.0\.4/);
  t.match(first.body, /^# HELP guard_context_tokens /m);
  t.match(first.body, /^# TYPE guard_context_tokens gauge$/m);
  t.match(first.body, /^# TYPE guard_checkpoints_total counter$/m);
  const s1 = samples(first.body);
  t.equal(s1.get('guard_context_tokens{session="run-1"}'), 121_400);
  t.equal(s1.get('guard_context_window_tokens{session="run-1"}'), 200_000);
  t.equal(s1.get('guard_auto_compact_tokens{session="run-1"}'), 167_000);
  t.equal(s1.get('guard_cost_usd{session="run-1"}'), 0.0123456789, 'the cost to the last digit');
  t.equal(s1.get('guard_session_info{session="run-1",claude_session_id="c1",model="claude-sonnet-4-5"}'), 1);
  for (const outcome of CHECKPOINT_OUTCOMES) t.equal(s1.get(`guard_checkpoints_total{session="run-1",outcome="${outcome}"}`), 0, `${outcome} starts at 0`);
  t.equal(s1.get('guard_compactions_total{session="run-1",trigger="auto"}'), 0);
  t.equal(s1.get('guard_compactions_held_total{session="run-1"}'), 0);
  t.equal(s1.get('guard_forwards_dropped_total{session="run-1"}'), 0);
  t.equal(s1.get('guard_receiver_errors_total{session="run-1"}'), 0);

  current = snap({ contextTokens: 150_000, costUsd: 0.5, claudeSessionId: 'c2' });
  dropped = 3;
  for (const phase of ['armed', 'prompted', 'note-written', 'cleared', 'resumed', 'failed', 'failed', 'compacted', 'miss', 'held', 'held']) m.checkpoint({ phase });
  m.compaction('manual');
  m.compaction('auto');
  m.compaction('auto');
  m.receiverError();
  const s2 = samples((await get(m.url)).body);
  t.equal(s2.get('guard_context_tokens{session="run-1"}'), 150_000, 'read at scrape time');
  t.equal(s2.get('guard_cost_usd{session="run-1"}'), 0.5);
  t.equal(s2.get('guard_session_info{session="run-1",claude_session_id="c2",model="claude-sonnet-4-5"}'), 1);
  t.notOk(s2.has('guard_session_info{session="run-1",claude_session_id="c1",model="claude-sonnet-4-5"}'), 'the old conversation is gone');
  t.equal(s2.get('guard_checkpoints_total{session="run-1",outcome="resumed"}'), 1);
  t.equal(s2.get('guard_checkpoints_total{session="run-1",outcome="failed"}'), 2);
  t.equal(s2.get('guard_checkpoints_total{session="run-1",outcome="compacted"}'), 1);
  t.equal(s2.get('guard_checkpoints_total{session="run-1",outcome="miss"}'), 1);
  t.notOk([...s2.keys()].some((k) => /outcome="(armed|prompted|note-written|cleared|held)"/.test(k)), 'steps on the way are not outcomes');
  t.equal(s2.get('guard_compactions_total{session="run-1",trigger="manual"}'), 1);
  t.equal(s2.get('guard_compactions_total{session="run-1",trigger="auto"}'), 2);
  t.equal(s2.get('guard_compactions_held_total{session="run-1"}'), 2);
  t.equal(s2.get('guard_forwards_dropped_total{session="run-1"}'), 3);
  t.equal(s2.get('guard_receiver_errors_total{session="run-1"}'), 1);

  current = snap({ contextTokens: null });
  t.notOk(samples((await get(m.url)).body).has('guard_context_tokens{session="run-1"}'), 'no context figure before the first request');
});

t.test('only GET /metrics', async (t) => {
  const m = await startMetricsServer({ port: 0, source: { session: 'r', snapshot: () => snap(), forwardsDropped: () => 0 } });
  t.teardown(() => m.close());
  const base = m.url.replace(/\/metrics$/, '');
  t.equal((await get(`${base}/`)).status, 404);
  t.equal((await get(`${base}/metrics/x`)).status, 404);
  t.equal((await get(m.url, 'POST')).status, 405);
  const head = await get(m.url, 'HEAD');
  t.same([head.status, head.body], [200, '']);
  t.equal((await get(`${m.url}?x=1`)).status, 200, 'a query string is ignored');
});

t.test('a port in use is a clear error; closing frees it', async (t) => {
  const source: MetricsSource = { session: 'r', snapshot: () => snap(), forwardsDropped: () => 0 };
  const a = await startMetricsServer({ port: 0, source });
  await t.rejects(startMetricsServer({ port: a.port, source }), { name: 'MetricsPortError', message: `port ${a.port} on 127.0.0.1 is in use (another guard?): no metrics for this session` });
  await a.close();
  await a.close();
  const b = await startMetricsServer({ port: a.port, source });
  t.equal(b.port, a.port, 'the port is free again after close()');
  await b.close();
  await t.rejects(startMetricsServer({ port: 70_000, source }), RangeError);
});
