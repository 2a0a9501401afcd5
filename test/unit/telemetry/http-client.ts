// A tiny node:http client for the receiver tests: posts a body (bytes, or a generator of chunks
// written with back-pressure) to a 127.0.0.1 receiver and collects the whole response.

import { request } from 'node:http';

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; text: string }

export interface PostOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | Uint8Array | string | Iterable<Buffer>;
  /** Called with the bytes written so far when the request ends or fails. */
  onSent?: (bytes: number) => void;
}

export function post(baseUrl: string, path: string, opts: PostOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let replied = false;
    const req = request(baseUrl + path, { method: opts.method ?? 'POST', headers: opts.headers ?? {} }, (res) => {
      replied = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        opts.onSent?.(sent);
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    // Once the server has answered (e.g. 413) it may close while we still write: that is expected.
    req.on('error', (err) => { if (!replied) reject(err); });
    const body = opts.body;
    if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
      if (body !== undefined) sent += Buffer.byteLength(body);
      req.end(body);
      return;
    }
    const it = body[Symbol.iterator]();
    const pump = (): void => {
      for (;;) {
        if (replied || req.destroyed) return;
        const next = it.next();
        if (next.done) { req.end(); return; }
        sent += next.value.length;
        if (!req.write(next.value)) { req.once('drain', pump); return; }
      }
    };
    pump();
  });
}
