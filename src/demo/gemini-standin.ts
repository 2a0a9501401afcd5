// A local stand-in for the Gemini API (generativelanguage v1beta), for the Gemini end-to-end tests.
// Input: Gemini CLI's HTTP requests on 127.0.0.1 (GOOGLE_GEMINI_BASE_URL): `POST
// /v1beta/models/<model>:streamGenerateContent?alt=sse`, `:generateContent`, `:countTokens`.
// Output: scripted answers (src/demo/gemini-script.ts) in the API's wire format
// (src/demo/gemini-wire.ts) with `usageMetadata` computed from each request's size plus padding,
// as the Claude stand-in does, and a record of every request for assertions. This file only does
// the HTTP.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StandinServer, checkCount, readBody } from './standin-http.js';
import { DEFAULT_OUTPUT_TOKENS, promptTokens } from './standin-usage.js';
import { answerFor, newestUserText, padInContents, threadOf, type GeminiAnswer, type GeminiThread, type GenerateBody } from './gemini-script.js';
import { GEMINI_WINDOW, errorBody, generateJson, sseFrame, streamChunks, tooLongMessage, usageFor, type UsageMetadata } from './gemini-wire.js';

export type { GeminiThread } from './gemini-script.js';

/** Gemini CLI's requests are tens of KB; padding is counted, not sent. Anything past this is refused. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** `/v1beta/models/<model>:<method>` (the model may carry a `models/` prefix once more, or dots). */
const ROUTE = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(streamGenerateContent|generateContent|countTokens)$/;

export interface GeminiStandinOptions {
  /** Prompts above this many tokens are refused with 400, as the API does (default 1,048,576). */
  window?: number;
  /** Extra tokens added to every main-conversation request (settable later). Default 0. */
  padPerRequest?: number;
  /** Delay before an answer starts streaming, so "working" is visible. Default 0. */
  latencyMs?: number;
  /** Output tokens reported per answer. Default 40. */
  outputTokens?: number;
  port?: number;
}

export interface GeminiStandinRequest {
  seq: number;
  t: number;
  method: string;
  path: string;
  search: string;
  /** The model in the path; null for other routes. */
  model: string | null;
  /** streamGenerateContent, generateContent, countTokens; null for other routes. */
  call: string | null;
  body: GenerateBody | null;
  bodyChars: number;
  thread: GeminiThread | null;
  prompt: string;
  padding: number;
  /** The usage reported (also for refused prompts: what it would have been); null for countTokens. */
  usage: UsageMetadata | null;
  status: number;
  answer: GeminiAnswer | null;
}

export interface GeminiStandin {
  readonly port: number;
  readonly url: string;
  readonly requests: GeminiStandinRequest[];
  padPerRequest: number;
  latencyMs: number;
  window: number;
  /** Answered-or-refused generate calls, optionally of one thread. */
  generations(thread?: GeminiThread): GeminiStandinRequest[];
  /** The newest main-conversation request that was answered. */
  lastMain(): GeminiStandinRequest | undefined;
  /** The next generate call of `thread` (default main) gets this answer instead of the script's. */
  enqueue(answer: GeminiAnswer, thread?: GeminiThread): void;
  waitForRequest(pred: (r: GeminiStandinRequest) => boolean, timeoutMs?: number): Promise<GeminiStandinRequest>;
  close(): Promise<void>;
}

const count = (name: string, v: number | undefined, dflt: number): number => checkCount('gemini standin', name, v, dflt);

const HTTP_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND', 405: 'INVALID_ARGUMENT', 413: 'INVALID_ARGUMENT', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

class Standin extends StandinServer<GeminiStandinRequest, GeminiAnswer, GeminiThread> implements GeminiStandin {
  url = '';
  padPerRequest: number;
  latencyMs: number;
  window: number;
  private readonly outputTokens: number;

  constructor(o: GeminiStandinOptions) {
    super('gemini standin', 'main');
    this.window = count('window', o.window, GEMINI_WINDOW);
    this.padPerRequest = count('padPerRequest', o.padPerRequest, 0);
    this.latencyMs = count('latencyMs', o.latencyMs, 0);
    this.outputTokens = count('outputTokens', o.outputTokens, DEFAULT_OUTPUT_TOKENS);
  }

  generations(thread?: GeminiThread): GeminiStandinRequest[] {
    return this.requests.filter((r) => r.usage !== null && r.call !== 'countTokens' && (thread === undefined || r.thread === thread));
  }

  lastMain(): GeminiStandinRequest | undefined { return this.generations('main').filter((r) => r.status === 200).at(-1); }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.method === 'POST' ? await readBody(req, MAX_BODY_BYTES) : '';
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rec: GeminiStandinRequest = {
      seq: ++this.seq, t: Date.now(), method: req.method ?? '', path: u.pathname, search: u.search, model: null, call: null,
      body: null, bodyChars: raw?.length ?? 0, thread: null, prompt: '', padding: 0, usage: null, status: 0, answer: null,
    };
    if (raw === null) { this.refuse(res, rec, 413, 'request body too large'); return; }
    const route = ROUTE.exec(u.pathname);
    if (!route) { this.refuse(res, rec, 404, `no route ${rec.method} ${rec.path}`); return; }
    rec.model = decodeURIComponent(route[1] ?? '');
    rec.call = route[2] ?? null;
    if (req.method !== 'POST') { this.refuse(res, rec, 405, `use POST for ${rec.path}`); return; }
    let body: GenerateBody;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('body is not a JSON object');
      body = parsed as GenerateBody;
    } catch (err) {
      this.refuse(res, rec, 400, `malformed JSON body: ${(err as Error).message}`);
      return;
    }
    rec.body = body;
    rec.thread = threadOf(body);
    rec.prompt = newestUserText(body);
    rec.padding = padInContents(body) + (rec.thread === 'main' ? Math.floor(this.padPerRequest) : 0);
    const tokens = promptTokens(raw.length, rec.padding);
    if (rec.call === 'countTokens') {
      rec.status = 200;
      this.record(rec);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ totalTokens: tokens }));
      return;
    }
    rec.usage = usageFor(tokens, this.outputTokens);
    if (tokens > this.window) {
      rec.answer = { kind: 'error', status: 400, errorStatus: 'INVALID_ARGUMENT', message: tooLongMessage(tokens, this.window) };
      this.refuse(res, rec, 400, rec.answer.message);
      return;
    }
    const answer = this.takeQueued(rec.thread) ?? answerFor(body, { seq: rec.seq, promptTokens: tokens, thread: rec.thread, cwd: null });
    rec.answer = answer;
    if (answer.kind === 'error') { this.refuse(res, rec, answer.status, answer.message, answer.errorStatus); return; }
    rec.status = 200;
    this.record(rec);
    if (this.latencyMs > 0) await this.log.delay(this.latencyMs);
    if (res.destroyed) return;
    const responseId = `standin-${rec.seq}`;
    if (rec.call === 'generateContent') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(generateJson(answer, rec.usage, rec.model, responseId)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.end(streamChunks(answer, rec.usage, rec.model, responseId).map(sseFrame).join(''));
  }

  private refuse(res: ServerResponse, rec: GeminiStandinRequest, code: number, message: string, status = HTTP_STATUS[code] ?? 'UNKNOWN'): void {
    rec.status = code;
    this.record(rec);
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(errorBody(code, status, message)));
  }

  protected fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify(errorBody(500, 'INTERNAL', `gemini standin failed: ${err instanceof Error ? err.message : String(err)}`)));
  }
}

/** Starts the Gemini stand-in on 127.0.0.1 (a free port unless `port` is given). */
export async function startGeminiStandin(opts: GeminiStandinOptions = {}): Promise<GeminiStandin> {
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)) {
    throw new Error(`gemini standin: port must be an integer 0–65535, got ${String(opts.port)}`);
  }
  const s = new Standin(opts);
  await s.listen(opts.port);
  s.url = `http://127.0.0.1:${s.port}`;
  return s;
}
