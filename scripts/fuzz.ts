// `npm run fuzz -- [count] [seed]`: the receiver fuzz (test/helpers/receiver-fuzz.ts) for longer
// than CI runs it. Defaults: 200,000 cases, a seed from the clock (printed, to replay a failure).
// Prints the outcome per kind of case and exits 1 if any case failed.
import { runReceiverFuzz } from '../test/helpers/receiver-fuzz.js';

const count = Number(process.argv[2] ?? 200_000);
const seed = Number(process.argv[3] ?? (Date.now() % 2 ** 31));
if (!Number.isSafeInteger(count) || count <= 0) throw new RangeError(`count must be a positive integer, got ${process.argv[2]}`);
if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${process.argv[3]}`);
process.stdout.write(`receiver fuzz: ${count} cases, seed ${seed}\n`);
const s = await runReceiverFuzz({ seed, count, onProgress: (n) => { if (n % 10_000 === 0) process.stdout.write(`  ${n} cases\n`); } });
for (const [kind, counts] of Object.entries(s.byKind).sort()) {
  process.stdout.write(`  ${kind.padEnd(48)} ${Object.entries(counts).map(([k, v]) => `${k}×${v}`).join(' ')}\n`);
}
process.stdout.write(`rss ${s.rssBeforeMiB.toFixed(0)} MiB before, ${s.rssPeakMiB.toFixed(0)} MiB peak, ${s.rssAfterMiB.toFixed(0)} MiB after; `
  + `${s.delivered} batches delivered; valid request afterwards: ${s.finalStatus}${s.finalDelivered ? ', counted' : ', NOT counted'}; ${s.seconds.toFixed(1)} s\n`);
for (const f of s.failures.slice(0, 20)) process.stdout.write(`FAIL case ${f.n} (${f.kind}): ${f.got}\n`);
process.exitCode = s.failures.length === 0 && s.finalStatus === 200 && s.finalDelivered ? 0 : 1;
