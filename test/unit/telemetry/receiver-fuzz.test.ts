// The receiver fuzzed in CI: 10,000 seeded cases (test/helpers/receiver-fuzz.ts) through the real
// receiver over loopback. Every case gets 200 or a 4xx (a request the client cuts short may be
// closed instead), none hangs, resident memory stays bounded, and a valid request afterwards is
// still counted. `npm run fuzz -- COUNT SEED` runs more cases, or replays a seed.
import t from 'tap';
import { runReceiverFuzz } from '../../helpers/receiver-fuzz.js';

const SEED = 20261129;
const CASES = 10_000;
/**
 * Growth of this process's resident memory, client included, that counts as bounded: the
 * receiver holds at most 16 MiB per request body (and as much inflated), 8 requests run at once,
 * and the client builds bodies of up to ~10 MiB. A leak of the bodies it refused would pass this
 * after a few hundred cases (10,000 cases carry well over 1 GiB).
 */
const PEAK_GROWTH_MIB = 768;
const AFTER_GROWTH_MIB = 384;

t.test(`receiver fuzz: ${CASES} cases, seed ${SEED}`, { timeout: 600_000 }, async (t) => {
  const s = await runReceiverFuzz({ seed: SEED, count: CASES });
  t.comment(`${s.seconds.toFixed(1)} s; rss ${s.rssBeforeMiB.toFixed(0)} → peak ${s.rssPeakMiB.toFixed(0)} → ${s.rssAfterMiB.toFixed(0)} MiB; ${s.delivered} batches delivered`);
  t.same(s.failures, [], 'every case got 200 or a 4xx, none a 5xx, none hung');
  const kinds = Object.keys(s.byKind);
  for (const kind of ['random bytes', 'truncated protobuf', 'bit-flipped protobuf', 'JSON with wrong types', 'huge strings', 'deep JSON', 'deep protobuf', 'gzip bomb', 'wrong content type', 'content-length longer than the body', 'content-length shorter than the body']) {
    t.ok(kinds.includes(kind), `the run included ${kind}`);
  }
  t.same(Object.keys(s.byKind['gzip bomb'] ?? {}).filter((k) => k === '200'), [], 'no gzip bomb was accepted');
  t.ok(s.rssPeakMiB - s.rssBeforeMiB < PEAK_GROWTH_MIB, `peak resident memory grew ${(s.rssPeakMiB - s.rssBeforeMiB).toFixed(0)} MiB (< ${PEAK_GROWTH_MIB})`);
  t.ok(s.rssAfterMiB - s.rssBeforeMiB < AFTER_GROWTH_MIB, `resident memory afterwards grew ${(s.rssAfterMiB - s.rssBeforeMiB).toFixed(0)} MiB (< ${AFTER_GROWTH_MIB})`);
  t.equal(s.finalStatus, 200, 'a valid request afterwards is accepted');
  t.ok(s.finalDelivered, 'and counted');
});
