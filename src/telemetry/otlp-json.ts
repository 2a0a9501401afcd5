// Decodes OTLP/HTTP JSON request bodies (ExportLogsServiceRequest, ExportMetricsServiceRequest) as
// POSTed by Claude Code's exporter to the receiver: JSON.parse, then the walker shared with the
// protobuf decoder (otlp-tree.ts), so that both encodings give identical records. Pure.
import type { LogRecord, MetricPoint } from './records.js';
import { OtlpDecodeError, type DecodeStats } from './decode-common.js';
import { logsFromTree, metricsFromTree } from './otlp-tree.js';

/** Decodes an ExportLogsServiceRequest in the OTLP JSON encoding. Throws OtlpDecodeError. */
export function decodeJsonLogs(body: Uint8Array | string): LogRecord[] {
  return logsFromTree(parseJson(body));
}

/** Decodes an ExportMetricsServiceRequest in the OTLP JSON encoding. Throws OtlpDecodeError. */
export function decodeJsonMetrics(body: Uint8Array | string, stats?: DecodeStats): MetricPoint[] {
  return metricsFromTree(parseJson(body), stats);
}

function parseJson(body: Uint8Array | string): unknown {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON: ${(err as Error).message}`);
  }
}
