// The Messages API's wire format for one assistant answer (pure): the server-sent events of a
// streamed answer (message_start … message_stop) and the JSON message of a non-streamed one.
// Input: the answer the stand-in decided on and the usage it reports. Output: strings/objects
// that src/demo/standin-api.ts writes to the socket.
import type { Usage } from './standin-usage.js';

export type AnswerBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface Answer {
  id: string;
  model: string;
  content: AnswerBlock[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens';
  usage: Usage;
}

export interface SseEvent { event: string; data: Record<string, unknown> }

/** Text deltas and tool-input JSON are sent in pieces of this many characters, as the API does. */
const DELTA_CHUNK_CHARS = 24;

function chunks(s: string): string[] {
  if (s === '') return [''];
  const out: string[] = [];
  for (let i = 0; i < s.length; i += DELTA_CHUNK_CHARS) out.push(s.slice(i, i + DELTA_CHUNK_CHARS));
  return out;
}

/** One SSE frame: `event: <name>\ndata: <json>\n\n`. */
export function frame(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/** The events of one streamed answer, in the real API's order (with one ping after message_start). */
export function answerEvents(a: Answer): SseEvent[] {
  const ev = (event: string, rest: Record<string, unknown>): SseEvent => ({ event, data: { type: event, ...rest } });
  // message_start carries the prompt's usage and the first output token, as the real API does;
  // message_delta carries the final usage (output tokens included).
  const out: SseEvent[] = [
    ev('message_start', {
      message: {
        id: a.id, type: 'message', role: 'assistant', model: a.model, content: [],
        stop_reason: null, stop_sequence: null, usage: { ...a.usage, output_tokens: Math.min(1, a.usage.output_tokens) },
      },
    }),
    ev('ping', {}),
  ];
  a.content.forEach((block, index) => {
    if (block.type === 'text') {
      out.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const text of chunks(block.text)) out.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text } }));
    } else {
      out.push(ev('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }));
      for (const partial_json of chunks(JSON.stringify(block.input))) {
        out.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }));
      }
    }
    out.push(ev('content_block_stop', { index }));
  });
  out.push(ev('message_delta', { delta: { stop_reason: a.stopReason, stop_sequence: null }, usage: { ...a.usage } }));
  out.push(ev('message_stop', {}));
  return out;
}

/** The non-streamed form of the same answer. */
export function answerJson(a: Answer): Record<string, unknown> {
  return {
    id: a.id, type: 'message', role: 'assistant', model: a.model, content: a.content,
    stop_reason: a.stopReason, stop_sequence: null, usage: { ...a.usage },
  };
}

/** The API's error body. */
export function errorJson(errorType: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type: errorType, message } };
}
