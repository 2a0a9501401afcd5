// A tiny OTLP/HTTP collector for tests: Claude Code POSTs its logs and metrics here and the
// test reads the events of JSON bodies back as flat objects (protobuf bodies are kept as they
// came, with their content type). Independent of guard's own receiver on purpose, so
// a test can check guard's figures against what Claude really sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FlatValue = string | number | boolean | null;
export interface CapturedEvent {
  /** `event.name` (api_request, user_prompt, compaction …). */
  name: string;
  attrs: Record<string, FlatValue>;
}
export interface OtlpCapture {
  /** http://127.0.0.1:PORT, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** Every body POSTed, with its path and whether the token matched. */
  posts: Array<{ path: string; authorized: boolean; contentType: string; body: unknown }>;
  /** The log events, in arrival order (authorized posts only). */
  events(name?: string): CapturedEvent[];
  close(): Promise<void>;
}

interface AnyValue { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean }
interface KeyValue { key: string; value?: AnyValue }
interface LogsBody { resourceLogs?: Array<{ scopeLogs?: Array<{ logRecords?: Array<{ attributes?: KeyValue[] }> }> }> }

function flat(v: AnyValue | undefined): FlatValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return null;
}

/** Log events of one OTLP JSON logs body, attributes flattened (ints as numbers). */
export function logEvents(body: unknown): CapturedEvent[] {
  const out: CapturedEvent[] = [];
  for (const rl of (body as LogsBody).resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const rec of sl.logRecords ?? []) {
        const attrs: Record<string, FlatValue> = {};
        for (const kv of rec.attributes ?? []) attrs[kv.key] = flat(kv.value);
        out.push({ name: String(attrs['event.name'] ?? ''), attrs });
      }
    }
  }
  return out;
}

/** Starts the collector; requests must carry `header: token` (as OTEL_EXPORTER_OTLP_HEADERS sets it). */
export async function startOtlpCapture(header: string, token: string): Promise<OtlpCapture> {
  const posts: OtlpCapture['posts'] = [];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const authorized = req.headers[header.toLowerCase()] === token;
      let body: unknown = null;
      try { body = JSON.parse(Buffer.concat(parts).toString('utf8')); } catch { /* kept as null */ }
      posts.push({ path: new URL(req.url ?? '/', 'http://x').pathname, authorized, contentType: req.headers['content-type'] ?? '', body });
      res.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    events: (name) => posts.filter((p) => p.authorized && p.path === '/v1/logs').flatMap((p) => logEvents(p.body))
      .filter((e) => name === undefined || e.name === name),
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
