// Session log records from the agent's typed events. Input: an api_request or compaction event
// (src/events/events.ts). Output: the record to append (./records.ts), with `t` from the event's
// own time. Pure. The caller decides which events to log (e.g. not an exporter's retry the
// tracker already counted).
import type { ApiRequestEvent, CompactionEvent } from '../events/events.js';
import type { CompactionRecord, RequestRecord } from './records.js';

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

/**
 * A request record. On main requests `contextTokens` is the context in use after it
 * (input + cache read + cache creation, CLAUDE-CODE.md) unless the caller passes the tracker's figure.
 */
export function requestRecord(e: ApiRequestEvent, opts: { contextTokens?: number | null } = {}): RequestRecord {
  const rec: RequestRecord = {
    t: iso(e.t), type: 'request', claudeSessionId: e.sessionId, thread: e.thread, querySource: e.querySource, model: e.model,
    inputTokens: e.inputTokens, outputTokens: e.outputTokens, cacheReadTokens: e.cacheReadTokens,
    cacheCreationTokens: e.cacheCreationTokens, costUsd: e.costUsd, durationMs: e.durationMs,
  };
  if (e.thread === 'main') {
    const given = opts.contextTokens;
    rec.contextTokens = typeof given === 'number' ? given : e.inputTokens + e.cacheReadTokens + e.cacheCreationTokens;
  }
  return rec;
}

/** A compaction record; `miss` when Claude compacted on its own although guard meant to be first. */
export function compactionRecord(e: CompactionEvent, opts: { miss?: boolean } = {}): CompactionRecord {
  const rec: CompactionRecord = {
    t: iso(e.t), type: 'compaction', claudeSessionId: e.sessionId, trigger: e.trigger, success: e.success,
    preTokens: e.preTokens, postTokens: e.postTokens, error: e.error,
  };
  if (opts.miss) rec.miss = true;
  return rec;
}

/**
 * The thread the log records is the one the gauge used: a guessed main request the tracker
 * rejected (its EventOutcome.countedAsMain false) is logged as a side one.
 */
export function asLogged(e: ApiRequestEvent, countedAsMain: boolean): ApiRequestEvent {
  if (e.thread === 'main' && !countedAsMain) return { ...e, thread: 'side' };
  return e;
}
