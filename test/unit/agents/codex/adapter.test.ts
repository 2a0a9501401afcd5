// The Codex adapter's rules without Codex: its set-up (the user's config read, guard's flags and
// environment), its window and auto-compact point, its hooks (Codex's payloads, seen on 0.171.0)
// and the compaction it reports only through PostCompact, its commands and its choices (no hold;
// a handoff by /new, ready at the next idle moment).
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codexAdapter, CODEX_COMMANDS } from '../../../../src/agents/codex/adapter.js';
import { AgentSetupError } from '../../../../src/agents/agent.js';
import { codexWindowRules, CODEX_DEFAULT_WINDOW } from '../../../../src/codex/window.js';
import type { CodexCompactSettings, CodexConfig } from '../../../../src/codex/settings.js';

/** The project's captures of the real agents (fixtures/). */
const FIXTURES = fileURLToPath(new URL('../../../../fixtures/', import.meta.url));
const CONNECT = { receiverUrl: 'http://127.0.0.1:5000', token: 'tok-123', tokenHeader: 'x-guard-token', protocols: {}, hookSpool: null };

t.test('set-up reads the user\'s config, connect adds guard\'s flags and environment', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'guard-codex-adapter-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(join(home, 'config.toml'), 'model = "gpt-5.5"\nmodel_context_window = 64000\nmodel_auto_compact_token_limit = 50000\n');
  const setup = codexAdapter.setup({ args: ['fix it'], cwd: home, env: { CODEX_HOME: home, HOME: home } });
  t.same(setup.window.window({}), { window: 64_000, source: 'agent-config' });
  t.same(setup.window.autoCompactPoint(64_000, {}, null), { at: 50_000, source: 'agent-config' }, 'the user\'s lower limit');
  t.equal(setup.forwardsUserTelemetry, false);
  const c = setup.connect(CONNECT);
  t.same(c.args.slice(0, 2), ['--disable', 'daemon_auto_start']);
  t.equal(c.args.at(-1), 'fix it');
  t.notOk(c.args.some((a) => a.includes('tok-123')), 'the token is not on the command line');
  t.equal(c.extraEnv.OTEL_EXPORTER_OTLP_HEADERS, 'x-guard-token=tok-123');
  t.equal(c.extraEnv.GUARD_RECEIVER_URL, CONNECT.receiverUrl);
  c.dispose();
  writeFileSync(join(home, 'config.toml'), 'model = [\n');
  t.throws(() => codexAdapter.setup({ args: [], cwd: home, env: { CODEX_HOME: home } }), AgentSetupError);
});

t.test('a turn\'s hooks carry its turn_id as the prompt id, from the captured payloads', async (t) => {
  // Codex runs these two in the background (CODEX_ASYNC_HOOK_EVENTS): crossed posts are ordered by it.
  const lines = readFileSync(join(FIXTURES, 'codex-0.171.0', 'hooks', 'hooks.jsonl'), 'utf8').split('\n').filter((l) => / hook (UserPromptSubmit|Stop): /.test(l));
  t.ok(lines.length >= 14, `${lines.length} UserPromptSubmit and Stop payloads`);
  const turns = new Map<string, string[]>();
  for (const line of lines) {
    const [, event = '', json = ''] = / hook (\w+): (.*)$/.exec(line) ?? [];
    const payload = JSON.parse(json) as { turn_id: string };
    const fact = codexAdapter.toHook(event, payload);
    t.equal((fact as { promptId?: unknown }).promptId, payload.turn_id, `${event}: the prompt id is the turn id`);
    turns.set(payload.turn_id, [...(turns.get(payload.turn_id) ?? []), event]);
  }
  for (const [id, events] of turns) t.same(events, ['UserPromptSubmit', 'Stop'], `turn ${id.slice(-6)}: one of each`);
  t.match(codexAdapter.toHook('Stop', { session_id: 's', stop_hook_active: false }), { type: 'Stop', promptId: null }, 'no turn id: none');
  t.match(codexAdapter.toHook('UserPromptSubmit', { session_id: 's', turn_id: 7, prompt: 'x' }), { type: 'UserPromptSubmit', promptId: null }, 'a turn id that is not a string: none');
  t.match(codexAdapter.toHook('SessionStart', { session_id: 's', turn_id: 'x', source: 'startup' }), { type: 'SessionStart' }, 'other hooks as before');
});

t.test('window rules: guard\'s setting, Codex\'s config, its catalogue, then the usual window', async (t) => {
  const none: CodexConfig = { model: null, contextWindow: null, autoCompactLimit: null, postTurnCompactPercent: null, others: [] };
  t.same(codexWindowRules({ ...none, contextWindow: 20_000 }).window({ userOverride: 30_000 }), { window: 30_000, source: 'user' });
  t.same(codexWindowRules({ ...none, model: 'gpt-6.1-sol' }).window({}), { window: 500_000, source: 'known-model' });
  t.same(codexWindowRules(none).window({ modelIds: ['gpt-5.5'] }), { window: 272_000, source: 'known-model' }, 'the model the requests name');
  t.same(codexWindowRules(none).window({ modelIds: ['standin-model'] }), { window: CODEX_DEFAULT_WINDOW, source: 'default' });
  t.same(codexWindowRules({ ...none, model: 'm' }).window({ userModelWindows: { m: 12_345 } }), { window: 12_345, source: 'user' });
  t.same(codexWindowRules(none).autoCompactPoint(20_000, {}, null), { at: 18_000, source: 'default' }, '(window × 9) / 10');
  t.same(codexWindowRules({ ...none, autoCompactLimit: 300_000 }).autoCompactPoint(272_000, {}, null), { at: 244_800, source: 'default' }, 'a higher limit does not raise it');
  t.same(codexWindowRules({ ...none, autoCompactLimit: 200_000 }).autoCompactPoint(272_000, {}, null), { at: 200_000, source: 'agent-config' }, 'a lower limit');
  t.same(codexWindowRules({ ...none, postTurnCompactPercent: 50 }).autoCompactPoint(40_000, {}, null), { at: 19_000, source: 'agent-config' }, 'the post-turn threshold');
  t.same(codexWindowRules(none).window({ modelIds: ['constructor'] }), { window: CODEX_DEFAULT_WINDOW, source: 'default' }, 'a model named like an Object member is no known model');
  const project = (p: Partial<CodexCompactSettings>): CodexCompactSettings => ({ contextWindow: null, autoCompactLimit: null, postTurnCompactPercent: null, ...p });
  t.same(codexWindowRules({ ...none, others: [project({ autoCompactLimit: 20_000 })] }).autoCompactPoint(40_000, {}, null), { at: 20_000, source: 'agent-config' }, 'a project\'s lower limit');
  t.same(codexWindowRules({ ...none, autoCompactLimit: 15_000, others: [project({ autoCompactLimit: 30_000 })] }).autoCompactPoint(40_000, {}, null), { at: 15_000, source: 'agent-config' }, 'a project\'s higher limit: the user\'s (the folder may not be trusted)');
  t.same(codexWindowRules({ ...none, others: [project({ contextWindow: 20_000 })] }).autoCompactPoint(40_000, {}, null), { at: 18_000, source: 'agent-config' }, 'a project\'s smaller window');
  t.same(codexWindowRules({ ...none, others: [project({ contextWindow: 80_000 })] }).autoCompactPoint(40_000, {}, null), { at: 36_000, source: 'default' }, 'a larger one changes nothing');
  t.same(codexWindowRules({ ...none, others: [project({ autoCompactLimit: 30_000 }), project({ postTurnCompactPercent: 50 })] }).autoCompactPoint(40_000, {}, null), { at: 19_000, source: 'agent-config' }, 'the lowest of every file\'s point');
});

t.test('hooks: Codex\'s payloads as guard\'s facts; PostCompact as the compaction event', async (t) => {
  const sid = '01a2293c-e00c-70d2-aae9-e641254c1392';
  t.match(codexAdapter.toHook('SessionStart', { session_id: sid, hook_event_name: 'SessionStart', model: 'standin-model', source: 'compact' }), { type: 'SessionStart', sessionId: sid, source: 'compact', model: 'standin-model' });
  t.match(codexAdapter.toHook('Stop', { session_id: sid, turn_id: 't', hook_event_name: 'Stop', stop_hook_active: false }), { type: 'Stop', sessionId: sid, stopHookActive: false });
  t.match(codexAdapter.toHook('PreCompact', { session_id: sid, hook_event_name: 'PreCompact', trigger: 'auto' }), { type: 'PreCompact', trigger: 'auto' });
  t.match(codexAdapter.toHook('PostCompact', { session_id: sid, hook_event_name: 'PostCompact', trigger: 'auto' }), { type: 'unknown' });
  t.same(codexAdapter.hookEvents?.('PostCompact', { session_id: sid, trigger: 'auto' }, 1_000), [{
    type: 'compaction', sessionId: sid, t: 1_000, sequence: null, promptId: null, trigger: 'auto', success: true, preTokens: null, postTokens: null, durationMs: null, error: null,
  }]);
  t.match(codexAdapter.hookEvents?.('PostCompact', { session_id: sid, trigger: 'manual' }, 2), [{ trigger: 'manual' }]);
  t.same(codexAdapter.hookEvents?.('PreCompact', { session_id: sid, trigger: 'auto' }, 2), []);
  t.same(codexAdapter.hookEvents?.('PostCompact', 'not json', 2), []);
});

t.test('commands and choices', async (t) => {
  t.same(codexAdapter.commands, CODEX_COMMANDS);
  t.same(CODEX_COMMANDS, { compact: '/compact', compactTakesInstructions: false, clear: '/new', clearReady: 'idle', agentName: 'Codex' });
  t.equal(codexAdapter.canHoldCompaction, false, 'a held compaction aborts the user\'s turn in Codex');
  t.equal(codexAdapter.name, 'codex');
  t.same(codexAdapter.readPromptBox(['›', '', '  gpt-5.5 default · ~/p']), { kind: 'empty' });
});
