import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG, validateConfig, checkValue, toPolicyConfig, ConfigError } from '../../src/config/settings.js';
import { openConfig, loadConfig, configFilePath } from '../../src/config/store.js';
import { resolvePaths } from '../../src/paths.js';
import { DEFAULT_POLICY_CONFIG } from '../../src/policy/config.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-config-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

t.test('defaults are the policy defaults plus guard\'s own', async (t) => {
  t.match(DEFAULT_CONFIG, { strategy: 'handoff', thresholdPct: 80, window: null, footer: true });
  t.same(toPolicyConfig({ ...DEFAULT_CONFIG }), DEFAULT_POLICY_CONFIG);
  t.same(validateConfig({}), DEFAULT_CONFIG);
});

t.test('validation names the key and the bad value', async (t) => {
  t.throws(() => validateConfig({ strategy: 'yolo' }), { name: 'ConfigError', message: 'guard config: strategy must be one of handoff, compact, off; got "yolo"' });
  t.throws(() => validateConfig({ thresholdPct: '80' }), /thresholdPct must be a number; got "80"/);
  t.throws(() => validateConfig({ thresholdPct: 150 }), /got 150/, 'the policy\'s own range check');
  t.throws(() => validateConfig({ window: 200 }), /window must be .*; got 200/);
  t.throws(() => validateConfig({ footer: 'no' }), /footer must be true or false; got "no"/);
  t.throws(() => validateConfig({ treshold: 80 }), /unknown key "treshold"/);
  t.throws(() => validateConfig([1], '/x/config.json'), /guard config \(\/x\/config.json\): expected an object/);
  t.throws(() => validateConfig({ handoffTemplate: 'no placeholder' }), /\{path\}/);
  t.equal(checkValue('window', 1_000_000), 1_000_000);
  const err = t.throws(() => checkValue('strategy', 3, 'f.json')) as ConfigError;
  t.equal(err.key, 'strategy');
  t.equal(err.source, 'f.json');
});

t.test('stored with conf in the GUARD_HOME folder, 0600 in 0700', async (t) => {
  const home = path.join(tmp(t), 'gh');
  const paths = resolvePaths({ env: { GUARD_HOME: home } });
  t.same(loadConfig(paths.configDir), DEFAULT_CONFIG, 'no file: defaults');
  t.notOk(fs.existsSync(home), 'loading creates nothing');
  const store = openConfig(paths.configDir);
  t.equal(store.path, path.join(home, 'config.json'));
  store.set('strategy', 'compact');
  store.set('thresholdPct', 70);
  store.set('window', 1_000_000);
  t.equal(fs.statSync(home).mode & 0o777, 0o700);
  t.equal(fs.statSync(store.path).mode & 0o777, 0o600);
  t.same(JSON.parse(fs.readFileSync(configFilePath(home), 'utf8')), { strategy: 'compact', thresholdPct: 70, window: 1_000_000 });
  t.match(loadConfig(paths.configDir), { strategy: 'compact', thresholdPct: 70, window: 1_000_000, footer: true });
  t.throws(() => store.set('thresholdPct', -1), /got -1/);
  t.throws(() => store.set('rearmBelowPct', 75), /got 75/, 'cross-field check against the stored threshold (70)');
  store.reset('strategy');
  t.equal(openConfig(paths.configDir).load().strategy, 'handoff');
});

t.test('a broken or wrong file is a ConfigError naming the file', async (t) => {
  const dir = tmp(t);
  fs.writeFileSync(configFilePath(dir), '{ not json');
  t.throws(() => loadConfig(dir), { name: 'ConfigError', message: new RegExp(`\\(${configFilePath(dir).replace(/[.]/g, '\\.')}\\): cannot read`) });
  t.equal(fs.readFileSync(configFilePath(dir), 'utf8'), '{ not json', 'a broken file is left as it was');
  fs.writeFileSync(configFilePath(dir), JSON.stringify({ strategy: 'nope' }));
  t.throws(() => loadConfig(dir), /strategy must be one of .*; got "nope"/);
  fs.writeFileSync(configFilePath(dir), JSON.stringify({ footer: false }));
  fs.chmodSync(configFilePath(dir), 0o644);
  t.equal(loadConfig(dir).footer, false);
  t.equal(fs.statSync(configFilePath(dir)).mode & 0o777, 0o600, 'an existing file is made private');
});
