// A minimal protobuf wire-format reader for the hot path of otlp-protobuf.ts (log exports): reads
// tags, varints, fixed-width numbers and length-delimited slices straight from the request Buffer,
// with every length checked against the enclosing message's end. Malformed input throws
// OtlpDecodeError. No allocation except the strings and byte copies asked for. Pure.

import { OtlpDecodeError } from './decode-common.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const TWO_POW_32 = 4294967296;
/** repeatedString() caches strings up to this long (keys, ids, names; not prompts or paths). */
const STRING_CACHE_MAX_BYTES = 64;
const STRING_CACHE_SLOTS = 512;
const STRING_CACHE_MASK = STRING_CACHE_SLOTS - 1;
const cacheBytes: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(STRING_CACHE_SLOTS).fill(undefined);
const cacheText: Array<string | undefined> = new Array<string | undefined>(STRING_CACHE_SLOTS).fill(undefined);
/** A varint is at most 10 bytes long (64 bits, 7 per byte). */
const MAX_VARINT_BYTES = 10;

export class PbReader {
  readonly buf: Buffer;
  pos = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A varint's low 32 bits as an unsigned number (tags, lengths, bools, enums). */
  uint32(end: number): number {
    const buf = this.buf;
    let value = 0;
    let shift = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= end) throw truncated();
      const b = buf[this.pos++]!;
      if (shift < 32) value |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) return value >>> 0;
    }
    throw new OtlpDecodeError('invalid protobuf: varint too long');
  }

  /** An int64 varint as a number, exactly as long.js Long#toNumber does (high * 2^32 + low). */
  int64(end: number): number {
    const buf = this.buf;
    let low = 0;
    let high = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= end) throw truncated();
      const b = buf[this.pos++]!;
      const bits = b & 0x7f;
      if (i < 4) low |= bits << (7 * i);
      else if (i === 4) {
        low |= bits << 28;
        high |= bits >>> 4;
      } else high |= bits << (7 * i - 32);
      if (b < 0x80) return (high | 0) * TWO_POW_32 + (low >>> 0);
    }
    throw new OtlpDecodeError('invalid protobuf: varint too long');
  }

  /** The length prefix of a length-delimited field; returns the field's end offset. */
  lengthEnd(end: number): number {
    const len = this.uint32(end);
    const fieldEnd = this.pos + len;
    if (fieldEnd > end) throw new OtlpDecodeError('invalid protobuf: length out of range');
    return fieldEnd;
  }

  /** Halves of the last fixed64 read by fixed64(), kept here to avoid a pair object per read. */
  low = 0;
  high = 0;

  /** Reads a fixed64 into `low` and `high` (unsigned 32-bit halves). */
  fixed64(end: number): void {
    if (this.pos + 8 > end) throw truncated();
    this.low = this.buf.readUInt32LE(this.pos);
    this.high = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
  }

  /** An sfixed64 as a number (high * 2^32 + low, as long.js Long#toNumber). */
  sfixed64(end: number): number {
    this.fixed64(end);
    return (this.high | 0) * TWO_POW_32 + this.low;
  }

  double(end: number): number {
    if (this.pos + 8 > end) throw truncated();
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A length-delimited UTF-8 string (invalid sequences become U+FFFD, as protobufjs does). */
  string(end: number): string {
    const fieldEnd = this.lengthEnd(end);
    const s = this.buf.toString('utf8', this.pos, fieldEnd);
    this.pos = fieldEnd;
    return s;
  }

  /**
   * Like string(), for the short strings a log export repeats on every record (attribute keys,
   * session ids, event names): served from a small cache of recent strings, which saves decoding
   * and hands V8 the same string (already internalized when used as a property key).
   */
  repeatedString(end: number): string {
    const fieldEnd = this.lengthEnd(end);
    const start = this.pos;
    const len = fieldEnd - start;
    this.pos = fieldEnd;
    if (len === 0) return '';
    const buf = this.buf;
    if (len > STRING_CACHE_MAX_BYTES) return buf.toString('utf8', start, fieldEnd);
    const slot = (len * 31 + buf[start]! * 7 + buf[start + (len >> 1)]! * 3 + buf[fieldEnd - 1]!) & STRING_CACHE_MASK;
    const cachedBytes = cacheBytes[slot];
    if (cachedBytes !== undefined && cachedBytes.length === len) {
      let i = 0;
      while (i < len && cachedBytes[i] === buf[start + i]) i++;
      if (i === len) return cacheText[slot]!;
    }
    const text = buf.toString('utf8', start, fieldEnd);
    const copy = new Uint8Array(len); // not a view: the cache must not keep request buffers alive
    copy.set(buf.subarray(start, fieldEnd));
    cacheBytes[slot] = copy;
    cacheText[slot] = text;
    return text;
  }

  /** A length-delimited bytes field, copied so it does not keep the request buffer alive. */
  bytes(end: number): Uint8Array {
    const fieldEnd = this.lengthEnd(end);
    const out = new Uint8Array(fieldEnd - this.pos);
    out.set(this.buf.subarray(this.pos, fieldEnd));
    this.pos = fieldEnd;
    return out;
  }

  /** Skips a field of the given wire type (an unknown field, or a known one with the wrong type). */
  skip(wireType: number, end: number): void {
    switch (wireType) {
      case WIRE_VARINT: this.uint32(end); return;
      case WIRE_FIXED64: this.advance(8, end); return;
      case WIRE_LEN: this.pos = this.lengthEnd(end); return;
      case WIRE_FIXED32: this.advance(4, end); return;
      default: throw new OtlpDecodeError(`invalid protobuf: unsupported wire type ${wireType} at offset ${this.pos}`);
    }
  }

  private advance(n: number, end: number): void {
    if (this.pos + n > end) throw truncated();
    this.pos += n;
  }
}

/** An unsigned 64-bit integer given as two 32-bit halves, as its exact decimal string. */
export function uint64Decimal(low: number, high: number): string {
  // Below 2^53 a double holds it exactly; above, BigInt keeps every digit.
  return high < 0x200000 ? String(high * TWO_POW_32 + low) : ((BigInt(high) << 32n) | BigInt(low)).toString();
}

function truncated(): OtlpDecodeError {
  return new OtlpDecodeError('invalid protobuf: truncated message');
}
