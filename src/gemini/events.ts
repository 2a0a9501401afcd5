// Typed Gemini CLI events. Input: one decoded OTLP log record (src/telemetry/records.ts) from
// Gemini CLI's exporter, as the receiver hands it over. Output: the same typed events guard reads
// from Claude Code (src/claude/events.ts), so that the tracker, the log and the policy need no
// Gemini knowledge. Pure but for one fact carried between records (see GeminiEventReader).
//
// Seen on Gemini CLI 0.61.0 (shared captures, and the real binary against src/demo/gemini-standin.ts):
// - `gemini_cli.api_response` per model call: `input_token_count` is the API's `promptTokenCount`,
//   which already includes `cached_content_token_count`. The CLI's own footer ("N% used", with
//   `ui.footer.hideContextPercentage:false`) is that same `promptTokenCount` over the window: a
//   12,547-token prompt of which 10,037 cached showed as 12,547 in the telemetry and 1% of
//   1,048,576 on the footer. So the context is `input_token_count`, never input + cached: guard
//   reports it as cacheRead = cached and input = the rest, which sum to it.
// - `role` says which conversation: `main` (the conversation), `utility_compressor` (its chat
//   compression: the summary and a `-verify` call), `utility_summarizer` (a summary of the previous
//   session at start-up), other `utility_*` helpers. Only `main` moves the gauge.
// - `gemini_cli.chat_compression` (`tokens_before`, `tokens_after`) ends a compression; it says
//   neither trigger nor prompt. `/compress` runs its compressor calls under prompt id
//   `compress-<ms>`, the automatic one under the turn's own prompt id: the reader remembers the
//   newest compressor call's id to tell them apart. tokens_after >= tokens_before is a failed one
//   (the CLI logs an empty summary as before = after and keeps the history when it grew).
// - `gemini_cli.user_prompt` starts a turn; `gemini_cli.slash_command` (`command`) is a typed
//   slash command; `gemini_cli.api_error` a failed call.
import type { LogRecord } from '../telemetry/records.js';
import { eventTime, num, str } from '../telemetry/attributes.js';
import type { AgentEvent, Thread } from '../events/events.js';


const PREFIX = 'gemini_cli.';
/** `/compress` names its compressor calls `compress-<Date.now()>` (and `…-verify`), 0.61.0. */
const MANUAL_COMPRESS_ID = /^compress-\d+/;

/** The conversation a call belongs to, from its `role`; a record without one is taken as main (guessed). */
export function threadOfRole(role: string | null): { thread: Thread; guessed: boolean } {
  if (role === null) return { thread: 'main', guessed: true };
  if (role === 'main') return { thread: 'main', guessed: false };
  if (role === 'utility_compressor') return { thread: 'compact', guessed: false };
  return { thread: 'side', guessed: false };
}

function eventName(rec: LogRecord): string {
  const name = str(rec.attributes['event.name']) ?? (typeof rec.body === 'string' ? rec.body : '');
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
}

/**
 * Reads one Gemini CLI session's log records in arrival order. The only state: the prompt id of
 * the newest compressor call, which tells a `/compress` from an automatic compression.
 */
export class GeminiEventReader {
  private lastCompressorPromptId: string | null = null;

  read(rec: LogRecord): AgentEvent {
    const a = rec.attributes;
    const sessionId = str(a['session.id']);
    const t = eventTime(a['event.timestamp'], rec.timeUnixNano, rec.observedTimeUnixNano);
    const sequence = null;
    const promptId = str(a['prompt_id']);
    const name = eventName(rec);
    switch (name) {
      case 'api_response': {
        const role = str(a['role']);
        const { thread, guessed } = threadOfRole(role);
        if (thread === 'compact') this.lastCompressorPromptId = promptId;
        const prompt = num(a['input_token_count']) ?? 0;
        const cached = Math.min(prompt, num(a['cached_content_token_count']) ?? 0);
        return {
          sessionId, t, sequence, promptId, type: 'api_request', thread, threadGuessed: guessed, querySource: role,
          model: str(a['model']),
          inputTokens: prompt - cached,
          cacheReadTokens: cached,
          cacheCreationTokens: 0,
          outputTokens: (num(a['output_token_count']) ?? 0) + (num(a['thoughts_token_count']) ?? 0),
          costUsd: 0,
          durationMs: num(a['duration_ms']),
          agentName: null,
        };
      }
      case 'chat_compression': {
        const before = num(a['tokens_before']);
        const after = num(a['tokens_after']);
        const manual = this.lastCompressorPromptId !== null && MANUAL_COMPRESS_ID.test(this.lastCompressorPromptId);
        this.lastCompressorPromptId = null;
        const success = before !== null && after !== null && after < before;
        return {
          sessionId, t, sequence, promptId, type: 'compaction', trigger: manual ? 'manual' : 'auto', success,
          preTokens: before, postTokens: after, durationMs: null,
          error: success ? null : 'the compression did not shrink the history',
        };
      }
      case 'user_prompt':
        return { sessionId, t, sequence, promptId, type: 'user_prompt', promptLength: num(a['prompt_length']), commandName: null };
      case 'slash_command':
        return { sessionId, t, sequence, promptId, type: 'user_prompt', promptLength: null, commandName: str(a['command']) };
      case 'api_error':
        return {
          sessionId, t, sequence, promptId, type: 'api_error', model: str(a['model']), error: str(a['error']) ?? str(a['error.message']),
          statusCode: num(a['status_code']), durationMs: num(a['duration_ms']), querySource: str(a['role']),
        };
      default:
        return { sessionId, t, sequence, promptId, type: 'unknown', name, attributes: a };
    }
  }
}
