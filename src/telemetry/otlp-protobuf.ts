// Decodes OTLP/HTTP protobuf request bodies (ExportLogsServiceRequest, ExportMetricsServiceRequest)
// as POSTed by Claude Code's exporter to the receiver, into the plain records of records.ts.
// otlp-schema.ts does the wire decoding (protobufjs); this module flattens the message tree:
// 64-bit integers become numbers, nanosecond times exact decimal strings. Must produce exactly what
// otlp-json.ts produces for the same content. Pure.

import type { AttrValue, Attributes, LogRecord, MetricPoint } from './records.js';
import { EMPTY_ATTRIBUTES, OtlpDecodeError, putAttr, temporalityOf, type DecodeStats } from './decode-common.js';
import {
  decodeLogsRequestPb, decodeMetricsRequestPb,
  type PbAnyValue, type PbInt64, type PbKeyValue, type PbNumberDataPoint, type PbResource,
} from './otlp-schema.js';

/** Decodes an ExportLogsServiceRequest in the protobuf encoding. Throws OtlpDecodeError. */
export function decodeProtobufLogs(body: Uint8Array): LogRecord[] {
  const req = wireDecode(() => decodeLogsRequestPb(body));
  const out: LogRecord[] = [];
  const times = new NanosCache();
  for (const rl of req.resourceLogs) {
    const resource = resourceAttributes(rl.resource);
    for (const sl of rl.scopeLogs) {
      const scopeName = sl.scope ? sl.scope.name : '';
      const scopeVersion = sl.scope ? sl.scope.version : '';
      for (const rec of sl.logRecords) {
        out.push({
          timeUnixNano: times.decimal(rec.timeUnixNano),
          observedTimeUnixNano: times.decimal(rec.observedTimeUnixNano),
          severityText: rec.severityText,
          body: rec.body ? anyValue(rec.body) : null,
          attributes: attributesOf(rec.attributes),
          resource,
          scopeName,
          scopeVersion,
        });
      }
    }
  }
  return out;
}

/** Decodes an ExportMetricsServiceRequest in the protobuf encoding. Throws OtlpDecodeError. */
export function decodeProtobufMetrics(body: Uint8Array, stats?: DecodeStats): MetricPoint[] {
  const req = wireDecode(() => decodeMetricsRequestPb(body));
  const out: MetricPoint[] = [];
  const times = new NanosCache();
  for (const rm of req.resourceMetrics) {
    const resource = resourceAttributes(rm.resource);
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        const { name, unit } = metric;
        switch (metric.data) {
          case 'sum': {
            const sum = metric.sum!;
            const temporality = temporalityOf(sum.aggregationTemporality);
            for (const dp of sum.dataPoints) {
              out.push(numberPoint(dp, name, unit, 'sum', temporality, sum.isMonotonic, resource, times));
            }
            break;
          }
          case 'gauge':
            for (const dp of metric.gauge!.dataPoints) {
              out.push(numberPoint(dp, name, unit, 'gauge', 'unspecified', false, resource, times));
            }
            break;
          case 'histogram': case 'exponentialHistogram': case 'summary':
            if (stats) stats.skippedDataPoints += metric[metric.data]!.dataPoints.length;
            break;
          default:
            break;
        }
      }
    }
  }
  return out;
}

function wireDecode<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw new OtlpDecodeError(`invalid protobuf: ${(err as Error).message}`);
  }
}

function numberPoint(
  dp: PbNumberDataPoint, name: string, unit: string, kind: MetricPoint['kind'],
  temporality: MetricPoint['temporality'], monotonic: boolean, resource: Attributes, times: NanosCache,
): MetricPoint {
  let value = 0;
  if (dp.value === 'asDouble') value = dp.asDouble;
  else if (dp.value === 'asInt') value = int64ToNumber(dp.asInt);
  return {
    name, unit, kind, temporality, monotonic, value,
    attributes: attributesOf(dp.attributes),
    resource,
    startTimeUnixNano: times.decimal(dp.startTimeUnixNano),
    timeUnixNano: times.decimal(dp.timeUnixNano),
  };
}

function resourceAttributes(resource: PbResource | null | undefined): Attributes {
  return resource ? Object.freeze(attributesOf(resource.attributes)) : EMPTY_ATTRIBUTES;
}

function attributesOf(list: PbKeyValue[]): Attributes {
  const attrs: Attributes = {};
  for (let i = 0; i < list.length; i++) {
    const kv = list[i]!;
    putAttr(attrs, kv.key, kv.value ? anyValue(kv.value) : null);
  }
  return attrs;
}

function anyValue(v: PbAnyValue): AttrValue {
  switch (v.value) {
    case 'stringValue': return v.stringValue;
    case 'intValue': return int64ToNumber(v.intValue);
    case 'boolValue': return v.boolValue;
    case 'doubleValue': return v.doubleValue;
    case 'arrayValue': return v.arrayValue ? v.arrayValue.values.map(anyValue) : [];
    case 'kvlistValue': return v.kvlistValue ? attributesOf(v.kvlistValue.values) : {};
    // Copied so a record does not keep the whole request buffer alive.
    case 'bytesValue': return new Uint8Array(v.bytesValue);
    default: return null;
  }
}

const TWO_POW_32 = 4294967296;

function int64ToNumber(v: PbInt64): number {
  return typeof v === 'number' ? v : v.toNumber();
}

/**
 * fixed64 nanosecond times → exact decimal strings. A batch repeats the same few times (a record's
 * time and observed time are equal; data points share start/end), so the last conversion is kept.
 */
class NanosCache {
  private lastLow = 0;
  private lastHigh = 0;
  private lastText = '0';

  decimal(v: PbInt64): string {
    if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
    const low = v.low >>> 0;
    const high = v.high >>> 0;
    if (low === this.lastLow && high === this.lastHigh) return this.lastText;
    // Below 2^53 the double is exact; above, BigInt keeps every digit.
    const text = high < 0x200000
      ? String(high * TWO_POW_32 + low)
      : ((BigInt(high) << 32n) | BigInt(low)).toString();
    this.lastLow = low;
    this.lastHigh = high;
    this.lastText = text;
    return text;
  }
}
