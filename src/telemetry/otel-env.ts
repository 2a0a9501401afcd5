// The OpenTelemetry SDK variables that send an agent's OTLP logs and metrics to guard's receiver,
// with the run's token. Input: the receiver's URL, the token header and value, the protocols and
// export intervals the agent's adapter asks for. Output: environment variables for the agent
// (src/agents/<name>/ adds its own switches, e.g. Claude's CLAUDE_CODE_ENABLE_TELEMETRY). Pure.
import type { ForwardProtocol, ForwardSignal } from './forward-env.js';

export interface OtlpExporterEnvOptions {
  /** http://127.0.0.1:PORT: the receiver. */
  receiverUrl: string;
  tokenHeader: string;
  token: string;
  /** For each signal guard forwards, the user's own protocol (default http/json). */
  protocols?: Partial<Record<ForwardSignal, ForwardProtocol>>;
  logsIntervalMs: number;
  metricsIntervalMs: number;
}

/** What guard asks an agent to send when nothing else decides. */
export const DEFAULT_PROTOCOL: ForwardProtocol = 'http/json';

export function otlpExporterEnv(o: OtlpExporterEnvOptions): Record<string, string> {
  const header = `${o.tokenHeader}=${o.token}`;
  const protocols = o.protocols ?? {};
  return {
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    // Per-signal variables only. They win over the general ones in the exporter, so a user who set
    // their own for a collector cannot take the agent's data away from guard; and the general ones
    // stay the user's, so guard's token never reaches an endpoint of theirs (traces, say).
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${o.receiverUrl}/v1/logs`,
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${o.receiverUrl}/v1/metrics`,
    // JSON unless the user's collector, which gets the same bodies, takes protobuf: guard decodes
    // JSON with JSON.parse, where protobuf needs protobufjs loaded and its decoders generated
    // (~70-100 ms of CPU at the first export, measured, which lands while Claude draws its first
    // screen). Both encodings give identical records (the fixture replays in test/unit/telemetry).
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: protocols.logs ?? DEFAULT_PROTOCOL,
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: protocols.metrics ?? DEFAULT_PROTOCOL,
    OTEL_EXPORTER_OTLP_LOGS_HEADERS: header,
    OTEL_EXPORTER_OTLP_METRICS_HEADERS: header,
    OTEL_LOGS_EXPORT_INTERVAL: String(o.logsIntervalMs),
    OTEL_METRIC_EXPORT_INTERVAL: String(o.metricsIntervalMs),
  };
}
