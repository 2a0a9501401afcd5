// GUARD_HOME read-only, or its disk full in the middle of a run, with the real Claude Code under
// bin/guard.js. GUARD_HOME is a small tmpfs: mounting
// one needs root (CI runs as root); without it these tests are skipped, and the unit tests in
// test/unit/supervisor/supervise-faults.test.ts cover the same paths with an injected failing writer.
import t, { type Test } from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startClaudeSession } from '../helpers/claude-session.js';
import type { TestTerminal } from '../helpers/terminal.js';

/** The whole terminal (history too), a wrapped line joined to the one it continues. */
function screenLines(term: TestTerminal): string[] {
  const buf = term.term.buffer.active;
  const out: string[] = [];
  for (let y = 0; y < buf.length; y++) {
    const line = buf.getLine(y);
    const text = line?.translateToString(true) ?? '';
    if (line?.isWrapped && out.length > 0) out[out.length - 1] += text; else out.push(text);
  }
  return out;
}

/** Mounts a tmpfs of `size` at a fresh folder; null when this process may not mount. */
function tmpfs(t: Test, size: string): string | null {
  const dir = fs.mkdtempSync('/tmp/guard-tmpfs-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) { fs.rmSync(dir, { recursive: true, force: true }); return null; }
  t.teardown(() => {
    spawnSync('umount', ['-l', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

t.test('GUARD_HOME read-only with a config file in it: Claude runs under guard, guard says once what it cannot record', async (t) => {
  const home = tmpfs(t, '1m');
  if (!home) { t.pass('skipped: cannot mount a tmpfs here (not root)'); return; }
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ strategy: 'compact' }));
  t.equal(spawnSync('mount', ['-o', 'remount,ro', home]).status, 0, 'remounted read-only');
  const session = await startClaudeSession({ guardArgs: [], extraEnv: { GUARD_HOME: home } });
  t.teardown(() => session.dispose());
  t.match(session.term.lines().at(-1) ?? '', /^guard │/, 'the footer is there: guard supervises');
  await session.turn('hello');
  session.term.write('/exit\r');
  const e = await session.term.waitExit(30_000);
  t.equal(e.exitCode, 0, 'the status is Claude\'s');
  const said = screenLines(session.term).filter((l) => l.startsWith('guard: cannot'));
  t.same(said, [`guard: cannot write to folder ${home} (EROFS) — running without a session log or a guard ls entry`], 'said once, naming the folder, the reason and what is not recorded');
});

t.test('the disk fills up in the middle of a run: guard keeps supervising, says once what it cannot record', async (t) => {
  const home = tmpfs(t, '512k');
  if (!home) { t.pass('skipped: cannot mount a tmpfs here (not root)'); return; }
  const session = await startClaudeSession({ guardArgs: [], extraEnv: { GUARD_HOME: home } });
  t.teardown(() => session.dispose());
  // Fill what is left.
  try { fs.writeFileSync(path.join(home, 'filler'), Buffer.alloc(1 << 20)); } catch (err) { t.equal((err as NodeJS.ErrnoException).code, 'ENOSPC', 'the disk is full'); }
  // The notice shows for NOTICE_MS from the first failed write: watch while the turn runs.
  const seen = session.term.waitFor(/cannot record this run \(ENOSPC\)/, 30_000);
  await session.turn('hello');
  const s = await seen;
  t.match(s.split('\n').at(-1) ?? '', /guard: cannot record this run \(ENOSPC\)/, 'the footer says what guard cannot record');
  await session.turn('still there?');
  t.equal(session.api.messages('main').length, 2, 'Claude went on working');
  session.term.write('/exit\r');
  const e = await session.term.waitExit(30_000);
  t.equal(e.exitCode, 0, 'the status is Claude\'s');
  const said = screenLines(session.term).filter((l) => /^guard: cannot write .*\(ENOSPC\) — guard stopped recording this run there$/.test(l));
  t.ok(said.length >= 1, 'printed after the exit too');
  t.equal(new Set(said).size, said.length, 'each fault once');
});
