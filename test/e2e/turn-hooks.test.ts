// No turn waits for guard's hooks: the real Claude Code 2.1.330, run with exactly the hooks guard
// gives it (buildGuardSettings), whose relay is swapped for one that takes RELAY_MS and then notes
// the time it ended. Claude must send the prompt's request and be back at its prompt long before
// the UserPromptSubmit and Stop relays end (they run in the background: ASYNC_HOOK_EVENTS in
// src/claude/settings.ts), and both relays must still run. Waited for, as before, they would hold
// the request and the end of the turn by RELAY_MS each. Claude runs directly, not under guard:
// guard's own relay ends in ~100 ms, too short to tell waiting from not waiting for certain.
// The same for the real Codex 0.171.0 with guard's flags (buildCodexRun, CODEX_ASYNC_HOOK_EVENTS
// in src/codex/settings.ts): their trust hashes must match too, or Codex would not run them.
import t from 'tap';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuardSettings } from '../../src/claude/settings.js';
import { buildCodexRun } from '../../src/codex/settings.js';
import { startResponsesStandin } from '../../src/demo/responses-standin.js';
import { OFFLINE_MODEL, isWorking, submit } from '../helpers/claude-env.js';
import { CODEX_BIN, codexPromptText, codexReady, codexWorking, makeCodexEnv } from '../helpers/codex-env.js';
import { startTerminal } from '../helpers/terminal.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import { until } from '../helpers/until.js';

/** How long the stand-in relay takes: far more than Claude needs for a turn against the stand-in (~0.3 s). */
const RELAY_MS = 3_000;

/** A relay for `node <file> <Event>`: reads Claude's payload, waits RELAY_MS, appends `<Event> <ms since epoch>`. */
const SLOW_RELAY = `
const { appendFileSync } = require('node:fs');
const event = process.argv[2];
process.stdin.resume();
process.stdin.on('end', () => setTimeout(() => appendFileSync(process.env.SLOW_RELAY_LOG, event + ' ' + Date.now() + '\\n'), ${RELAY_MS}));
`;

/** Once the UserPromptSubmit and Stop relays have both noted their end in `log`: when each ended (ms since the epoch). */
async function relayEnds(log: string): Promise<(event: 'UserPromptSubmit' | 'Stop') => number> {
  const ended = await until(async () => {
    const lines = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => /^(UserPromptSubmit|Stop) /.test(l));
    return lines.length >= 2 ? lines : null;
  }, 3 * RELAY_MS, 'both relays to end');
  return (event) => Number(ended.find((l) => l.startsWith(`${event} `))?.split(' ')[1]);
}

t.test('a turn does not wait for guard\'s UserPromptSubmit and Stop hooks, which still run', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'guard-turn-hooks-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const relay = join(dir, 'slow-relay.cjs');
  const settingsFile = join(dir, 'guard-settings.json');
  const log = join(dir, 'relay.log');
  await writeFile(relay, SLOW_RELAY);
  // guard's hooks of a turn, as guard writes them; the others (SessionStart, PreCompact) are
  // waited for by design and left out here.
  const hooks = buildGuardSettings({ relay: { node: process.execPath, hookRelay: relay, statusLineRelay: relay }, statusLine: false }).hooks ?? {};
  await writeFile(settingsFile, JSON.stringify({ hooks: { UserPromptSubmit: hooks['UserPromptSubmit'], Stop: hooks['Stop'] } }));
  const s = await startClaudeSession({ claudeArgs: ['--model', OFFLINE_MODEL, '--settings', settingsFile], extraEnv: { SLOW_RELAY_LOG: log } });
  t.teardown(() => s.dispose());
  const { api, term } = s;
  // The session started: SessionStart's relay (waited for) is not part of this.
  let requestAt = 0;
  const off = api.onRequest((r) => { if (r.path === '/v1/messages' && requestAt === 0) requestAt = Date.now(); });
  t.teardown(off);
  const enterAt = Date.now();
  submit(term, 'hello');
  const reply = await api.waitForRequest((r) => r.path === '/v1/messages' && r.status === 200, 20_000);
  await term.waitFor((sc) => sc.includes(`Reply ${reply.seq}:`) && !isWorking(sc), 20_000);
  const readyAt = Date.now();
  t.ok(requestAt - enterAt < RELAY_MS, `the request left ${requestAt - enterAt} ms after the Enter, before the UserPromptSubmit relay could end (${RELAY_MS} ms)`);
  t.ok(readyAt - enterAt < RELAY_MS, `Claude was back at its prompt ${readyAt - enterAt} ms after the Enter, before either relay could end`);

  const at = await relayEnds(log);
  t.ok(at('UserPromptSubmit') > requestAt, 'the UserPromptSubmit relay ran, and ended after the request had left');
  t.ok(at('Stop') > readyAt, 'the Stop relay ran, and ended after Claude was back at its prompt');
});

t.test('a Codex turn does not wait for guard\'s UserPromptSubmit and Stop hooks, which still run', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'guard-turn-hooks-codex-'));
  const relay = join(dir, 'slow-relay.cjs');
  const log = join(dir, 'relay.log');
  await writeFile(relay, SLOW_RELAY);
  const api = await startResponsesStandin();
  const w = await makeCodexEnv({ baseUrl: api.baseUrl, contextWindow: 200_000 });
  // guard's flags as `guard codex` passes them, the relay swapped; nobody listens at the receiver's port.
  const run = buildCodexRun([], { relay: { node: process.execPath, hookRelay: relay, statusLineRelay: relay }, receiverUrl: 'http://127.0.0.1:9', token: 'unused-token', tokenHeader: 'x-guard-token' });
  const term = startTerminal({ file: CODEX_BIN, args: run.args, cwd: w.cwd, env: { ...w.env, SLOW_RELAY_LOG: log }, cols: 100, rows: 30 });
  t.teardown(async () => { await term.end(3_000); await api.close(); await w.cleanup(); await rm(dir, { recursive: true, force: true }); });
  await term.waitFor(codexReady, 60_000);
  const prompt = async (text: string): Promise<void> => {
    term.write(text);
    await until(() => codexPromptText(term) === text, 10_000, `"${text}" in Codex's box`);
    await new Promise((r) => setTimeout(r, 150));
    term.write('\r');
  };
  // Codex starts its session, and runs SessionStart (waited for, by design), at the first prompt.
  await prompt('first');
  const first = await api.waitForRequest((r) => r.thread === 'main', 20_000);
  await term.waitFor((sc) => sc.includes(`Reply ${first.seq}:`) && !codexWorking(sc), 20_000);
  await until(async () => (await readFile(log, 'utf8').catch(() => '')).includes('Stop '), 3 * RELAY_MS, 'the first turn\'s relays to end');
  await writeFile(log, '');
  const enterAt = Date.now() + 150;
  await prompt('hello');
  const reply = await api.waitForRequest((r) => r.thread === 'main' && r.seq > first.seq, 20_000);
  const requestAt = reply.t;
  await term.waitFor((sc) => sc.includes(`Reply ${reply.seq}:`) && !codexWorking(sc), 20_000);
  const readyAt = Date.now();
  t.ok(requestAt - enterAt < RELAY_MS, `the request left ${requestAt - enterAt} ms after the Enter, before the UserPromptSubmit relay could end (${RELAY_MS} ms)`);
  t.ok(readyAt - enterAt < RELAY_MS, `Codex showed its answer ${readyAt - enterAt} ms after the Enter, before either relay could end`);

  const at = await relayEnds(log);
  t.ok(at('UserPromptSubmit') > requestAt, 'the UserPromptSubmit relay ran (trusted as guard hashed it), and ended after the request had left');
  t.ok(at('Stop') > readyAt, 'the Stop relay ran, and ended after Codex had answered');
});
