// The real Claude Code (the project's install) with guard's --settings, against the Messages API
// stand-in: guard's hooks and status line reach a receiver through the compiled relays, the
// user's own --settings hook and status line still run, and the checkpoint controller carries a
// whole handoff (note, /clear, resume) through the real program.
import { readPromptBox } from '../../../../src/claude/prompt-box.js';
import t, { type Test } from 'tap';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTerminal, type TestTerminal } from '../../../helpers/terminal.js';
import { until } from '../../../helpers/until.js';
import { startStandinApi, type StandinApi } from '../../../../src/demo/standin-api.js';
import { defaultRelayPaths, prepareClaudeSettings, type ClaudeSettings, type PreparedClaude, type RelayPaths } from '../../../../src/claude/settings.js';
import { startHookSpool } from '../../../../src/telemetry/hook-spool.js';
import { writeSettingsFile } from '../../../../src/claude/settings-file.js';
import { parseHook } from '../../../../src/claude/hooks.js';
import { CheckpointController } from '../../../../src/policy/controller.js';
import { makePolicyConfig } from '../../../../src/policy/config.js';
import { noteChecker } from '../../../../src/policy/note-file.js';
import { backgroundClock } from '../../../../src/lib/clock.js';
import type { CheckpointRecord } from '../../../../src/log/records.js';
import type { ContextSnapshot } from '../../../../src/context/snapshot.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const CLAUDE = join(ROOT, 'node_modules', '.bin', 'claude');
const relay = defaultRelayPaths();
if (!existsSync(relay.hookRelay) || statSync(relay.hookRelay).mtimeMs < statSync(join(ROOT, 'src', 'claude', 'relay', 'hook-relay.ts')).mtimeMs) {
  throw new Error('the bundled relays are missing or stale: run npm run build first');
}
const KEY = 'sk-ant-test-000000000000000000000000';
const TOKEN = 'test-token';

interface Posted { event: string; body: Record<string, unknown> }

async function receiver(t: Test, onHook: (event: string, body: unknown) => void = () => {}): Promise<{ url: string; got: Posted[] }> {
  const got: Posted[] = [];
  const srv = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => { b += c.toString(); });
    req.on('end', () => {
      if (req.headers['x-guard-token'] !== TOKEN) { res.statusCode = 401; res.end(); return; }
      const event = (req.url ?? '').replace(/^\/guard\/hook\//, '');
      const body = JSON.parse(b) as Record<string, unknown>;
      got.push({ event, body });
      res.end('{}');
      onHook(event, body);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
  return { url: `http://127.0.0.1:${(srv.address() as { port: number }).port}`, got };
}



async function claude(t: Test, userArgs: string[], setup: (home: string, cwd: string) => void, receiverUrl: string, relayPaths: RelayPaths = relay,
  settingsOf: (prep: PreparedClaude) => ClaudeSettings = (prep) => prep.settings): Promise<{ term: TestTerminal; api: StandinApi; cwd: string }> {
  const api = await startStandinApi({});
  t.teardown(() => api.close());
  const home = mkdtempSync(join(tmpdir(), 'guard-relay-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'guard-relay-proj-'));
  t.teardown(() => { rmSync(home, { recursive: true, force: true }); rmSync(cwd, { recursive: true, force: true }); });
  writeFileSync(join(home, '.claude.json'), JSON.stringify({
    hasCompletedOnboarding: true, customApiKeyResponses: { approved: [KEY.slice(-20)], rejected: [] },
    projects: { [cwd]: { hasTrustDialogAccepted: true } },
  }));
  mkdirSync(join(home, '.claude'));
  setup(home, cwd);
  const prep = prepareClaudeSettings({ userArgs: userArgs.map((a) => a.replace('$CWD', cwd)), cwd, home, relay: relayPaths });
  const settingsFile = writeSettingsFile(settingsOf(prep));
  t.teardown(() => settingsFile.remove());
  const term = startTerminal({
    file: CLAUDE, args: prep.argsFor(settingsFile.path), cwd, cols: 110, rows: 32,
    env: {
      ...process.env, HOME: home, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: KEY, TERM: 'xterm-256color',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', GUARD_RECEIVER_URL: receiverUrl, GUARD_TOKEN: TOKEN,
    },
  });
  t.teardown(() => term.dispose());
  return { term, api, cwd };
}

t.test("guard's hooks and status line reach the receiver; the user's hook and status line still run", async (t) => {
  const r = await receiver(t);
  const { term, cwd } = await claude(t, ['--settings', '$CWD/mine.json', '--permission-mode', 'acceptEdits'], (home, cwd) => {
    writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify({ statusLine: { type: 'command', command: 'echo "USERLINE $(wc -c) bytes"' } }));
    writeFileSync(join(cwd, 'mine.json'), JSON.stringify({ hooks: { Stop: [{ matcher: '', hooks: [{ type: 'command', command: `echo stopped >> ${join(cwd, 'user-hook.txt')}` }] }] } }));
  }, r.url);
  await term.waitFor(/USERLINE [1-9]\d* bytes/, 40_000);
  term.write('hello\r');
  await term.waitFor(/Reply \d+: context about/, 40_000);
  await until(() => r.got.some((g) => g.event === 'Stop'), 20_000, 'the Stop hook at the receiver');
  const events = r.got.map((g) => g.event);
  t.equal(events[0], 'SessionStart');
  t.match(r.got[0]!.body, { hook_event_name: 'SessionStart', source: 'startup' });
  t.ok(events.includes('UserPromptSubmit'));
  t.match(r.got.find((g) => g.event === 'UserPromptSubmit')!.body, { prompt: 'hello' });
  t.ok(events.includes('Stop'));
  t.ok(events.includes('statusline'));
  t.match(r.got.find((g) => g.event === 'statusline')!.body, { context_window: { context_window_size: Number } });
  await until(() => existsSync(join(cwd, 'user-hook.txt')), 20_000, 'the user\'s own hook to run');
  t.equal(readFileSync(join(cwd, 'user-hook.txt'), 'utf8'), 'stopped\n', "the user's own --settings Stop hook ran");
  t.notMatch(term.screen(), /hook-relay|error/i, 'the relays print nothing into Claude');
});

t.test('relays installed at a path with spaces, quotes, $() and backticks run, and nothing in the path is executed', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'guard-odd-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  // Each would create a marker file in `root` if a shell ran it.
  const odd = join(root, `my guard's "dist" $(touch ${join(root, 'MARK-dollar')}) \`touch ${join(root, 'MARK-tick')}\` $HOME; touch ${join(root, 'MARK-semi')} && x`);
  const relayDir = join(odd, 'dist', 'relay');
  mkdirSync(relayDir, { recursive: true });
  writeFileSync(join(odd, 'package.json'), '{"type":"module"}');
  const built = join(ROOT, 'dist', 'relay');
  for (const f of readdirSync(built)) if (f.endsWith('.cjs')) copyFileSync(join(built, f), join(relayDir, f));
  // The node binary too is named through the odd path.
  symlinkSync(process.execPath, join(odd, 'node'));
  const oddRelay: RelayPaths = { node: join(odd, 'node'), hookRelay: join(relayDir, 'hook-relay.cjs'), statusLineRelay: join(relayDir, 'statusline-relay.cjs') };
  const r = await receiver(t);
  const { term } = await claude(t, [], (home) => {
    writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify({ statusLine: { type: 'command', command: 'echo "ODDLINE ok"' } }));
  }, r.url, oddRelay);
  await term.waitFor(/ODDLINE ok/, 40_000);
  term.write('hello\r');
  await term.waitFor(/Reply \d+: context about/, 40_000);
  await until(() => r.got.some((g) => g.event === 'Stop'), 20_000, 'the Stop hook at the receiver');
  const events = r.got.map((g) => g.event);
  t.equal(events[0], 'SessionStart', 'the hook relay ran from the odd path');
  t.ok(events.includes('UserPromptSubmit') && events.includes('Stop'), 'every hook arrived');
  t.ok(events.includes('statusline'), 'the status-line relay ran, and still runs the user\'s status line');
  t.same(readdirSync(root).filter((f) => f.startsWith('MARK-')), [], 'nothing in the path was executed');
});

t.test('the hook folder at a path with spaces, quotes, $() and backticks: the hooks that need no answer arrive as files, nothing in the path is executed', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'guard-odd-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const odd = join(root, `tmp's "x" $(touch ${join(root, 'MARK-dollar')}) \`touch ${join(root, 'MARK-tick')}\` $HOME; touch ${join(root, 'MARK-semi')} && y`);
  mkdirSync(odd, { recursive: true });
  const filed: string[] = [];
  const spool = startHookSpool({ tmpDir: odd, onHook: (event) => { filed.push(event); }, onError: (err) => { filed.push(`error ${err.message}`); } });
  t.teardown(() => spool.dispose());
  const r = await receiver(t);
  const { term } = await claude(t, [], (home) => {
    writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify({ statusLine: { type: 'command', command: 'echo "ODDLINE ok"' } }));
  }, r.url, relay, (prep) => prep.withHookSpool(spool.dir));
  await term.waitFor(/ODDLINE ok/, 40_000);
  term.write('hello\r');
  await term.waitFor(/Reply \d+: context about/, 40_000);
  await until(() => filed.includes('Stop'), 20_000, 'the Stop hook in the folder');
  t.same(filed, ['SessionStart', 'UserPromptSubmit', 'Stop'], 'each once, in order, no error');
  t.same(r.got.map((g) => g.event).filter((e) => e !== 'statusline'), [], 'none of them went through the relay');
  t.ok(r.got.some((g) => g.event === 'statusline'), 'the status line still comes through its relay');
  t.same(readdirSync(root).filter((f) => f.startsWith('MARK-')), [], 'nothing in the path was executed');
  t.notMatch(term.screen(), /error|guard-hooks-/i, 'no hook error, nothing of the line printed into Claude');
});

t.test('the hook folder without a status line of the user\'s: the status line writes there too, and no relay runs at all', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'guard-spool-'));
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  const filed: Array<{ event: string; payload: unknown }> = [];
  const spool = startHookSpool({ tmpDir: parent, onHook: (event, payload) => { filed.push({ event, payload }); }, onError: (err) => { filed.push({ event: `error ${err.message}`, payload: null }); } });
  t.teardown(() => spool.dispose());
  const r = await receiver(t);
  const { term } = await claude(t, [], () => {}, r.url, relay, (prep) => prep.withHookSpool(spool.dir));
  await until(() => filed.some((f) => f.event === 'statusline'), 40_000, 'the status line in the folder');
  t.match(filed.find((f) => f.event === 'statusline')?.payload, { context_window: { context_window_size: Number } }, 'Claude\'s status JSON, whole');
  term.write('hello\r');
  await term.waitFor(/Reply \d+: context about/, 40_000);
  await until(() => filed.some((f) => f.event === 'Stop'), 20_000, 'the Stop hook in the folder');
  t.same(filed.filter((f) => f.event.startsWith('error')), [], 'no error');
  t.same(r.got, [], 'nothing through a relay');
  t.notMatch(term.screen(), /error|guard-hooks-/i, 'no hook error, nothing of the line printed into Claude');
});

function snap(contextTokens: number | null): ContextSnapshot {
  return {
    claudeSessionId: null, model: null, contextTokens, lastOutputTokens: 0, contextWindow: 200_000, windowSource: 'user',
    autoCompactAt: 167_000, autoCompactSource: 'default', growthPerTurn: null, growthHigh: null, turnsLeft: null, costUsd: 0,
    mainRequests: 0, compactions: [],
  };
}

async function checkpointRun(t: Test, refuseWrites: boolean): Promise<{ api: StandinApi; term: TestTerminal; cwd: string; records: CheckpointRecord[]; hooks: string[] }> {
  let controller: CheckpointController | null = null;
  const r = await receiver(t, (event, body) => controller?.hookFact(parseHook(event, body)));
  const { term, api, cwd } = await claude(t, ['--permission-mode', 'acceptEdits'], () => {}, r.url);
  api.refuseWrites = refuseWrites;
  const records: CheckpointRecord[] = [];
  const c = new CheckpointController(makePolicyConfig({ coolDownMs: 0 }), {
    writer: { write: (d) => term.write(d), keyBox: () => ({ box: { kind: 'empty' }, modal: null, mayHaveUnsent: false }), screenShowsEmpty: () => {}, holdUserInput: () => ({ dispose: () => undefined }) },
    screen: { promptBox: () => readPromptBox(term.lines()) },
    clock: backgroundClock, checkNote: noteChecker(cwd), log: (rec) => records.push(rec), notice: () => {},
  });
  controller = c;
  t.teardown(() => c.dispose());
  term.proc.onData(() => c.output());
  api.onRequest((req) => { if (req.thread === 'main' && req.status === 200) c.snapshot(snap(req.contextTokens)); });
  // Claude's first status-line refresh means its input box is up and takes keys.
  await until(() => r.got.some((g) => g.event === 'statusline'), 40_000, 'the status-line post at the receiver');
  term.write('PAD:140000 big read\r');
  return { api, term, cwd, records, hooks: r.got.map((g) => g.event) };
}

t.test('a handoff checkpoint through the real Claude Code', async (t) => {
  const { api, term, cwd, records, hooks } = await checkpointRun(t, false);
  const resume = await api.waitForRequest((q) => q.thread === 'main' && /Continue from the checkpoint note in/.test(q.prompt), 90_000)
    .catch((err: Error) => { throw new Error(`${err.message}\nrecords: ${JSON.stringify(records)}\nhooks: ${hooks.join(' ')}\nscreen:\n${term.screen()}`); });
  await term.waitFor(/Reply \d+: context about/, 20_000);
  const phases = records.map((rec) => rec.phase);
  t.same(phases, ['armed', 'prompted', 'note-written', 'cleared', 'resumed']);
  const note = records.find((rec) => rec.phase === 'prompted')!.notePath!;
  t.match(note, /^\.guard\/checkpoints\/.+\.md$/);
  t.match(readFileSync(join(cwd, note), 'utf8'), /Checkpoint note/);
  t.ok(resume.contextTokens! < 50_000, `the fresh context is small (${resume.contextTokens})`);
  t.equal(resume.prompt, `Continue from the checkpoint note in ${note}: read it first, then carry on with the next step it names.`,
    'the resume prompt reached the API exactly as typed');
});

t.test('a note never written falls back to /compact, through the real Claude Code', async (t) => {
  const { api, term, records } = await checkpointRun(t, true);
  await api.waitForRequest((q) => q.thread === 'compact', 90_000)
    .catch((err: Error) => { throw new Error(`${err.message}\nrecords: ${JSON.stringify(records)}\nscreen:\n${term.screen()}`); });
  await until(() => records.some((rec) => rec.phase === 'compacted'), 30_000,
    () => `the compacted record\nrecords: ${JSON.stringify(records)}\nscreen:\n${term.screen()}`);
  t.same(records.map((rec) => rec.phase), ['armed', 'prompted', 'fallback', 'compact-sent', 'compacted']);
  term.write('after\r');
  const next = await api.waitForRequest((q) => q.thread === 'main' && q.prompt === 'after', 30_000);
  t.ok(next.contextTokens! < 100_000, `the context after compaction is smaller (${next.contextTokens})`);
});
