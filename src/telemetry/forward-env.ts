// Where the user's own Claude Code would have sent its OTLP logs and metrics. Input: the
// environment the user started guard with (before guard points Claude's exporter at its receiver).
// Output: one ForwardTarget per signal to keep flowing (endpoint, headers, protocol, compression,
// timeout) plus warnings for what cannot be forwarded. Pure: the agent run (src/app/agent-run.ts) asks the agent for each
// target's protocol, and forwarder.ts re-sends the receiver's accepted bodies to the targets.
// The rules follow the OpenTelemetry exporter configuration that Claude Code's exporter honours.

export type ForwardSignal = 'logs' | 'metrics';
export type ForwardProtocol = 'http/protobuf' | 'http/json';
export type ForwardCompression = 'gzip' | 'none';

export interface ForwardTarget {
  signal: ForwardSignal;
  /** The full URL the body is POSTed to (…/v1/logs, or the per-signal endpoint as given). */
  url: string;
  /** Lower-case names; values already URL-decoded. Never guard's token header. */
  headers: Record<string, string>;
  protocol: ForwardProtocol;
  compression: ForwardCompression;
  /** Per-request time limit (OTEL_EXPORTER_OTLP_TIMEOUT, default 10 s). */
  timeoutMs: number;
}

export interface ForwardPlan {
  targets: Partial<Record<ForwardSignal, ForwardTarget>>;
  /** Shown once at start: telemetry the user asked for that guard cannot forward. */
  warnings: string[];
}

export interface ForwardEnvOptions {
  /** guard's token header: dropped from forwarded headers whatever the user set. */
  tokenHeader: string;
  /**
   * Set in the environment of every Claude that guard runs. When present, the exporter settings in
   * `env` are another guard's (guard run from inside a guarded Claude): forwarding there would feed
   * this Claude's figures into that guard's gauge, so nothing is forwarded.
   */
  insideGuardEnv: string;
}

/** The OTLP/HTTP default when no endpoint is set (the OpenTelemetry specification). */
export const DEFAULT_ENDPOINT = 'http://localhost:4318';
/** OTEL_EXPORTER_OTLP_TIMEOUT's default (the OpenTelemetry specification). */
export const DEFAULT_TIMEOUT_MS = 10_000;
const SIGNALS: readonly ForwardSignal[] = ['logs', 'metrics'];
const PATHS: Record<ForwardSignal, string> = { logs: 'v1/logs', metrics: 'v1/metrics' };
// Claude Code reads its boolean switches this way ("1", "true", "yes", "on", any case).
const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

/** Whether CLAUDE_CODE_ENABLE_TELEMETRY's value turns Claude's telemetry on, as Claude reads it. */
export function telemetryOn(raw: string | undefined): boolean {
  return TRUTHY.has(raw?.toLowerCase() ?? '');
}
/** Headers the HTTP client sets itself (or refuses): a user value there would break the request. */
const MANAGED_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'host', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect']);

export function forwardPlanFromEnv(env: NodeJS.ProcessEnv, o: ForwardEnvOptions): ForwardPlan {
  const plan: ForwardPlan = { targets: {}, warnings: [] };
  if (!telemetryOn(value(env, 'CLAUDE_CODE_ENABLE_TELEMETRY'))) return plan;
  if (value(env, o.insideGuardEnv) !== undefined) return plan;
  const grpc: ForwardSignal[] = [];
  for (const signal of SIGNALS) {
    const SIG = signal.toUpperCase();
    const exporters = (value(env, `OTEL_${SIG}_EXPORTER`) ?? '').toLowerCase().split(',').map((s) => s.trim());
    if (!exporters.includes('otlp')) continue;
    const perSignal = (name: string): string | undefined => value(env, `OTEL_EXPORTER_OTLP_${SIG}_${name}`) ?? value(env, `OTEL_EXPORTER_OTLP_${name}`);

    const protocol = (perSignal('PROTOCOL') ?? 'http/protobuf').toLowerCase();
    if (protocol === 'grpc') {
      grpc.push(signal);
      continue;
    }
    if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
      plan.warnings.push(`not forwarding Claude's ${signal}: unknown OTLP protocol ${JSON.stringify(protocol)} (use http/protobuf or http/json)`);
      continue;
    }

    const own = value(env, `OTEL_EXPORTER_OTLP_${SIG}_ENDPOINT`);
    const url = own ?? withPath(value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? DEFAULT_ENDPOINT, PATHS[signal]);
    if (!isHttpUrl(url)) {
      plan.warnings.push(`not forwarding Claude's ${signal}: ${JSON.stringify(url)} is not an http(s) URL`);
      continue;
    }

    // The exporter sends the general headers and the per-signal ones together, the latter winning.
    const headers = { ...parseHeaders(value(env, 'OTEL_EXPORTER_OTLP_HEADERS')), ...parseHeaders(value(env, `OTEL_EXPORTER_OTLP_${SIG}_HEADERS`)) };
    delete headers[o.tokenHeader.toLowerCase()];

    const timeout = Number(perSignal('TIMEOUT'));
    plan.targets[signal] = {
      signal,
      url,
      headers,
      protocol,
      compression: perSignal('COMPRESSION')?.toLowerCase() === 'gzip' ? 'gzip' : 'none',
      timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS,
    };
  }
  if (grpc.length > 0) {
    plan.warnings.push(`Claude's ${grpc.join(' and ')} are set to OTLP over gRPC, which guard cannot forward: `
      + 'they reach only guard during this run (set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf to keep them flowing)');
  }
  return plan;
}

/**
 * `k=v,k2=v2` as the OpenTelemetry specification reads it: names trimmed and lower-cased, values
 * trimmed and URL-decoded; entries without `=` or a name are skipped.
 */
export function parseHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  for (const pair of raw.split(',')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim().toLowerCase();
    if (name === '' || MANAGED_HEADERS.has(name)) continue;
    out[name] = decode(pair.slice(eq + 1).trim());
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a lone % is kept as written rather than losing the header
  }
}

/** The general endpoint gets the signal's path appended (one slash between). */
function withPath(base: string, path: string): string {
  return base.endsWith('/') ? base + path : `${base}/${path}`;
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A variable's trimmed value; empty counts as unset (as the exporter treats it). */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}
