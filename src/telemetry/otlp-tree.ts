// Turns a decoded OTLP request tree (ExportLogsServiceRequest, ExportMetricsServiceRequest) into the
// plain records of records.ts that the event and context code consume. The tree is either the OTLP
// JSON mapping as JSON.parse gives it (otlp-json.ts) or the message objects protobufjs decodes
// (otlp-protobuf.ts): both have camelCase fields; 64-bit integers are decimal strings or numbers in
// JSON and `Long`s from protobufjs; bytes are base64 in JSON and Uint8Array from protobufjs. Only a
// node's own properties are read, because protobufjs puts proto3 defaults ("" , false, 0) on the
// prototype: an own property is a field that was on the wire, in either encoding. Defensively,
// snake_case names, enum names and numbers-as-strings are accepted. One walker for both encodings
// is what makes them decode to identical records. Pure.

import type { AttrValue, Attributes, LogRecord, MetricPoint } from './records.js';
import { EMPTY_ATTRIBUTES, MAX_VALUE_DEPTH, OtlpDecodeError, putAttr, temporalityOf, type DecodeStats } from './decode-common.js';

type Obj = Record<string, unknown>;

/** The log records of an ExportLogsServiceRequest tree. Throws OtlpDecodeError. */
export function logsFromTree(tree: unknown): LogRecord[] {
  const root = asObject(tree, 'request body');
  const out: LogRecord[] = [];
  for (const rl of arrayField(root, 'resourceLogs', 'resource_logs')) {
    const resourceLogs = asObject(rl, 'resourceLogs[]');
    const resource = resourceAttributes(resourceLogs);
    for (const sl of arrayField(resourceLogs, 'scopeLogs', 'scope_logs')) {
      const scopeLogs = asObject(sl, 'scopeLogs[]');
      const { name: scopeName, version: scopeVersion } = scopeOf(scopeLogs);
      for (const r of arrayField(scopeLogs, 'logRecords', 'log_records')) {
        const rec = asObject(r, 'logRecords[]');
        const body = field(rec, 'body', 'body');
        out.push({
          timeUnixNano: nanos(field(rec, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
          observedTimeUnixNano: nanos(field(rec, 'observedTimeUnixNano', 'observed_time_unix_nano'), 'observedTimeUnixNano'),
          severityText: stringField(rec, 'severityText', 'severity_text'),
          body: body === undefined || body === null ? null : anyValue(body, 0),
          attributes: attributesOf(field(rec, 'attributes', 'attributes')),
          resource,
          scopeName,
          scopeVersion,
        });
      }
    }
  }
  return out;
}

/** The number data points of an ExportMetricsServiceRequest tree. Throws OtlpDecodeError. */
export function metricsFromTree(tree: unknown, stats?: DecodeStats): MetricPoint[] {
  const root = asObject(tree, 'request body');
  const out: MetricPoint[] = [];
  for (const rm of arrayField(root, 'resourceMetrics', 'resource_metrics')) {
    const resourceMetrics = asObject(rm, 'resourceMetrics[]');
    const resource = resourceAttributes(resourceMetrics);
    for (const sm of arrayField(resourceMetrics, 'scopeMetrics', 'scope_metrics')) {
      const scopeMetrics = asObject(sm, 'scopeMetrics[]');
      for (const m of arrayField(scopeMetrics, 'metrics', 'metrics')) {
        const metric = asObject(m, 'metrics[]');
        const name = stringField(metric, 'name', 'name');
        const unit = stringField(metric, 'unit', 'unit');
        const sum = field(metric, 'sum', 'sum');
        const gauge = field(metric, 'gauge', 'gauge');
        if (sum !== undefined && sum !== null) {
          const s = asObject(sum, 'sum');
          const temporality = temporalityOf(enumValue(field(s, 'aggregationTemporality', 'aggregation_temporality')));
          const monotonic = boolField(s, 'isMonotonic', 'is_monotonic');
          for (const dp of arrayField(s, 'dataPoints', 'data_points')) {
            out.push(numberPoint(asObject(dp, 'dataPoints[]'), name, unit, 'sum', temporality, monotonic, resource));
          }
        } else if (gauge !== undefined && gauge !== null) {
          const g = asObject(gauge, 'gauge');
          for (const dp of arrayField(g, 'dataPoints', 'data_points')) {
            out.push(numberPoint(asObject(dp, 'dataPoints[]'), name, unit, 'gauge', 'unspecified', false, resource));
          }
        } else if (stats) {
          for (const [camel, snake] of SKIPPED_KINDS) {
            const other = field(metric, camel, snake);
            if (other !== undefined && other !== null) {
              stats.skippedDataPoints += arrayField(asObject(other, camel), 'dataPoints', 'data_points').length;
            }
          }
        }
      }
    }
  }
  return out;
}

const SKIPPED_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['histogram', 'histogram'], ['exponentialHistogram', 'exponential_histogram'], ['summary', 'summary'],
];

function numberPoint(
  dp: Obj, name: string, unit: string, kind: MetricPoint['kind'], temporality: MetricPoint['temporality'],
  monotonic: boolean, resource: Attributes,
): MetricPoint {
  const asDouble = field(dp, 'asDouble', 'as_double');
  const asInt = field(dp, 'asInt', 'as_int');
  let value = 0;
  if (asDouble !== undefined && asDouble !== null) value = doubleOf(asDouble, 'asDouble');
  else if (asInt !== undefined && asInt !== null) value = int64Of(asInt, 'asInt');
  return {
    name, unit, kind, temporality, monotonic, value,
    attributes: attributesOf(field(dp, 'attributes', 'attributes')),
    resource,
    startTimeUnixNano: nanos(field(dp, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano'),
    timeUnixNano: nanos(field(dp, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
  };
}

function field(o: Obj, camel: string, snake: string): unknown {
  if (Object.hasOwn(o, camel)) return o[camel];
  return camel !== snake && Object.hasOwn(o, snake) ? o[snake] : undefined;
}

function asObject(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new OtlpDecodeError(`${what} is not an object`);
  return v as Obj;
}

const NO_ITEMS: readonly unknown[] = [];

function arrayField(o: Obj, camel: string, snake: string): readonly unknown[] {
  const v = field(o, camel, snake);
  if (v === undefined || v === null) return NO_ITEMS;
  if (!Array.isArray(v)) throw new OtlpDecodeError(`${camel} is not an array`);
  return v;
}

function stringField(o: Obj, camel: string, snake: string): string {
  const v = field(o, camel, snake);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new OtlpDecodeError(`${camel} is not a string`);
  return v;
}

function boolField(o: Obj, camel: string, snake: string): boolean {
  const v = field(o, camel, snake);
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new OtlpDecodeError(`${camel} is not a boolean`);
  return v;
}

function enumValue(v: unknown): unknown {
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
}

function resourceAttributes(container: Obj): Attributes {
  const resource = field(container, 'resource', 'resource');
  if (resource === undefined || resource === null) return EMPTY_ATTRIBUTES;
  return Object.freeze(attributesOf(field(asObject(resource, 'resource'), 'attributes', 'attributes')));
}

function scopeOf(container: Obj): { name: string; version: string } {
  const scope = field(container, 'scope', 'scope');
  if (scope === undefined || scope === null) return { name: '', version: '' };
  const s = asObject(scope, 'scope');
  return { name: stringField(s, 'name', 'name'), version: stringField(s, 'version', 'version') };
}

function attributesOf(list: unknown, depth = 0): Attributes {
  const attrs: Attributes = {};
  if (list === undefined || list === null) return attrs;
  if (!Array.isArray(list)) throw new OtlpDecodeError('attributes is not an array');
  for (const item of list) {
    const kv = asObject(item, 'attribute');
    const key = kv.key;
    if (typeof key !== 'string') throw new OtlpDecodeError('attribute key is not a string');
    const value = kv.value;
    putAttr(attrs, key, value === undefined || value === null ? null : anyValue(value, depth));
  }
  return attrs;
}

const DECIMAL = /^-?\d+$/;

function anyValue(raw: unknown, depth = 0): AttrValue {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError('values nested too deep');
  const v = asObject(raw, 'AnyValue');
  // A member set to null counts as absent, as in the proto3 JSON mapping.
  let x: unknown;
  if ((x = field(v, 'stringValue', 'string_value')) != null) {
    if (typeof x !== 'string') throw new OtlpDecodeError('stringValue is not a string');
    return x;
  }
  if ((x = field(v, 'intValue', 'int_value')) != null) return int64Of(x, 'intValue');
  if ((x = field(v, 'boolValue', 'bool_value')) != null) {
    if (typeof x !== 'boolean') throw new OtlpDecodeError('boolValue is not a boolean');
    return x;
  }
  if ((x = field(v, 'doubleValue', 'double_value')) != null) return doubleOf(x, 'doubleValue');
  if ((x = field(v, 'arrayValue', 'array_value')) != null) {
    const values = arrayField(asObject(x, 'arrayValue'), 'values', 'values');
    return values.map((item) => anyValue(item, depth + 1));
  }
  if ((x = field(v, 'kvlistValue', 'kvlist_value')) != null) {
    return attributesOf(field(asObject(x, 'kvlistValue'), 'values', 'values'), depth + 1);
  }
  if ((x = field(v, 'bytesValue', 'bytes_value')) != null) {
    if (x instanceof Uint8Array) return new Uint8Array(x);
    if (typeof x !== 'string') throw new OtlpDecodeError('bytesValue is not a base64 string');
    return new Uint8Array(Buffer.from(x, 'base64'));
  }
  return null;
}

/** The 64-bit integer protobufjs decodes (a `Long` from the long package). */
interface Long64 { low: number; high: number; unsigned: boolean; toNumber(): number }

function isLong(x: unknown): x is Long64 {
  return typeof x === 'object' && x !== null && typeof (x as Long64).low === 'number' && typeof (x as Long64).high === 'number'
    && typeof (x as Long64).toNumber === 'function';
}

/** An int64 sent as a number, a decimal string or a Long; as a number (token counts fit in 2^53). */
function int64Of(x: unknown, what: string): number {
  if (typeof x === 'number' && Number.isInteger(x)) return x;
  if (typeof x === 'string' && DECIMAL.test(x)) return Number(x);
  if (isLong(x)) return x.toNumber();
  throw new OtlpDecodeError(`${what} is not an integer`);
}

// proto3 JSON: doubles are numbers, or the strings "NaN", "Infinity", "-Infinity" (or decimal text).
function doubleOf(x: unknown, what: string): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '') {
    const n = Number(x);
    if (!Number.isNaN(n) || x === 'NaN') return n;
  }
  throw new OtlpDecodeError(`${what} is not a number`);
}

/** A fixed64 nanosecond time as its exact decimal string ("0" when absent, like protobuf). */
function nanos(x: unknown, what: string): string {
  if (x === undefined || x === null) return '0';
  if (typeof x === 'string') {
    if (!/^\d+$/.test(x)) throw new OtlpDecodeError(`${what} is not an unsigned integer`);
    return x.length > 1 && x.charCodeAt(0) === 48 ? BigInt(x).toString() : x;
  }
  if (typeof x === 'number' && Number.isInteger(x) && x >= 0) {
    return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
  }
  // fixed64: the two 32-bit halves, read as unsigned whatever the Long's own signedness.
  if (isLong(x)) return x.high === 0 ? String(x.low >>> 0) : ((BigInt(x.high >>> 0) << 32n) | BigInt(x.low >>> 0)).toString();
  throw new OtlpDecodeError(`${what} is not an unsigned integer`);
}
