// Test helper (not a test): the captured fixture sessions, decoded with the project's own
// decoders, and the figures computed by hand from them (see fixtures/README.md: the stand-in
// reported every token figure; "Reply N: context about X tokens" in the Stop hooks agrees).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJsonLogs, decodeJsonMetrics } from '../../../src/telemetry/otlp-json.js';
import { decodeProtobufLogs, decodeProtobufMetrics } from '../../../src/telemetry/otlp-protobuf.js';
import type { TelemetryBatch } from '../../../src/telemetry/records.js';
import type { ClaudeEvent } from '../../../src/claude/events.js';
import type { ContextTracker } from '../../../src/context/tracker.js';
import type { Test } from 'tap';

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

/**
 * Checks a replay as it goes: after each main request the gauge equals the hand-computed figure,
 * other requests leave it alone; at the end, totals, compactions, window and metrics.
 */
export function replayChecker(t: Test, version: Version): {
  onEvent(e: ClaudeEvent, tr: ContextTracker): void;
  finish(tr: ContextTracker): void;
} {
  const x = EXPECTED[version];
  const seenMains: number[] = [];
  const marks: string[] = [];
  let costSum = 0;
  const tokenSums = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
  let prev: number | null = null;
  return {
    onEvent(e, tr) {
      const s = tr.snapshot();
      if (e.type === 'compaction' && e.trigger === 'auto') {
        t.equal(s.compactedSinceRequest, true, 'after the auto compaction the figure is flagged as from before it');
        marks.push('auto');
      }
      if (e.type !== 'api_request') return;
      costSum += e.costUsd;
      tokenSums.input += e.inputTokens;
      tokenSums.output += e.outputTokens;
      tokenSums.cacheRead += e.cacheReadTokens;
      tokenSums.cacheCreation += e.cacheCreationTokens;
      const main = x.mains.find((m) => m.seq === e.sequence);
      if (main !== undefined) {
        t.equal(e.thread, 'main', `seq ${e.sequence} is main`);
        t.equal(s.contextTokens, main.context, `context after main request ${e.sequence}`);
        seenMains.push(e.sequence as number);
        if (main.context === x.peak) {
          t.ok(s.contextTokens !== null && s.contextTokens >= s.autoCompactAt, 'the peak is past the auto-compact point');
          marks.push('peak');
        }
      } else {
        const other = x.others.find(([seq]) => seq === e.sequence);
        t.ok(other, `seq ${e.sequence} is an expected non-main request`);
        t.equal(e.thread, other?.[1], `seq ${e.sequence} thread`);
        t.equal(s.contextTokens, prev, `${e.thread} request ${e.sequence} does not move the gauge`);
      }
      prev = s.contextTokens;
    },
    finish(tr) {
      const s = tr.snapshot();
      t.same(seenMains, x.mains.map((m) => m.seq), 'every main request seen, in order');
      t.same(marks, ['peak', 'auto'], 'the peak, then the automatic compaction');
      t.equal(s.contextTokens, x.afterAuto, 'context after the automatic compaction');
      t.equal(s.mainRequests, x.mains.length);
      t.equal(s.model, x.model);
      t.ok(Math.abs(s.costUsd - costSum) < 1e-9, `cost ${s.costUsd} = sum of cost_usd ${costSum}`);
      t.equal(s.costUsd, tr.runCostUsd());
      t.same(s.compactions.map((c) => [c.trigger, c.success, c.preTokens, c.postTokens, c.error]), [
        ['manual', true, x.manual.pre, x.manual.post, null],
        ['auto', true, x.auto.pre, x.auto.post, null],
      ], 'both compactions with trigger, pre and post tokens');
      t.equal(s.compactedSinceRequest, false, 'the newest main request came after the compaction');
      t.equal(s.contextWindow, x.window, 'window');
      t.equal(s.autoCompactAt, x.autoCompactAt, 'auto-compact point');
      t.equal(s.autoCompactSource, 'default');
      t.ok(s.metricTotals !== undefined && Math.abs(s.metricTotals.costUsd - costSum) < 1e-9, 'metric cost counter = event cost');
      t.same({ input: s.metricTotals?.input, output: s.metricTotals?.output, cacheRead: s.metricTotals?.cacheRead, cacheCreation: s.metricTotals?.cacheCreation },
        tokenSums, 'metric token counters = sums over the request events');
    },
  };
}
