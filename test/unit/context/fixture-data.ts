// Test helper (not a test): the captured fixture sessions, decoded with the project's own
// decoders, and the figures computed by hand from them (see fixtures/README.md: the stand-in
// reported every token figure; "Reply N: context about X tokens" in the Stop hooks agrees).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJsonLogs, decodeJsonMetrics } from '../../../src/telemetry/otlp-json.js';
import { decodeProtobufLogs, decodeProtobufMetrics } from '../../../src/telemetry/otlp-protobuf.js';
import type { TelemetryBatch } from '../../../src/telemetry/records.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures');

export type Version = '2.1.197' | '2.1.330';
export type Encoding = 'json' | 'protobuf';

export interface FixtureFile { name: string; signal: 'logs' | 'metrics'; body: Buffer; contentType: string }
export interface HookFile { name: string; event: string; payload: Record<string, unknown> }

/** Main-conversation requests: sequence → input + cache read + cache creation, by hand. */
export interface Expected {
  mains: { seq: number; context: number }[];
  peak: number;
  afterAuto: number;
  window: number;
  autoCompactAt: number;
  manual: { pre: number; post: number };
  auto: { pre: number; post: number };
  /** Requests that are not main: [seq, thread]. */
  others: [number, 'side' | 'subagent' | 'compact'][];
  model: string;
}

export const EXPECTED: Record<Version, Expected> = {
  '2.1.197': {
    mains: [
      { seq: 10, context: 1587 + 25380 + 4758 },   // 31,725 "hello"
      { seq: 20, context: 1589 + 25413 + 4765 },   // 31,767 TOOL: the tool call
      { seq: 22, context: 1592 + 25460 + 4773 },   // 31,825 TOOL: the answer
      { seq: 30, context: 1594 + 25492 + 4779 },   // 31,865 AGENT: the Agent call
      { seq: 35, context: 1601 + 25600 + 4800 },   // 32,001 AGENT: the answer
      { seq: 50, context: 8550 + 136789 + 25648 }, // 170,987 PAD: the peak
      { seq: 62, context: 1541 + 24638 + 4619 },   // 30,798 after the automatic compaction
    ],
    peak: 170_987, afterAuto: 30_798, window: 200_000, autoCompactAt: 167_000,
    manual: { pre: 1868, post: 780 }, auto: { pre: 171_028, post: 783 },
    others: [[17, 'side'], [31, 'subagent'], [40, 'compact'], [48, 'side'], [57, 'compact']],
    model: 'claude-sonnet-5',
  },
  '2.1.330': {
    mains: [
      { seq: 15, context: 677 + 10827 + 2030 },    // 13,534
      { seq: 23, context: 679 + 10856 + 2035 },    // 13,570
      { seq: 25, context: 682 + 10903 + 2044 },    // 13,629
      { seq: 34, context: 684 + 10935 + 2050 },    // 13,669
      { seq: 35, context: 701 + 11202 + 2100 },    // 14,003
      { seq: 45, context: 719 + 11480 + 2152 },    // 14,351 (the task notification turn)
      { seq: 60, context: 48355 + 773669 + 145063 }, // 967,087 the peak
      { seq: 74, context: 697 + 11138 + 2088 },    // 13,923 after the automatic compaction
    ],
    peak: 967_087, afterAuto: 13_923, window: 1_000_000, autoCompactAt: 967_000,
    manual: { pre: 3298, post: 2976 }, auto: { pre: 967_128, post: 2978 },
    others: [[38, 'subagent'], [50, 'compact'], [52, 'compact'], [67, 'compact'], [69, 'compact']],
    model: 'claude-sonnet-5-5',
  },
};

export const VERSIONS: Version[] = ['2.1.197', '2.1.330'];
export const ENCODINGS: Encoding[] = ['json', 'protobuf'];

/** The OTLP bodies of one session, in arrival order (NNN). */
export function telemetryFiles(version: Version, encoding: Encoding): FixtureFile[] {
  const dir = path.join(FIXTURES, `claude-code-${version}`, encoding === 'json' ? 'otlp-json' : 'otlp-protobuf');
  return fs.readdirSync(dir).filter((n) => /^\d{3}-(logs|metrics)\.(json|pb)$/.test(n)).sort().map((name) => ({
    name,
    signal: name.includes('-logs.') ? 'logs' : 'metrics',
    body: fs.readFileSync(path.join(dir, name)),
    contentType: encoding === 'json' ? 'application/json' : 'application/x-protobuf',
  }));
}

/** The hook payloads of the JSON run, in order (NNN). */
export function hookFiles(version: Version): HookFile[] {
  const dir = path.join(FIXTURES, `claude-code-${version}`, 'hooks');
  return fs.readdirSync(dir).filter((n) => /^\d{3}-\w+\.json$/.test(n)).sort().map((name) => ({
    name,
    event: name.replace(/^\d{3}-/, '').replace(/\.json$/, ''),
    payload: JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>,
  }));
}

/** Decodes one file with the project's decoders, as the receiver would. */
export function decodeFile(f: FixtureFile): TelemetryBatch {
  const pb = f.contentType === 'application/x-protobuf';
  if (f.signal === 'logs') return { signal: 'logs', records: pb ? decodeProtobufLogs(f.body) : decodeJsonLogs(f.body) };
  return { signal: 'metrics', points: pb ? decodeProtobufMetrics(f.body) : decodeJsonMetrics(f.body) };
}

/** Sum of cost_usd over every api_request, read straight from the JSON bytes (not via our code). */
export function jsonCostSum(version: Version): number {
  let sum = 0;
  for (const f of telemetryFiles(version, 'json')) {
    if (f.signal !== 'logs') continue;
    const doc = JSON.parse(f.body.toString('utf8')) as { resourceLogs: { scopeLogs: { logRecords: { attributes: { key: string; value: Record<string, unknown> }[] }[] }[] }[] };
    for (const rl of doc.resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) {
      const attr = (k: string): unknown => r.attributes.find((a) => a.key === k)?.value;
      const name = attr('event.name') as { stringValue?: string } | undefined;
      if (name?.stringValue !== 'api_request') continue;
      const cost = attr('cost_usd') as { doubleValue?: number; stringValue?: string; intValue?: number } | undefined;
      sum += Number(cost?.doubleValue ?? cost?.stringValue ?? cost?.intValue ?? 0);
    }
  }
  return sum;
}

/**
 * Where each hook goes relative to the telemetry files: hooks fire live while telemetry waits
 * for its batch, so a hook is sent before the first telemetry file that mentions its prompt id
 * (UserPromptSubmit precedes its user_prompt event; SessionStart/statusline without a prompt id
 * go before the next hook that has one). Hooks keep their own NNN order. Hooks left over (those
 * of the last prompt, SessionEnd) go at the end.
 */
export function interleave(files: FixtureFile[], hooks: HookFile[]): ({ kind: 'telemetry'; file: FixtureFile } | { kind: 'hook'; hook: HookFile })[] {
  const out: ({ kind: 'telemetry'; file: FixtureFile } | { kind: 'hook'; hook: HookFile })[] = [];
  let h = 0;
  const texts: string[] = [];
  for (const file of files) {
    texts.push(file.body.toString('latin1')); // prompt ids are ASCII in both encodings
    while (h < hooks.length) {
      const hook = hooks[h] as HookFile;
      const pid = hook.payload['prompt_id'];
      if (typeof pid === 'string' && !texts.some((t) => t.includes(pid))) break;
      out.push({ kind: 'hook', hook });
      h++;
    }
    out.push({ kind: 'telemetry', file });
  }
  for (; h < hooks.length; h++) out.push({ kind: 'hook', hook: hooks[h] as HookFile });
  return out;
}
