// Load through a whole `guard claude` telemetry path (test/helpers/telemetry-load.ts): 50
// concurrent senders over the real receiver; every record is counted exactly once, in its own
// session, and the footer kept being drawn throughout. Speed is `npm run bench -- load`.
import t from 'tap';
import { runTelemetryLoad } from '../../helpers/telemetry-load.js';

t.test('50 concurrent senders, 20,000 records: each counted exactly once', { timeout: 300_000 }, async (t) => {
  const r = await runTelemetryLoad({ senders: 50, records: 20_000, perBatch: 50 });
  t.comment(`${r.requests} requests in ${r.seconds.toFixed(1)} s; ${Math.round(r.recordsPerSecond)} records/s; p99 ${r.latencyMs.p99.toFixed(0)} ms; event loop p99 ${r.eventLoopDelayMs.p99.toFixed(0)} ms; ${r.footerFrames} footer frames`);
  t.equal(r.refused, 0, 'every request accepted');
  t.equal(r.requests, 50 * Math.ceil(20_000 / 50 / 50), 'every batch sent once');
  t.same(r.perSession.filter((s) => s.counted !== s.sent), [], 'each session counted exactly the records it was sent');
  t.equal(r.perSession.reduce((n, s) => n + s.counted, 0), 20_000);
  t.ok(Math.abs(r.runCostUsd - r.expectedCostUsd) < 1e-6, `the run's cost is the sum of every record's once ($${r.runCostUsd.toFixed(4)})`);
  t.ok(r.footerFrames > 0, 'the footer was drawn during the load');
});
