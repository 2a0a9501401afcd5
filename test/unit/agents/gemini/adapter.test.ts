// The Gemini adapter's rules and set-up, without Gemini: the window (1,048,576 unless guard's own
// settings say otherwise) and the compression point (model.compressionThreshold from the user's,
// the project's or an administrator's settings), the connection (a private home, telemetry to the
// receiver with the token, nothing secret in a file), a bad settings file named, the commands and
// the main thread.
import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentSetupError } from '../../../../src/agents/agent.js';
import { GEMINI_WINDOW, compressionThreshold, createGeminiAdapter, geminiWindowRules, lowerThreshold } from '../../../../src/agents/gemini/adapter.js';
import { GEMINI_HOOK_EVENTS, systemSettingsFiles } from '../../../../src/gemini/settings.js';
import { hookSpoolCommand } from '../../../../src/telemetry/hook-spool.js';

t.test('window and compression point', async (t) => {
  const rules = geminiWindowRules(0.5);
  t.same(rules.window({ modelIds: ['gemini-2.5-pro'] }), { window: GEMINI_WINDOW, source: 'known-model' });
  t.same(rules.window({ userOverride: 200_000 }), { window: 200_000, source: 'user' }, "guard's --window wins");
  t.same(rules.window({ userOverride: 200_000, userModelWindows: { 'gemini-2.5-pro': 500_000 }, modelIds: ['gemini-2.5-pro'] }), { window: 500_000, source: 'user' }, 'a per-model window wins over it');
  t.same(rules.autoCompactPoint(GEMINI_WINDOW, {}, null), { at: 524_288, source: 'default' });
  t.same(geminiWindowRules(0.7).autoCompactPoint(GEMINI_WINDOW, {}, null), { at: 734_003, source: 'env-pct' });
  t.same(rules.autoCompactPoint(GEMINI_WINDOW, {}, 400_000), { at: 400_000, source: 'observed-compaction' }, 'a compression seen lower moves the point down');
  t.equal(compressionThreshold({}, {}), 0.5);
  t.equal(compressionThreshold({ model: { compressionThreshold: 0.7 } }, {}), 0.7);
  t.equal(compressionThreshold({ model: { compressionThreshold: 0.7 } }, { model: { compressionThreshold: 0.6 } }), 0.6, 'the project over the user');
  t.equal(compressionThreshold({ model: { compressionThreshold: 2 } }), 0.5, 'out of range: the default');
});

// An administrator's files: Gemini merges system defaults < user < project < system. guard cannot
// know whether Gemini trusts a system file (root-owned, nobody else may write it), so it takes the
// lower threshold of the two readings: never later than Gemini.
t.test('the system settings files count, never to make guard later than Gemini', async (t) => {
  t.same(systemSettingsFiles({}, 'linux'), { system: '/etc/gemini-cli/settings.json', defaults: '/etc/gemini-cli/system-defaults.json' });
  t.same(systemSettingsFiles({}, 'darwin'), { system: '/Library/Application Support/GeminiCli/settings.json', defaults: '/Library/Application Support/GeminiCli/system-defaults.json' });
  t.same(systemSettingsFiles({}, 'win32'), { system: 'C:\\ProgramData\\gemini-cli\\settings.json', defaults: 'C:\\ProgramData\\gemini-cli\\system-defaults.json' });
  t.same(systemSettingsFiles({ GEMINI_CLI_SYSTEM_SETTINGS_PATH: '/x/s.json' }, 'linux'), { system: '/x/s.json', defaults: '/x/system-defaults.json' });
  t.same(systemSettingsFiles({ GEMINI_CLI_SYSTEM_SETTINGS_PATH: '/x/s.json', GEMINI_CLI_SYSTEM_DEFAULTS_PATH: '/y/d.json' }, 'linux'), { system: '/x/s.json', defaults: '/y/d.json' });
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'guard-gemini-system-')));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  const file = (name: string, text: string): string => { const p = join(d, name); writeFileSync(p, text); return p; };
  const at = (v: number): string => JSON.stringify({ model: { compressionThreshold: v } });
  const files = (system: string, defaults = join(d, 'none.json')) => ({ system, defaults });
  const user6 = { model: { compressionThreshold: 0.6 } };
  t.equal(lowerThreshold(user6, {}, {}, files(file('s3.json', at(0.3)))), 0.3, 'a lower system threshold over the user\'s');
  t.equal(lowerThreshold(user6, {}, {}, files(file('s7.json', at(0.7)))), 0.6, 'a higher one: the user\'s (Gemini may skip the system file)');
  t.equal(lowerThreshold({}, {}, {}, files(join(d, 'none.json'), file('d4.json', at(0.4)))), 0.4, 'the defaults file under nothing else');
  t.equal(lowerThreshold(user6, {}, {}, files(join(d, 'none.json'), join(d, 'd4.json'))), 0.6, 'the user\'s over the defaults file');
  t.equal(lowerThreshold(user6, {}, {}, files(file('bad.json', '{ not json'))), 0.6, 'a system file guard cannot parse counts as absent');
  const home = join(d, 'home');
  mkdirSync(home);
  const setup = createGeminiAdapter().setup({ args: [], cwd: d, env: { HOME: home, GEMINI_CLI_SYSTEM_SETTINGS_PATH: join(d, 's3.json') } });
  t.equal(setup.window.autoCompactPoint(GEMINI_WINDOW, {}, null).at, Math.floor(GEMINI_WINDOW * 0.3), 'set up with GEMINI_CLI_SYSTEM_SETTINGS_PATH');
});

t.test('setup and connect: a private home, telemetry with the token in the environment only', async (t) => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'guard-gemini-adapter-')));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  const home = join(d, 'home');
  const cwd = join(d, 'project');
  mkdirSync(join(home, '.gemini'), { recursive: true });
  mkdirSync(join(cwd, '.gemini'), { recursive: true });
  writeFileSync(join(home, '.gemini', 'settings.json'), '{"model":{"compressionThreshold":0.6}}');
  const adapter = createGeminiAdapter();
  const setup = adapter.setup({ args: ['--model', 'gemini-2.5-pro'], cwd, env: { HOME: home } });
  t.same(setup.window.autoCompactPoint(GEMINI_WINDOW, {}, null).at, Math.floor(GEMINI_WINDOW * 0.6), "the user's threshold");
  const conn = setup.connect({ receiverUrl: 'http://127.0.0.1:4321', token: 'sekret-token', tokenHeader: 'x-guard-token', protocols: {}, hookSpool: null });
  t.same(conn.args, ['--model', 'gemini-2.5-pro'], "the user's args unchanged");
  const gh = conn.extraEnv['GEMINI_CLI_HOME'] ?? '';
  t.match(conn.extraEnv, {
    GEMINI_TELEMETRY_OTLP_ENDPOINT: 'http://127.0.0.1:4321', OTEL_EXPORTER_OTLP_HEADERS: 'x-guard-token=sekret-token',
    GUARD_RECEIVER_URL: 'http://127.0.0.1:4321', GUARD_TOKEN: 'sekret-token', OTEL_BLRP_SCHEDULE_DELAY: '500',
  });
  const copy = readFileSync(join(gh, '.gemini', 'settings.json'), 'utf8');
  t.match(JSON.parse(copy), { model: { compressionThreshold: 0.6 }, hooks: { AfterAgent: [{ hooks: [{ name: 'guard-AfterAgent' }] }] } });
  t.notMatch(copy, /sekret/, 'the token is in no file');
  t.equal(statSync(join(gh, '..')).mode & 0o777, 0o700, "the run's folder is private");
  conn.dispose();
  conn.dispose();
  t.notOk(existsSync(gh), 'gone after dispose');

  // With the run's hook folder, which guard makes for Gemini: every hook of guard's writes there.
  t.equal(setup.usesHookFolder, true, 'guard makes a hook folder for a Gemini run');
  const spool = join(d, 'hooks');
  const withSpool = setup.connect({ receiverUrl: 'http://127.0.0.1:4321', token: 'sekret-token', tokenHeader: 'x-guard-token', protocols: {}, hookSpool: spool });
  t.teardown(() => withSpool.dispose());
  const hooks = (JSON.parse(readFileSync(join(withSpool.extraEnv['GEMINI_CLI_HOME'] ?? '', '.gemini', 'settings.json'), 'utf8')) as { hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> }).hooks;
  for (const event of GEMINI_HOOK_EVENTS) t.equal(hooks[event]?.[0]?.hooks[0]?.command, hookSpoolCommand(spool, event), `${event} writes to the hook folder`);
});

t.test('a broken settings file is a setup error naming it; the rest of the adapter', async (t) => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'guard-gemini-adapter-')));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  mkdirSync(join(d, '.gemini'));
  writeFileSync(join(d, '.gemini', 'settings.json'), '{ nope');
  const adapter = createGeminiAdapter();
  t.throws(() => adapter.setup({ args: [], cwd: d, env: { HOME: d } }), AgentSetupError);
  t.same(adapter.commands, { compact: '/compress', compactTakesInstructions: false, clear: '/clear', submitDelayMs: 300, agentName: 'Gemini' });
  t.ok(adapter.isMainQuery('main'));
  t.notOk(adapter.isMainQuery('utility_compressor'));
  t.equal(adapter.canHoldCompaction, false);
  t.same(adapter.readPromptBox(['', ' >   Type your message or @path/to/file']), { kind: 'empty' });
});
