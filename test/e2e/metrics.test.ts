// `--metrics-port` end to end: the real Claude Code 2.1.330 under
// `bin/guard.js --strategy compact --metrics-port P claude --model OFFLINE_MODEL` (claude-env.ts) against the
// stand-in API, scraped like Prometheus would during the session. The per-session figures (context
// in use, window, auto-compact point, cost) equal what `guard ls --json` shows at the same moment
// and the stand-in's own record of the request; after guard checkpoints with /compact, the
// checkpoint and compaction counters equal guard's session log; guard's health counters stay at
// 0; and once guard exits nothing listens on the port.
import t from 'tap';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { startClaudeSession } from '../helpers/claude-session.js';
import { AUTO_COMPACT_200K, answeredTurn, debugRequests, exitClaude, guardLogLatest, guardLsJson } from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';
import type { LiveEntry } from '../../src/registry/live.js';
import { OFFLINE_MODEL } from '../helpers/claude-env.js';

const PAD_STEP = 40_000;
const MAX_PAD_TURNS = 6;
const THRESHOLD = 0.8 * AUTO_COMPACT_200K;
/** The live entry is rewritten at most every 500 ms; the footer's figures arrive within a second. */
const SETTLE_MS = 10_000;

/** A port nobody listens on now (the kernel's pick, released again). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET /metrics, parsed from the text format: `name{labels}` → value. Rejects when nothing listens. */
async function scrape(port: number): Promise<Map<string, number>> {
  const text = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

interface Figures { contextTokens: number | null; contextWindow: number | null; autoCompactAt: number | null; costUsd: number }

function fromScrape(m: Map<string, number>, id: string): Figures {
  return {
    contextTokens: m.get(`guard_context_tokens{session="${id}"}`) ?? null,
    contextWindow: m.get(`guard_context_window_tokens{session="${id}"}`) ?? null,
    autoCompactAt: m.get(`guard_auto_compact_tokens{session="${id}"}`) ?? null,
    costUsd: m.get(`guard_cost_usd{session="${id}"}`) ?? NaN,
  };
}

function fromLs(e: LiveEntry): Figures {
  return { contextTokens: e.contextTokens, contextWindow: e.contextWindow, autoCompactAt: e.autoCompactAt, costUsd: e.costUsd };
}

t.test('a scrape during a real session equals guard ls --json; the counters equal the session log', async (t) => {
  const port = await freePort();
  const s = await startClaudeSession({ guardArgs: ['--strategy', 'compact', '--metrics-port', String(port)], claudeArgs: ['--model', OFFLINE_MODEL] });
  const { api, term } = s;
  t.teardown(async () => { debugRequests(t, api); await s.dispose(); });

  // Both read the same tracker: wait until they agree on the newest request, then compare whole.
  const agreeOn = async (contextTokens: number): Promise<{ id: string; scraped: Figures; listed: Figures }> => {
    let last = { id: '', scraped: fromScrape(new Map(), ''), listed: fromScrape(new Map(), '') };
    await until(async () => {
      const [entry] = guardLsJson(s);
      if (!entry) return false;
      last = { id: entry.id, scraped: fromScrape(await scrape(port), entry.id), listed: fromLs(entry) };
      return last.listed.contextTokens === contextTokens && JSON.stringify(last.scraped) === JSON.stringify(last.listed);
    }, SETTLE_MS, `guard ls and /metrics to show the context of ${contextTokens}`).catch(() => undefined);
    return last;
  };

  const hello = await answeredTurn(s, 'hello');
  const first = await agreeOn(hello.contextTokens!);
  t.equal(first.scraped.contextTokens, hello.contextTokens, `context in use: the stand-in's ${hello.contextTokens}`);
  t.same(first.scraped, first.listed, `/metrics equals guard ls --json: ${JSON.stringify(first.scraped)}`);
  t.same([first.scraped.contextWindow, first.scraped.autoCompactAt], [200_000, AUTO_COMPACT_200K], `window and auto-compact point of ${OFFLINE_MODEL}`);
  t.ok(first.scraped.costUsd > 0, 'a cost');
  const m1 = await scrape(port);
  t.equal(m1.get(`guard_checkpoints_total{session="${first.id}",outcome="compacted"}`), 0, 'no checkpoint yet');
  t.match([...m1.keys()].find((k) => k.startsWith('guard_session_info')), new RegExp(`session="${first.id}",claude_session_id="${hello.sessionId}",model="${OFFLINE_MODEL}`), 'the Claude conversation on screen');

  // Fill the context: guard types /compact before the auto-compact point.
  let turns = 0;
  while (api.messages('compact').length === 0 && turns < MAX_PAD_TURNS) {
    turns++;
    await answeredTurn(s, `PAD:${PAD_STEP} step ${turns}`);
    if ((api.lastMain()?.contextTokens ?? 0) >= THRESHOLD) await api.waitForRequest((r) => r.thread === 'compact', 20_000);
  }
  t.equal(api.messages('compact').length, 1, `guard had Claude compact within ${turns} padded turns`);
  await term.waitFor(/Compacted/, 30_000);
  const next = await answeredTurn(s, 'after the checkpoint');
  const second = await agreeOn(next.contextTokens!);
  t.same(second.scraped, second.listed, `after the checkpoint, /metrics still equals guard ls --json: ${JSON.stringify(second.scraped)}`);
  t.ok(second.scraped.costUsd > first.scraped.costUsd, 'the cost grew');

  const id = second.id;
  const m2 = await scrape(port);
  const log = guardLogLatest(s);
  const phases = log.lines.filter((l) => l.type === 'checkpoint').map((l) => String(l.phase));
  const compactions = log.lines.filter((l) => l.type === 'compaction');
  t.same(phases, ['armed', 'compact-sent', 'compacted'], 'the session log: one checkpoint by /compact');
  t.equal(m2.get(`guard_checkpoints_total{session="${id}",outcome="compacted"}`), 1, 'checkpoints by outcome: compacted 1, as logged');
  t.equal([...m2].filter(([k]) => k.startsWith('guard_checkpoints_total')).reduce((a, [, v]) => a + v, 0), 1, 'and nothing else');
  t.equal(m2.get(`guard_compactions_total{session="${id}",trigger="manual"}`), compactions.filter((c) => c.trigger === 'manual').length, 'compactions by trigger, as logged: manual');
  t.equal(m2.get(`guard_compactions_total{session="${id}",trigger="auto"}`), 0, 'no automatic compaction');
  t.equal(m2.get(`guard_compactions_held_total{session="${id}"}`), 0);
  t.equal(m2.get(`guard_receiver_errors_total{session="${id}"}`), 0, 'guard\'s health: no receiver error');
  t.equal(m2.get(`guard_forwards_dropped_total{session="${id}"}`), 0, 'no forward dropped');

  t.equal((await exitClaude(s)).exitCode, 0, 'guard exits 0 with Claude');
  await t.rejects(scrape(port), { code: 'ECONNREFUSED' }, 'nothing listens on the port after guard exited');
});

t.test('a port in use: guard says so and runs Claude all the same', async (t) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => busy.close(resolve)));
  const port = (busy.address() as { port: number }).port;
  const s = await startClaudeSession({ guardArgs: ['--metrics-port', String(port)], claudeArgs: ['--model', OFFLINE_MODEL] });
  t.teardown(() => s.dispose());
  // Written before Claude starts; Claude's first screen then redraws the terminal over it.
  t.match(s.term.raw.slice(0, s.term.raw.indexOf('Claude Code')), `guard: port ${port} on 127.0.0.1 is in use (another guard?): no metrics for this session\r\n`, 'the warning reaches the terminal before Claude\'s screen');
  const hello = await answeredTurn(s, 'hello');
  t.ok(hello.contextTokens, 'Claude works under guard');
  t.equal((await exitClaude(s)).exitCode, 0);
});
