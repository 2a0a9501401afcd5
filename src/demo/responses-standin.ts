// A local stand-in for the OpenAI Responses API, for the end-to-end tests of `guard codex` (and
// any offline run of Codex CLI). Input: Codex's HTTP requests on 127.0.0.1 (the `base_url` of a
// custom model provider). Output: scripted answers streamed as the API's server-sent events, with
// usage computed from each request's size plus padding (the Messages stand-in's convention:
// characters / 4 + PAD/FILE markers, src/demo/padding.ts), and a record of every request for
// assertions. The script is src/demo/responses-script.ts, the wire format src/demo/responses-sse.ts;
// this file only does the HTTP.
//
// Besides `POST /v1/responses`, Codex 0.171.0 posts its turn costs to `/v1/analytics/codex/turn-costs`
// after each turn: answered 200 `{}` (and recorded), as any `/v1/analytics/…` post.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StandinServer, checkCount, readBody } from './standin-http.js';
import { frame } from './sse.js';
import { CHARS_PER_TOKEN, DEFAULT_OUTPUT_TOKENS } from './standin-usage.js';
import { responsesErrorJson, responsesEvents, responsesUsage, type OutputItem, type ResponsesUsage } from './responses-sse.js';
import {
  newestTyped, responsesAnswerFor, responsesPadding, responsesThread, sessionCwdOf, turnMetadata,
  type ResponsesAnswer, type ResponsesBody, type ResponsesThread,
} from './responses-script.js';

export type { ResponsesAnswer, ResponsesThread } from './responses-script.js';

/** Codex's requests are ~50 KB; padding is counted, not sent. Anything past this is refused. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Headers kept in the record (the API key is deliberately not among them). */
const RECORDED_HEADERS = ['x-codex-turn-metadata', 'session-id', 'thread-id', 'originator', 'user-agent', 'content-type'];
/** The window when none is set: larger than any test pads to. */
export const DEFAULT_RESPONSES_WINDOW = 272_000;

export interface ResponsesStandinOptions {
  /** Prompts above this many tokens are refused (400 context_length_exceeded). Default 272,000. */
  window?: number;
  /** Extra tokens added to every main-thread request (settable later). Default 0. */
  padPerRequest?: number;
  /** Delay before an answer streams, so "working" is visible. Default 0. */
  latencyMs?: number;
  /** Output tokens reported per answer. Default 40. */
  outputTokens?: number;
  /** Port to listen on (default 0: a free one). */
  port?: number;
}

export interface ResponsesRequest {
  /** 1-based, over every request the stand-in got. */
  seq: number;
  t: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body of a Responses request, else null. */
  body: ResponsesBody | null;
  bodyChars: number;
  model: string | null;
  thread: ResponsesThread | null;
  /** Codex's thread id (`thread-id` header): the main thread's is the session's id in its hooks. */
  threadId: string | null;
  /** The newest text the user typed. */
  prompt: string;
  padding: number;
  /** The usage reported (also for refused requests: what the prompt would have been). */
  usage: ResponsesUsage | null;
  /** input_tokens: the context the request carries. */
  contextTokens: number | null;
  status: number;
  answer: ResponsesAnswer | null;
}

export interface ResponsesStandin {
  readonly port: number;
  /** http://127.0.0.1:PORT/v1, for the provider's `base_url`. */
  readonly baseUrl: string;
  readonly requests: ResponsesRequest[];
  padPerRequest: number;
  latencyMs: number;
  window: number;
  /** Answered-or-refused Responses requests, optionally of one thread. */
  responses(thread?: ResponsesThread): ResponsesRequest[];
  /** The newest main-thread request that was answered. */
  lastMain(): ResponsesRequest | undefined;
  /** The next request of `thread` (default main) gets this answer instead of the script's. */
  enqueue(answer: ResponsesAnswer, thread?: ResponsesThread): void;
  waitForRequest(pred: (r: ResponsesRequest) => boolean, timeoutMs?: number): Promise<ResponsesRequest>;
  close(): Promise<void>;
}

class Standin extends StandinServer<ResponsesRequest, ResponsesAnswer, ResponsesThread> implements ResponsesStandin {
  baseUrl = '';
  padPerRequest: number;
  latencyMs: number;
  window: number;
  private readonly outputTokens: number;

  constructor(opts: ResponsesStandinOptions) {
    super('responses standin', 'main');
    this.window = checkCount('responses standin', 'window', opts.window, DEFAULT_RESPONSES_WINDOW);
    this.padPerRequest = checkCount('responses standin', 'padPerRequest', opts.padPerRequest, 0);
    this.latencyMs = checkCount('responses standin', 'latencyMs', opts.latencyMs, 0);
    this.outputTokens = checkCount('responses standin', 'outputTokens', opts.outputTokens, DEFAULT_OUTPUT_TOKENS);
  }

  responses(thread?: ResponsesThread): ResponsesRequest[] {
    return this.requests.filter((r) => r.path === '/v1/responses' && r.usage !== null && (thread === undefined || r.thread === thread));
  }

  lastMain(): ResponsesRequest | undefined { return this.responses('main').filter((r) => r.status === 200).at(-1); }

  protected fail(res: ServerResponse, err: unknown): void { this.send(res, 500, responsesErrorJson('server_error', `standin failed: ${String(err)}`)); }

  private send(res: ServerResponse, status: number, json: Record<string, unknown>): void {
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(json));
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.method === 'POST' ? await readBody(req, MAX_BODY_BYTES) : '';
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const h of RECORDED_HEADERS) { const v = req.headers[h]; if (typeof v === 'string') headers[h] = v; }
    const rec: ResponsesRequest = {
      seq: ++this.seq, t: Date.now(), method: req.method ?? '', path: u.pathname, headers, body: null, bodyChars: raw?.length ?? 0,
      model: null, thread: null, threadId: headers['thread-id'] ?? null, prompt: '', padding: 0, usage: null, contextTokens: null, status: 0, answer: null,
    };
    if (raw === null) { rec.status = 413; this.record(rec); this.send(res, 413, responsesErrorJson('request_too_large', `request body over ${MAX_BODY_BYTES} bytes`)); return; }
    if (req.method === 'POST' && u.pathname.startsWith('/v1/analytics/')) { rec.status = 200; this.record(rec); this.send(res, 200, {}); return; }
    if (u.pathname !== '/v1/responses') { rec.status = 404; this.record(rec); this.send(res, 404, responsesErrorJson('not_found', `no route ${req.method ?? ''} ${u.pathname}`)); return; }
    if (req.method !== 'POST') { rec.status = 405; this.record(rec); this.send(res, 405, responsesErrorJson('method_not_allowed', `use POST for ${u.pathname}`)); return; }
    let body: ResponsesBody;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('body is not a JSON object');
      body = parsed as ResponsesBody;
    } catch (err) {
      rec.status = 400;
      this.record(rec);
      this.send(res, 400, responsesErrorJson('invalid_json', `malformed JSON body: ${(err as Error).message}`));
      return;
    }
    rec.body = body;
    rec.model = typeof body.model === 'string' ? body.model : null;
    rec.thread = responsesThread(body, turnMetadata(headers['x-codex-turn-metadata']));
    rec.prompt = newestTyped(body);
    rec.padding = responsesPadding(body) + (rec.thread === 'main' ? Math.floor(this.padPerRequest) : 0);
    const tokens = Math.floor(raw.length / CHARS_PER_TOKEN) + rec.padding;
    rec.usage = responsesUsage(tokens, this.outputTokens);
    rec.contextTokens = tokens;
    if (tokens > this.window) {
      rec.status = 400;
      rec.answer = { kind: 'error', status: 400, code: 'context_length_exceeded', message: `Your input exceeds the context window of this model (${tokens} > ${this.window} tokens).` };
      this.record(rec);
      this.send(res, 400, responsesErrorJson(rec.answer.code, rec.answer.message));
      return;
    }
    const answer = this.takeQueued(rec.thread)
      ?? responsesAnswerFor(body, { seq: rec.seq, contextTokens: tokens, thread: rec.thread, cwd: sessionCwdOf(body) });
    rec.answer = answer;
    rec.status = answer.kind === 'error' ? answer.status : 200;
    this.record(rec);
    if (answer.kind === 'error') { this.send(res, answer.status, responsesErrorJson(answer.code, answer.message)); return; }
    if (this.latencyMs > 0) await this.log.delay(this.latencyMs);
    if (res.destroyed) return;
    const item: OutputItem = answer.kind === 'text'
      ? { type: 'message', id: `msg_standin_${rec.seq}`, text: answer.text }
      : { type: 'function_call', id: `fc_standin_${rec.seq}`, callId: `call_standin_${rec.seq}`, name: answer.name, arguments: JSON.stringify(answer.arguments) };
    const events = responsesEvents({ id: `resp_standin_${rec.seq}`, model: rec.model ?? 'standin-model', item, usage: rec.usage });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.end(events.map(frame).join(''));
  }
}

/** Starts the stand-in on 127.0.0.1 (a free port unless `port` is given). */
export async function startResponsesStandin(opts: ResponsesStandinOptions = {}): Promise<ResponsesStandin> {
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)) {
    throw new Error(`responses standin: port must be an integer 0–65535, got ${String(opts.port)}`);
  }
  const s = new Standin(opts);
  await s.listen(opts.port);
  s.baseUrl = `http://127.0.0.1:${s.port}/v1`;
  return s;
}
