// The OTLP protobuf schema (opentelemetry-proto: collector logs/metrics/trace services, logs,
// metrics, trace, common, resource; plus google.rpc.Status for error replies), written here as
// .proto text and parsed once with protobufjs on first use. Kept in TypeScript because tsc does not
// copy .proto files to dist/. Field numbers were checked against the captured bodies in
// fixtures/*/otlp-protobuf/ (enums are declared int32: same varint on the wire, no enum objects).
// This is the only module that imports protobufjs. Its request types decode the bodies Claude Code
// sends (otlp-protobuf.ts walks the result); it also encodes the receiver's responses, validates
// trace bodies, and encodes/decodes requests for tests and tools.

import protobuf from 'protobufjs';

const OTLP_PROTO = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;

package opentelemetry.proto.common.v1;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
`;

const RESOURCE_PROTO = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;
package opentelemetry.proto.resource.v1;
message Resource {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
`;

const LOGS_PROTO = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;
package opentelemetry.proto.logs.v1;
message LogsData { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}
message ScopeLogs {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  opentelemetry.proto.common.v1.AnyValue body = 5;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
`;

const METRICS_PROTO = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;
package opentelemetry.proto.metrics.v1;
message MetricsData { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeMetrics scope_metrics = 2;
  string schema_url = 3;
}
message ScopeMetrics {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated Metric metrics = 2;
  string schema_url = 3;
}
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  oneof data {
    Gauge gauge = 5;
    Sum sum = 7;
    Histogram histogram = 9;
    ExponentialHistogram exponential_histogram = 10;
    Summary summary = 11;
  }
  repeated opentelemetry.proto.common.v1.KeyValue metadata = 12;
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum {
  repeated NumberDataPoint data_points = 1;
  int32 aggregation_temporality = 2;
  bool is_monotonic = 3;
}
message Histogram {
  repeated HistogramDataPoint data_points = 1;
  int32 aggregation_temporality = 2;
}
message ExponentialHistogram {
  repeated ExponentialHistogramDataPoint data_points = 1;
  int32 aggregation_temporality = 2;
}
message Summary { repeated SummaryDataPoint data_points = 1; }
message NumberDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  oneof value {
    double as_double = 4;
    sfixed64 as_int = 6;
  }
  repeated Exemplar exemplars = 5;
  uint32 flags = 8;
}
message HistogramDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5 [features.field_presence = EXPLICIT];
  repeated fixed64 bucket_counts = 6;
  repeated double explicit_bounds = 7;
  repeated Exemplar exemplars = 8;
  uint32 flags = 10;
  double min = 11 [features.field_presence = EXPLICIT];
  double max = 12 [features.field_presence = EXPLICIT];
}
message ExponentialHistogramDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5 [features.field_presence = EXPLICIT];
  sint32 scale = 6;
  fixed64 zero_count = 7;
  Buckets positive = 8;
  Buckets negative = 9;
  uint32 flags = 10;
  repeated Exemplar exemplars = 11;
  double min = 12 [features.field_presence = EXPLICIT];
  double max = 13 [features.field_presence = EXPLICIT];
  double zero_threshold = 14;
  message Buckets {
    sint32 offset = 1;
    repeated uint64 bucket_counts = 2;
  }
}
message SummaryDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5;
  message ValueAtQuantile {
    double quantile = 1;
    double value = 2;
  }
  repeated ValueAtQuantile quantile_values = 6;
  uint32 flags = 8;
}
message Exemplar {
  repeated opentelemetry.proto.common.v1.KeyValue filtered_attributes = 7;
  fixed64 time_unix_nano = 2;
  oneof value {
    double as_double = 3;
    sfixed64 as_int = 6;
  }
  bytes span_id = 4;
  bytes trace_id = 5;
}
`;

const TRACE_PROTO = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;
package opentelemetry.proto.trace.v1;
message TracesData { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
}
message Status {
  string message = 2;
  int32 code = 3;
}
`;

const COLLECTOR_PROTO = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;
package opentelemetry.proto.collector.logs.v1;
message ExportLogsServiceRequest { repeated opentelemetry.proto.logs.v1.ResourceLogs resource_logs = 1; }
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
message ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2; }
`;

const COLLECTOR_METRICS_PROTO = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;
package opentelemetry.proto.collector.metrics.v1;
message ExportMetricsServiceRequest { repeated opentelemetry.proto.metrics.v1.ResourceMetrics resource_metrics = 1; }
message ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1; }
message ExportMetricsPartialSuccess { int64 rejected_data_points = 1; string error_message = 2; }
`;

const COLLECTOR_TRACE_PROTO = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;
package opentelemetry.proto.collector.trace.v1;
message ExportTraceServiceRequest { repeated opentelemetry.proto.trace.v1.ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
`;

// What an OTLP/HTTP server answers with on failure (OTLP spec: a google.rpc.Status in the
// request's encoding). `details` (field 3, repeated Any) is never sent by guard, so it is left out.
const RPC_STATUS_PROTO = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;
package google.rpc;
message Status { int32 code = 1; string message = 2; }
`;

/**
 * The parsed schema, made on first use: parsing costs 150-250 ms on a busy 2-core machine, and
 * guard starts Claude before any telemetry can arrive, so that time is not spent before Claude's start.
 */
function parseSchema() {
  const root = new protobuf.Root();
  for (const source of [
    OTLP_PROTO, RESOURCE_PROTO, LOGS_PROTO, METRICS_PROTO, TRACE_PROTO,
    COLLECTOR_PROTO, COLLECTOR_METRICS_PROTO, COLLECTOR_TRACE_PROTO, RPC_STATUS_PROTO,
  ]) {
    protobuf.parse(source, root, { keepCase: false });
  }
  root.resolveAll();
  return {
    root,
    requests: {
      logs: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
      metrics: root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
      traces: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    },
    responses: {
      logs: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
      metrics: root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse'),
      traces: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    },
    rpcStatus: root.lookupType('google.rpc.Status'),
  };
}
let parsed: ReturnType<typeof parseSchema> | null = null;
const schema = (): ReturnType<typeof parseSchema> => (parsed ??= parseSchema());

/**
 * Checks a trace request is well-formed protobuf (its content is ignored). protobufjs throws plain
 * Errors/RangeErrors on malformed input; the caller turns those into OtlpDecodeError.
 */
export function checkTraceRequestPb(body: Uint8Array): void {
  schema().requests.traces.decode(body);
}

export type OtlpSignal = 'logs' | 'metrics' | 'traces';

/** The empty Export{Logs,Metrics,Trace}ServiceResponse, protobuf-encoded (zero bytes on the wire). */
export function encodeEmptyResponsePb(signal: OtlpSignal): Uint8Array {
  const type = schema().responses[signal];
  return type.encode(type.create({})).finish();
}

/** Decodes an Export…ServiceResponse, for tests and clients: the partial-success part if present. */
export function decodeResponsePb(signal: OtlpSignal, body: Uint8Array): Record<string, unknown> {
  const type = schema().responses[signal];
  return type.toObject(type.decode(body), { longs: Number, defaults: false }) as Record<string, unknown>;
}

/** A google.rpc.Status, protobuf-encoded: what an OTLP server sends with a 4xx/5xx. */
export function encodeRpcStatusPb(code: number, message: string): Uint8Array {
  const status = schema().rpcStatus;
  return status.encode(status.create({ code, message })).finish();
}
export function decodeRpcStatusPb(body: Uint8Array): { code: number; message: string } {
  const m = schema().rpcStatus.decode(body) as unknown as { code: number; message: string };
  return { code: m.code, message: m.message };
}

/** protobufjs's wire reader, for decoders that walk the bytes themselves (the logs hot path). */
export type PbReader = protobuf.Reader;
export function createReader(bytes: Uint8Array): PbReader { return protobuf.Reader.create(bytes); }

/** The field numbers of a message of the schema by (camelCase) field name, e.g. fieldIds('opentelemetry.proto.logs.v1.LogRecord'). */
export function fieldIds<K extends string>(typeName: string, names: readonly K[]): Readonly<Record<K, number>> {
  const type = schema().root.lookupType(typeName);
  const ids = {} as Record<K, number>;
  for (const name of names) {
    const f = type.fields[name];
    if (f === undefined) throw new RangeError(`fieldIds: ${typeName} has no field ${name}`);
    ids[name] = f.id;
  }
  return Object.freeze(ids);
}

/** The Export…ServiceRequest types: `.decode(bytes)` gives the message tree otlp-protobuf.ts walks. */
export const REQUEST_PB: Readonly<Record<OtlpSignal, Pick<protobuf.Type, 'decode'>>> = {
  logs: { decode: (r, length) => schema().requests.logs.decode(r, length) },
  metrics: { decode: (r, length) => schema().requests.metrics.decode(r, length) },
  traces: { decode: (r, length) => schema().requests.traces.decode(r, length) },
};

/**
 * Encodes a request given in the OTLP JSON mapping (camelCase; int64 as strings or numbers; bytes
 * base64) as protobuf. For tests, benches and tools that need protobuf bodies of known content.
 */
export function encodeRequestPb(signal: OtlpSignal, json: object): Uint8Array {
  const type = schema().requests[signal];
  return type.encode(type.fromObject(json)).finish();
}

/** The reverse: a protobuf request as an OTLP-JSON-mapping object (int64 as strings, bytes base64). */
export function requestPbToJson(signal: OtlpSignal, body: Uint8Array): Record<string, unknown> {
  const type = schema().requests[signal];
  return type.toObject(type.decode(body), { longs: String, bytes: String, enums: Number }) as Record<string, unknown>;
}
