// Decodes OTLP/HTTP protobuf request bodies (ExportLogsServiceRequest, ExportMetricsServiceRequest)
// as POSTed by Claude Code's exporter to the receiver, into the plain records of records.ts:
// 64-bit integers become numbers, nanosecond times exact decimal strings. Logs (the volume signal)
// are read straight off the wire with pb-wire.ts; metrics are decoded by protobufjs (otlp-schema.ts)
// and flattened. Must produce exactly what otlp-json.ts produces for the same content. Pure.

import type { AttrValue, Attributes, LogRecord, MetricPoint } from './records.js';
import { EMPTY_ATTRIBUTES, MAX_VALUE_DEPTH, OtlpDecodeError, putAttr, temporalityOf, type DecodeStats } from './decode-common.js';
import { decodeMetricsRequestPb, type PbAnyValue, type PbInt64, type PbKeyValue, type PbNumberDataPoint, type PbResource } from './otlp-schema.js';
import { PbReader, uint64Decimal, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './pb-wire.js';

/**
 * Field numbers of the messages the log fast path reads (opentelemetry-proto; a unit test checks
 * them against otlp-schema.ts). Logs are the volume signal, so they skip protobufjs's message
 * objects and 64-bit Longs and go straight from the wire to flat records.
 */
export const LOG_FIELDS = {
  ExportLogsServiceRequest: { resourceLogs: 1 },
  ResourceLogs: { resource: 1, scopeLogs: 2 },
  Resource: { attributes: 1 },
  ScopeLogs: { scope: 1, logRecords: 2 },
  InstrumentationScope: { name: 1, version: 2 },
  LogRecord: { timeUnixNano: 1, observedTimeUnixNano: 11, severityText: 3, body: 5, attributes: 6 },
  KeyValue: { key: 1, value: 2 },
  AnyValue: { stringValue: 1, boolValue: 2, intValue: 3, doubleValue: 4, arrayValue: 5, kvlistValue: 6, bytesValue: 7 },
  ArrayValue: { values: 1 },
  KeyValueList: { values: 1 },
} as const;

/** Decodes an ExportLogsServiceRequest in the protobuf encoding. Throws OtlpDecodeError. */
export function decodeProtobufLogs(body: Uint8Array): LogRecord[] {
  const r = new PbReader(body);
  const end = r.buf.length;
  const out: LogRecord[] = [];
  const times = new NanosCache();
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag >>> 3 === LOG_FIELDS.ExportLogsServiceRequest.resourceLogs && (tag & 7) === WIRE_LEN) {
      resourceLogs(r, r.lengthEnd(end), out, times);
    } else r.skip(tag & 7, end);
  }
  return out;
}

function resourceLogs(r: PbReader, end: number, out: LogRecord[], times: NanosCache): void {
  const first = out.length;
  let resource = EMPTY_ATTRIBUTES;
  while (r.pos < end) {
    const tag = r.uint32(end);
    const field = tag >>> 3;
    if ((tag & 7) !== WIRE_LEN) r.skip(tag & 7, end);
    else if (field === LOG_FIELDS.ResourceLogs.scopeLogs) scopeLogs(r, r.lengthEnd(end), out, times);
    else if (field === LOG_FIELDS.ResourceLogs.resource) resource = resourceMessage(r, r.lengthEnd(end));
    else r.skip(WIRE_LEN, end);
  }
  // The resource may follow the records on the wire, so it is filled in once the message is read.
  for (let i = first; i < out.length; i++) out[i]!.resource = resource;
}

function resourceMessage(r: PbReader, end: number): Attributes {
  const attrs: Attributes = {};
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag >>> 3 === LOG_FIELDS.Resource.attributes && (tag & 7) === WIRE_LEN) keyValue(r, r.lengthEnd(end), attrs, 0);
    else r.skip(tag & 7, end);
  }
  return Object.freeze(attrs);
}

function scopeLogs(r: PbReader, end: number, out: LogRecord[], times: NanosCache): void {
  const first = out.length;
  let scopeName = '';
  let scopeVersion = '';
  while (r.pos < end) {
    const tag = r.uint32(end);
    const field = tag >>> 3;
    if ((tag & 7) !== WIRE_LEN) r.skip(tag & 7, end);
    else if (field === LOG_FIELDS.ScopeLogs.logRecords) out.push(logRecord(r, r.lengthEnd(end), times));
    else if (field === LOG_FIELDS.ScopeLogs.scope) {
      const scopeEnd = r.lengthEnd(end);
      while (r.pos < scopeEnd) {
        const t = r.uint32(scopeEnd);
        if ((t & 7) === WIRE_LEN && t >>> 3 === LOG_FIELDS.InstrumentationScope.name) scopeName = r.string(scopeEnd);
        else if ((t & 7) === WIRE_LEN && t >>> 3 === LOG_FIELDS.InstrumentationScope.version) scopeVersion = r.string(scopeEnd);
        else r.skip(t & 7, scopeEnd);
      }
    } else r.skip(WIRE_LEN, end);
  }
  if (scopeName !== '' || scopeVersion !== '') {
    for (let i = first; i < out.length; i++) {
      const rec = out[i]!;
      rec.scopeName = scopeName;
      rec.scopeVersion = scopeVersion;
    }
  }
}

function logRecord(r: PbReader, end: number, times: NanosCache): LogRecord {
  const rec: LogRecord = {
    timeUnixNano: '0',
    observedTimeUnixNano: '0',
    severityText: '',
    body: null,
    attributes: {},
    resource: EMPTY_ATTRIBUTES,
    scopeName: '',
    scopeVersion: '',
  };
  const F = LOG_FIELDS.LogRecord;
  while (r.pos < end) {
    const tag = r.uint32(end);
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === F.attributes && wire === WIRE_LEN) keyValue(r, r.lengthEnd(end), rec.attributes, 0);
    else if (field === F.timeUnixNano && wire === WIRE_FIXED64) rec.timeUnixNano = times.fromWire(r, end);
    else if (field === F.observedTimeUnixNano && wire === WIRE_FIXED64) rec.observedTimeUnixNano = times.fromWire(r, end);
    else if (field === F.body && wire === WIRE_LEN) rec.body = anyValueMessage(r, r.lengthEnd(end), 0);
    else if (field === F.severityText && wire === WIRE_LEN) rec.severityText = r.string(end);
    else r.skip(wire, end);
  }
  return rec;
}

function keyValue(r: PbReader, end: number, into: Attributes, depth: number): void {
  let key = '';
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32(end);
    const field = tag >>> 3;
    if ((tag & 7) !== WIRE_LEN) r.skip(tag & 7, end);
    else if (field === LOG_FIELDS.KeyValue.key) key = r.repeatedString(end);
    else if (field === LOG_FIELDS.KeyValue.value) value = anyValueMessage(r, r.lengthEnd(end), depth);
    else r.skip(WIRE_LEN, end);
  }
  putAttr(into, key, value);
}

/** An AnyValue message: the last oneof member on the wire wins; none set is null. */
function anyValueMessage(r: PbReader, end: number, depth: number): AttrValue {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError('invalid protobuf: values nested too deep');
  const F = LOG_FIELDS.AnyValue;
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32(end);
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === F.stringValue && wire === WIRE_LEN) value = r.repeatedString(end);
    else if (field === F.intValue && wire === WIRE_VARINT) value = r.int64(end);
    else if (field === F.boolValue && wire === WIRE_VARINT) value = r.uint32(end) !== 0;
    else if (field === F.doubleValue && wire === WIRE_FIXED64) value = r.double(end);
    else if (field === F.arrayValue && wire === WIRE_LEN) value = arrayValue(r, r.lengthEnd(end), depth + 1);
    else if (field === F.kvlistValue && wire === WIRE_LEN) value = kvlistValue(r, r.lengthEnd(end), depth + 1);
    else if (field === F.bytesValue && wire === WIRE_LEN) value = r.bytes(end);
    else r.skip(wire, end);
  }
  return value;
}

function arrayValue(r: PbReader, end: number, depth: number): AttrValue[] {
  const values: AttrValue[] = [];
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag >>> 3 === LOG_FIELDS.ArrayValue.values && (tag & 7) === WIRE_LEN) values.push(anyValueMessage(r, r.lengthEnd(end), depth));
    else r.skip(tag & 7, end);
  }
  return values;
}

function kvlistValue(r: PbReader, end: number, depth: number): Attributes {
  const attrs: Attributes = {};
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag >>> 3 === LOG_FIELDS.KeyValueList.values && (tag & 7) === WIRE_LEN) keyValue(r, r.lengthEnd(end), attrs, depth);
    else r.skip(tag & 7, end);
  }
  return attrs;
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

  /** From a protobufjs Long (metrics path). */
  decimal(v: PbInt64): string {
    if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
    return this.text(v.low >>> 0, v.high >>> 0);
  }

  /** Straight from the wire (logs path). */
  fromWire(r: PbReader, end: number): string {
    r.fixed64(end);
    return this.text(r.low, r.high);
  }

  private text(low: number, high: number): string {
    if (low === this.lastLow && high === this.lastHigh) return this.lastText;
    this.lastLow = low;
    this.lastHigh = high;
    this.lastText = uint64Decimal(low, high);
    return this.lastText;
  }
}
