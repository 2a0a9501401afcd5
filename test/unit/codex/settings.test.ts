// How guard starts Codex CLI: its `-c` flags (hooks that write to the hook folder or run the relay, their trust, the OTLP
// exporter), the token kept off the command line, the daemon flag, and what guard reads of the
// user's Codex config (never written).
import t from 'tap';
import { parse as parseToml } from 'smol-toml';
import {
  CODEX_ASYNC_HOOK_EVENTS, CODEX_HOOK_EVENTS, CODEX_HOOK_TIMEOUT_S, CodexConfigError, buildCodexRun, codexAutoCompactPoint, codexConfigPath, hookTrustHash,
  readCodexConfig, tomlString, userDecidesDaemon,
} from '../../../src/codex/settings.js';
import { hookRelayCommand } from '../../../src/claude/settings.js';
import { hookSpoolCommand } from '../../../src/telemetry/hook-spool.js';

const RELAY = { node: '/usr/bin/node', hookRelay: '/opt/guard/dist/relay/hook-relay.js', statusLineRelay: '/opt/guard/dist/relay/statusline-relay.js' };
const OPTS = { relay: RELAY, receiverUrl: 'http://127.0.0.1:4567', token: 'secret-token-123', tokenHeader: 'x-guard-token' };

t.test('the trust hash is the one Codex 0.171.0 wrote itself after "Trust all"', async (t) => {
  // Copied from the config.toml Codex wrote for hooks.json commands `/tmp/cx/hook.sh <Event>` (default timeout 600).
  t.equal(hookTrustHash('stop', '/tmp/cx/hook.sh Stop', 600), 'sha256:a6aa17bfd0b89f6190ddc599294a7cef9e4e0c3011c618f80e169f46ed3616ed');
  t.equal(hookTrustHash('pre_compact', '/tmp/cx/hook.sh PreCompact', 600), 'sha256:d7bbf3b1873f9e56e6c356580db44e8537a822c729249cd26f84b8b488aa2d2a');
  t.equal(hookTrustHash('post_compact', '/tmp/cx/hook.sh PostCompact', 600), 'sha256:c03314a9e1feb572a7f38f3569feeb40980bb5a3fe9a81c977cc16783700512b');
  t.equal(hookTrustHash('session_start', '/tmp/cx/hook.sh SessionStart', 600), 'sha256:2263f73bb43543bec47fb7ef589114e89e971a9937690f780985dea86a6b3d38');
  t.equal(hookTrustHash('user_prompt_submit', '/tmp/cx/hook.sh UserPromptSubmit', 600), 'sha256:6d2e7190cceaa3054e1f6f3df797433ac9fc343851b5bfc7809270127f272714');
  t.not(hookTrustHash('stop', '/tmp/cx/hook.sh Stop', 5), hookTrustHash('stop', '/tmp/cx/hook.sh Stop', 600), 'the timeout is part of it');
  t.not(hookTrustHash('stop', '/tmp/cx/hook.sh Stop', 5, true), hookTrustHash('stop', '/tmp/cx/hook.sh Stop', 5), 'and whether it runs in the background');
});

t.test('guard\'s flags: hooks, their trust, the exporter; the token only in the environment', async (t) => {
  const run = buildCodexRun(['--model', 'gpt-x', 'fix the bug'], OPTS);
  t.same(run.args.slice(0, 2), ['--disable', 'daemon_auto_start']);
  t.same(run.args.slice(-3), ['--model', 'gpt-x', 'fix the bug'], 'the user\'s arguments last, unchanged');
  t.notOk(run.args.some((a) => a.includes(OPTS.token)), 'no token on the command line');
  t.same(run.extraEnv, { GUARD_RECEIVER_URL: OPTS.receiverUrl, GUARD_TOKEN: OPTS.token, OTEL_EXPORTER_OTLP_HEADERS: 'x-guard-token=secret-token-123' });
  const values = run.args.filter((_, i) => run.args[i - 1] === '-c');
  const parsed = values.map((v) => { const eq = v.indexOf('='); return [v.slice(0, eq), parseToml(`v = ${v.slice(eq + 1)}`).v] as const; });
  const byKey = new Map(parsed);
  for (const [event, label] of Object.entries(CODEX_HOOK_EVENTS)) {
    const command = hookRelayCommand(RELAY, event);
    const background = event === 'UserPromptSubmit' || event === 'Stop';
    t.same(byKey.get(`hooks.${event}`), [{ hooks: [{ type: 'command', command, timeout: CODEX_HOOK_TIMEOUT_S, ...(background ? { async: true } : {}) }] }], `${event} runs the relay${background ? ', in the background' : ''}`);
    t.same((byKey.get('hooks.state') as Record<string, unknown>)[`/<session-flags>/config.toml:${label}:0:0`], { trusted_hash: hookTrustHash(label, command, CODEX_HOOK_TIMEOUT_S, background) }, `${event} pre-trusted as it is`);
  }
  t.same([...CODEX_ASYNC_HOOK_EVENTS].sort(), ['Stop', 'UserPromptSubmit'], 'only a turn\'s two hooks run in the background');
  t.same(byKey.get('otel.exporter'), { 'otlp-http': { endpoint: 'http://127.0.0.1:4567/v1/logs', protocol: 'json' } });
  t.notOk(byKey.has('otel.log_user_prompt'), 'prompts stay out of the logs (Codex\'s default)');
});

t.test('with the run\'s hook folder, every hook of guard\'s writes there (no Node start), pre-trusted as it is', async (t) => {
  const spool = "/tmp/guard-hooks-1-ab-it's";
  const run = buildCodexRun([], { ...OPTS, hookSpool: spool });
  const values = run.args.filter((_, i) => run.args[i - 1] === '-c');
  const byKey = new Map(values.map((v) => { const eq = v.indexOf('='); return [v.slice(0, eq), parseToml(`v = ${v.slice(eq + 1)}`).v] as const; }));
  for (const [event, label] of Object.entries(CODEX_HOOK_EVENTS)) {
    const command = hookSpoolCommand(spool, event);
    const background = CODEX_ASYNC_HOOK_EVENTS.has(event as keyof typeof CODEX_HOOK_EVENTS);
    t.same(byKey.get(`hooks.${event}`), [{ hooks: [{ type: 'command', command, timeout: CODEX_HOOK_TIMEOUT_S, ...(background ? { async: true } : {}) }] }], `${event} writes to the hook folder`);
    t.same((byKey.get('hooks.state') as Record<string, unknown>)[`/<session-flags>/config.toml:${label}:0:0`], { trusted_hash: hookTrustHash(label, command, CODEX_HOOK_TIMEOUT_S, background) }, `${event} pre-trusted with that command`);
  }
  t.notOk(run.args.some((a) => a.includes('hook-relay')), 'no relay');
  t.same(buildCodexRun([], { ...OPTS, hookSpool: null }).args, buildCodexRun([], OPTS).args, 'no folder: the relay, as before');
});

t.test('the daemon flag is left to a user who decided it', async (t) => {
  for (const args of [['--enable', 'daemon_auto_start'], ['--disable', 'daemon_auto_start'], ['-c', 'features.daemon_auto_start=true'], ['--config=features.daemon_auto_start=false']]) {
    t.ok(userDecidesDaemon(args), args.join(' '));
    const run = buildCodexRun(args, OPTS).args;
    t.equal(run.filter((a) => a === 'daemon_auto_start').length, args.filter((a) => a === 'daemon_auto_start').length, 'guard adds no daemon flag');
    t.same(run.slice(-args.length), args);
  }
  t.notOk(userDecidesDaemon(['--', '--enable', 'daemon_auto_start']), 'after -- it is the prompt');
  t.notOk(userDecidesDaemon(['--enable', 'other']));
});

t.test('tomlString: TOML basic strings that round-trip', async (t) => {
  for (const s of ['plain', "it's \"quoted\" \\ back", 'tab\there\nnew line', 'del\u007f', 'ünï']) {
    t.equal(parseToml(`v = ${tomlString(s)}`).v, s, JSON.stringify(s));
  }
});

t.test('the user\'s config: window and auto-compact limit, never written', async (t) => {
  const files: Record<string, string> = {
    '/h/.codex/config.toml': 'model = "gpt-top"\nmodel_context_window = 200000\nprofile = "big"\n[profiles.big]\nmodel_context_window = 400000\nmodel_auto_compact_token_limit = 300000\n[profiles.small]\nmodel = "gpt-small"\nmodel_context_window = 50000\n',
    '/ch/config.toml': 'model_context_window = 20000\n',
    '/bad/config.toml': 'model = \n',
  };
  const read = (p: string): string => { const v = files[p]; if (v === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' }); return v; };
  t.equal(codexConfigPath({}, '/h'), '/h/.codex/config.toml');
  t.equal(codexConfigPath({ CODEX_HOME: '/ch' }, '/h'), '/ch/config.toml');
  t.same(readCodexConfig([], {}, read, '/h'), { model: 'gpt-top', contextWindow: 400_000, autoCompactLimit: 300_000, postTurnCompactPercent: null, others: [] }, 'the file\'s own profile');
  t.same(readCodexConfig(['-p', 'small'], {}, read, '/h'), { model: 'gpt-small', contextWindow: 50_000, autoCompactLimit: null, postTurnCompactPercent: null, others: [] });
  t.same(readCodexConfig(['--profile=small', '-m', 'm1', '-c', 'model_context_window=64000'], {}, read, '/h'), { model: 'm1', contextWindow: 64_000, autoCompactLimit: null, postTurnCompactPercent: null, others: [] }, '-c and -m win');
  t.same(readCodexConfig([], { CODEX_HOME: '/ch' }, read, '/h'), { model: null, contextWindow: 20_000, autoCompactLimit: null, postTurnCompactPercent: null, others: [] });
  t.same(readCodexConfig([], { CODEX_HOME: '/none' }, read, '/h'), { model: null, contextWindow: null, autoCompactLimit: null, postTurnCompactPercent: null, others: [] }, 'no file: nothing set');
  files['/pt/config.toml'] = 'model_post_turn_compact_threshold_percent = 60\n';
  t.match(readCodexConfig([], { CODEX_HOME: '/pt' }, read, '/h'), { postTurnCompactPercent: 60 }, 'the post-turn threshold');
  t.match(readCodexConfig(['-c', 'model_post_turn_compact_threshold_percent=40'], { CODEX_HOME: '/pt' }, read, '/h'), { postTurnCompactPercent: 40 }, '-c wins');
  for (const bad of ['0', '101', '50.5', '"50"', '-5']) {
    t.match(readCodexConfig(['-c', `model_post_turn_compact_threshold_percent=${bad}`], { CODEX_HOME: '/none' }, read, '/h'), { postTurnCompactPercent: null, others: [] }, `${bad}: not a share Codex takes`);
  }
  // A project's own .codex/config.toml files: the run's folder and those above it, the nearest first.
  files['/w/.codex/config.toml'] = 'model_auto_compact_token_limit = 30000\nmodel_context_window = 90000\n';
  files['/w/repo/sub/.codex/config.toml'] = 'model_auto_compact_token_limit = 20000\n';
  files['/w/broken/.codex/config.toml'] = 'not toml = = \n';
  t.same(readCodexConfig([], { CODEX_HOME: '/ch' }, read, '/h', '/w/repo/sub').others, [{ contextWindow: 90_000, autoCompactLimit: 20_000, postTurnCompactPercent: null }], 'the nearest file wins, the farther one fills in');
  t.same(readCodexConfig(['-c', 'model_auto_compact_token_limit=25000'], { CODEX_HOME: '/ch' }, read, '/h', '/w/repo/sub').others, [{ contextWindow: 90_000, autoCompactLimit: 25_000, postTurnCompactPercent: null }], '-c wins over them');
  t.same(readCodexConfig([], { CODEX_HOME: '/ch' }, read, '/h', '/w/broken').others, [{ contextWindow: 90_000, autoCompactLimit: 30_000, postTurnCompactPercent: null }], 'a file that is not TOML is left out, not an error');
  t.same(readCodexConfig([], { CODEX_HOME: '/ch' }, read, '/h', '/elsewhere').others, [], 'no project file');
  t.same(readCodexConfig([], {}, read, '/h', '/h/project').others, [], 'the user\'s own ~/.codex/config.toml is not a project file');
  // The system's files: /etc/codex/config.toml under the user's, managed_config.toml over all.
  const withSystem: Record<string, string> = { ...files, '/etc/codex/config.toml': 'model_auto_compact_token_limit = 18000\nmodel_context_window = 30000\n', '/etc/codex/managed_config.toml': 'model_post_turn_compact_threshold_percent = 40\nmodel_context_window = 50000\n' };
  const readSystem = (p: string): string => { const v = withSystem[p]; if (v === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' }); return v; };
  t.same(readCodexConfig([], { CODEX_HOME: '/ch' }, readSystem, '/h', '/elsewhere').others, [
    { contextWindow: 20_000, autoCompactLimit: 18_000, postTurnCompactPercent: null },
    { contextWindow: 50_000, autoCompactLimit: null, postTurnCompactPercent: 40 },
  ], 'the system file fills in under the user\'s window; the managed one wins over it');
  t.throws(() => readCodexConfig([], { CODEX_HOME: '/bad' }, read, '/h'), CodexConfigError);
  t.throws(() => readCodexConfig([], { CODEX_HOME: '/bad' }, read, '/h'), /\/bad\/config\.toml is not valid TOML/);
});

t.test('Codex\'s own compaction point', async (t) => {
  t.equal(codexAutoCompactPoint(20_000, null), 18_000, 'seen: 18,251 total compacted, 17,251 did not');
  t.equal(codexAutoCompactPoint(272_000, null), 244_800);
  t.equal(codexAutoCompactPoint(272_000, 200_000), 200_000, 'a lower limit wins');
  t.equal(codexAutoCompactPoint(272_000, 260_000), 244_800, 'a higher one does not');
  t.equal(codexAutoCompactPoint(33_333, null), 29_999);
  // model_post_turn_compact_threshold_percent: a share of the usable 95% (seen with a 40,000 window:
  // at 50, a turn of 18,990 input tokens was compacted, one of 18,680 was not).
  t.equal(codexAutoCompactPoint(40_000, null, 50), 19_000, 'half of the usable window');
  t.equal(codexAutoCompactPoint(40_000, null, 70), 26_600);
  t.equal(codexAutoCompactPoint(40_000, 15_000, 50), 15_000, 'the lowest of them');
  t.equal(codexAutoCompactPoint(40_000, null, 100), 36_000, 'above 90% of the window: the 90% rule');
});
