// Decodes OTLP/HTTP protobuf request bodies (ExportLogsServiceRequest, ExportMetricsServiceRequest)
// as POSTed by Claude Code's exporter to the receiver: protobufjs decodes them with the OTLP schema
// (otlp-schema.ts), then the walker shared with the JSON decoder (otlp-tree.ts) makes the plain
// records of records.ts, so that both encodings give identical records. Pure.
import type { LogRecord, MetricPoint } from './records.js';
import { OtlpDecodeError, type DecodeStats } from './decode-common.js';
import { REQUEST_PB, type OtlpSignal } from './otlp-schema.js';
import { logsFromTree, metricsFromTree } from './otlp-tree.js';

/** Decodes an ExportLogsServiceRequest in the protobuf encoding. Throws OtlpDecodeError. */
export function decodeProtobufLogs(body: Uint8Array): LogRecord[] {
  return logsFromTree(decodeMessage('logs', body));
}

/** Decodes an ExportMetricsServiceRequest in the protobuf encoding. Throws OtlpDecodeError. */
export function decodeProtobufMetrics(body: Uint8Array, stats?: DecodeStats): MetricPoint[] {
  return metricsFromTree(decodeMessage('metrics', body), stats);
}

function decodeMessage(signal: OtlpSignal, body: Uint8Array): unknown {
  try {
    return REQUEST_PB[signal].decode(body);
  } catch (err) {
    // protobufjs throws plain Errors ("index out of range", "invalid wire type …") on bad bytes.
    throw new OtlpDecodeError(`invalid protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
}
