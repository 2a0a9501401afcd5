// `guard config …` as a user types it: bin/guard.js with GUARD_HOME set to a temporary folder.
// Values are checked against the schema, refused ones change nothing and name the key, what it
// allows and the bad value; the file is private; a run reads it (and a bad file stops the run
// before the program starts, with the same kind of message).
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GUARD_BIN } from '../helpers/claude-env.js';

interface Result { code: number; stdout: string; stderr: string }

async function guard(home: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [GUARD_BIN, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, GUARD_HOME: join(home, 'gh') }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

t.test('guard config set, get, list, unset, path', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'guard-config-cli-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const file = join(home, 'gh', 'config.json');

  t.same(await guard(home, ['config', 'path']), { code: 0, stdout: `${file}\n`, stderr: '' });
  t.same(await guard(home, ['config', 'get', 'thresholdPct']), { code: 0, stdout: '80\n', stderr: '' }, 'the default before anything is set');

  for (const [key, value] of [['strategy', 'compact'], ['thresholdPct', '70%'], ['footer', 'off'], ['window', '200k'], ['windows.claude-opus-4-8', '1m'],
    ['metricsPort', '9464'], ['forward', 'false'], ['holdAutoCompact', 'no'], ['notePath', 'notes/{time}.md'], ['compactInstructions', 'keep the tests']] as const) {
    t.same(await guard(home, ['config', 'set', key, value]), { code: 0, stdout: '', stderr: '' }, `set ${key} ${value}`);
  }
  t.same(JSON.parse(await readFile(file, 'utf8')), {
    strategy: 'compact', thresholdPct: 70, footer: false, window: 200_000, windows: { 'claude-opus-4-8': 1_000_000 },
    metricsPort: 9464, forward: false, holdAutoCompact: false, notePath: 'notes/{time}.md', compactInstructions: 'keep the tests',
  }, 'stored typed: numbers, booleans, one windows object');
  t.equal((await stat(file)).mode & 0o777, 0o600, 'the file is private');
  t.equal((await stat(join(home, 'gh'))).mode & 0o777, 0o700, 'and so is its folder');
  t.same(await guard(home, ['config', 'get', 'windows.claude-opus-4-8']), { code: 0, stdout: '1000000\n', stderr: '' });
  t.same(await guard(home, ['config', 'get', 'compactInstructions']), { code: 0, stdout: 'keep the tests\n', stderr: '' });

  const list = await guard(home, ['config', 'list']);
  t.equal(list.code, 0);
  t.match(list.stdout, /^strategy +compact +set +one of handoff, compact, off$/m);
  t.match(list.stdout, /^thresholdPct +70 +set +a number above 0 and at most 100$/m);
  t.match(list.stdout, /^coolDownMs +120000 +default +a whole number of milliseconds from 0 to 86400000$/m);
  t.match(list.stdout, /^metricsPort +9464 +set +null or a whole port number from 1 to 65535$/m);
  const json = await guard(home, ['config', 'list', '--json']);
  t.match(JSON.parse(json.stdout), { strategy: 'compact', thresholdPct: 70, rearmBelowPct: 50, window: 200_000, footer: false, forward: false });

  t.same(await guard(home, ['config', 'unset', 'strategy']), { code: 0, stdout: '', stderr: '' });
  t.same(await guard(home, ['config', 'unset', 'windows.claude-opus-4-8']), { code: 0, stdout: '', stderr: '' });
  const after = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  t.notOk('strategy' in after, 'unset removes the key');
  t.notOk('windows' in after, 'the last model window gone, windows goes too');
  t.same(await guard(home, ['config', 'get', 'strategy']), { code: 0, stdout: 'handoff\n', stderr: '' }, 'back to the default');
});

t.test('bad values are refused, name what is allowed and change nothing', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'guard-config-cli-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const file = join(home, 'gh', 'config.json');
  t.same(await guard(home, ['config', 'set', 'thresholdPct', '70']), { code: 0, stdout: '', stderr: '' });
  const cases: [string[], string][] = [
    [['set', 'thresholdPct', '150'], 'guard config: thresholdPct must be a number above 0 and at most 100; got 150\n'],
    [['set', 'thresholdPct', 'high'], 'guard config: thresholdPct must be a number above 0 and at most 100; got "high"\n'],
    [['set', 'strategy', 'yolo'], 'guard config: strategy must be one of handoff, compact, off; got "yolo"\n'],
    [['set', 'footer', 'maybe'], 'guard config: footer must be true or false (also on/off, yes/no, 1/0); got "maybe"\n'],
    [['set', 'window', '200'], 'guard config: window must be null or a whole number of tokens from 1000 to 100000000; got 200\n'],
    [['set', 'windows.claude-opus-4-8', 'big'], 'guard config: windows.claude-opus-4-8 must be a whole number of tokens from 1000 to 100000000; got "big"\n'],
    [['set', 'metricsPort', '70000'], 'guard config: metricsPort must be null or a whole port number from 1 to 65535; got 70000\n'],
    [['set', 'coolDownMs', '-5'], 'guard config: coolDownMs must be a whole number of milliseconds from 0 to 86400000; got -5\n'],
    [['set', 'rearmBelowPct', '75'], `guard config (${file}): re-arm level must be between 0 and the threshold (70); got 75\n`],
    [['set', 'handoffTemplate', 'no placeholder'], `guard config (${file}): the handoff template must contain {path}; got "no placeholder"\n`],
  ];
  const before = await readFile(file, 'utf8');
  for (const [args, message] of cases) {
    t.same(await guard(home, ['config', ...args]), { code: 2, stdout: '', stderr: message }, args.join(' '));
  }
  t.equal(await readFile(file, 'utf8'), before, 'the file is as it was');
  const unknown = await guard(home, ['config', 'set', 'treshold', '70']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /^guard config: unknown key "treshold" \(known: strategy, thresholdPct, /);
  const usage = await guard(home, ['config', 'frobnicate']);
  t.equal(usage.code, 2);
  t.match(usage.stderr, /unknown command "frobnicate"[\s\S]*usage: guard config/);
  t.match((await guard(home, ['config', '--help'])).stdout, /get KEY[\s\S]*set KEY VALUE[\s\S]*unset KEY[\s\S]*list[\s\S]*path/);
});

t.test('a run reads the config; a broken one stops it before the program starts', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'guard-config-cli-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const file = join(home, 'gh', 'config.json');
  t.same(await guard(home, ['config', 'set', 'footer', 'false']), { code: 0, stdout: '', stderr: '' });
  const ok = await guard(home, ['sh', '-c', 'echo ran']);
  t.same(ok, { code: 0, stdout: 'ran\n', stderr: '' }, 'footer off from the config: the output passes through untouched');
  await writeFile(file, JSON.stringify({ thresholdPct: 'eighty' }));
  const bad = await guard(home, ['sh', '-c', 'echo ran']);
  t.same(bad, { code: 2, stdout: '', stderr: `guard: config (${file}): thresholdPct must be a number above 0 and at most 100; got "eighty"\n` });
  const flag = await guard(home, ['--metrics-port', '0', 'sh', '-c', 'echo ran']);
  t.same(flag, { code: 2, stdout: '', stderr: 'guard: --metrics-port must be a whole port number from 1 to 65535, got "0"\n' });
});
