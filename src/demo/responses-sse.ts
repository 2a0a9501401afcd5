// The OpenAI Responses API's wire format for one streamed answer (pure): the server-sent events
// Codex CLI reads, from `response.created` to `response.completed`, which carries the usage.
// Input: the answer the stand-in decided on and its token counts. Output: SseEvent values that
// src/demo/responses-standin.ts frames with `frame` (src/demo/sse.ts) and writes to the socket.
import type { SseEvent } from './sse.js';

export interface ResponsesUsage {
  /** The whole prompt, cached part included (OpenAI's convention; Codex shows this as "used"). */
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type OutputItem =
  | { type: 'message'; id: string; text: string }
  | { type: 'function_call'; id: string; callId: string; name: string; arguments: string };

export interface ResponsesAnswerWire {
  id: string;
  model: string;
  item: OutputItem;
  usage: ResponsesUsage;
}

/** Text deltas are sent in pieces of this many characters, as the API streams them. */
const DELTA_CHUNK_CHARS = 24;
/** Share of the prompt reported as cached (OpenAI caches a conversation's stable prefix). */
const CACHED_SHARE = 0.75;

/** Usage for a prompt of `input` tokens: cached part included in input_tokens, as OpenAI reports it. */
export function responsesUsage(input: number, output: number): ResponsesUsage {
  if (!Number.isInteger(input) || input < 0) throw new Error(`input must be a non-negative integer, got ${input}`);
  if (!Number.isInteger(output) || output < 0) throw new Error(`output must be a non-negative integer, got ${output}`);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: Math.floor(input * CACHED_SHARE) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

function doneItem(item: OutputItem): Record<string, unknown> {
  return item.type === 'message'
    ? { id: item.id, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: item.text, annotations: [] }] }
    : { id: item.id, type: 'function_call', status: 'completed', call_id: item.callId, name: item.name, arguments: item.arguments };
}

/** The events of one streamed answer, in the API's order, numbered by `sequence_number`. */
export function responsesEvents(a: ResponsesAnswerWire): SseEvent[] {
  const out: SseEvent[] = [];
  const ev = (event: string, rest: Record<string, unknown>): void => { out.push({ event, data: { type: event, sequence_number: out.length, ...rest } }); };
  const response = (status: string, output: unknown[], usage: ResponsesUsage | null): Record<string, unknown> => ({
    id: a.id, object: 'response', created_at: 0, status, model: a.model, output, usage,
  });
  ev('response.created', { response: response('in_progress', [], null) });
  ev('response.in_progress', { response: response('in_progress', [], null) });
  const item = a.item;
  if (item.type === 'message') {
    ev('response.output_item.added', { output_index: 0, item: { id: item.id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
    const at = { item_id: item.id, output_index: 0, content_index: 0 };
    ev('response.content_part.added', { ...at, part: { type: 'output_text', text: '', annotations: [] } });
    for (let k = 0; k < item.text.length || k === 0; k += DELTA_CHUNK_CHARS) ev('response.output_text.delta', { ...at, delta: item.text.slice(k, k + DELTA_CHUNK_CHARS) });
    ev('response.output_text.done', { ...at, text: item.text });
    ev('response.content_part.done', { ...at, part: { type: 'output_text', text: item.text, annotations: [] } });
  } else {
    ev('response.output_item.added', { output_index: 0, item: { id: item.id, type: 'function_call', status: 'in_progress', call_id: item.callId, name: item.name, arguments: '' } });
    ev('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: item.arguments });
    ev('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: item.arguments });
  }
  ev('response.output_item.done', { output_index: 0, item: doneItem(item) });
  ev('response.completed', { response: response('completed', [doneItem(item)], a.usage) });
  return out;
}

/** The API's error body. */
export function responsesErrorJson(code: string, message: string): Record<string, unknown> {
  return { error: { type: 'invalid_request_error', code, message, param: null } };
}
