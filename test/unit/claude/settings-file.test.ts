// The merged settings file guard passes to Claude with --settings: private from its first byte,
// never through a planted file, and gone after remove() or when the process exits.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeSettingsFile } from '../../../src/claude/settings-file.js';

const settings = { env: { API_TOKEN: 'secret-value' }, hooks: { Stop: [{ hooks: [{ type: 'command', command: 'notify' }] }] } };

t.test('written 0600 in a fresh 0700 folder, read back as the same settings, removed with its folder', async (t) => {
  const tmp = t.testdir({});
  const f = writeSettingsFile(settings, { tmpDir: tmp, onExit: () => () => undefined });
  const dir = path.dirname(f.path);
  t.equal(path.dirname(dir), tmp);
  t.equal(fs.statSync(dir).mode & 0o777, 0o700, 'folder only the user can enter');
  t.equal(fs.statSync(f.path).mode & 0o777, 0o600, 'file only the user can read');
  t.same(JSON.parse(fs.readFileSync(f.path, 'utf8')), settings);
  f.remove();
  t.notOk(fs.existsSync(dir), 'folder gone');
  f.remove();
  t.pass('a second remove() is harmless');
});

t.test('the exit backstop removes it; remove() unhooks the backstop', async (t) => {
  const tmp = t.testdir({});
  const hooks: Array<() => void> = [];
  let unhooked = 0;
  const onExit = (fn: () => void): (() => void) => { hooks.push(fn); return () => { unhooked++; }; };
  const a = writeSettingsFile(settings, { tmpDir: tmp, onExit });
  hooks[0]!();
  t.notOk(fs.existsSync(a.path), 'removed on exit');
  const b = writeSettingsFile(settings, { tmpDir: tmp, onExit });
  b.remove();
  t.equal(unhooked, 1, 'remove() takes its exit listener away');
  t.notOk(fs.existsSync(b.path));
});

t.test('a folder that cannot be written is a SettingsError naming it (guard claude prints it and exits 2)', async (t) => {
  t.throws(() => writeSettingsFile(settings, { tmpDir: '/nonexistent/guard-tmp', onExit: () => () => undefined }), {
    name: 'SettingsError', message: 'cannot write the settings for Claude to a private file in /nonexistent/guard-tmp (ENOENT); set TMPDIR to a folder you can write',
  });
});
