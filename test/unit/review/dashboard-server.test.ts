// The dashboard's server (src/review/dashboard-server.ts) over real HTTP on 127.0.0.1, reading a
// temporary state folder written by guard's own SessionLog and live registry.
import t from 'tap';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileSources, startDashboard, type Dashboard } from '../../../src/review/dashboard-server.js';
import { LiveRegistration } from '../../../src/registry/live.js';
import { SessionLog } from '../../../src/log/session-log.js';
import { ensureStateDirs, resolvePaths } from '../../../src/paths.js';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on('error', reject);
  });
}

/** Reads server-sent `data:` messages until `pred` holds for one; returns them all. */
function events(url: string, pred: (msg: unknown) => boolean, timeoutMs = 5000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const got: unknown[] = [];
    const req = http.get(url, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data === '') continue;
          const msg = JSON.parse(data) as unknown;
          got.push(msg);
          if (pred(msg)) { clearTimeout(timer); req.destroy(); resolve(got); }
        }
      });
    });
    req.on('error', () => undefined);
    const timer = setTimeout(() => { req.destroy(); reject(new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(got)}`)); }, timeoutMs);
  });
}

t.test('token, host, live events on registry changes, history, session pages; read-only', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-dash-'));
  t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  const paths = resolvePaths({ env: { GUARD_HOME: home } });
  ensureStateDirs(paths);
  const log = SessionLog.open({ sessionsDir: paths.sessionsDir, flushOnExit: false, start: { pid: 1, program: 'claude', args: [], cwd: '/p', guardVersion: '0' } });
  log.append({ type: 'window', contextWindow: 200_000, source: 'x', autoCompactAt: 167_000 });
  log.append({ type: 'request', claudeSessionId: 'c', thread: 'main', querySource: null, model: 'claude-sonnet-4-5', inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheCreationTokens: 0, costUsd: 0.5, durationMs: 1, contextTokens: 50_000 });
  log.append({ type: 'checkpoint', phase: 'armed', strategy: 'handoff', contextTokens: 50_000, reason: 'manual' });
  log.close();
  // A stale entry (its process is gone): the dashboard must neither show nor delete it.
  const stale = path.join(paths.liveDir, '20260101-000000-dead.json');
  fs.writeFileSync(stale, JSON.stringify({ id: '20260101-000000-dead', pid: 2 ** 22 + 12345, program: 'claude', state: 'idle', cwd: '/', startedAt: '2026-01-01T00:00:00.000Z' }), { mode: 0o600 });

  let dash: Dashboard | null = await startDashboard({ port: 0, home: '', sources: fileSources({ liveDir: paths.liveDir, sessionsDir: paths.sessionsDir, home: '' }) });
  t.teardown(async () => { await dash?.close(); });
  t.match(dash.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  const base = dash.url.replace(/\?.*$/, '');
  const q = dash.url.slice(dash.url.indexOf('?'));

  t.equal((await get(base)).status, 403, 'no token: refused');
  t.equal((await get(`${base}?token=nope`)).status, 403, 'wrong token: refused');
  t.equal((await get(dash.url, { host: 'evil.example:80' })).status, 403, 'another Host (DNS rebinding): refused');
  const index = await get(dash.url);
  t.equal(index.status, 200);
  t.match(index.headers['content-security-policy'], /script-src 'nonce-/);
  t.match(index.body, /<script nonce="[^"]+">/);

  const first = await events(`${base}events${q}`, () => true);
  t.match(first[0], { live: [], history: [{ id: log.id, checkpoints: 1, peakFill: '30%' }] });
  t.ok(fs.existsSync(stale), 'the stale entry is left alone (read-only)');

  const reg = LiveRegistration.create({ liveDir: paths.liveDir, minIntervalMs: 0, entry: {
    id: '20261124-050000-live', pid: process.pid, program: 'claude', cwd: '/p', claudeSessionId: 'c', model: 'claude-sonnet-4-5',
    contextTokens: 40_000, contextWindow: 200_000, autoCompactAt: 167_000, costUsd: 0.25, state: 'idle', logPath: null, turnsLeft: 9, next: 'handoff at 80%',
  } });
  t.teardown(() => reg.remove());
  const stream = events(`${base}events${q}`, (m) => (m as { live: Array<{ contextTokens: number }> }).live[0]?.contextTokens === 90_000);
  await new Promise((r) => setTimeout(r, 400));
  reg.update({ contextTokens: 90_000, state: 'working' });
  const seen = (await stream) as Array<{ live: Array<Record<string, unknown>> }>;
  t.match(seen[0]!.live[0], { id: '20261124-050000-live', context: '40k / 167k (24%)', forecast: '~9 turns left', next: 'handoff at 80%', cost: '$0.25', state: 'idle' });
  t.match(seen.at(-1)!.live[0], { context: '90k / 167k (54%)', state: 'working' });

  const pageRes = await get(`${base}session/${log.id}${q}`);
  t.equal(pageRes.status, 200);
  t.match(pageRes.body, /<g class="marker checkpoint"[^>]*>.*checkpoint \(manual\)/);
  t.equal((await get(`${base}session/nope${q}`)).status, 404);
  t.equal((await get(`${base}session/..%2Fetc${q}`)).status, 404);

  await dash.close();
  dash = null;
});
