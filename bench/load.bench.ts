// guard's telemetry path under load (test/helpers/telemetry-load.ts): 50 concurrent senders,
// 100,000 api_request log records in protobuf batches of 50, through the receiver, decoders,
// tracker and controller of a `guard claude` run, the footer drawn every 50 ms meanwhile.
// Prints records/s, request latency (p50/p99/max), the event loop's delay (how late the footer
// and the user's keystrokes would be handled) with an idle run's delay as the baseline, and
// whether every record was counted exactly once. Figures only.
import { loadavg, cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runTelemetryLoad } from '../test/helpers/telemetry-load.js';

const SENDERS = 50;
const RECORDS = 100_000;
const PER_BATCH = 50;
/** How long the idle baseline samples the event loop. */
const IDLE_MS = 2_000;

async function idleDelay(): Promise<{ p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  h.disable();
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
}

export default async function loadBench(): Promise<void> {
  process.stdout.write(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores\n`);
  const idle = await idleDelay();
  const r = await runTelemetryLoad({ senders: SENDERS, records: RECORDS, perBatch: PER_BATCH });
  const exact = r.refused === 0 && r.perSession.every((s) => s.counted === s.sent);
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  process.stdout.write(`${SENDERS} senders, ${RECORDS.toLocaleString('en-US')} records in ${r.requests} requests of ${PER_BATCH}: ${r.seconds.toFixed(1)} s\n`);
  process.stdout.write(`records/s                 ${Math.round(r.recordsPerSecond).toLocaleString('en-US')}  (${Math.round(r.recordsPerCpuSecond).toLocaleString('en-US')} per CPU second, senders included)\n`);
  process.stdout.write(`request latency           p50 ${ms(r.latencyMs.p50)}  p99 ${ms(r.latencyMs.p99)}  max ${ms(r.latencyMs.max)}\n`);
  process.stdout.write(`event loop delay          p99 ${ms(r.eventLoopDelayMs.p99)}  max ${ms(r.eventLoopDelayMs.max)}  (idle baseline p99 ${ms(idle.p99)}  max ${ms(idle.max)})\n`);
  process.stdout.write(`footer                    ${r.footerFrames} frames, slowest ${ms(r.footerMaxMs)}\n`);
  process.stdout.write(`counted exactly once      ${exact ? 'yes' : 'NO'} (${r.perSession.reduce((n, s) => n + s.counted, 0)} of ${RECORDS})\n`);
}
