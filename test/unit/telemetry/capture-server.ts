// A stand-in for the user's own OTLP collector in the forwarding tests: a node:http server on
// 127.0.0.1 that keeps every request (path, headers, raw body bytes) and answers as the test says
// (a status, a delay, or never), so tests can check what guard forwarded and how it copes.

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Captured { path: string; headers: IncomingHttpHeaders; body: Buffer }

/** What to do with one request: answer with `status` (after `delayMs`), or hold it until released. */
export type Behaviour = { status: number; delayMs?: number; headers?: Record<string, string> } | 'hang';

export interface CaptureServer {
  url: string;
  requests: Captured[];
  /** Behaviour of request n (0-based, counting every request); default 200 at once. */
  behave(fn: (n: number) => Behaviour): void;
  /** Answers every held request with 200. */
  release(): void;
  /** Resolves once `count` requests arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: Captured[] = [];
  let behaviour: (n: number) => Behaviour = () => ({ status: 200 });
  let seen = 0;
  const held: ServerResponse[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    const n = seen++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      for (const w of waiters.filter((x) => requests.length >= x.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const b = behaviour(n);
      if (b === 'hang') { held.push(res); return; }
      const answer = (): void => {
        res.writeHead(b.status, { 'content-type': 'application/x-protobuf', ...b.headers });
        res.end();
      };
      if (b.delayMs) setTimeout(answer, b.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    behave: (fn) => { behaviour = fn; },
    release: () => {
      for (const res of held.splice(0)) if (!res.destroyed) { res.writeHead(200); res.end(); }
    },
    waitFor: (count) => new Promise<void>((resolve) => {
      if (requests.length >= count) resolve();
      else waiters.push({ count, resolve });
    }),
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

/** A 127.0.0.1 URL on which nothing listens (a port just freed). */
export async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
