// Shared by the two relays Claude Code runs (hook-relay.ts, statusline-relay.ts): read what Claude
// wrote on standard input and POST it to guard's receiver (`<GUARD_RECEIVER_URL>/guard/hook/<event>`
// with the run's token); the receiver's answer comes back (only PreCompact's is ever used: guard's
// decision on Claude's automatic compaction). Both are started once per hook or status-line
// refresh, so this file imports nothing but node:http and must never throw, print, or wait past
// its deadline.

import { request } from 'node:http';

/** Set by guard in Claude's environment; hook and status-line commands inherit it. */
export const RECEIVER_URL_ENV = 'GUARD_RECEIVER_URL';
export const TOKEN_ENV = 'GUARD_TOKEN';
/** statusline-relay's argument carrying the user's own status-line command, base64url-encoded
 * (no shell quoting to get wrong). */
export const USER_COMMAND_FLAG = '--user-command-b64';
/** The relays run with NODE_OPTIONS emptied (src/claude/settings.ts); the status-line relay finds
 * the user's own here and gives it back to their command. */
export const USER_NODE_OPTIONS_ENV = 'GUARD_USER_NODE_OPTIONS';
/** Likewise the user's NODE_EXTRA_CA_CERTS (the relays run without it). */
export const USER_CA_CERTS_ENV = 'GUARD_USER_NODE_EXTRA_CA_CERTS';
/** The receiver's header (src/telemetry/receiver.ts TOKEN_HEADER); repeated here so that the relay
 * loads no other module of guard's. */
const TOKEN_HEADER = 'x-guard-token';
/** Claude waits for its hooks: stdin and the POST together stay under a second. */
export const RELAY_DEADLINE_MS = 800;
/**
 * PreCompact waits for guard's decision, which can take a second (guard first lets Claude's pending
 * telemetry arrive: see HOLD_SETTLE_MS in src/agents/claude/adapter.ts). Well inside the 5 s timeout guard
 * gives its hooks (src/claude/settings.ts HOOK_TIMEOUT_S): after it the relay allows the compaction.
 */
export const PRECOMPACT_DEADLINE_MS = 3_000;
/** An answer is a small JSON object; anything longer is not guard's. */
const MAX_ANSWER_BYTES = 4096;
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
export async function postHook(event: string, body: Buffer, deadline: number, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return (await askHook(event, body, deadline, env)) !== null;
}

/**
 * POSTs `body` to the receiver and resolves with its answer's body on a 2xx answer (read before
 * `deadline`), null on anything else. Never rejects.
 */
export function askHook(event: string, body: Buffer, deadline: number, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  return new Promise((resolve) => {
    const base = env[RECEIVER_URL_ENV];
    const token = env[TOKEN_ENV];
    if (!base || !token || !/^[A-Za-z]+$/.test(event)) {
      resolve(null);
      return;
    }
    let url: URL;
    try {
      url = new URL(`${base.replace(/\/+$/, '')}/guard/hook/${event}`);
    } catch {
      resolve(null);
      return;
    }
    if (url.protocol !== 'http:') {
      resolve(null);
      return;
    }
    let settled = false;
    const settle = (answer: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': String(body.length), [TOKEN_HEADER]: token },
    }, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        res.resume();
        settle(null);
        return;
      }
      let answer = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        answer += c;
        if (answer.length > MAX_ANSWER_BYTES) { req.destroy(); settle(null); }
      });
      res.on('end', () => settle(answer));
      res.on('error', () => settle(null));
    });
    const timer = setTimeout(() => { req.destroy(); settle(null); }, Math.max(0, deadline - Date.now()));
    req.on('error', () => settle(null));
    req.end(body);
  });
}

/**
 * What the PreCompact hook prints for the receiver's answer: Claude Code 2.1.330 reads a hook's
 * stdout `{"decision":"block","reason":…}` (exit 0) as "do not compact". Anything else, including
 * no answer, is '' (the compaction goes ahead): a PreCompact hook's other output would be added
 * to Claude's compaction instructions, so nothing but a block is ever printed.
 */
export function preCompactOutput(answer: string | null): string {
  if (answer === null) return '';
  let parsed: unknown;
  try { parsed = JSON.parse(answer); } catch { return ''; }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { decision?: unknown }).decision !== 'block') return '';
  const reason = (parsed as { reason?: unknown }).reason;
  return JSON.stringify({ decision: 'block', reason: typeof reason === 'string' && reason !== '' ? reason : 'guard is handing over to a fresh context' });
}
