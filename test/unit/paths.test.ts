import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolvePaths, ensurePrivateDir, ensurePrivateFile, ensureStateDirs, GuardPathError } from '../../src/paths.js';

const mode = (p: string): number => fs.statSync(p).mode & 0o777;

t.test('GUARD_HOME is the one folder for state and config', async (t) => {
  const p = resolvePaths({ env: { GUARD_HOME: '/tmp/gh', XDG_STATE_HOME: '/x' }, platform: 'linux', homedir: '/home/u' });
  t.same(p, { stateDir: '/tmp/gh', configDir: '/tmp/gh', sessionsDir: '/tmp/gh/sessions', liveDir: '/tmp/gh/live' });
});

t.test('platform folders when GUARD_HOME is unset', async (t) => {
  t.same(resolvePaths({ env: {}, platform: 'linux', homedir: '/home/u' }), {
    stateDir: '/home/u/.local/state/guard', configDir: '/home/u/.config/guard',
    sessionsDir: '/home/u/.local/state/guard/sessions', liveDir: '/home/u/.local/state/guard/live',
  });
  const xdg = resolvePaths({ env: { XDG_STATE_HOME: '/s', XDG_CONFIG_HOME: '/c', GUARD_HOME: '' }, platform: 'linux', homedir: '/home/u' });
  t.equal(xdg.stateDir, '/s/guard');
  t.equal(xdg.configDir, '/c/guard');
  t.equal(resolvePaths({ env: { XDG_STATE_HOME: 'relative' }, platform: 'linux', homedir: '/h' }).stateDir, '/h/.local/state/guard', 'relative XDG ignored');
  const mac = resolvePaths({ env: {}, platform: 'darwin', homedir: '/Users/u' });
  t.equal(mac.stateDir, '/Users/u/Library/Application Support/guard');
  t.equal(mac.configDir, mac.stateDir);
});

t.test('folders are created 0700, existing ones fixed; files made 0600', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-paths-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const home = path.join(root, 'home');
  const p = ensureStateDirs(resolvePaths({ env: { GUARD_HOME: home } }));
  for (const d of [p.stateDir, p.sessionsDir, p.liveDir]) t.equal(mode(d), 0o700, d);
  fs.chmodSync(p.sessionsDir, 0o755);
  ensurePrivateDir(p.sessionsDir);
  t.equal(mode(p.sessionsDir), 0o700, 'existing folder chmodded');
  const f = path.join(home, 'x');
  fs.writeFileSync(f, 'x', { mode: 0o644 });
  fs.chmodSync(f, 0o644);
  ensurePrivateFile(f);
  t.equal(mode(f), 0o600);
  ensurePrivateFile(path.join(home, 'missing'));
});

t.test('an unusable folder is a GuardPathError naming the path', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-paths-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const file = path.join(root, 'plainfile');
  fs.writeFileSync(file, '');
  const bad = path.join(file, 'sub');
  const err = t.throws(() => ensurePrivateDir(bad));
  t.ok(err instanceof GuardPathError);
  t.equal((err as GuardPathError).path, bad);
  t.match((err as Error).message, bad);
  t.throws(() => ensurePrivateDir(file), { name: 'GuardPathError', message: /use as a folder/ });
  // A folder that cannot be written (faked: root ignores permissions).
  const fakeFs = {
    mkdirSync: () => undefined,
    statSync: () => ({ isDirectory: () => true, mode: 0o40700 }) as unknown as fs.Stats,
    chmodSync: () => undefined,
    accessSync: () => { throw Object.assign(new Error('no'), { code: 'EACCES' }); },
  };
  t.throws(() => ensurePrivateDir('/nope/guard', fakeFs), { name: 'GuardPathError', message: 'guard: cannot write to folder /nope/guard (EACCES)' });
});

t.test('a folder that belongs to another user is refused, and left as it was', async (t) => {
  const me = process.getuid!();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-paths-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  // Someone else's folder: as root, one handed to `nobody`; otherwise a root-owned one.
  let theirs = '/';
  if (me === 0) {
    theirs = path.join(root, 'theirs');
    fs.mkdirSync(theirs, { mode: 0o755 });
    fs.chownSync(theirs, 65534, 65534);
  }
  const before = fs.statSync(theirs).mode;
  const err = t.throws(() => ensurePrivateDir(theirs)) as GuardPathError;
  t.equal(err.name, 'GuardPathError');
  t.equal(err.message, `guard: cannot use another user's folder ${theirs} (it belongs to uid ${fs.statSync(theirs).uid}, you are uid ${me}; use a folder of your own)`);
  t.equal(fs.statSync(theirs).mode, before, 'its mode is untouched');
  // GUARD_HOME pointing there: the run's state folders are refused the same way.
  if (me === 0) t.throws(() => ensureStateDirs(resolvePaths({ env: { GUARD_HOME: theirs } })), { name: 'GuardPathError', message: /another user's folder/ });
  // Faked, for any user: uid 4242 owns it, guard runs as 1000; chmod is never called.
  let chmods = 0;
  const fakeFs = {
    mkdirSync: () => undefined,
    statSync: () => ({ isDirectory: () => true, mode: 0o40755, uid: 4242 }) as unknown as fs.Stats,
    chmodSync: () => { chmods++; },
    accessSync: () => undefined,
    getuid: () => 1000,
  };
  t.throws(() => ensurePrivateDir('/srv/shared', fakeFs), { message: "guard: cannot use another user's folder /srv/shared (it belongs to uid 4242, you are uid 1000; use a folder of your own)" });
  t.equal(chmods, 0, 'no chmod on a folder that is not the user\'s');
});
