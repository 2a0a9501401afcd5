// Load on guard's telemetry path as a `guard claude` run has it (src/app/claude-run.ts: receiver →
// decode → events → tracker → controller, footer): `senders` concurrent exporters, each its own
// keep-alive connection and Claude session, POST protobuf log batches of api_request records until
// `records` were sent in all. Meanwhile the footer is drawn every FOOTER_FRAME_MS, as the pane UI
// redraws it, and the event loop's delay is sampled. Output: per-session counts from the tracker (to
// check every record was counted exactly once), the run's cost, records/s, request latencies, and
// the event loop's delay. Shared by the correctness test (test/unit/telemetry/receiver-load.test.ts) and
// `npm run bench` (bench/load.bench.ts).

import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startClaudeRun } from '../../src/app/claude-run.js';
import { TOKEN_ENV } from '../../src/claude/relay/post.js';
import { TOKEN_HEADER } from '../../src/telemetry/receiver.js';
import { encodeRequestPb } from '../../src/telemetry/otlp-schema.js';
import { makePolicyConfig } from '../../src/policy/config.js';
import { resolvePaths } from '../../src/paths.js';
import type { RunRecording } from '../../src/log/run-recording.js';

/** The pane UI redraws the footer at most this often (src/ui/pane-ui.ts throttles to ~60 ms). */
const FOOTER_FRAME_MS = 50;
const FOOTER_WIDTH = 120;
/** Each record's cost, in micro-dollars, so the run's total is exact in floating point. */
const COST_USD = 0.000_5;

export interface LoadOptions {
  senders: number;
  records: number;
  /** Records per POST (Claude's batch processor sends up to 512). */
  perBatch: number;
}

export interface LoadResult {
  sent: number;
  requests: number;
  /** Requests answered with something other than 200. */
  refused: number;
  /** For each sender's session: main requests the tracker counted, and how many were sent. */
  perSession: Array<{ sessionId: string; counted: number; sent: number }>;
  runCostUsd: number;
  expectedCostUsd: number;
  seconds: number;
  recordsPerSecond: number;
  /** Records per CPU second of this process (receiver and senders together): the machine's load aside. */
  recordsPerCpuSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  footerFrames: number;
  /** The slowest footer draw. */
  footerMaxMs: number;
}

function attr(key: string, value: string | number): { key: string; value: Record<string, string> } {
  return { key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } };
}

/** One protobuf logs request: `count` main-thread api_request records of `session`, from sequence `first`. */
function batch(session: string, first: number, count: number): Uint8Array {
  const logRecords = [];
  for (let i = 0; i < count; i++) {
    const seq = first + i;
    logRecords.push({
      timeUnixNano: String((1_700_000_000_000 + seq) * 1_000_000),
      body: { stringValue: 'claude_code.api_request' },
      attributes: [
        attr('event.name', 'api_request'), attr('session.id', session), attr('event.sequence', seq),
        attr('event.timestamp', new Date(1_700_000_000_000 + seq).toISOString()), attr('model', 'claude-sonnet-4-5'),
        attr('query_source', 'repl_main_thread'), attr('input_tokens', 1_000 + seq), attr('output_tokens', 50),
        attr('cache_read_tokens', 0), attr('cache_creation_tokens', 0), attr('cost_usd', String(COST_USD)), attr('duration_ms', 900),
      ],
    });
  }
  return encodeRequestPb('logs', { resourceLogs: [{ resource: { attributes: [attr('service.name', 'claude-code')] }, scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords }] }] });
}

function post(agent: Agent, url: string, token: string, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST', agent,
      headers: { [TOKEN_HEADER]: token, 'content-type': 'application/x-protobuf', 'content-length': body.byteLength },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function runTelemetryLoad(o: LoadOptions): Promise<LoadResult> {
  for (const [k, v] of Object.entries(o)) if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`runTelemetryLoad: ${k} must be a positive integer, got ${String(v)}`);
  const home = mkdtempSync(join(tmpdir(), 'guard-load-'));
  const recording: RunRecording = { id: 'load', paths: resolvePaths({ env: { GUARD_HOME: home } }), log: null, live: null, warnings: [], finish: () => undefined };
  const run = await startClaudeRun({ args: [], cwd: home, env: {}, policy: makePolicyConfig(), color: false, recording, stderr: () => undefined });
  const url = run.supervised.extraEnv!['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT']!;
  const token = run.supervised.extraEnv![TOKEN_ENV]!;
  // Every sender's share, the remainder spread over the first ones.
  const shares = Array.from({ length: o.senders }, (_, i) => Math.floor(o.records / o.senders) + (i < o.records % o.senders ? 1 : 0));
  const sessions = shares.map((_, i) => `load-session-${String(i).padStart(3, '0')}`);
  // Bodies are built before the clock starts: the client's encoding is not guard's cost.
  const bodies = shares.map((share, i) => {
    const out: Uint8Array[] = [];
    for (let first = 1; first <= share; first += o.perBatch) out.push(batch(sessions[i]!, first, Math.min(o.perBatch, share - first + 1)));
    return out;
  });

  const delay = monitorEventLoopDelay({ resolution: 10 });
  let footerFrames = 0;
  let footerMaxMs = 0;
  const frame = setInterval(() => {
    const t0 = performance.now();
    run.supervised.footerSource!.lines(FOOTER_WIDTH);
    footerMaxMs = Math.max(footerMaxMs, performance.now() - t0);
    footerFrames++;
  }, FOOTER_FRAME_MS);
  const latencies: number[] = [];
  let refused = 0;
  const agents: Agent[] = [];
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  delay.enable();
  try {
    await Promise.all(bodies.map(async (list) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      for (const body of list) {
        const t0 = performance.now();
        const status = await post(agent, url, token, body);
        latencies.push(performance.now() - t0);
        if (status !== 200) refused++;
      }
    }));
  } finally {
    delay.disable();
    clearInterval(frame);
    for (const a of agents) a.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perSession = sessions.map((sessionId, i) => ({ sessionId, counted: run.tracker.snapshotFor(sessionId).mainRequests, sent: shares[i]! }));
  const runCostUsd = run.tracker.runCostUsd();
  await run.close();
  rmSync(home, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const ns = (v: number): number => v / 1e6;
  return {
    sent: o.records, requests: latencies.length, refused, perSession, runCostUsd, expectedCostUsd: o.records * COST_USD,
    seconds, recordsPerSecond: o.records / seconds, recordsPerCpuSecond: o.records / cpuSeconds,
    latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
    eventLoopDelayMs: { p50: ns(delay.percentile(50)), p99: ns(delay.percentile(99)), max: ns(delay.max) },
    footerFrames, footerMaxMs,
  };
}
