// Reading OTLP attribute values, for every agent's event mapper (src/claude/events.ts,
// src/codex/events.ts, src/gemini/events.ts) and the context tracker. Input: one attribute value
// as decoded (src/telemetry/records.ts). Output: a plain string, number, boolean or time, or null
// when the value is missing or of another kind. Exporters differ: older Claude Code versions sent
// numbers as strings and booleans as "true"/"false", so both spellings are accepted. Pure.
import type { AttrValue } from './records.js';

const NANOS_PER_MILLI = 1_000_000n;

/** `event.timestamp` (ISO 8601) first: it is when the agent made the event; else the record times (Codex's own reader uses it too). */
export function eventTime(stamp: AttrValue | undefined, timeNano: string, observedNano: string): number {
  if (typeof stamp === 'string') {
    const ms = Date.parse(stamp);
    if (Number.isFinite(ms)) return ms;
  }
  if (typeof stamp === 'number' && Number.isFinite(stamp)) return stamp;
  for (const nano of [timeNano, observedNano]) {
    const ms = nanosToMs(nano);
    if (ms !== null && ms > 0) return ms;
  }
  return 0;
}

function nanosToMs(nano: string): number | null {
  if (!/^\d+$/.test(nano)) return null;
  return Number(BigInt(nano) / NANOS_PER_MILLI);
}

/** A string attribute; numbers and booleans are stringified, empty and other values are null. */
export function str(v: AttrValue | undefined): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** A number attribute; numeric strings ("1587", "0.03") are accepted, anything else is null. */
export function num(v: AttrValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A boolean attribute; "true"/"false" strings (any case) are accepted. */
export function bool(v: AttrValue | undefined): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return null;
}
