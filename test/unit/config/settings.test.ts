import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_CONFIG, validateConfig, checkValue, toPolicyConfig, ConfigError, CONFIG_KEYS, allowed, parseConfigPath, parseValueText, parseTokens,
} from '../../../src/config/settings.js';
import { openConfig, loadConfig } from '../../../src/config/store.js';
import { configFilePath } from '../../../src/config/file.js';
import { resolvePaths } from '../../../src/paths.js';
import { DEFAULT_POLICY_CONFIG } from '../../../src/policy/config.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-config-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

t.test('defaults are the policy defaults plus guard\'s own', async (t) => {
  t.match(DEFAULT_CONFIG, { strategy: 'handoff', thresholdPct: 80, window: null, windows: {}, footer: true, holdAutoCompact: true, metricsPort: null, forward: true, keepLogsDays: 90 });
  // holdAutoCompact is the policy's to act on: it flows into the policy's config.
  t.same(toPolicyConfig({ ...DEFAULT_CONFIG }), { ...DEFAULT_POLICY_CONFIG, holdAutoCompact: true });
  t.same(validateConfig({}), DEFAULT_CONFIG);
  t.same(CONFIG_KEYS, [
    'strategy', 'thresholdPct', 'rearmBelowPct', 'forecast', 'coolDownMs', 'notePath', 'handoffTemplate', 'resumeTemplate',
    'compactInstructions', 'window', 'windows', 'footer', 'holdAutoCompact', 'metricsPort', 'forward', 'keepLogsDays',
  ], 'every key of the issue: strategy, threshold, checkpoint folder and templates, compact instructions, windows, footer, hold, metrics port, forwarding; and how long logs are kept');
});

t.test('validation names the key and the bad value', async (t) => {
  t.throws(() => validateConfig({ strategy: 'yolo' }), { name: 'ConfigError', message: 'guard config: strategy must be one of handoff, compact, off; got "yolo"' });
  t.throws(() => validateConfig({ thresholdPct: '80' }), { message: 'guard config: thresholdPct must be a number above 0 and at most 100; got "80"' });
  t.throws(() => validateConfig({ thresholdPct: 150 }), { message: 'guard config: thresholdPct must be a number above 0 and at most 100; got 150' });
  t.throws(() => validateConfig({ thresholdPct: 0 }), /above 0 and at most 100; got 0$/, 'the lower end is excluded');
  t.equal(validateConfig({ thresholdPct: 100 }).thresholdPct, 100, 'the upper end is allowed');
  t.throws(() => validateConfig({ rearmBelowPct: -1 }), /rearmBelowPct must be a number from 0 to 100; got -1/);
  t.throws(() => validateConfig({ coolDownMs: 1.5 }), /coolDownMs must be a whole number of milliseconds from 0 to 86400000; got 1.5/);
  t.throws(() => validateConfig({ coolDownMs: 86_400_001 }), /from 0 to 86400000; got 86400001/);
  t.throws(() => validateConfig({ window: 200 }), { message: 'guard config: window must be null or a whole number of tokens from 1000 to 100000000; got 200' });
  t.throws(() => validateConfig({ window: 250_000.5 }), /got 250000.5/);
  t.throws(() => validateConfig({ footer: 'no' }), /footer must be true or false; got "no"/);
  t.throws(() => validateConfig({ holdAutoCompact: 1 }), /holdAutoCompact must be true or false; got 1/);
  t.throws(() => validateConfig({ forward: null }), /forward must be true or false; got null/);
  t.throws(() => validateConfig({ keepLogsDays: -1 }), { message: 'guard config: keepLogsDays must be a whole number of days from 0 to 36500; got -1' });
  t.throws(() => validateConfig({ keepLogsDays: 7.5 }), /keepLogsDays must be a whole number of days from 0 to 36500; got 7.5/);
  t.equal(validateConfig({ keepLogsDays: 0 }).keepLogsDays, 0, '0: keep them all');
  t.throws(() => validateConfig({ metricsPort: 0 }), { message: 'guard config: metricsPort must be null or a whole port number from 1 to 65535; got 0' });
  t.throws(() => validateConfig({ metricsPort: 65_536 }), /got 65536/);
  t.throws(() => validateConfig({ metricsPort: '9464' }), /got "9464"/);
  t.equal(validateConfig({ metricsPort: 9464 }).metricsPort, 9464);
  t.throws(() => validateConfig({ windows: [] }), /windows must be an object of model id → a whole number of tokens from 1000 to 100000000; got \[\]/);
  t.throws(() => validateConfig({ windows: { 'claude-opus-4-8': 500 } }), { message: 'guard config: windows.claude-opus-4-8 must be a whole number of tokens from 1000 to 100000000; got 500' });
  t.throws(() => validateConfig({ windows: { 'not a model': 200_000 } }), /"not a model" is not a model id/);
  t.same(validateConfig({ windows: { 'claude-opus-4-8[1m]': 1_000_000 } }).windows, { 'claude-opus-4-8[1m]': 1_000_000 });
  t.throws(() => validateConfig({ notePath: 3 }), /notePath must be a path ending in .md, without spaces; got 3/);
  t.throws(() => validateConfig({ notePath: 'notes/x.txt' }), /note path must end in .md .*got "notes\/x.txt"/, "the policy's own check");
  t.throws(() => validateConfig({ compactInstructions: 'x'.repeat(900) }), /too long to type into Claude \(909 characters, at most 800\)/);
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

t.test('every refusal names what the key allows', async (t) => {
  for (const key of CONFIG_KEYS) {
    const err = t.throws(() => checkValue(key, ['bad'])) as ConfigError;
    t.ok(err.message.includes(allowed(key)), `${key}: ${err.message}`);
    t.ok(err.message.endsWith('got ["bad"]'), `${key}: the bad value is named`);
  }
});

t.test('values typed on the command line', async (t) => {
  const typed = (key: string, text: string): unknown => {
    const p = parseConfigPath(key);
    return p.key === 'windows' && p.model !== undefined ? checkValue('windows', { [p.model]: parseValueText(p, text) }) : checkValue(p.key, parseValueText(p, text));
  };
  t.equal(typed('strategy', 'compact'), 'compact');
  t.equal(typed('thresholdPct', '70'), 70);
  t.equal(typed('thresholdPct', '70%'), 70, 'a percentage may carry its sign');
  t.equal(typed('coolDownMs', '0'), 0);
  for (const [text, want] of [['true', true], ['on', true], ['yes', true], ['1', true], ['false', false], ['Off', false], ['no', false], ['0', false]] as const) {
    t.equal(typed('footer', text), want, `footer ${text}`);
  }
  t.equal(typed('window', '200k'), 200_000);
  t.equal(typed('window', '1m'), 1_000_000);
  t.equal(typed('window', '1.5M'), 1_500_000);
  t.equal(typed('window', 'null'), null);
  t.equal(typed('metricsPort', '9464'), 9464);
  t.equal(typed('metricsPort', 'null'), null);
  t.same(typed('windows.claude-opus-4-8', '1m'), { 'claude-opus-4-8': 1_000_000 });
  t.throws(() => typed('thresholdPct', 'lots'), { message: 'guard config: thresholdPct must be a number above 0 and at most 100; got "lots"' });
  t.throws(() => typed('thresholdPct', ''), /got ""/);
  t.throws(() => typed('footer', 'maybe'), { message: 'guard config: footer must be true or false (also on/off, yes/no, 1/0); got "maybe"' });
  t.throws(() => typed('window', '200'), /from 1000 to 100000000; got 200/);
  t.throws(() => typed('window', 'big'), /got "big"/);
  t.throws(() => typed('metricsPort', '80.5'), /from 1 to 65535; got 80.5/);
  t.throws(() => typed('windows.claude-opus-4-8', 'huge'), /windows.claude-opus-4-8 must be .*; got "huge"/);
  t.throws(() => typed('strategy', 'yolo'), /one of handoff, compact, off; got "yolo"/);
  t.throws(() => parseConfigPath('treshold'), /unknown key "treshold" \(known: strategy, /);
  t.throws(() => parseConfigPath('windows.'), /"" is not a model id/);
  t.throws(() => parseValueText(parseConfigPath('windows'), '{}'), /windows.MODEL/);
  t.equal(parseTokens('200k'), 200_000);
  t.equal(parseTokens('2x'), null);
});

t.test('windows: set per model, stored as one object, unset one by one', async (t) => {
  const dir = tmp(t);
  const store = openConfig(dir);
  store.set('windows', { 'claude-opus-4-8': 1_000_000, 'claude.with.dots': 300_000 });
  t.same(JSON.parse(fs.readFileSync(store.path, 'utf8')), { windows: { 'claude-opus-4-8': 1_000_000, 'claude.with.dots': 300_000 } }, 'a dot in a model id is not a path');
  t.same(store.stored(), { windows: { 'claude-opus-4-8': 1_000_000, 'claude.with.dots': 300_000 } });
  t.same(openConfig(tmp(t)).stored(), {}, 'no file: nothing set');
});
