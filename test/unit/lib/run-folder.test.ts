import t, { type Test } from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { hostTag, makeRunFolder, sweepRunFolders, RUN_FOLDER_KINDS } from '../../../src/lib/run-folder.js';

function parent(t: Test): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(tmpdir(), 'guard-sweep-test-')));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A folder named as makeRunFolder names one, for any pid and host. */
function folder(dir: string, kind: string, pid: number, host = hostTag(), six = 'AbC123'): string {
  const p = path.join(dir, `guard-${kind}-${pid}-${host}-${six}`);
  fs.mkdirSync(p, { mode: 0o700 });
  return p;
}

t.test('hostTag: FNV-1a of the host name in base 36, the same each time', async (t) => {
  // The published FNV-1a 32-bit vectors: "" → 811c9dc5, "a" → e40c292c, "foobar" → bf9cf968.
  t.equal(hostTag(''), (0x811c9dc5).toString(36));
  t.equal(hostTag('a'), (0xe40c292c).toString(36));
  t.equal(hostTag('foobar'), (0xbf9cf968).toString(36));
  t.equal(hostTag(), hostTag(), 'this host: the same tag each time');
  t.match(hostTag('a host name with spaces and ✓'), /^[0-9a-z]{1,7}$/, 'only what a folder name may hold');
});

t.test('makeRunFolder: a private folder named by kind, pid and host', async (t) => {
  const dir = parent(t);
  const old = process.umask(0);
  t.teardown(() => { process.umask(old); });
  for (const kind of RUN_FOLDER_KINDS) {
    const made = makeRunFolder(kind, dir);
    t.equal(path.dirname(made), dir);
    t.match(path.basename(made), new RegExp(`^guard-${kind}-${process.pid}-${hostTag()}-[A-Za-z0-9]{6}$`), kind);
    t.equal(fs.statSync(made).mode & 0o777, 0o700, `${kind}: 0700 with no umask`);
  }
  t.not(makeRunFolder('hooks', dir), makeRunFolder('hooks', dir), 'a fresh folder each time');
  t.throws(() => makeRunFolder('demo' as never, dir), { name: 'RangeError', message: /kind must be one of hooks, settings, gemini, got "demo"/ });
  t.throws(() => makeRunFolder('hooks', path.join(dir, 'missing')), { code: 'ENOENT' }, 'what mkdtemp throws');
});

t.test('sweepRunFolders removes the hook and settings folders of guards that are gone, and nothing else', async (t) => {
  const dir = parent(t);
  const DEAD = 999_999, LIVE = 424_242;
  const isAlive = (pid: number): boolean => pid === LIVE;
  // Gone: removed, with what they hold.
  const hooks = folder(dir, 'hooks', DEAD);
  fs.writeFileSync(path.join(hooks, 'Stop-123.json'), '{}');
  fs.writeFileSync(path.join(hooks, 'Stop-124.part'), '{');
  const settings = folder(dir, 'settings', DEAD, hostTag(), 'xYz789');
  fs.writeFileSync(path.join(settings, 'settings.json'), '{"env":{"SECRET":"x"}}', { mode: 0o600 });
  fs.mkdirSync(path.join(settings, 'deeper'));
  // A link inside a swept folder goes; what it points at stays.
  const outside = path.join(dir, 'users-file');
  fs.writeFileSync(outside, 'mine');
  fs.symlinkSync(outside, path.join(settings, 'link'));
  const outsideDir = path.join(dir, 'users-folder');
  fs.mkdirSync(outsideDir);
  fs.writeFileSync(path.join(outsideDir, 'kept'), 'mine');
  fs.symlinkSync(outsideDir, path.join(hooks, 'dirlink'));
  // Kept.
  const kept = [
    folder(dir, 'hooks', LIVE),
    folder(dir, 'settings', process.pid),
    folder(dir, 'hooks', DEAD, 'zzzzzzz'),
    folder(dir, 'gemini', DEAD),
    folder(dir, 'demo', DEAD),
    path.join(dir, 'guard-hooks-AbC123'),
    path.join(dir, `guard-hooks-${DEAD}-${hostTag()}-AbC12`),
    path.join(dir, `guard-noclaude-${DEAD}-${hostTag()}-AbC123`),
  ];
  fs.mkdirSync(kept[5]!);
  fs.mkdirSync(kept[6]!);
  fs.mkdirSync(kept[7]!);
  const asFile = path.join(dir, `guard-hooks-${DEAD}-${hostTag()}-fiLe00`);
  fs.writeFileSync(asFile, 'not a folder');
  const asLink = path.join(dir, `guard-settings-${DEAD}-${hostTag()}-liNk00`);
  fs.symlinkSync(outsideDir, asLink);

  const result = await sweepRunFolders({ parent: dir, isAlive });
  t.same(result.removed.sort(), [path.basename(hooks), path.basename(settings)].sort(), 'the two of the dead guard, by name');
  t.same(result.failed, []);
  t.notOk(fs.existsSync(hooks), 'hook folder gone');
  t.notOk(fs.existsSync(settings), 'settings folder gone');
  for (const k of kept) t.ok(fs.existsSync(k), `kept: ${path.basename(k)}`);
  t.ok(fs.statSync(asFile).isFile(), 'a file with such a name is left');
  t.ok(fs.lstatSync(asLink).isSymbolicLink(), 'a link with such a name is left, not followed');
  t.equal(fs.readFileSync(outside, 'utf8'), 'mine', 'a file a swept link pointed at is untouched');
  t.equal(fs.readFileSync(path.join(outsideDir, 'kept'), 'utf8'), 'mine', 'and a folder');

  t.same(await sweepRunFolders({ parent: dir, isAlive }), { removed: [], failed: [] }, 'a second sweep finds nothing');
});

t.test('sweepRunFolders leaves another user\'s folders, and a parent it cannot read', async (t) => {
  const dir = parent(t);
  const f = folder(dir, 'hooks', 999_999);
  const mine = fs.statSync(f).uid;
  t.same(await sweepRunFolders({ parent: dir, isAlive: () => false, uid: mine + 1 }), { removed: [], failed: [] });
  t.ok(fs.existsSync(f), 'not this user\'s: kept');
  t.same((await sweepRunFolders({ parent: dir, isAlive: () => false, uid: mine })).removed, [path.basename(f)], 'this user\'s: removed');
  t.same(await sweepRunFolders({ parent: path.join(dir, 'missing') }), { removed: [], failed: [] }, 'no parent: nothing, no throw');
});

t.test('sweepRunFolders asks the kernel: a folder stays while its process runs and goes once it was killed', async (t) => {
  const dir = parent(t);
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const exited = new Promise((r) => child.once('exit', r));
  const f = folder(dir, 'settings', child.pid!);
  t.same((await sweepRunFolders({ parent: dir })).removed, [], 'its guard runs: kept');
  t.ok(fs.existsSync(f));
  child.kill('SIGKILL');
  await exited;
  t.same((await sweepRunFolders({ parent: dir })).removed, [path.basename(f)], 'killed with SIGKILL: removed');
  t.notOk(fs.existsSync(f));
});
