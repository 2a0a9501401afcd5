// `guard demo` as a new user runs it: in a terminal, on the Claude Code on their PATH, offline.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTerminal } from '../helpers/terminal.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const GUARD = join(REPO, 'bin', 'guard.js');

t.test('guard demo reaches a checkpoint, the conversation goes on, and it exits 0', async (t) => {
  const guardHome = mkdtempSync(join(tmpdir(), 'guard-demo-home-'));
  t.teardown(() => rmSync(guardHome, { recursive: true, force: true }));
  // The user's own Claude Code on PATH: here the pinned devDependency, as `npm run demo` puts it.
  const env = { ...process.env, PATH: `${join(REPO, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, GUARD_HOME: guardHome, TERM: 'xterm-256color' };
  const term = startTerminal({ file: process.execPath, args: [GUARD, 'demo'], cwd: REPO, env, cols: 110, rows: 32 });
  t.teardown(() => term.dispose());

  // What the user watches: the footer arms, then checkpoints, then the context is small again.
  await term.waitFor(/checkpoint armed|checkpointing/, 120_000);
  await term.waitFor(/checkpointing: Claude is writing the checkpoint note|checkpointing: clearing/, 60_000);
  const status = await term.waitExit(120_000);
  t.equal(status.exitCode, 0, 'the demo exits 0');
  const screen = term.screen();
  t.match(screen, /guard demo: guard checkpointed/);
  t.match(screen, /guard log --json latest/);

  const records = execFileSync(process.execPath, [GUARD, 'log', '--json', 'latest'], { env, encoding: 'utf8' })
    .trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const phases = records.filter((r) => r.type === 'checkpoint').map((r) => r.phase);
  t.same(phases, ['armed', 'prompted', 'note-written', 'cleared', 'resumed'], 'a full handoff, in order');
  const main = records.filter((r) => r.type === 'request' && r.thread === 'main').map((r) => r.contextTokens as number);
  const peak = Math.max(...main);
  t.ok(peak < 167_000, `no main request reached the auto-compact point (peak ${peak})`);
  t.ok((main.at(-1) ?? Infinity) < peak / 4, 'after the checkpoint the context is a small fraction of the peak');
  t.notOk(records.some((r) => r.type === 'compaction'), 'Claude never compacted on its own');
  t.same(records.at(-1), { ...records.at(-1), type: 'exit', code: 0 });
});
