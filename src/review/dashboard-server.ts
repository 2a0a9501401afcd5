// The dashboard's HTTP server (node:http), read-only. Input: what guard already writes — the
// live registry (src/registry/live.ts, read without cleaning) and the session logs (./store.ts) —
// polled every POLL_MS. Output: on 127.0.0.1 only, for requests carrying the run's random token
// (and a Host of 127.0.0.1/localhost, against DNS rebinding): `/` the page, `/events` a
// server-sent event stream that sends the live cards and the history whenever they change,
// `/session/<id>` a session's review page. Sessions that start or end while it runs simply
// appear in or leave the registry; a file that vanishes mid-read is skipped.
import type * as Http from 'node:http';
import { http } from '../lib/lazy-builtin.js';
import { crypto, randomBytes } from '../lib/lazy-builtin.js';
import type { AddressInfo } from 'node:net';
import { listLive, type LiveEntry } from '../registry/live.js';
import { SessionNotFoundError } from '../log/reader.js';
import { dashboardPage, historyRow, liveCard, type DashboardState } from './dashboard-page.js';
import { reviewPage } from './html.js';
import { RowCache, listRows, readReview } from './store.js';

/** The registry is rewritten at most every 500 ms; polling at half that keeps the page within a second. */
export const POLL_MS = 250;
/** The history list is re-read this often (it changes when a session ends or logs a turn). */
const HISTORY_MS = 2_000;
/** How many past sessions the history lists. */
const HISTORY_LIMIT = 50;
/** A comment line now and then keeps proxies and browsers from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

export interface DashboardSources {
  liveEntries(): LiveEntry[];
  historyRows(): ReturnType<typeof listRows>;
  reviewHtml(id: string): string | null;
}

export function fileSources(o: { liveDir: string; sessionsDir: string; home: string; cacheFile?: string }): DashboardSources {
  // Read-only: the cache file (if any) is read once, then kept in memory, never written.
  const cache = o.cacheFile ? RowCache.load(o.cacheFile) : new RowCache();
  return {
    // Read-only: entries of guards that are gone are skipped, never deleted.
    liveEntries: () => listLive(o.liveDir, { clean: false }),
    historyRows: () => listRows(o.sessionsDir, { limit: HISTORY_LIMIT, cache }),
    reviewHtml: (id) => {
      try {
        return reviewPage(readReview(o.sessionsDir, id).review, o.home);
      } catch (err) {
        if (err instanceof SessionNotFoundError) return null;
        throw err;
      }
    },
  };
}

export interface DashboardOptions {
  port: number;
  sources: DashboardSources;
  home: string;
  token?: string;
}

export interface Dashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto().timingSafeEqual(a, b);
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new RangeError(`guard dashboard: --port must be 0–65535, got ${String(o.port)}`);
  const token = o.token ?? randomBytes(24).toString('hex');
  const clients = new Set<Http.ServerResponse>();
  let port = o.port;
  let last = '';
  let history: DashboardState['history'] = [];
  let historyAt = -Infinity;
  let liveIds = '';

  const state = (): string => {
    let live: LiveEntry[] = [];
    try { live = o.sources.liveEntries(); } catch { /* folder unreadable for now: show none */ }
    const ids = live.map((e) => e.id).join(',');
    // Re-read the history when a session starts or ends, and every few seconds.
    if (ids !== liveIds || Date.now() - historyAt >= HISTORY_MS) {
      liveIds = ids;
      historyAt = Date.now();
      try { history = o.sources.historyRows().map((r) => historyRow(r, o.home)); } catch { /* keep the last one */ }
    }
    const s: DashboardState = { live: live.map((e) => liveCard(e, o.home)), history };
    return JSON.stringify(s);
  };
  const poll = (): void => {
    if (clients.size === 0) return;
    const now = state();
    if (now === last) return;
    last = now;
    for (const c of clients) c.write(`data: ${now}\n\n`);
  };
  const timer = setInterval(poll, POLL_MS);
  const keepalive = setInterval(() => { for (const c of clients) c.write(': keepalive\n\n'); }, KEEPALIVE_MS);

  const server = http().createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const common = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' };
    if ((host !== '127.0.0.1' && host !== 'localhost') || !sameToken(url.searchParams.get('token'), token)) {
      res.writeHead(403, { ...common, 'content-type': 'text/plain; charset=utf-8' }).end('guard dashboard: open the URL guard printed (it carries the token)\n');
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { ...common, allow: 'GET' }).end();
      return;
    }
    if (url.pathname === '/') {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, {
        ...common, 'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src data:`,
      }).end(dashboardPage(nonce));
    } else if (url.pathname === '/events') {
      res.writeHead(200, { ...common, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write(`retry: 1000\n\n`);
      clients.add(res);
      // Not recorded as `last`: a change not yet sent to the other clients still goes to them at the next poll.
      res.write(`data: ${state()}\n\n`);
      req.on('close', () => clients.delete(res));
    } else if (url.pathname.startsWith('/session/')) {
      const id = decodeURIComponent(url.pathname.slice('/session/'.length));
      const html = /^[\w.-]+$/.test(id) ? o.sources.reviewHtml(id) : null;
      if (html === null) res.writeHead(404, { ...common, 'content-type': 'text/plain; charset=utf-8' }).end(`no session ${JSON.stringify(id)}\n`);
      else {
        const back = `<p><a href="/?token=${encodeURIComponent(token)}">← dashboard</a></p>`;
        res.writeHead(200, { ...common, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'` })
          .end(html.replace('<body>', `<body>${back}`));
      }
    } else {
      res.writeHead(404, { ...common, 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  }).catch((err: unknown) => {
    clearInterval(timer);
    clearInterval(keepalive);
    throw err;
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    close: async () => {
      clearInterval(timer);
      clearInterval(keepalive);
      for (const c of clients) c.end();
      clients.clear();
      const closed = new Promise<void>((r) => server.close(() => r()));
      // A browser keeps idle keep-alive connections open; they would hold close() forever.
      server.closeAllConnections();
      await closed;
    },
  };
}
