import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SettingsError, buildClaudeArgs, buildGuardSettings, defaultRelayPaths, findUserStatusLine, mergeSettings,
  prepareClaudeSettings, splitSettingsArgs, statusLineRelayCommand, type ClaudeSettings, type RelayPaths,
} from '../../../src/claude/settings.js';
import { hookSpoolCommand } from '../../../src/telemetry/hook-spool.js';

const relay: RelayPaths = { node: '/usr/bin/node', hookRelay: '/opt/guard/dist/claude/relay/hook-relay.js', statusLineRelay: '/opt/guard dir/statusline-relay.js' };
const EVENTS = ['SessionStart', 'UserPromptSubmit', 'Stop', 'PreCompact'];

const FILE = '/tmp/guard-settings-x/settings.json';

t.test('guard settings: one command hook per event running the relay with the event name', async (t) => {
  const s = buildGuardSettings({ relay, statusLine: false });
  t.same(Object.keys(s.hooks!).sort(), [...EVENTS].sort());
  t.same(s.hooks!['Stop'], [{ matcher: '', hooks: [{ type: 'command', command: 'NODE_OPTIONS= NODE_EXTRA_CA_CERTS= /usr/bin/node /opt/guard/dist/claude/relay/hook-relay.js Stop', timeout: 5, async: true }] }]);
  t.same(s.hooks!['PreCompact'], [{ matcher: '', hooks: [{ type: 'command', command: 'NODE_OPTIONS= NODE_EXTRA_CA_CERTS= /usr/bin/node /opt/guard/dist/claude/relay/hook-relay.js PreCompact', timeout: 5 }] }]);
  t.equal(s.statusLine, undefined);
});

t.test('Claude waits for no turn\'s hook of guard\'s: only those whose answer or timing matters are waited for', async (t) => {
  const s = buildGuardSettings({ relay, statusLine: false });
  const background = EVENTS.filter((e) => s.hooks![e]![0]!.hooks[0]!.async === true);
  t.same(background.sort(), ['Stop', 'UserPromptSubmit'], 'a turn starts and ends without waiting for a relay');
  t.same(EVENTS.filter((e) => !background.includes(e)).sort(), ['PreCompact', 'SessionStart'],
    'PreCompact (the hold\'s answer) and SessionStart (the gate after /clear) are waited for');
  t.equal(s.hooks!['SessionEnd'], undefined, 'no SessionEnd hook: Claude would wait for it at every /clear and exit, and guard does not read it');
});

t.test('with a hook folder, the hooks that need no answer write there; PreCompact keeps the relay', async (t) => {
  const spool = "/tmp/guard-hooks-a b'c";
  const s = buildGuardSettings({ relay, statusLine: false, hookSpool: spool });
  for (const event of ['SessionStart', 'UserPromptSubmit', 'Stop']) {
    const hook = s.hooks![event]![0]!.hooks[0]!;
    t.equal(hook.command, hookSpoolCommand(spool, event), `${event}: the shell line, no Node start`);
    t.equal(hook.timeout, 5);
  }
  t.equal(s.hooks!['Stop']![0]!.hooks[0]!.async, true, 'still in the background');
  t.equal(s.hooks!['SessionStart']![0]!.hooks[0]!.async, undefined, 'still waited for');
  t.same(s.hooks!['PreCompact'], buildGuardSettings({ relay, statusLine: false }).hooks!['PreCompact'], 'PreCompact: the relay prints guard\'s answer');
  const p = prepareClaudeSettings({ userArgs: [], cwd: '/nowhere', home: '/nohome', relay, statusLine: false, readFile: () => { throw new Error('none'); } });
  t.same(p.withHookSpool(spool), s, 'prepareClaudeSettings gives the same with the folder');
  t.same(p.settings, buildGuardSettings({ relay, statusLine: false }), 'and without it, the relays');
});

t.test('with a hook folder, a status line of guard\'s alone writes there too; one of the user\'s keeps the relay, which runs it', async (t) => {
  const spool = '/tmp/guard-hooks-x';
  t.same(buildGuardSettings({ relay, statusLine: true, hookSpool: spool }).statusLine, { type: 'command', command: hookSpoolCommand(spool, 'statusline') });
  const user = { type: 'command', command: 'echo mine', padding: 1 };
  t.same(buildGuardSettings({ relay, statusLine: true, userStatusLine: user, hookSpool: spool }).statusLine,
    { type: 'command', command: statusLineRelayCommand(relay, 'echo mine'), padding: 1 });
});

t.test('the status-line relay carries the user command base64url and keeps padding', async (t) => {
  const s = buildGuardSettings({ relay, statusLine: true, userStatusLine: { type: 'command', command: "echo 'hi' && date", padding: 2 } });
  t.equal(s.statusLine!.padding, 2);
  t.equal(s.statusLine!.type, 'command');
  const cmd = s.statusLine!.command!;
  t.ok(cmd.startsWith(`GUARD_USER_NODE_OPTIONS="\${NODE_OPTIONS-}" GUARD_USER_NODE_EXTRA_CA_CERTS="\${NODE_EXTRA_CA_CERTS-}" NODE_OPTIONS= NODE_EXTRA_CA_CERTS= /usr/bin/node '/opt/guard dir/statusline-relay.js' --user-command-b64 `), cmd);
  const b64 = cmd.split(' ').pop()!;
  t.equal(Buffer.from(b64, 'base64url').toString('utf8'), "echo 'hi' && date");
  t.equal(statusLineRelayCommand(relay, null), "NODE_OPTIONS= NODE_EXTRA_CA_CERTS= /usr/bin/node '/opt/guard dir/statusline-relay.js'");
});

t.test('no user --settings: guard settings go first, other args untouched', async (t) => {
  const p = prepareClaudeSettings({ userArgs: ['--model', 'sonnet', 'do it'], cwd: '/nowhere', home: '/nohome', relay, statusLine: false, readFile: () => { throw Object.assign(new Error('x'), { code: 'ENOENT' }); } });
  t.same(p.argsFor(FILE), ['--settings', FILE, '--model', 'sonnet', 'do it']);
  t.same(p.settings, buildGuardSettings({ relay, statusLine: false }));
  t.equal(p.userSettingsFile, null);
});

t.test('user inline --settings JSON (both forms) is merged: their hooks kept, guard appended', async (t) => {
  const user = { model: 'opus', hooks: { Stop: [{ matcher: '', hooks: [{ type: 'command', command: 'notify-send done' }] }], PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'check' }] }] } };
  for (const form of [['--settings', JSON.stringify(user)], [`--settings=${JSON.stringify(user)}`]]) {
    const p = prepareClaudeSettings({ userArgs: ['-c', ...form, 'hello'], cwd: '/nowhere', home: '/nohome', relay, statusLine: false, readFile: () => { throw new Error('no'); } });
    t.same(p.argsFor(FILE), ['--settings', FILE, '-c', 'hello'], 'exactly one --settings: the private file');
    const s = p.settings;
    t.equal(s['model'], 'opus', 'other user settings kept');
    t.equal(s.hooks!['Stop']!.length, 2);
    t.equal(s.hooks!['Stop']![0]!.hooks[0]!.command, 'notify-send done', "the user's hook first");
    t.match(s.hooks!['Stop']![1]!.hooks[0]!.command, /hook-relay\.js Stop$/);
    t.same(s.hooks!['PreToolUse'], user.hooks.PreToolUse);
    t.match(s.hooks!['PreCompact']![0]!.hooks[0]!.command, /hook-relay\.js PreCompact$/);
  }
});

t.test('user --settings file: merged; its status line is run by the relay', async (t) => {
  const dir = t.testdir({ 'my.json': JSON.stringify({ statusLine: { type: 'command', command: 'my-line' }, hooks: { SessionStart: [{ hooks: [{ type: 'command', command: 'hello-hook' }] }] } }) });
  const p = prepareClaudeSettings({ userArgs: ['--settings', 'my.json'], cwd: dir, home: join(dir, 'home'), relay, statusLine: true });
  t.equal(p.userSettingsFile, join(dir, 'my.json'));
  t.same(p.userStatusLine, { type: 'command', command: 'my-line' });
  const s = p.settings;
  t.equal(s.hooks!['SessionStart']![0]!.hooks[0]!.command, 'hello-hook');
  t.equal(s.hooks!['SessionStart']!.length, 2);
  t.equal(Buffer.from(s.statusLine!.command!.split(' ').pop()!, 'base64url').toString(), 'my-line');
  t.same(p.argsFor(FILE), ['--settings', FILE]);
});

t.test('bad user settings: clear errors naming the file', async (t) => {
  const dir = t.testdir({ 'bad.json': '{ nope', 'list.json': '[1]', 'hooks.json': '{"hooks":{"Stop":{}}}' });
  const run = (v: string): unknown => prepareClaudeSettings({ userArgs: ['--settings', v], cwd: dir, home: dir, relay, statusLine: false });
  t.throws(() => run('bad.json'), { name: 'SettingsError', message: new RegExp(`settings file ${join(dir, 'bad.json')} is not valid JSON`) });
  t.throws(() => run('list.json'), { message: /list\.json must hold a JSON object/ });
  t.throws(() => run('hooks.json'), { message: /hooks\.json: hooks\.Stop must be a list/ });
  t.throws(() => run('missing.json'), { message: new RegExp(`cannot read the settings file ${join(dir, 'missing.json')} .*ENOENT`) });
  t.throws(() => run('{"hooks": '), { message: /the JSON given with --settings is not valid JSON/ });
  t.throws(() => splitSettingsArgs(['--settings']), SettingsError);
  try { run('bad.json'); } catch (err) { t.equal((err as SettingsError).file, join(dir, 'bad.json')); }
});

t.test('args after -- are the program\'s, even if they look like --settings', async (t) => {
  t.same(splitSettingsArgs(['--settings', '{}', '--', '--settings', 'x']), { values: ['{}'], rest: ['--', '--settings', 'x'] });
  t.same(buildClaudeArgs(['a', '--settings=x.json', 'b'], FILE), ['--settings', FILE, 'a', 'b']);
});

t.test('the user status line is found by precedence: --settings, local, project, user', async (t) => {
  const dir = t.testdir({
    proj: { '.claude': { 'settings.json': JSON.stringify({ statusLine: { type: 'command', command: 'project' } }), 'settings.local.json': '{ broken' } },
    home: { '.claude': { 'settings.json': JSON.stringify({ statusLine: { type: 'command', command: 'user' } }) } },
    bare: {},
  });
  const proj = join(dir, 'proj');
  const home = join(dir, 'home');
  t.equal(findUserStatusLine({ statusLine: { type: 'command', command: 'arg' } }, proj, home)?.command, 'arg');
  t.equal(findUserStatusLine(null, proj, home)?.command, 'project', 'a broken local file is skipped');
  t.equal(findUserStatusLine(null, join(dir, 'bare'), home)?.command, 'user');
  writeFileSync(join(proj, '.claude', 'settings.local.json'), JSON.stringify({ statusLine: { type: 'command', command: 'local' } }));
  t.equal(findUserStatusLine(null, proj, home)?.command, 'local');
  t.equal(findUserStatusLine(null, join(dir, 'bare'), join(dir, 'bare')), null);
});

t.test('a user setting that disables hooks is reported', async (t) => {
  const dir = t.testdir({ '.claude': { 'settings.json': '{"disableAllHooks": true}' } });
  mkdirSync(join(dir, 'h'));
  const p = prepareClaudeSettings({ userArgs: [], cwd: dir, home: join(dir, 'h'), relay, statusLine: false });
  t.match(p.warnings, [/disableAllHooks.*settings\.json/]);
});

t.test("an administrator's managed settings that stop guard's hooks are reported, with the setting and the file", async (t) => {
  const dir = t.testdir({
    etc: { 'managed-settings.json': '{"allowManagedHooksOnly": true}', 'off.json': '{"disableAllHooks": true}', 'other.json': '{"env": {}}', 'broken.json': '{' },
    h: {},
  });
  const warn = (managed: string[]): string[] => prepareClaudeSettings({ userArgs: [], cwd: dir, home: join(dir, 'h'), relay, statusLine: false, managedFiles: managed.map((f) => join(dir, 'etc', f)) }).warnings;
  t.match(warn(['managed-settings.json']), [`only your organization's hooks run ("allowManagedHooksOnly" in ${join(dir, 'etc', 'managed-settings.json')}): guard cannot tell when Claude is idle`]);
  t.match(warn(['broken.json', 'off.json']), [`hooks are disabled by "disableAllHooks" in ${join(dir, 'etc', 'off.json')}`], 'a drop-in; a broken file passed over');
  t.same(warn(['other.json', 'missing.json']), [], 'managed settings that leave hooks alone: nothing to say');
});

t.test('mergeSettings does not modify its inputs', async (t) => {
  const user: ClaudeSettings = { hooks: { Stop: [{ hooks: [{ type: 'command', command: 'u' }] }] } };
  const before = JSON.stringify(user);
  mergeSettings(user, buildGuardSettings({ relay, statusLine: true }));
  t.equal(JSON.stringify(user), before);
});

t.test('default relay paths point at the bundled relays in dist/relay', async (t) => {
  const p = defaultRelayPaths();
  t.match(p.hookRelay, /[/\\]dist[/\\]relay[/\\]hook-relay\.cjs$/);
  t.match(p.statusLineRelay, /[/\\]dist[/\\]relay[/\\]statusline-relay\.cjs$/);
  t.equal(p.node, process.execPath);
  const installed = defaultRelayPaths('file:///opt/lib/node_modules/agent-guard/dist/guard.cjs');
  t.equal(installed.hookRelay, '/opt/lib/node_modules/agent-guard/dist/relay/hook-relay.cjs', 'next to the CLI bundle when installed');
  const chunk = defaultRelayPaths('file:///opt/lib/node_modules/agent-guard/dist/chunks/chunk-ABC123.js');
  t.equal(chunk.statusLineRelay, '/opt/lib/node_modules/agent-guard/dist/relay/statusline-relay.cjs', 'also from a chunk of the bundle');
});
