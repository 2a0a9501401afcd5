// Shared by the two relays Claude Code runs (hook-relay.ts, statusline-relay.ts): read what Claude
// wrote on standard input and POST it to guard's receiver (`<GUARD_RECEIVER_URL>/guard/hook/<event>`
// with the run's token). Both are started once per hook or status-line refresh, so this file imports
// nothing but node:http and must never throw, print, or wait past its deadline.

import { request } from 'node:http';

/** Set by guard in Claude's environment; hook and status-line commands inherit it. */
export const RECEIVER_URL_ENV = 'GUARD_RECEIVER_URL';
export const TOKEN_ENV = 'GUARD_TOKEN';
/** statusline-relay's argument carrying the user's own status-line command, base64url-encoded
 * (no shell quoting to get wrong). */
export const USER_COMMAND_FLAG = '--user-command-b64';
/** The receiver's header (src/telemetry/receiver.ts TOKEN_HEADER); repeated here so that the relay
 * loads no other module of guard's. */
const TOKEN_HEADER = 'x-guard-token';
/** Claude waits for its hooks: stdin and the POST together stay under a second. */
export const RELAY_DEADLINE_MS = 800;
/** A hook payload is a few KB; Stop carries the last message, which can be long, but not this long. */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** Everything on stdin until EOF, or what arrived before `deadline` (ms since the epoch). */
export function readStdin(deadline: number): Promise<{ data: Buffer; complete: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const stdin = process.stdin;
    const finish = (complete: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stdin.removeAllListeners('data');
      stdin.pause();
      resolve({ data: Buffer.concat(chunks), complete });
    };
    const timer = setTimeout(() => finish(false), Math.max(0, deadline - Date.now()));
    if (stdin.isTTY) {
      finish(true);
      return;
    }
    stdin.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_INPUT_BYTES) finish(false);
      else chunks.push(c);
    });
    stdin.on('end', () => finish(true));
    stdin.on('error', () => finish(false));
  });
}

/** POSTs `body` to the receiver; resolves true on a 2xx answer, false on anything else. Never rejects. */
export function postHook(event: string, body: Buffer, deadline: number, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return new Promise((resolve) => {
    const base = env[RECEIVER_URL_ENV];
    const token = env[TOKEN_ENV];
    if (!base || !token || !/^[A-Za-z]+$/.test(event)) {
      resolve(false);
      return;
    }
    let url: URL;
    try {
      url = new URL(`${base.replace(/\/+$/, '')}/guard/hook/${event}`);
    } catch {
      resolve(false);
      return;
    }
    if (url.protocol !== 'http:') {
      resolve(false);
      return;
    }
    let settled = false;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(ok);
    };
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': String(body.length), [TOKEN_HEADER]: token },
    }, (res) => {
      res.resume();
      settle((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    const timer = setTimeout(() => { req.destroy(); settle(false); }, Math.max(0, deadline - Date.now()));
    req.on('error', () => settle(false));
    req.end(body);
  });
}
