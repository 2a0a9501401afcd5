import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GUARD_VERSION } from '../../../src/version.js';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const GUARD = join(REPO, 'bin', 'guard.js');

t.test('the version guard reports is package.json\'s', async (t) => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  t.equal(GUARD_VERSION, pkg.version);
  t.equal(execFileSync(process.execPath, [GUARD, '--version'], { encoding: 'utf8' }), `guard ${pkg.version}\n`);
  t.equal(execFileSync(process.execPath, [GUARD, '-V'], { encoding: 'utf8' }), `guard ${pkg.version}\n`);
});

t.test('help goes to stdout with 0; no arguments at all is a usage error', async (t) => {
  const help = spawnSync(process.execPath, [GUARD, '--help'], { encoding: 'utf8' });
  t.equal(help.status, 0);
  t.match(help.stdout, /guard ls \[--json\]/);
  const none = spawnSync(process.execPath, [GUARD], { encoding: 'utf8' });
  t.equal(none.status, 2);
  t.match(none.stderr, /usage:/);
});

t.test('a bad guard option names the value and exits 2 without running anything', async (t) => {
  const r = spawnSync(process.execPath, [GUARD, '--strategy', 'sometimes', 'true'], { encoding: 'utf8' });
  t.equal(r.status, 2);
  t.match(r.stderr, /--strategy must be one of handoff, compact, off, got "sometimes"/);
});

t.test('guard claude without Claude Code installed says how to install it, exits 127, and records nothing', async (t) => {
  const { mkdtempSync, readdirSync, existsSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const home = mkdtempSync(join(tmpdir(), 'guard-noclaude-'));
  const r = spawnSync(process.execPath, [GUARD, 'claude', '--model', 'x'], { encoding: 'utf8', env: { PATH: '/nonexistent', GUARD_HOME: home } });
  t.equal(r.status, 127);
  t.match(r.stderr, /claude: command not found\. Install Claude Code \(npm install -g @anthropic-ai\/claude-code\)/);
  t.notOk(existsSync(join(home, 'sessions')) && readdirSync(join(home, 'sessions')).length > 0, 'no session recorded');
});
