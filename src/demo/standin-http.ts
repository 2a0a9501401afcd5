// What every stand-in API server needs from node:http (the Messages one, src/demo/standin-api.ts;
// the Responses one, src/demo/responses-standin.ts; the Gemini one, src/demo/gemini-standin.ts):
// a request body read whole up to a size limit, and a check of numeric options at the boundary. Input: a request, an option's value.
// Output: the body text (null past the limit), the number or a clear error.
import type { IncomingMessage } from 'node:http';

/** The whole body as UTF-8; null (and the request destroyed) once it passes `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > maxBytes) { resolve(null); req.destroy(); return; }
      parts.push(d);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** `v`, or `dflt` when undefined; throws `<who>: <name> must be a non-negative number, got <v>`. */
export function checkCount(who: string, name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 0) throw new Error(`${who}: ${name} must be a non-negative number, got ${String(v)}`);
  return v;
}
