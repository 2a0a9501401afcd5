// Helpers shared by the two OTLP decoders (otlp-json.ts, otlp-protobuf.ts): the typed error they
// throw on malformed input, and the small conversions that must come out identical whichever wire
// encoding Claude Code used. Pure; no I/O.

import type { AttrValue, Attributes, Temporality } from './records.js';
import { brand, hasBrand, setBrand } from '../lib/brand.js';

const DECODE_ERROR = brand('OtlpDecodeError');

/** A request body that is not valid OTLP (bad JSON, bad protobuf, wrong field types). */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  /** A short reason, fit to send back in a 400 response. */
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
    setBrand(this, DECODE_ERROR);
  }

  /** Thrown by the codec's copy of this class too (the receiver loads it on demand: ../lib/brand.ts). */
  static override [Symbol.hasInstance](v: unknown): boolean { return hasBrand(v, DECODE_ERROR); }
}

/** Counters a decoder fills in for what it read but did not turn into records. */
export interface DecodeStats {
  /** Histogram, exponential-histogram and summary data points: counted, not decoded. */
  skippedDataPoints: number;
}

/**
 * Arrays/kvlists nested deeper than this are refused. Real attributes nest a level or two; 32 value
 * levels stay inside protobufjs's own limit of 100 message levels (metrics path, test encoders).
 */
export const MAX_VALUE_DEPTH = 32;

export const EMPTY_ATTRIBUTES: Attributes = Object.freeze({}) as Attributes;

/** Sets attrs[key] = value; `__proto__` as a key becomes a plain own property, not a prototype. */
export function putAttr(attrs: Attributes, key: string, value: AttrValue): void {
  if (key === '__proto__') {
    Object.defineProperty(attrs, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attrs[key] = value;
  }
}

// OTLP AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. The JSON mapping sends the
// number; the enum name is accepted too.
export function temporalityOf(raw: unknown): Temporality {
  switch (raw) {
    case 1: case 'AGGREGATION_TEMPORALITY_DELTA': return 'delta';
    case 2: case 'AGGREGATION_TEMPORALITY_CUMULATIVE': return 'cumulative';
    default: return 'unspecified';
  }
}
