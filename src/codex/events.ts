// Typed Codex CLI events. Input: one decoded OTLP log record (src/telemetry/records.ts) that Codex's
// `[otel]` log exporter sent to guard's receiver. Output: the same typed events the tracker reads
// for every agent (src/events/events.ts), so that nothing after this file knows which agent ran.
// Pure: no clock, no I/O.
//
// Seen on Codex 0.171.0 (../shared/fixtures/codex-0.171.0/, AGENT-CLIS.md):
// - Every record names its event in the `event.name` attribute (`codex.sse_event`, …) and its
//   conversation in `conversation.id`; the title request runs in a conversation of its own. No
//   `event.sequence`: records are ordered by `event.timestamp` (milliseconds).
// - A request's tokens come once, on the SECOND `codex.sse_event` with `event.kind =
//   response.completed` (the first, from the stream itself, carries none): `input_token_count`
//   is the whole prompt and already includes `cached_token_count` (OpenAI's convention; Codex's
//   own /status showed "42.2K used" for a 42,204-token request). So the context in use is
//   `input_token_count` exactly: it is split below into uncached input + cache read, which the
//   tracker adds back up, never added to the cached count.
// - No attribute tells a main-thread request from a compaction request (both run in the main
//   conversation, both are `endpoint = /responses`): every request is a main request whose thread
//   is a guess (`threadGuessed`), as Claude's without query_source. The tracker then follows
//   only conversations named by guard's hooks (the title thread has none) and lets a guessed
//   request move the gauge only when plausible.
// - `codex.user_prompt` starts a turn (`prompt_length`); `codex.api_request` with an HTTP status
//   of 400 or more is a failed request.
import type { AgentEvent } from '../events/events.js';
import { eventTime, num, str } from '../telemetry/attributes.js';
import type { LogRecord } from '../telemetry/records.js';

const NAME_PREFIX = 'codex.';
/** The event kind of the record that carries a finished request's token counts. */
const COMPLETED_KIND = 'response.completed';
/** Codex's API error threshold: an HTTP status at or above it is a failed request. */
const FIRST_ERROR_STATUS = 400;

export function toCodexEvent(rec: LogRecord): AgentEvent {
  const a = rec.attributes;
  const sessionId = str(a['conversation.id']);
  const t = eventTime(a['event.timestamp'], rec.timeUnixNano, rec.observedTimeUnixNano);
  const base = { sessionId, t, sequence: null, promptId: null };
  const name = eventName(rec);
  switch (name) {
    case 'sse_event': {
      const input = num(a['input_token_count']);
      if (str(a['event.kind']) !== COMPLETED_KIND || input === null) break;
      const cached = num(a['cached_token_count']) ?? 0;
      const written = num(a['cache_write_token_count']) ?? 0;
      // Both are parts of input_token_count; a record where they are not is taken as all input.
      const split = cached >= 0 && written >= 0 && cached + written <= input;
      return {
        ...base, type: 'api_request', thread: 'main', threadGuessed: true, querySource: null,
        model: str(a['model']),
        inputTokens: split ? input - cached - written : input,
        cacheReadTokens: split ? cached : 0,
        cacheCreationTokens: split ? written : 0,
        outputTokens: num(a['output_token_count']) ?? 0,
        costUsd: 0,
        durationMs: num(a['duration_ms']),
        agentName: null,
      };
    }
    case 'user_prompt':
      return { ...base, type: 'user_prompt', promptLength: num(a['prompt_length']), commandName: null };
    case 'api_request': {
      const status = num(a['http.response.status_code']);
      if (status === null || status < FIRST_ERROR_STATUS) break;
      return {
        ...base, type: 'api_error', model: str(a['model']), error: str(a['error.message']) ?? `HTTP ${status}`,
        statusCode: status, durationMs: num(a['duration_ms']), querySource: null,
      };
    }
  }
  return { ...base, type: 'unknown', name, attributes: a };
}

function eventName(rec: LogRecord): string {
  const n = str(rec.attributes['event.name']) ?? (typeof rec.body === 'string' ? rec.body : '');
  return n.startsWith(NAME_PREFIX) ? n.slice(NAME_PREFIX.length) : n;
}
