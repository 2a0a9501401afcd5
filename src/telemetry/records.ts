// Plain records that the OTLP decoders (JSON and protobuf) produce and everything downstream
// consumes. Both wire encodings must decode to exactly these shapes, so that nothing after the
// receiver knows or cares which one Claude Code used.

/** An OTLP AnyValue, flattened: kvlists become objects, arrays stay arrays, int64 become numbers. */
export type AttrValue = string | number | boolean | null | Uint8Array | AttrValue[] | { [key: string]: AttrValue };

export type Attributes = Record<string, AttrValue>;

/** One OTLP log record with its resource and scope folded in. */
export interface LogRecord {
  /** Nanoseconds since the epoch, as a decimal string (int64 does not fit a JS number). */
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityText: string;
  body: AttrValue;
  attributes: Attributes;
  resource: Attributes;
  scopeName: string;
  scopeVersion: string;
}

export type Temporality = 'delta' | 'cumulative' | 'unspecified';

/** One number data point of a Sum or Gauge metric (histograms are counted, not decoded further). */
export interface MetricPoint {
  name: string;
  unit: string;
  kind: 'sum' | 'gauge';
  temporality: Temporality;
  monotonic: boolean;
  value: number;
  attributes: Attributes;
  resource: Attributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
}

/** What one accepted request to the receiver carried. */
export type TelemetryBatch =
  | { signal: 'logs'; records: LogRecord[] }
  | { signal: 'metrics'; points: MetricPoint[] };
