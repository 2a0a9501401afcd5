// `--metrics-port P`: one guard run's figures for Prometheus, at http://127.0.0.1:P/metrics in the
// Prometheus text format. The one module that imports `prom-client`. Input: the run's context
// snapshot and guard's health, read at scrape time from a MetricsSource (so a scrape equals what
// `guard ls --json` shows), and the run's events pushed in by the agent run (src/app/agent-run.ts): checkpoint records,
// Claude's compactions, receiver errors. Output: the HTTP answer to each scrape. Loaded only when
// a port is set: prom-client costs start-up time every other run would pay for nothing.
//
// Every series carries `session`, the guard run id (`guard ls` / `guard log`), so several guarded
// sessions can be scraped side by side, each on its own port.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { http } from '../lib/lazy-builtin.js';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { ContextSnapshot } from '../context/snapshot.js';
import type { CheckpointRecord } from '../log/records.js';

/** Loopback only, like the receiver: the figures name projects and costs. */
const HOST = '127.0.0.1';
const PATH = '/metrics';

/**
 * The checkpoint phases that end a step of a checkpoint (src/log/records.ts lists them all):
 * done (resumed after a handoff, compacted), or not (failed — a failed try that is retried counts
 * too —, fallback from handoff to compact, skipped by the user, disarmed because the context
 * dropped, warned with strategy off, refused: guard did not type, miss: Claude compacted on its
 * own first). The other phases (armed, prompted, note-written, cleared, compact-sent) are steps on
 * the way, and `held` has its own counter.
 */
export const CHECKPOINT_OUTCOMES = ['resumed', 'compacted', 'failed', 'fallback', 'skipped', 'disarmed', 'warned', 'refused', 'miss'] as const;
/** The checkpoint record phase that says guard held back one of Claude's automatic compactions. */
export const HELD_PHASE = 'held';
const TRIGGERS = ['manual', 'auto'] as const;

/** What a scrape reads, at the time of the scrape. */
export interface MetricsSource {
  /** The guard run id. */
  session: string;
  snapshot(): ContextSnapshot;
  /** Telemetry exports that did not reach the user's collector so far (failed or dropped). */
  forwardsDropped(): number;
}

export interface RunMetrics {
  readonly port: number;
  /** http://127.0.0.1:PORT/metrics */
  readonly url: string;
  /** Each checkpoint record the controller logs. */
  checkpoint(r: Pick<CheckpointRecord, 'phase'>): void;
  /** Each (new) compaction event from Claude's telemetry. */
  compaction(trigger: 'manual' | 'auto'): void;
  /** Each request the receiver refused or failed on. */
  receiverError(): void;
  close(): Promise<void>;
}

export interface MetricsOptions {
  port: number;
  source: MetricsSource;
  /** Default 127.0.0.1; tests only. */
  host?: string;
}

export class MetricsPortError extends Error {
  override readonly name = 'MetricsPortError';
}

/** The registry with guard's metrics; exported for the unit tests. */
export function buildRegistry(source: MetricsSource): { registry: Registry; events: Omit<RunMetrics, 'port' | 'url' | 'close'> } {
  const registry = new Registry();
  const session = source.session;
  const labels = { session };
  const registers = [registry];
  const fromSnapshot = (name: string, help: string, pick: (s: ContextSnapshot) => number | null): Gauge => new Gauge({
    name, help, labelNames: ['session'], registers,
    collect() {
      this.reset();
      const v = pick(source.snapshot());
      if (v !== null) this.set(labels, v);
    },
  });
  fromSnapshot('guard_context_tokens', 'Context in use: input + cache read + cache creation tokens of the newest main-conversation request (absent before the first).', (s) => s.contextTokens);
  fromSnapshot('guard_context_window_tokens', 'The context window of the model in use, in tokens.', (s) => s.contextWindow);
  fromSnapshot('guard_auto_compact_tokens', 'Where Claude Code would compact on its own, in tokens.', (s) => s.autoCompactAt);
  fromSnapshot('guard_cost_usd', 'Cost of the guard run so far, in US dollars (every request, sub-agents included).', (s) => s.costUsd);
  new Gauge({
    name: 'guard_session_info', help: 'The Claude conversation on screen and its model (value 1).', labelNames: ['session', 'claude_session_id', 'model'], registers,
    collect() {
      this.reset();
      const s = source.snapshot();
      this.set({ session, claude_session_id: s.claudeSessionId ?? '', model: s.model ?? '' }, 1);
    },
  });
  const checkpoints = new Counter({ name: 'guard_checkpoints_total', help: 'Checkpoint steps that ended, by outcome.', labelNames: ['session', 'outcome'], registers });
  const compactions = new Counter({ name: 'guard_compactions_total', help: "Claude's compactions, by trigger.", labelNames: ['session', 'trigger'], registers });
  const held = new Counter({ name: 'guard_compactions_held_total', help: "Claude's automatic compactions that guard held back.", labelNames: ['session'], registers });
  const receiverErrors = new Counter({ name: 'guard_receiver_errors_total', help: "Requests guard's telemetry receiver refused or failed on.", labelNames: ['session'], registers });
  new Counter({
    name: 'guard_forwards_dropped_total', help: "Telemetry exports that did not reach the user's own collector.", labelNames: ['session'], registers,
    collect() {
      this.reset();
      this.inc(labels, source.forwardsDropped());
    },
  });
  // Every series exists from the start (at 0), so rate() and alerts see the first event.
  for (const outcome of CHECKPOINT_OUTCOMES) checkpoints.inc({ session, outcome }, 0);
  for (const trigger of TRIGGERS) compactions.inc({ session, trigger }, 0);
  held.inc(labels, 0);
  receiverErrors.inc(labels, 0);
  const outcomes = new Set<string>(CHECKPOINT_OUTCOMES);
  return {
    registry,
    events: {
      checkpoint: (r) => {
        if (outcomes.has(r.phase)) checkpoints.inc({ session, outcome: r.phase });
        if (r.phase === HELD_PHASE) held.inc(labels);
      },
      compaction: (trigger) => { compactions.inc({ session, trigger }); },
      receiverError: () => { receiverErrors.inc(labels); },
    },
  };
}

/** Starts the server; rejects with MetricsPortError (naming the port) when it cannot listen. */
export async function startMetricsServer(o: MetricsOptions): Promise<RunMetrics> {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535) throw new RangeError(`startMetricsServer: port must be a whole number from 0 to 65535, got ${String(o.port)}`);
  const { registry, events } = buildRegistry(o.source);
  const host = o.host ?? HOST;
  const server = http().createServer((req, res) => { answer(req, res).catch(() => { if (!res.headersSent) reply(res, 500, 'internal error\n'); else res.destroy(); }); });
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== PATH) return reply(res, 404, `no such path: use ${PATH}\n`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return reply(res, 405, 'use GET\n');
    }
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new MetricsPortError(err.code === 'EADDRINUSE'
        ? `port ${o.port} on ${host} is in use (another guard?): no metrics for this session`
        : `cannot serve metrics on ${host}:${o.port} (${err.code ?? err.message})`));
    };
    server.once('error', onError);
    server.listen(o.port, host, () => { server.off('error', onError); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    port,
    url: `http://${host}:${port}${PATH}`,
    ...events,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
