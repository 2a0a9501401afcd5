// guard as a user installs it: `npm pack` (which builds, through `prepack`), then
// `npm install -g --prefix <tmp> <tarball>` (dependencies only, from the npm registry), then the
// installed `guard` and `agent-guard` commands: --version, --help, every subcommand's --help, and
// a `guard claude` session with the real Claude Code (the pinned devDependency's bin dir) on PATH,
// driven in a pty and read through a headless terminal like the other end-to-end tests.
// Slow by nature (a pack and an install): its own timeout below; the figures go to the TAP comments.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandinApi } from '../../src/demo/standin-api.js';
import { CLAUDE_ARGS, OFFLINE_MODEL, REPO_ROOT, makeClaudeEnv, waitForIdle } from '../helpers/claude-env.js';
import { answeredTurn, exitClaude } from '../helpers/checkpoint.js';
import { startTerminal } from '../helpers/terminal.js';
import { until } from '../helpers/until.js';
import type { ClaudeSession } from '../helpers/claude-session.js';

// A pack (with the build) and an install from the registry take 20-60 s on a busy machine.
t.setTimeout(300_000);

/** npm's own variables from an outer `npm test` (prefix, scripts' settings) stay out of the inner npm. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return env;
}

const root = realpathSync(mkdtempSync(join(tmpdir(), 'guard-install-')));
t.teardown(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));
const prefix = join(root, 'prefix');
const installed = join(prefix, 'lib', 'node_modules', 'agent-guard');
const guardCmd = join(prefix, 'bin', 'guard');

t.test('npm pack ships the bundles and nothing of the sources, tests or fixtures', async (t) => {
  const started = Date.now();
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', root], { cwd: REPO_ROOT, env: npmEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }>; unpackedSize: number }>;
  t.comment(`npm pack (with the build): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  t.ok(info, 'npm pack reported its tarball');
  if (!info) return;
  const files = info.files.map((f) => f.path).sort();
  t.same(files.filter((f) => !f.startsWith('dist/chunks/')), ['README.md', 'bin/guard.js', 'bin/package.json', 'dist/guard.cjs', 'dist/relay/hook-relay.cjs', 'dist/relay/statusline-relay.cjs', 'package.json']);
  t.ok(files.some((f) => /^dist\/chunks\/pane-ui-[\w-]+\.js$/.test(f)), 'the chunks the CLI loads on demand (the display: every guarded run loads it)');
  t.same(files.filter((f) => f.startsWith('dist/chunks/') && !/^dist\/chunks\/[\w-]+\.js$/.test(f)), [], 'nothing but bundled code in dist/chunks/');
  t.comment(`package: ${files.length} files, ${(info.unpackedSize / 1024).toFixed(0)} KB unpacked`);

  const t0 = Date.now();
  const r = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(root, info.filename)], { env: npmEnv(), encoding: 'utf8' });
  t.equal(r.status, 0, `npm install -g exits 0; stderr: ${r.stderr}`);
  t.comment(`npm install -g: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const du = execFileSync('du', ['-sk', installed], { encoding: 'utf8' });
  t.comment(`installed size (agent-guard with its dependencies): ${(Number(du.split(/\s/)[0]) / 1024).toFixed(1)} MB`);
  t.notOk(/EBADENGINE/.test(r.stderr), 'no dependency refuses this Node version');
});

t.test('the installed commands: versions and every help', async (t) => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const cmd of ['guard', 'agent-guard']) {
    t.equal(readlinkSync(join(prefix, 'bin', cmd)), '../lib/node_modules/agent-guard/bin/guard.js', `${cmd} is the installed bin`);
    t.equal(execFileSync(join(prefix, 'bin', cmd), ['--version'], { encoding: 'utf8' }), `guard ${pkg.version}\n`);
  }
  const help = spawnSync(guardCmd, ['--help'], { encoding: 'utf8' });
  t.equal(help.status, 0);
  t.match(help.stdout, /^usage:\n {2}guard \[options\] <program>/);
  for (const sub of ['ls', 'log', 'demo']) {
    const r = spawnSync(guardCmd, [sub, '--help'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    t.equal(r.status, 0, `guard ${sub} --help exits 0`);
    t.match(r.stdout, new RegExp(`^usage: guard ${sub}\\b`), `guard ${sub} --help prints its usage`);
  }
  t.notOk(existsSync(join(installed, 'node_modules', '@anthropic-ai')), 'no Claude Code inside the installed package');
});

t.test('guard claude from the install runs the claude on PATH, with the installed relays', async (t) => {
  const api = await startStandinApi();
  const env = await makeClaudeEnv({ apiUrl: api.url });
  t.teardown(async () => { await api.close(); await env.cleanup(); });
  const term = startTerminal({ file: guardCmd, args: ['claude', '--model', OFFLINE_MODEL, ...CLAUDE_ARGS], cwd: env.cwd, env: env.env, cols: 110, rows: 32 });
  t.teardown(() => term.dispose());
  await term.waitFor((s) => s.includes('Claude Code') && /^guard │/m.test(s), 60_000);
  await waitForIdle(term, { timeoutMs: 30_000 });

  // The program guard started: the native claude from the PATH (the repo's devDependency).
  const children = readFileSync(`/proc/${term.proc.pid}/task/${term.proc.pid}/children`, 'utf8').trim().split(/\s+/);
  const claudePid = children.find((p) => /claude/.test(readlinkSync(`/proc/${p}/exe`)));
  t.ok(claudePid, `a claude child of guard: ${children.join(',')}`);
  t.equal(readlinkSync(`/proc/${claudePid}/exe`), realpathSync(join(REPO_ROOT, 'node_modules', '.bin', 'claude')), 'it is the claude found on PATH');
  // guard's --settings: inline JSON or a file of guard's; either way it names the installed relays.
  const argv = readFileSync(`/proc/${claudePid}/cmdline`, 'utf8').split('\0');
  const value = argv[argv.indexOf('--settings') + 1] ?? '';
  const settings = value.startsWith('{') ? value : readFileSync(value, 'utf8');
  t.ok(settings.includes(join(installed, 'dist', 'relay', 'hook-relay.cjs')), "Claude's hooks run the installed hook relay");

  const s: ClaudeSession = { api, term, env, otlp: null, turn: async () => '', dispose: async () => {} };
  const req = await answeredTurn(s, 'PAD:20000 from the installed guard');
  let context: number | null = null;
  // Waited for without failing: the assertion below shows the figure guard ls had last.
  await until(() => {
    const ls = JSON.parse(execFileSync(guardCmd, ['ls', '--json'], { env: env.env, encoding: 'utf8' })) as Array<{ contextTokens: number | null; claudeSessionId: string | null }>;
    context = ls[0]?.contextTokens ?? null;
    return context === req.contextTokens;
  }, 10_000, 'guard ls to show the context', 250).catch(() => undefined);
  t.equal(context, req.contextTokens, 'guard ls from the install shows the context to the token');
  t.match(term.lines().at(-1) ?? '', new RegExp(`^guard │ .*${OFFLINE_MODEL.replace(/^claude-/, '')} 200k`), 'the footer shows the model and its window');

  const status = await exitClaude(s, 30_000);
  t.equal(status.exitCode, 0, 'guard exits with Claude\'s status');
});
