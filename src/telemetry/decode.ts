// One entry point over the two OTLP decoders: given which signal a request carried and which wire
// encoding it used, turns the (already gunzipped) body into the TelemetryBatch the receiver hands to
// guard. Used by receiver.ts, the fixture replays and the bench. Pure.

import type { TelemetryBatch } from './records.js';
import type { DecodeStats } from './decode-common.js';
import { decodeJsonLogs, decodeJsonMetrics } from './otlp-json.js';
import { decodeProtobufLogs, decodeProtobufMetrics } from './otlp-protobuf.js';

export type OtlpEncoding = 'json' | 'protobuf';

/** Decodes a /v1/logs or /v1/metrics body. Throws OtlpDecodeError on malformed input. */
export function decodeTelemetry(
  signal: 'logs' | 'metrics', encoding: OtlpEncoding, body: Uint8Array, stats?: DecodeStats,
): TelemetryBatch {
  if (signal === 'logs') {
    return { signal, records: encoding === 'json' ? decodeJsonLogs(body) : decodeProtobufLogs(body) };
  }
  return { signal, points: encoding === 'json' ? decodeJsonMetrics(body, stats) : decodeProtobufMetrics(body, stats) };
}

export { OtlpDecodeError, type DecodeStats } from './decode-common.js';
