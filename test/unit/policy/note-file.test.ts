// The checkpoint notes folder guard prepares before asking Claude for a note: private, and for
// guard's own .guard/checkpoints ignored by git (checked with the real git when it is installed).
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { prepareNoteFolder } from '../../../src/policy/note-file.js';
import { DEFAULT_NOTE_PATH, notePathAt } from '../../../src/policy/config.js';

const mode = (p: string): number => fs.statSync(p).mode & 0o777;

function hasGit(): boolean {
  try { execFileSync('git', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

t.test('guard\'s own folder: created 0700 with a .gitignore of *, so git never lists a note', async (t) => {
  const cwd = t.testdir({});
  const note = notePathAt(DEFAULT_NOTE_PATH, Date.UTC(2026, 10, 29));
  prepareNoteFolder(cwd, note, { guardsOwn: true });
  const dir = path.join(cwd, '.guard', 'checkpoints');
  t.equal(mode(dir), 0o700);
  t.equal(mode(path.join(cwd, '.guard')), 0o700, 'a parent guard created is private too');
  t.match(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), /^\*$/m);
  // Claude writes the note; git does not see it.
  fs.writeFileSync(path.join(cwd, note), '# checkpoint\nwork so far\n');
  if (hasGit()) {
    execFileSync('git', ['init', '-q'], { cwd });
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd, encoding: 'utf8' });
    t.equal(status, '', 'git status lists nothing: neither the note nor the .gitignore');
  }
  // Again (the next checkpoint): an existing .gitignore is left alone; a loosened folder is tightened.
  fs.writeFileSync(path.join(dir, '.gitignore'), '*\n!keep.md\n');
  fs.chmodSync(dir, 0o755);
  prepareNoteFolder(cwd, note, { guardsOwn: true });
  t.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), '*\n!keep.md\n', 'the user\'s .gitignore is kept');
  t.equal(mode(dir), 0o700);
});

t.test('a folder the user configured: created private if missing, otherwise left as it is, no .gitignore', async (t) => {
  const cwd = t.testdir({ docs: {} });
  fs.chmodSync(path.join(cwd, 'docs'), 0o755);
  prepareNoteFolder(cwd, 'docs/notes/n.md', { guardsOwn: false });
  t.equal(mode(path.join(cwd, 'docs', 'notes')), 0o700, 'the missing folder is created private');
  t.equal(mode(path.join(cwd, 'docs')), 0o755, 'the existing one keeps its mode');
  t.notOk(fs.existsSync(path.join(cwd, 'docs', 'notes', '.gitignore')), 'no .gitignore: the user chose where notes go');
  const abs = path.join(cwd, 'abs', 'n.md');
  prepareNoteFolder('/nowhere', abs, { guardsOwn: false });
  t.ok(fs.statSync(path.dirname(abs)).isDirectory(), 'an absolute note path ignores the cwd');
});

t.test('a folder that cannot be made throws the file system error', async (t) => {
  const cwd = t.testdir({ blocked: 'a file' });
  t.throws(() => prepareNoteFolder(cwd, 'blocked/n.md', { guardsOwn: true }), { code: /EEXIST|ENOTDIR/ });
});
