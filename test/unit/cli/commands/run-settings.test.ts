// What a run uses, from its flags and guard's config: flags win over the config, the config over
// the defaults (src/cli/commands/run.ts runSettings), and --metrics-port's checks.
import t from 'tap';
import { parseRunArgs, runSettings } from '../../../../src/cli/commands/run.js';
import { DEFAULT_CONFIG, validateConfig, type GuardConfig } from '../../../../src/config/settings.js';
import { DEFAULT_POLICY_CONFIG } from '../../../../src/policy/config.js';

const config = (raw: Record<string, unknown>): GuardConfig => validateConfig(raw);

t.test('no flags, no config: the defaults', async (t) => {
  const s = runSettings(parseRunArgs(['claude']), { ...DEFAULT_CONFIG });
  t.match(s.policy, { ...DEFAULT_POLICY_CONFIG });
  t.equal(s.footer, true);
  t.equal(s.keepLogsDays, 90, 'session logs kept 90 days by default');
  t.same(s.claude, { forward: true }, 'no window, no per-model windows, no metrics port; forwarding on');
});

t.test('the config wins over the defaults', async (t) => {
  const s = runSettings(parseRunArgs(['claude']), config({
    strategy: 'compact', thresholdPct: 70, footer: false, window: 300_000, windows: { 'claude-opus-4-8': 1_000_000 }, metricsPort: 9464, forward: false, keepLogsDays: 7,
    compactInstructions: 'keep the tests', notePath: 'notes/{time}.md', holdAutoCompact: false,
  }));
  t.match(s.policy, { strategy: 'compact', thresholdPct: 70, compactInstructions: 'keep the tests', notePath: 'notes/{time}.md', holdAutoCompact: false });
  t.equal(s.footer, false);
  t.equal(s.keepLogsDays, 7, 'the config\'s keepLogsDays');
  t.same(s.claude, { forward: false, windowOverride: 300_000, modelWindows: { 'claude-opus-4-8': 1_000_000 }, metricsPort: 9464 });
});

t.test('flags win over the config', async (t) => {
  const cfg = config({ strategy: 'compact', thresholdPct: 70, window: 300_000, windows: { 'claude-opus-4-8': 1_000_000 }, metricsPort: 9464 });
  const s = runSettings(parseRunArgs(['--strategy', 'off', '--threshold', '90', '--window', '1m', '--metrics-port', '9500', '--no-footer', 'claude']), cfg);
  t.match(s.policy, { strategy: 'off', thresholdPct: 90 });
  t.equal(s.footer, false);
  t.same(s.claude, { forward: true, windowOverride: 1_000_000, metricsPort: 9500 }, '--window beats the per-model windows too');
});

t.test('a flag that does not fit the config is refused, naming both', async (t) => {
  t.throws(() => runSettings(parseRunArgs(['--threshold', '40', 'claude']), config({ rearmBelowPct: 50 })),
    { name: 'ConfigError', message: 'guard config: re-arm level must be between 0 and the threshold (40); got 50' });
});

t.test('--metrics-port takes a port number', async (t) => {
  t.equal(parseRunArgs(['--metrics-port', '9464', 'claude']).metricsPort, 9464);
  t.equal(parseRunArgs(['--metrics-port=1', 'claude']).metricsPort, 1);
  for (const bad of ['0', '65536', 'http', '', '94.5']) {
    t.throws(() => parseRunArgs(['--metrics-port', bad, 'claude']), { message: `--metrics-port must be a whole port number from 1 to 65535, got ${JSON.stringify(bad)}` });
  }
  t.throws(() => parseRunArgs(['--metrics-port']), /--metrics-port needs a value/);
});
