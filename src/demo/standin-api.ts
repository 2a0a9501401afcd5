// A local stand-in for the Anthropic Messages API, for `guard demo` and the end-to-end tests.
// Input: Claude Code's HTTP requests on 127.0.0.1 (ANTHROPIC_BASE_URL). Output: scripted answers
// streamed as the real API's server-sent events, with usage computed from each request's size
// plus padding (src/demo/standin-usage.ts), and a record of every request for assertions.
// The script (which keyword gets which answer) is src/demo/standin-script.ts; the wire format
// is src/demo/sse.ts. This file only does the HTTP.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StandinServer, checkCount, readBody } from './standin-http.js';
import { answerEvents, answerJson, errorJson, frame, type Answer, type AnswerBlock } from './sse.js';
import {
  answerFor, newestUserText, padInConversation, querySourceGuess, threadKind,
  type MessagesBody, type ScriptedAnswer, type ThreadKind,
} from './standin-script.js';
import {
  DEFAULT_MODELS_1M, DEFAULT_OUTPUT_TOKENS, DEFAULT_WINDOW, DEFAULT_WINDOW_1M, contextOf, promptTokens, promptTooLongMessage,
  splitUsage, windowForRequest, type Usage,
} from './standin-usage.js';

export type { ScriptedAnswer, ThreadKind } from './standin-script.js';
export type { Usage } from './standin-usage.js';

/** Claude Code's requests are ~50 KB; padding is counted, not sent. Anything past this is refused. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Headers kept in the record (the API key is deliberately not among them). */
const RECORDED_HEADERS = ['anthropic-beta', 'anthropic-version', 'x-claude-code-session-id', 'user-agent', 'x-app', 'content-type'];

export interface StandinOptions {
  /** Window for ordinary models (default 200,000). */
  window?: number;
  /** Window for `[1m]` models and requests with the `context-1m` beta (default 1,000,000). */
  window1m?: number;
  /** Models held to `window1m` (default: the 5.5 family, which Claude Code 2.1.330 treats as 1M). */
  models1m?: RegExp;
  /** Decides the window per request; return undefined to fall back to the rules above. */
  windowFor?: (model: string | null, anthropicBeta: string | undefined) => number | undefined;
  /** Extra tokens added to every main-conversation request (settable later). Default 0. */
  padPerRequest?: number;
  /** Delay before an answer starts streaming, so "working" is visible. Default 0. */
  latencyMs?: number;
  /** Delay for sub-agent requests instead (a slow background agent); default: latencyMs. */
  subagentLatencyMs?: number;
  /** Answer checkpoint-note requests with text instead of a Write (a note never written). */
  refuseWrites?: boolean;
  /** Output tokens reported per answer. Default 40. */
  outputTokens?: number;
  /** Keep each request's parsed body in `requests` (default true; `guard demo` may turn it off to save memory). */
  recordBodies?: boolean;
  /** Port to listen on (default 0: a free one). */
  port?: number;
}

export interface StandinRequest {
  /** 1-based, over every request the stand-in got (HEAD included). */
  seq: number;
  /** Milliseconds since the epoch when it arrived. */
  t: number;
  method: string;
  path: string;
  /** The query string with its `?`, e.g. `?beta=true`; '' if none. */
  search: string;
  headers: Record<string, string>;
  /** The parsed JSON body (Messages API requests, unless recordBodies is false), else null. */
  body: MessagesBody | null;
  bodyChars: number;
  model: string | null;
  stream: boolean;
  /** The conversation it belongs to (Messages requests only). */
  thread: ThreadKind | null;
  /** What Claude's telemetry likely calls it: repl_main_thread, compact, agent, generate_session_title, side. */
  querySource: string | null;
  /** Claude Code's `x-claude-code-session-id` header. */
  sessionId: string | null;
  /** The newest text the user typed, as the stand-in read it. */
  prompt: string;
  /** Tokens of padding counted into this request (PAD markers + padPerRequest). */
  padding: number;
  window: number | null;
  /** The usage reported (also for refused requests: what the prompt would have been). */
  usage: Usage | null;
  /** input + cache read + cache creation. */
  contextTokens: number | null;
  status: number;
  answer: ScriptedAnswer | null;
}

export type RequestListener = (r: StandinRequest) => void;

export interface StandinApi {
  readonly port: number;
  /** http://127.0.0.1:PORT, for ANTHROPIC_BASE_URL. */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: StandinRequest[];
  padPerRequest: number;
  latencyMs: number;
  /** Sub-agent requests wait this long instead of latencyMs; null: latencyMs. */
  subagentLatencyMs: number | null;
  refuseWrites: boolean;
  window: number;
  window1m: number;
  models1m: RegExp;
  /** Answered-or-refused `POST /v1/messages` requests, optionally of one thread. */
  messages(thread?: ThreadKind): StandinRequest[];
  /** The newest main-conversation request that was answered (status 200). */
  lastMain(): StandinRequest | undefined;
  /** The next Messages request of `thread` (default main) gets this answer instead of the script's. */
  enqueue(answer: ScriptedAnswer, thread?: ThreadKind): void;
  /** Resolves with the first request (already recorded or future) matching `pred`. */
  waitForRequest(pred: (r: StandinRequest) => boolean, timeoutMs?: number): Promise<StandinRequest>;
  /** Called for each request once it is recorded; returns the unsubscribe function. */
  onRequest(listener: RequestListener): () => void;
  close(): Promise<void>;
}

class Standin extends StandinServer<StandinRequest, ScriptedAnswer, ThreadKind> implements StandinApi {
  url = '';
  padPerRequest: number;
  latencyMs: number;
  /** Sub-agent requests wait this long instead of latencyMs; null: latencyMs. */
  subagentLatencyMs: number | null;
  refuseWrites: boolean;
  window: number;
  window1m: number;
  models1m: RegExp;
  private readonly outputTokens: number;
  private readonly recordBodies: boolean;
  private readonly windowFor: StandinOptions['windowFor'];
  private toolSeq = 0;

  constructor(opts: StandinOptions) {
    super('standin', 'main');
    this.window = checkCount('standin', 'window', opts.window, DEFAULT_WINDOW);
    this.window1m = checkCount('standin', 'window1m', opts.window1m, DEFAULT_WINDOW_1M);
    this.models1m = opts.models1m ?? DEFAULT_MODELS_1M;
    this.padPerRequest = checkCount('standin', 'padPerRequest', opts.padPerRequest, 0);
    this.latencyMs = checkCount('standin', 'latencyMs', opts.latencyMs, 0);
    this.subagentLatencyMs = opts.subagentLatencyMs === undefined ? null : checkCount('standin', 'subagentLatencyMs', opts.subagentLatencyMs, 0);
    this.outputTokens = checkCount('standin', 'outputTokens', opts.outputTokens, DEFAULT_OUTPUT_TOKENS);
    this.refuseWrites = opts.refuseWrites ?? false;
    this.recordBodies = opts.recordBodies ?? true;
    this.windowFor = opts.windowFor;
    this.server.keepAliveTimeout = 60_000;
  }

  messages(thread?: ThreadKind): StandinRequest[] {
    return this.requests.filter((r) => r.path === '/v1/messages' && r.method === 'POST' && r.usage !== null && (thread === undefined || r.thread === thread));
  }

  lastMain(): StandinRequest | undefined {
    return this.messages('main').filter((r) => r.status === 200).at(-1);
  }

  onRequest(listener: RequestListener): () => void { return this.log.onRequest(listener); }

  protected override record(r: StandinRequest): void {
    if (!this.recordBodies) r.body = null;
    super.record(r);
  }

  private baseRecord(req: IncomingMessage, bodyChars: number): StandinRequest {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const h of RECORDED_HEADERS) { const v = req.headers[h]; if (typeof v === 'string') headers[h] = v; }
    return {
      seq: ++this.seq, t: Date.now(), method: req.method ?? '', path: u.pathname, search: u.search, headers,
      body: null, bodyChars, model: null, stream: false, thread: null, querySource: null,
      sessionId: headers['x-claude-code-session-id'] ?? null, prompt: '', padding: 0, window: null,
      usage: null, contextTokens: null, status: 0, answer: null,
    };
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.method === 'POST' ? await readBody(req, MAX_BODY_BYTES) : '';
    if (raw === null) { this.sendError(res, 413, 'request_too_large', `request body over ${MAX_BODY_BYTES} bytes`); return; }
    const rec = this.baseRecord(req, raw.length);
    if ((req.method === 'HEAD' || req.method === 'GET') && rec.path === '/') {
      rec.status = 200;
      this.record(rec);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'GET' ? '{"ok":true}' : undefined);
      return;
    }
    const isMessages = rec.path === '/v1/messages';
    const isCount = rec.path === '/v1/messages/count_tokens';
    if (!isMessages && !isCount) {
      rec.status = 404;
      this.record(rec);
      this.sendError(res, 404, 'not_found_error', `no route ${req.method ?? ''} ${rec.path}`);
      return;
    }
    if (req.method !== 'POST') { rec.status = 405; this.record(rec); this.sendError(res, 405, 'invalid_request_error', `use POST for ${rec.path}`); return; }
    let body: MessagesBody;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('body is not a JSON object');
      body = parsed as MessagesBody;
    } catch (err) {
      rec.status = 400;
      this.record(rec);
      this.sendError(res, 400, 'invalid_request_error', `malformed JSON body: ${(err as Error).message}`);
      return;
    }
    rec.body = body;
    rec.model = typeof body.model === 'string' ? body.model : null;
    rec.stream = body.stream === true;
    rec.thread = threadKind(body);
    rec.querySource = querySourceGuess(rec.thread, body);
    rec.prompt = newestUserText(body);
    rec.padding = padInConversation(body) + (rec.thread === 'main' ? Math.floor(this.padPerRequest) : 0);
    const tokens = promptTokens(raw.length, rec.padding);
    rec.window = this.windowFor?.(rec.model, rec.headers['anthropic-beta']) ?? windowForRequest(rec.model, rec.headers['anthropic-beta'], this);
    if (isCount) {
      rec.status = 200;
      this.record(rec);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: tokens }));
      return;
    }
    rec.usage = splitUsage(tokens, this.outputTokens);
    rec.contextTokens = contextOf(rec.usage);
    if (tokens > rec.window) {
      rec.status = 400;
      rec.answer = { kind: 'error', status: 400, errorType: 'invalid_request_error', message: promptTooLongMessage(tokens, rec.window) };
      this.record(rec);
      this.sendError(res, 400, 'invalid_request_error', rec.answer.message);
      return;
    }
    const answer = this.takeQueued(rec.thread)
      ?? answerFor(body, { seq: rec.seq, contextTokens: rec.contextTokens, thread: rec.thread, refuseWrites: this.refuseWrites });
    rec.answer = answer;
    rec.status = answer.kind === 'error' ? answer.status : 200;
    this.record(rec);
    if (answer.kind === 'error') { this.sendError(res, answer.status, answer.errorType, answer.message); return; }
    const latency = rec.thread === 'subagent' && this.subagentLatencyMs !== null ? this.subagentLatencyMs : this.latencyMs;
    if (latency > 0) await this.log.delay(latency);
    if (res.destroyed) return;
    const a = this.toAnswer(rec, answer);
    if (!rec.stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_standin_${rec.seq}` });
      res.end(JSON.stringify(answerJson(a)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_standin_${rec.seq}` });
    res.end(answerEvents(a).map(frame).join(''));
  }

  private toAnswer(rec: StandinRequest, answer: Exclude<ScriptedAnswer, { kind: 'error' }>): Answer {
    const content: AnswerBlock[] = answer.kind === 'text'
      ? [{ type: 'text', text: answer.text }]
      : [{ type: 'tool_use', id: `toolu_standin_${++this.toolSeq}`, name: answer.name, input: answer.input }];
    return {
      id: `msg_standin_${rec.seq}`, model: rec.model ?? 'claude-standin', content,
      stopReason: answer.kind === 'text' ? 'end_turn' : 'tool_use', usage: rec.usage ?? splitUsage(0, this.outputTokens),
    };
  }

  private sendError(res: ServerResponse, status: number, errorType: string, message: string): void {
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_standin_err_${this.seq}` });
    res.end(JSON.stringify(errorJson(errorType, message)));
  }

  protected fail(res: ServerResponse, err: unknown): void {
    this.sendError(res, 500, 'api_error', `standin failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Starts the stand-in on 127.0.0.1 (a free port unless `port` is given). */
export async function startStandinApi(opts: StandinOptions = {}): Promise<StandinApi> {
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)) {
    throw new Error(`standin: port must be an integer 0–65535, got ${String(opts.port)}`);
  }
  const s = new Standin(opts);
  await s.listen(opts.port);
  s.url = `http://127.0.0.1:${s.port}`;
  return s;
}
