// The hook folder (src/telemetry/hook-spool.ts): the shell line Claude runs, run here by a real
// `sh -c` with the hook's JSON on stdin as Claude gives it, reaches onHook once per hook, whole,
// oldest first; the folder is private and goes at dispose; bad files are reported and removed; the
// line prints nothing and exits 0 even with guard gone.
import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookSpoolCommand, startHookSpool, type HookSpool } from '../../../src/telemetry/hook-spool.js';
import { until } from '../../helpers/until.js';

interface Got { event: string; payload: unknown }

function spoolIn(t: Test, extra: { onHook?: (event: string, payload: unknown) => void; blind?: boolean } = {}): { spool: HookSpool; got: Got[]; errors: string[]; exits: Array<() => void> } {
  const parent = mkdtempSync(join(tmpdir(), 'spool-test-'));
  const got: Got[] = [];
  const errors: string[] = [];
  const exits: Array<() => void> = [];
  const spool = startHookSpool({
    tmpDir: parent,
    onHook: extra.onHook ?? ((event, payload) => { got.push({ event, payload }); }),
    onError: (err) => { errors.push(err.message); },
    onExit: (fn) => { exits.push(fn); return () => { exits.splice(exits.indexOf(fn), 1); }; },
    // A watcher that never fires (a network filesystem): only the folder's periodic read is left.
    ...(extra.blind ? { watch: () => ({ close: () => {}, on: () => {} }) as unknown as FSWatcher, pollMs: 100 } : {}),
  });
  t.teardown(() => { spool.dispose(); rmSync(parent, { recursive: true, force: true }); });
  return { spool, got, errors, exits };
}

/** Runs the hook's command as Claude does: `sh -c`, the JSON on stdin, then EOF. A write to stdin
 * that fails (EPIPE: the line did not read it) fails the test. */
function runHook(dir: string, event: string, json: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('sh', ['-c', hookSpoolCommand(dir, event)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
    p.stdin.end(json);
  });
}

t.test('a hook written by the shell line reaches onHook whole, and its file goes', async (t) => {
  const { spool, got, errors } = spoolIn(t);
  t.equal(statSync(spool.dir).mode & 0o777, 0o700, 'the folder is private');
  const payload = { session_id: 's-1', source: 'startup', hook_event_name: 'SessionStart', text: 'ü ✓ "quoted"' };
  const r = await runHook(spool.dir, 'SessionStart', JSON.stringify(payload));
  t.same(r, { code: 0, out: '' }, 'exit 0, nothing printed (a SessionStart hook\'s output reaches Claude\'s context)');
  await until(() => got.length === 1, 5000, 'the hook');
  t.same(got, [{ event: 'SessionStart', payload }]);
  t.same(readdirSync(spool.dir), [], 'nothing left in the folder');
  t.same(errors, []);
});

t.test('a watcher that misses every change: the hooks still arrive, by the folder\'s periodic read', async (t) => {
  const { spool, got } = spoolIn(t, { blind: true });
  await runHook(spool.dir, 'Stop', '{"a":1}');
  await runHook(spool.dir, 'Stop', '{"a":2}');
  await until(() => got.length === 2, 5000, 'both hooks');
  t.same(got.map((g) => g.payload), [{ a: 1 }, { a: 2 }], 'in order');
});

t.test('a long payload (Stop with a long last message) arrives whole', async (t) => {
  const { spool, got } = spoolIn(t);
  const payload = { hook_event_name: 'Stop', last_assistant_message: 'x'.repeat(3 * 1024 * 1024) };
  await runHook(spool.dir, 'Stop', JSON.stringify(payload));
  await until(() => got.length === 1, 5000, 'the hook');
  t.same(got[0], { event: 'Stop', payload });
});

t.test('many hooks at once: each arrives exactly once', async (t) => {
  const { spool, got, errors } = spoolIn(t);
  const n = 40;
  await Promise.all(Array.from({ length: n }, (_, i) => runHook(spool.dir, i % 2 ? 'Stop' : 'UserPromptSubmit', JSON.stringify({ i }))));
  await until(() => got.length >= n, 10_000, () => `${n} hooks, got ${got.length}`);
  await new Promise((r) => setTimeout(r, 100));
  t.equal(got.length, n, 'none twice');
  t.same(got.map((g) => (g.payload as { i: number }).i).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), 'every one');
  for (const g of got) t.equal(g.event, (g.payload as { i: number }).i % 2 ? 'Stop' : 'UserPromptSubmit', 'under its own event');
  t.same(errors, []);
});

t.test('hooks written one after the other arrive in that order', async (t) => {
  const { spool, got } = spoolIn(t);
  for (let i = 0; i < 5; i++) await runHook(spool.dir, 'Stop', JSON.stringify({ i }));
  await until(() => got.length === 5, 5000, 'five hooks');
  t.same(got.map((g) => (g.payload as { i: number }).i), [0, 1, 2, 3, 4]);
});

t.test('a file that is not JSON is reported and removed; later hooks still arrive', async (t) => {
  const { spool, got, errors } = spoolIn(t);
  await runHook(spool.dir, 'Stop', '{"cut off');
  await until(() => errors.length === 1, 5000, 'the error');
  t.match(errors[0], /hook file Stop-\d+\.json: invalid JSON/);
  t.same(readdirSync(spool.dir), []);
  await runHook(spool.dir, 'Stop', '{"ok":true}');
  await until(() => got.length === 1, 5000, 'the next hook');
  t.same(got[0]?.payload, { ok: true });
});

t.test('a file still being written (no final name yet) is left alone', async (t) => {
  const { spool, got } = spoolIn(t);
  writeFileSync(join(spool.dir, 'Stop-123.part'), '{"half":');
  writeFileSync(join(spool.dir, 'notes.txt'), 'x');
  await runHook(spool.dir, 'Stop', '{"whole":1}');
  await until(() => got.length === 1, 5000, 'the finished hook');
  t.same(got[0]?.payload, { whole: 1 });
  t.same(readdirSync(spool.dir).sort(), ['Stop-123.part', 'notes.txt'], 'the others untouched');
});

t.test('onHook that throws is reported; the spool goes on', async (t) => {
  let calls = 0;
  const { spool, errors } = spoolIn(t, { onHook: () => { calls++; if (calls === 1) throw new Error('boom'); } });
  await runHook(spool.dir, 'Stop', '{}');
  await until(() => errors.length === 1, 5000, 'the error');
  t.same(errors, ['boom']);
  await runHook(spool.dir, 'Stop', '{}');
  await until(() => calls === 2, 5000, 'the second hook');
});

t.test('dispose removes the folder (and the exit backstop); the line then still exits 0 silently', async (t) => {
  const { spool, got, exits } = spoolIn(t);
  t.equal(exits.length, 1, 'an exit backstop is registered');
  const dir = spool.dir;
  spool.dispose();
  t.notOk(existsSync(dir), 'the folder is gone');
  t.equal(exits.length, 0, 'the backstop is taken back');
  // More than a pipe holds: a line that did not read it would leave the writer with EPIPE.
  const r = await runHook(dir, 'SessionStart', JSON.stringify({ pad: 'x'.repeat(256 * 1024) }));
  t.same(r, { code: 0, out: '' }, 'a hook after guard ended: its stdin read whole (no EPIPE for Claude), no error for the user');
  t.same(got, []);
});

t.test('the exit backstop removes the folder', async (t) => {
  const { spool, exits } = spoolIn(t);
  exits[0]?.();
  t.notOk(existsSync(spool.dir));
});

t.test('a folder that cannot be made throws (the caller falls back to the relays)', async (t) => {
  t.throws(() => startHookSpool({ tmpDir: '/nonexistent/folder', onHook: () => {}, onError: () => {} }), { code: 'ENOENT' });
});

t.test('hookSpoolCommand: checks its event, quotes the folder', async (t) => {
  t.throws(() => hookSpoolCommand('/tmp/x', 'Stop; rm -rf /'), /event must be letters only, got "Stop; rm -rf \/"/);
  const parent = mkdtempSync(join(tmpdir(), "it's a spool "));
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  const r = spawnSync('sh', ['-c', hookSpoolCommand(parent, 'Stop')], { input: '{"a":1}', encoding: 'utf8' });
  t.equal(r.status, 0);
  const files = readdirSync(parent);
  t.equal(files.length, 1);
  t.match(files[0], /^Stop-\d+\.json$/, 'written under the folder with a quote and spaces in its name');
});
