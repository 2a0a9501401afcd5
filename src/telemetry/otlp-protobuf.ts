// Decodes OTLP/HTTP protobuf request bodies (ExportLogsServiceRequest, ExportMetricsServiceRequest)
// as POSTed by Claude Code's exporter to the receiver, into the plain records of records.ts, with
// protobufjs and the OTLP schema of otlp-schema.ts. Must give exactly what otlp-json.ts gives for
// the same content. Pure.
//
// Metrics (a handful every few seconds) are decoded by protobufjs into messages and walked by the
// tree walker shared with JSON (otlp-tree.ts). Logs are the volume signal: their message objects
// (a KeyValue, an AnyValue and often a Long per attribute) cost more in allocation and GC than the
// decoding itself, so logs are read with protobufjs's Reader straight into the plain records, the
// way protobufjs's own generated decoders read, with field numbers looked up in the schema.
import type { AttrValue, Attributes, LogRecord, MetricPoint } from './records.js';
import { EMPTY_ATTRIBUTES, MAX_VALUE_DEPTH, OtlpDecodeError, putAttr, type DecodeStats } from './decode-common.js';
import { REQUEST_PB, createReader, fieldIds, type PbReader } from './otlp-schema.js';
import { metricsFromTree } from './otlp-tree.js';

const LOGS = 'opentelemetry.proto.logs.v1';
const COMMON = 'opentelemetry.proto.common.v1';
/** Field numbers, looked up in the schema on the first protobuf body (see otlp-schema.ts). */
const fieldTable = () => ({
  request: fieldIds('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest', ['resourceLogs']),
  resourceLogs: fieldIds(`${LOGS}.ResourceLogs`, ['resource', 'scopeLogs']),
  resource: fieldIds('opentelemetry.proto.resource.v1.Resource', ['attributes']),
  scopeLogs: fieldIds(`${LOGS}.ScopeLogs`, ['scope', 'logRecords']),
  scope: fieldIds(`${COMMON}.InstrumentationScope`, ['name', 'version']),
  logRecord: fieldIds(`${LOGS}.LogRecord`, ['timeUnixNano', 'observedTimeUnixNano', 'severityText', 'body', 'attributes']),
  keyValue: fieldIds(`${COMMON}.KeyValue`, ['key', 'value']),
  anyValue: fieldIds(`${COMMON}.AnyValue`, ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue']),
  arrayValue: fieldIds(`${COMMON}.ArrayValue`, ['values']),
  kvlist: fieldIds(`${COMMON}.KeyValueList`, ['values']),
});
let F: ReturnType<typeof fieldTable>;

// Wire types (protobuf encoding spec).
const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;

/** Decodes an ExportLogsServiceRequest in the protobuf encoding. Throws OtlpDecodeError. */
export function decodeProtobufLogs(body: Uint8Array): LogRecord[] {
  F ??= fieldTable();
  const out: LogRecord[] = [];
  guarded(() => {
    const r = createReader(body);
    eachField(r, r.len, (field, wire) => {
      if (field === F.request.resourceLogs && wire === LEN) { resourceLogs(r, nestedEnd(r), out); return true; }
      return false;
    });
  });
  return out;
}

/** Decodes an ExportMetricsServiceRequest in the protobuf encoding. Throws OtlpDecodeError. */
export function decodeProtobufMetrics(body: Uint8Array, stats?: DecodeStats): MetricPoint[] {
  const tree = guarded(() => REQUEST_PB.metrics.decode(body));
  return metricsFromTree(tree, stats);
}

/** protobufjs throws plain Errors ("index out of range", "invalid wire type …") on bad bytes. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw err;
    throw new OtlpDecodeError(`invalid protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Reads fields up to `end`; `take` reads the ones it knows and says so, the rest are skipped. */
function eachField(r: PbReader, end: number, take: (field: number, wire: number) => boolean): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (!take(tag >>> 3, tag & 7)) r.skipType(tag & 7);
  }
  checkEnd(r, end);
}

function checkEnd(r: PbReader, end: number): void {
  if (r.pos > end) throw new OtlpDecodeError('invalid protobuf: a field runs past its message');
}

function nestedEnd(r: PbReader): number {
  const end = r.uint32() + r.pos;
  if (end > r.len) throw new OtlpDecodeError('invalid protobuf: a message runs past the body');
  return end;
}

function resourceLogs(r: PbReader, end: number, out: LogRecord[]): void {
  const first = out.length;
  let resource = EMPTY_ATTRIBUTES;
  eachField(r, end, (field, wire) => {
    if (wire !== LEN) return false;
    if (field === F.resourceLogs.scopeLogs) scopeLogs(r, nestedEnd(r), out);
    else if (field === F.resourceLogs.resource) resource = resourceMessage(r, nestedEnd(r));
    else return false;
    return true;
  });
  // The resource may follow the records on the wire, so it is filled in once the message is read.
  for (let i = first; i < out.length; i++) out[i]!.resource = resource;
}

function resourceMessage(r: PbReader, end: number): Attributes {
  const attrs: Attributes = {};
  eachField(r, end, (field, wire) => {
    if (field === F.resource.attributes && wire === LEN) { keyValue(r, nestedEnd(r), attrs, 0); return true; }
    return false;
  });
  return Object.freeze(attrs);
}

function scopeLogs(r: PbReader, end: number, out: LogRecord[]): void {
  const first = out.length;
  let scopeName = '';
  let scopeVersion = '';
  eachField(r, end, (field, wire) => {
    if (wire !== LEN) return false;
    if (field === F.scopeLogs.logRecords) out.push(logRecord(r, nestedEnd(r)));
    else if (field === F.scopeLogs.scope) {
      eachField(r, nestedEnd(r), (f, w) => {
        if (w !== LEN) return false;
        if (f === F.scope.name) scopeName = r.string();
        else if (f === F.scope.version) scopeVersion = r.string();
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  for (let i = first; i < out.length; i++) {
    const rec = out[i]!;
    rec.scopeName = scopeName;
    rec.scopeVersion = scopeVersion;
  }
}

// The three functions below run for every record and attribute: plain loops, no closures.

function logRecord(r: PbReader, end: number): LogRecord {
  const rec: LogRecord = {
    timeUnixNano: '0', observedTimeUnixNano: '0', severityText: '', body: null,
    attributes: {}, resource: EMPTY_ATTRIBUTES, scopeName: '', scopeVersion: '',
  };
  const L = F.logRecord;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === L.attributes && wire === LEN) keyValue(r, nestedEnd(r), rec.attributes, 0);
    else if (field === L.timeUnixNano && wire === FIXED64) rec.timeUnixNano = fixed64Decimal(r);
    else if (field === L.observedTimeUnixNano && wire === FIXED64) rec.observedTimeUnixNano = fixed64Decimal(r);
    else if (field === L.body && wire === LEN) rec.body = anyValue(r, nestedEnd(r), 0);
    else if (field === L.severityText && wire === LEN) rec.severityText = r.string();
    else r.skipType(wire);
  }
  checkEnd(r, end);
  return rec;
}

function keyValue(r: PbReader, end: number, into: Attributes, depth: number): void {
  let key = '';
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === F.keyValue.key && wire === LEN) key = r.string();
    else if (field === F.keyValue.value && wire === LEN) value = anyValue(r, nestedEnd(r), depth);
    else r.skipType(wire);
  }
  checkEnd(r, end);
  putAttr(into, key, value);
}

/** An AnyValue message: the last oneof member on the wire wins; none set is null. */
function anyValue(r: PbReader, end: number, depth: number): AttrValue {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError('values nested too deep');
  const A = F.anyValue;
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === A.stringValue && wire === LEN) value = r.string();
    else if (field === A.intValue && wire === VARINT) value = int64(r);
    else if (field === A.boolValue && wire === VARINT) value = r.bool();
    else if (field === A.doubleValue && wire === FIXED64) value = r.double();
    else if (field === A.arrayValue && wire === LEN) value = arrayValue(r, nestedEnd(r), depth + 1);
    else if (field === A.kvlistValue && wire === LEN) value = kvlist(r, nestedEnd(r), depth + 1);
    else if (field === A.bytesValue && wire === LEN) value = new Uint8Array(r.bytes());
    else r.skipType(wire);
  }
  checkEnd(r, end);
  return value;
}

function arrayValue(r: PbReader, end: number, depth: number): AttrValue[] {
  const values: AttrValue[] = [];
  eachField(r, end, (field, wire) => {
    if (field === F.arrayValue.values && wire === LEN) { values.push(anyValue(r, nestedEnd(r), depth)); return true; }
    return false;
  });
  return values;
}

function kvlist(r: PbReader, end: number, depth: number): Attributes {
  const attrs: Attributes = {};
  eachField(r, end, (field, wire) => {
    if (field === F.kvlist.values && wire === LEN) { keyValue(r, nestedEnd(r), attrs, depth); return true; }
    return false;
  });
  return attrs;
}

/** An int64 as a number (token counts and sequences fit in 2^53). */
function int64(r: PbReader): number {
  const v = r.int64() as unknown as number | { toNumber(): number };
  return typeof v === 'number' ? v : v.toNumber();
}

const TWO_32 = 4_294_967_296;
const TEN_DIGITS = 10_000_000_000;

/**
 * hi·2^32 split as q·10^10 + r, for the last upper half seen. Nanosecond times are above 2^53,
 * past what a double holds exactly, but their upper half only changes every ~4.3 s, so the
 * BigInt work is done once per upper half and each time is finished with exact double sums.
 */
let lastHi = -1;
let lastQ = 0;
let lastR = 0;

/** A fixed64 nanosecond time as its exact decimal string (read as two little-endian halves). */
function fixed64Decimal(r: PbReader): string {
  const lo = r.fixed32();
  const hi = r.fixed32();
  if (hi < 0x200000) return String(hi * TWO_32 + lo); // below 2^53: exact as a double
  if (hi !== lastHi) {
    const big = BigInt(hi) << 32n;
    lastQ = Number(big / 10_000_000_000n);
    lastR = Number(big % 10_000_000_000n);
    lastHi = hi;
  }
  const sum = lastR + lo; // < 1.5·10^10: exact
  const carry = sum >= TEN_DIGITS ? 1 : 0;
  return String(lastQ + carry) + String(sum - carry * TEN_DIGITS).padStart(10, '0');
}
