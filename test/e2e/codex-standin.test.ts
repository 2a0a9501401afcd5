// The real Codex CLI (0.171.0) in a pty against the project's Responses stand-in, offline, without
// guard: it answers a prompt with the stand-in's scripted reply, the title request goes to its own
// thread, and nothing it started outlives it.
import t from 'tap';
import { readdirSync, readlinkSync } from 'node:fs';
import { startResponsesStandin } from '../../src/demo/responses-standin.js';
import { startTerminal } from '../helpers/terminal.js';
import { codexReady, codexWorking, makeCodexEnv, submitCodex } from '../helpers/codex-env.js';
import { until } from '../helpers/until.js';

/** Processes whose working folder is under `dir` (what Codex and its children run in). */
function processesIn(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try { if (readlinkSync(`/proc/${p}/cwd`).startsWith(dir)) out.push(Number(p)); } catch { /* gone or not ours */ }
  }
  return out;
}

t.test('Codex answers a prompt from the stand-in, offline', async (t) => {
  const api = await startResponsesStandin();
  t.teardown(() => api.close());
  const w = await makeCodexEnv({ baseUrl: api.baseUrl, contextWindow: 100_000 });
  t.teardown(() => w.cleanup());
  const cmd = w.codexCommand();
  const term = startTerminal({ file: cmd.file, args: cmd.args, cwd: w.cwd, env: w.env, cols: 100, rows: 30 });
  t.teardown(() => term.dispose());
  await term.waitFor(codexReady, 30_000);
  await submitCodex(term, 'hello PAD:1000');
  const main = await api.waitForRequest((r) => r.thread === 'main', 30_000);
  const screen = await term.waitFor(new RegExp(`Reply ${main.seq}: context about ${main.contextTokens} tokens`), 30_000);
  t.ok(codexReady(screen) && !codexWorking(await term.waitFor((s) => !codexWorking(s), 10_000)), 'back at its prompt');
  t.equal(main.prompt, 'hello PAD:1000', 'what was typed, Codex\'s own context messages aside');
  t.equal(main.padding, 1000);
  t.equal(main.status, 200);
  const title = await api.waitForRequest((r) => r.thread === 'title', 10_000);
  t.not(title.threadId, main.threadId, 'the title request runs in a thread of its own');
  t.ok(api.requests.every((r) => r.status === 200), 'every request answered (analytics included)');
  t.ok(api.requests.every((r) => r.path === '/v1/responses' || r.path.startsWith('/v1/analytics/')), 'nothing but responses and analytics');
  t.ok(processesIn(w.root).length > 0, 'Codex runs in the project folder');
  term.write('\x03');
  await new Promise((r) => setTimeout(r, 300));
  term.write('\x03');
  const status = await term.waitExit(15_000);
  t.equal(status.exitCode, 0, 'Ctrl-C twice quits');
  // --disable daemon_auto_start: no app-server daemon is left behind.
  await until(() => processesIn(w.root).length === 0, 5_000, () => `Codex's processes to end: ${processesIn(w.root).join(' ')}`);
  t.same(processesIn(w.root), [], 'nothing outlives Codex');
});
