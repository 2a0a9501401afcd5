// The Gemini API's wire format for one answer (pure): the `usageMetadata` the stand-in reports,
// the server-sent events of `:streamGenerateContent?alt=sse` (`data: <GenerateContentResponse>`
// frames), the JSON of `:generateContent` and `:countTokens`, and the API's error body.
// Input: the answer src/demo/gemini-script.ts chose and the prompt's size. Output: strings and
// objects src/demo/gemini-standin.ts writes to the socket.
import type { GeminiAnswer } from './gemini-script.js';

/** The window Gemini CLI 0.61.0 assumes for Gemini models (and unknown names): 2^20 tokens. */
export const GEMINI_WINDOW = 1_048_576;
/** Share of the prompt reported as served from the context cache (the Claude stand-in's cache-read share). */
const CACHED_PERCENT = 80;
/** Text is streamed in pieces of this many characters, as the API sends a few words a chunk. */
const CHUNK_CHARS = 24;

export interface UsageMetadata {
  /** The whole prompt, the cached part included (the API's convention). */
  promptTokenCount: number;
  cachedContentTokenCount: number;
  candidatesTokenCount: number;
  thoughtsTokenCount: number;
  totalTokenCount: number;
}

/** The usage of a prompt of `prompt` tokens answered with `output` tokens (80% of the prompt cached). */
export function usageFor(prompt: number, output: number): UsageMetadata {
  if (!Number.isInteger(prompt) || prompt < 0) throw new Error(`prompt must be a non-negative integer, got ${prompt}`);
  if (!Number.isInteger(output) || output < 0) throw new Error(`output must be a non-negative integer, got ${output}`);
  return {
    promptTokenCount: prompt,
    cachedContentTokenCount: Math.floor((prompt * CACHED_PERCENT) / 100),
    candidatesTokenCount: output,
    thoughtsTokenCount: 0,
    totalTokenCount: prompt + output,
  };
}

type Reply = Exclude<GeminiAnswer, { kind: 'error' }>;

function partsOf(a: Reply): Array<Record<string, unknown>> {
  return a.kind === 'text' ? [{ text: a.text }] : [{ functionCall: { name: a.name, args: a.args } }];
}

/** The chunks of a streamed answer: the text in pieces, the last chunk with the finish reason; usage on each. */
export function streamChunks(a: Reply, usage: UsageMetadata, model: string, responseId: string): Array<Record<string, unknown>> {
  const pieces: Array<Array<Record<string, unknown>>> = [];
  if (a.kind === 'text' && a.text.length > CHUNK_CHARS) {
    for (let i = 0; i < a.text.length; i += CHUNK_CHARS) pieces.push([{ text: a.text.slice(i, i + CHUNK_CHARS) }]);
  } else {
    pieces.push(partsOf(a));
  }
  return pieces.map((p, i) => ({
    candidates: [{ content: { role: 'model', parts: p }, index: 0, ...(i === pieces.length - 1 ? { finishReason: 'STOP' } : {}) }],
    usageMetadata: i === pieces.length - 1 ? usage : { promptTokenCount: usage.promptTokenCount, cachedContentTokenCount: usage.cachedContentTokenCount, totalTokenCount: usage.promptTokenCount },
    modelVersion: model,
    responseId,
  }));
}

/** One SSE frame as the API writes it. */
export function sseFrame(chunk: Record<string, unknown>): string { return `data: ${JSON.stringify(chunk)}\r\n\r\n`; }

/** The whole answer of `:generateContent`. */
export function generateJson(a: Reply, usage: UsageMetadata, model: string, responseId: string): Record<string, unknown> {
  return { candidates: [{ content: { role: 'model', parts: partsOf(a) }, finishReason: 'STOP', index: 0 }], usageMetadata: usage, modelVersion: model, responseId };
}

/** The API's error body (google.rpc.Status in an `error` field). */
export function errorBody(code: number, status: string, message: string): Record<string, unknown> {
  return { error: { code, message, status } };
}

/** The API's words for a prompt over the window. */
export function tooLongMessage(tokens: number, window: number): string {
  return `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${window}).`;
}
