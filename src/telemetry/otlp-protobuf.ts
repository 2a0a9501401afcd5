// Decodes OTLP/HTTP protobuf request bodies (ExportLogsServiceRequest, ExportMetricsServiceRequest)
// as POSTed by Claude Code's exporter to the receiver, into the plain records of records.ts:
// 64-bit integers become numbers, nanosecond times exact decimal strings. Read straight off the
// wire with pb-wire.ts, without protobufjs message objects or 64-bit Longs (logs are the volume
// signal); the field numbers below are checked against the schema in otlp-schema.ts by a unit test.
// Must produce exactly what otlp-json.ts produces for the same content. Pure.

import type { AttrValue, Attributes, LogRecord, MetricPoint } from './records.js';
import { EMPTY_ATTRIBUTES, MAX_VALUE_DEPTH, OtlpDecodeError, putAttr, temporalityOf, type DecodeStats } from './decode-common.js';
import { PbReader, uint64Decimal, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './pb-wire.js';

/** Field numbers of the logs messages (opentelemetry-proto). */
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

/** Field numbers of the metrics messages (opentelemetry-proto; checked against otlp-schema.ts too). */
export const METRIC_FIELDS = {
  ExportMetricsServiceRequest: { resourceMetrics: 1 },
  ResourceMetrics: { resource: 1, scopeMetrics: 2 },
  ScopeMetrics: { metrics: 2 },
  Metric: { name: 1, unit: 3, gauge: 5, sum: 7, histogram: 9, exponentialHistogram: 10, summary: 11 },
  Sum: { dataPoints: 1, aggregationTemporality: 2, isMonotonic: 3 },
  Gauge: { dataPoints: 1 },
  NumberDataPoint: { attributes: 7, startTimeUnixNano: 2, timeUnixNano: 3, asDouble: 4, asInt: 6 },
} as const;

/** Decodes an ExportMetricsServiceRequest in the protobuf encoding. Throws OtlpDecodeError. */
export function decodeProtobufMetrics(body: Uint8Array, stats?: DecodeStats): MetricPoint[] {
  const r = new PbReader(body);
  const end = r.buf.length;
  const out: MetricPoint[] = [];
  const times = new NanosCache();
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag >>> 3 === METRIC_FIELDS.ExportMetricsServiceRequest.resourceMetrics && (tag & 7) === WIRE_LEN) {
      resourceMetrics(r, r.lengthEnd(end), out, times, stats);
    } else r.skip(tag & 7, end);
  }
  return out;
}

function resourceMetrics(r: PbReader, end: number, out: MetricPoint[], times: NanosCache, stats: DecodeStats | undefined): void {
  const first = out.length;
  let resource = EMPTY_ATTRIBUTES;
  while (r.pos < end) {
    const tag = r.uint32(end);
    const field = tag >>> 3;
    if ((tag & 7) !== WIRE_LEN) r.skip(tag & 7, end);
    else if (field === METRIC_FIELDS.ResourceMetrics.scopeMetrics) {
      const scopeEnd = r.lengthEnd(end);
      while (r.pos < scopeEnd) {
        const t = r.uint32(scopeEnd);
        if (t >>> 3 === METRIC_FIELDS.ScopeMetrics.metrics && (t & 7) === WIRE_LEN) metric(r, r.lengthEnd(scopeEnd), out, times, stats);
        else r.skip(t & 7, scopeEnd);
      }
    } else if (field === METRIC_FIELDS.ResourceMetrics.resource) resource = resourceMessage(r, r.lengthEnd(end));
    else r.skip(WIRE_LEN, end);
  }
  for (let i = first; i < out.length; i++) out[i]!.resource = resource;
}

/**
 * One Metric: its Sum or Gauge points (the last data field on the wire wins, as for a oneof).
 * Name, unit, temporality and monotonicity may follow the points on the wire, so they are filled
 * in once the message is read.
 */
function metric(r: PbReader, end: number, out: MetricPoint[], times: NanosCache, stats: DecodeStats | undefined): void {
  const F = METRIC_FIELDS.Metric;
  let name = '';
  let unit = '';
  let points: MetricPoint[] = [];
  let kind: MetricPoint['kind'] = 'gauge';
  let temporality = 0;
  let monotonic = false;
  let skipped = 0;
  while (r.pos < end) {
    const tag = r.uint32(end);
    const field = tag >>> 3;
    if ((tag & 7) !== WIRE_LEN) r.skip(tag & 7, end);
    else if (field === F.name) name = r.repeatedString(end);
    else if (field === F.unit) unit = r.repeatedString(end);
    else if (field === F.sum || field === F.gauge) {
      const dataEnd = r.lengthEnd(end);
      kind = field === F.sum ? 'sum' : 'gauge';
      points = [];
      temporality = 0;
      monotonic = false;
      skipped = 0;
      while (r.pos < dataEnd) {
        const t = r.uint32(dataEnd);
        const f = t >>> 3;
        const wire = t & 7;
        if (f === METRIC_FIELDS.Sum.dataPoints && wire === WIRE_LEN) points.push(numberPoint(r, r.lengthEnd(dataEnd), times));
        else if (kind === 'sum' && f === METRIC_FIELDS.Sum.aggregationTemporality && wire === WIRE_VARINT) temporality = r.uint32(dataEnd);
        else if (kind === 'sum' && f === METRIC_FIELDS.Sum.isMonotonic && wire === WIRE_VARINT) monotonic = r.uint32(dataEnd) !== 0;
        else r.skip(wire, dataEnd);
      }
    } else if (field === F.histogram || field === F.exponentialHistogram || field === F.summary) {
      // All three keep their data points in field 1; only counted.
      const dataEnd = r.lengthEnd(end);
      points = [];
      skipped = 0;
      while (r.pos < dataEnd) {
        const t = r.uint32(dataEnd);
        if (t >>> 3 === 1 && (t & 7) === WIRE_LEN) skipped++;
        r.skip(t & 7, dataEnd);
      }
    } else r.skip(WIRE_LEN, end);
  }
  if (stats) stats.skippedDataPoints += skipped;
  const t = kind === 'sum' ? temporalityOf(temporality) : 'unspecified';
  for (const p of points) {
    p.name = name;
    p.unit = unit;
    p.kind = kind;
    p.temporality = t;
    p.monotonic = kind === 'sum' && monotonic;
    out.push(p);
  }
}

function numberPoint(r: PbReader, end: number, times: NanosCache): MetricPoint {
  const F = METRIC_FIELDS.NumberDataPoint;
  const p: MetricPoint = {
    name: '', unit: '', kind: 'gauge', temporality: 'unspecified', monotonic: false, value: 0,
    attributes: {}, resource: EMPTY_ATTRIBUTES, startTimeUnixNano: '0', timeUnixNano: '0',
  };
  while (r.pos < end) {
    const tag = r.uint32(end);
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === F.attributes && wire === WIRE_LEN) keyValue(r, r.lengthEnd(end), p.attributes, 0);
    else if (field === F.startTimeUnixNano && wire === WIRE_FIXED64) p.startTimeUnixNano = times.fromWire(r, end);
    else if (field === F.timeUnixNano && wire === WIRE_FIXED64) p.timeUnixNano = times.fromWire(r, end);
    else if (field === F.asDouble && wire === WIRE_FIXED64) p.value = r.double(end);
    else if (field === F.asInt && wire === WIRE_FIXED64) p.value = r.sfixed64(end);
    else r.skip(wire, end);
  }
  return p;
}

/**
 * fixed64 nanosecond times → exact decimal strings. A batch repeats the same few times (a record's
 * time and observed time are equal; data points share start/end), so the last conversion is kept.
 */
class NanosCache {
  private lastLow = 0;
  private lastHigh = 0;
  private lastText = '0';

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
