// guard's additions to Gemini CLI's settings and the private home of one run, on real temporary
// folders: the user's settings copied with guard's hooks after theirs, comments accepted, bad
// files refused with the file named, every other entry linked, what Gemini created moved back,
// the user's own files untouched, the token never written.
import t, { type Test } from 'tap';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync, realpathSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GEMINI_HOOK_EVENTS, guardHooks, hooksDisabled, telemetryEnv, withGuardHooks } from '../../../src/gemini/settings.js';
import { hookRelayCommand } from '../../../src/claude/settings.js';
import { hookSpoolCommand } from '../../../src/telemetry/hook-spool.js';
import { GeminiSettingsError, makeGeminiHome, readUserSettings } from '../../../src/gemini/home.js';

const RELAY = { node: '/usr/bin/node', hookRelay: '/opt/guard/dist/relay/hook-relay.js', statusLineRelay: '/opt/guard/dist/relay/statusline-relay.js' };

function tmp(t: Test): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'guard-gemini-home-')));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

t.test('guard hooks without a hook folder: each event runs the relay; receiver and token by name only', async (t) => {
  const hooks = guardHooks(RELAY) as Record<string, Array<{ hooks: Array<Record<string, unknown>> }>>;
  t.same(Object.keys(hooks), [...GEMINI_HOOK_EVENTS]);
  const after = hooks['AfterAgent']![0]!.hooks[0]!;
  t.equal(after['type'], 'command');
  t.equal(after['name'], 'guard-AfterAgent');
  t.equal(after['command'], hookRelayCommand(RELAY, 'AfterAgent'), "Claude's relay command, unchanged");
  t.match(after['command'], /^NODE_OPTIONS= NODE_EXTRA_CA_CERTS= \S*\/usr\/bin\/node\S* \S*\/opt\/guard\/dist\/relay\/hook-relay\.js\S* AfterAgent$/);
  t.equal(after['timeout'], 5000, 'milliseconds, as Gemini reads it');
  t.same(after['env'], { GUARD_RECEIVER_URL: '$GUARD_RECEIVER_URL', GUARD_TOKEN: '$GUARD_TOKEN' });
});

t.test('guard hooks with the run\'s hook folder: each event writes its JSON there, no relay, no token', async (t) => {
  const spool = "/tmp/guard-hooks-1-a b'c";
  const hooks = guardHooks(RELAY, spool) as Record<string, Array<{ hooks: Array<Record<string, unknown>> }>>;
  t.same(Object.keys(hooks), [...GEMINI_HOOK_EVENTS]);
  for (const event of GEMINI_HOOK_EVENTS) {
    const h = hooks[event]![0]!.hooks[0]!;
    t.same(h, { type: 'command', name: `guard-${event}`, command: hookSpoolCommand(spool, event), timeout: 5000 }, event);
    t.notMatch(String(h['command']), /hook-relay|node/, `${event}: no Node start`);
  }
  // A folder whose path Gemini would expand (its settings' `$NAME`): the relay, as without a folder.
  const expanded = guardHooks(RELAY, '/tmp/$USER/guard-hooks-1') as typeof hooks;
  t.equal(expanded['AfterAgent']![0]!.hooks[0]!['command'], hookRelayCommand(RELAY, 'AfterAgent'), 'a $NAME in the folder: the relay');
  t.equal((guardHooks(RELAY, '/tmp/${X}') as typeof hooks)['SessionEnd']![0]!.hooks[0]!['command'], hookRelayCommand(RELAY, 'SessionEnd'), 'a ${NAME} too');
  t.equal((guardHooks(RELAY, '/tmp/a$-b') as typeof hooks)['SessionEnd']![0]!.hooks[0]!['command'], hookSpoolCommand('/tmp/a$-b', 'SessionEnd'), 'a $ Gemini leaves alone: the folder');
  const { settings } = withGuardHooks({ hooks: { AfterAgent: [{ hooks: [{ type: 'command', command: 'mine' }] }] } }, RELAY, spool);
  const after = (settings['hooks'] as Record<string, Array<{ hooks: Array<Record<string, unknown>> }>>)['AfterAgent']!;
  t.equal(after.length, 2, 'after the user\'s own');
  t.equal(after[1]!.hooks[0]!['command'], hookSpoolCommand(spool, 'AfterAgent'));
});

t.test("the user's hooks come first and stay; nothing else of theirs changes", async (t) => {
  const mine = { hooks: [{ type: 'command', command: 'notify-send done' }] };
  const user = { ui: { theme: 'Dracula' }, hooks: { AfterAgent: [mine], BeforeTool: [mine] }, hooksConfig: { notifications: false } };
  const { settings, hooked } = withGuardHooks(user, RELAY);
  t.ok(hooked);
  const h = settings['hooks'] as Record<string, unknown[]>;
  t.equal(h['AfterAgent']!.length, 2);
  t.same(h['AfterAgent']![0], mine, 'theirs first');
  t.same(h['BeforeTool'], [mine]);
  t.same(settings['ui'], { theme: 'Dracula' });
  t.same(settings['hooksConfig'], { notifications: false });
  t.same(user.hooks.AfterAgent, [mine], 'the input is not changed in place');
  t.same(withGuardHooks({ hooks: 'nonsense' }, RELAY), { settings: { hooks: 'nonsense' }, hooked: false });
  t.ok(hooksDisabled({ hooksConfig: { enabled: false } }));
  t.notOk(hooksDisabled({ hooksConfig: { enabled: true } }));
});

t.test('telemetry goes to the receiver with the token header, prompts not logged', async (t) => {
  const env = telemetryEnv('http://127.0.0.1:4444', 'tok', 'x-guard-token');
  t.match(env, {
    GEMINI_TELEMETRY_ENABLED: 'true', GEMINI_TELEMETRY_TARGET: 'local', GEMINI_TELEMETRY_OTLP_ENDPOINT: 'http://127.0.0.1:4444',
    GEMINI_TELEMETRY_OTLP_PROTOCOL: 'http', GEMINI_TELEMETRY_LOG_PROMPTS: 'false', GEMINI_TELEMETRY_OUTFILE: '',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-guard-token=tok', OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-guard-token=tok',
  });
});

t.test('user settings: comments accepted, a missing file is {}, a bad one is named', async (t) => {
  const d = tmp(t);
  const f = join(d, 'settings.json');
  t.same(readUserSettings(f), {});
  writeFileSync(f, '// mine\n{ "ui": { /* dark */ "theme": "ANSI" } }');
  t.same(readUserSettings(f), { ui: { theme: 'ANSI' } });
  writeFileSync(f, '{ "ui": ');
  const err = (() => { try { readUserSettings(f); return null; } catch (e) { return e; } })();
  t.ok(err instanceof GeminiSettingsError);
  t.equal((err as GeminiSettingsError).file, f);
  t.match((err as Error).message, `${f} is not valid JSON`);
  writeFileSync(f, '[1]');
  t.throws(() => readUserSettings(f), /must hold a JSON object/);
});

t.test('the private home: a settings copy with the hooks, links for the rest, moved back at the end', async (t) => {
  const d = tmp(t);
  const userHome = join(d, 'user');
  const userGemini = join(userHome, '.gemini');
  mkdirSync(join(userGemini, 'tmp', 'proj'), { recursive: true });
  const userSettings = '{ // theirs\n "security": { "auth": { "selectedType": "gemini-api-key" } } }\n';
  writeFileSync(join(userGemini, 'settings.json'), userSettings);
  writeFileSync(join(userGemini, 'oauth_creds.json'), '{"secret":1}');
  writeFileSync(join(userGemini, 'projects.json'), '{"old":1}');
  writeFileSync(join(userHome, '.env'), 'X=1');
  const run = join(d, 'run');
  mkdirSync(run, { mode: 0o700 });

  const gh = makeGeminiHome(userHome, run, RELAY);
  t.same(gh.warnings, []);
  const g = join(gh.home, '.gemini');
  const copy = JSON.parse(readFileSync(join(g, 'settings.json'), 'utf8')) as Record<string, unknown>;
  t.same(copy['security'], { auth: { selectedType: 'gemini-api-key' } }, 'their settings, kept');
  t.same(Object.keys(copy['hooks'] as object), [...GEMINI_HOOK_EVENTS]);
  t.notMatch(readFileSync(join(g, 'settings.json'), 'utf8'), /guard-token|tok=/, 'no secret in the file');
  t.equal(statSync(join(g, 'settings.json')).mode & 0o777, 0o600);
  t.equal(statSync(g).mode & 0o777, 0o700);
  for (const name of ['oauth_creds.json', 'projects.json', 'tmp']) t.equal(readlinkSync(join(g, name)), join(userGemini, name), `${name} linked`);
  t.equal(readlinkSync(join(gh.home, '.env')), join(userHome, '.env'));
  t.notOk(existsSync(join(gh.home, '.agents')), 'only what exists is linked');

  // What Gemini does during the run: writes through a link, creates a file, replaces a link, edits the settings copy.
  writeFileSync(join(g, 'tmp', 'proj', 'chat.json'), 'chat');
  writeFileSync(join(g, 'installation_id'), 'abc');
  rmSync(join(g, 'projects.json'));
  writeFileSync(join(g, 'projects.json'), '{"new":1}');
  mkdirSync(join(g, 'history'));
  writeFileSync(join(g, 'history', 'h'), 'x');
  writeFileSync(join(g, 'settings.json'), '{}');

  const notes = gh.dispose();
  t.match(notes, [/Gemini changed its settings during this run/]);
  t.notOk(existsSync(gh.home), 'the private home is gone');
  t.equal(readFileSync(join(userGemini, 'settings.json'), 'utf8'), userSettings, "the user's settings untouched");
  t.equal(readFileSync(join(userGemini, 'tmp', 'proj', 'chat.json'), 'utf8'), 'chat');
  t.equal(readFileSync(join(userGemini, 'installation_id'), 'utf8'), 'abc', 'created files moved back');
  t.equal(readFileSync(join(userGemini, 'projects.json'), 'utf8'), '{"new":1}', 'a replaced link: the new file moved back');
  t.equal(readFileSync(join(userGemini, 'history', 'h'), 'utf8'), 'x', 'created folders moved back');
  t.equal(readFileSync(join(userGemini, 'oauth_creds.json'), 'utf8'), '{"secret":1}');
  t.notOk(lstatSync(join(userGemini, 'tmp')).isSymbolicLink());
  t.same(gh.dispose(), [], 'a second dispose does nothing');
  t.same(readdirSync(run), []);
});

t.test('no .gemini yet: the copy holds only the hooks, and what Gemini made ends up in ~/.gemini', async (t) => {
  const d = tmp(t);
  const userHome = join(d, 'fresh');
  mkdirSync(userHome);
  const gh = makeGeminiHome(userHome, join(d, 'run'), RELAY);
  const g = join(gh.home, '.gemini');
  t.same(Object.keys(JSON.parse(readFileSync(join(g, 'settings.json'), 'utf8')) as object), ['hooks']);
  mkdirSync(join(g, 'tmp'));
  t.same(gh.dispose(), []);
  t.ok(statSync(join(userHome, '.gemini', 'tmp')).isDirectory());
  t.notOk(existsSync(join(userHome, '.gemini', 'settings.json')), "guard's copy is never moved back");
});

t.test('hooks turned off or malformed: said at start', async (t) => {
  const d = tmp(t);
  mkdirSync(join(d, '.gemini'));
  writeFileSync(join(d, '.gemini', 'settings.json'), '{"hooksConfig":{"enabled":false}}');
  const gh = makeGeminiHome(d, join(d, 'run'), RELAY);
  t.match(gh.warnings, [/turns hooks off/]);
  gh.dispose();
  writeFileSync(join(d, '.gemini', 'settings.json'), '{"hooks":[]}');
  const gh2 = makeGeminiHome(d, join(d, 'run2'), RELAY);
  t.match(gh2.warnings, [/"hooks" in .* is not an object/]);
  gh2.dispose();
});
