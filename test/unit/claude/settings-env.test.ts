// The `env` of Claude's settings files as Claude 2.1.330 applies it (src/claude/settings-env.ts):
// user < project < local < --settings, over the shell; telemetry transport variables never from a
// project's files. And what guard makes of it: the forwarding plan honours telemetry configured
// there, and guard keeps its own variables in force through its --settings, never its token.
import t from 'tap';
import {
  claudeSettingsEnv, isTransportVar, managedTelemetryWarnings, pinGuardTelemetry, settingsEnvFiles, withSettingsEnv,
} from '../../../src/claude/settings-env.js';
import { managedSettingsDir, managedSettingsFiles } from '../../../src/claude/managed-settings.js';
import { forwardPlanFromEnv } from '../../../src/telemetry/forward-env.js';

const files = (content: Record<string, unknown>): ((p: string) => string) => (p) => {
  if (!(p in content)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  const v = content[p];
  return typeof v === 'string' ? v : JSON.stringify(v);
};
const USER = '/home/u/.claude/settings.json';
const PROJECT = '/p/.claude/settings.json';
const LOCAL = '/p/.claude/settings.local.json';
const values = (m: Map<string, { value: string; source: string }>): Record<string, string> => Object.fromEntries([...m].map(([k, v]) => [k, `${v.value}@${v.source}`]));

t.test('the files, lowest first; CLAUDE_CONFIG_DIR moves the user one', async (t) => {
  t.same(settingsEnvFiles('/p', '/home/u').map((f) => f.file), [USER, PROJECT, LOCAL]);
  t.equal(settingsEnvFiles('/p', '/home/u', '/cfg')[0]?.file, '/cfg/settings.json');
});

t.test('precedence: user < project < local < --settings; transport variables only from user and --settings', async (t) => {
  const env = claudeSettingsEnv({
    cwd: '/p', home: '/home/u',
    readFile: files({
      [USER]: { env: { A: 'user', B: 'user', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://user:4318', OTEL_LOGS_EXPORT_INTERVAL: 5000, FLAG: true } },
      [PROJECT]: { env: { B: 'project', C: 'project', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://project:4318', CLAUDE_CODE_ENABLE_TELEMETRY: '0' } },
      [LOCAL]: { env: { C: 'local', OTEL_LOGS_EXPORTER: 'none', OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x=1', OTEL_LOGS_EXPORT_INTERVAL: '100000' } },
    }),
    flag: { env: { D: 'flag', A: 'flag' } },
  });
  t.same(values(env), {
    A: 'flag@flag', B: 'project@project', C: 'local@local', D: 'flag@flag',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://user:4318@user', OTEL_LOGS_EXPORT_INTERVAL: '100000@local', FLAG: 'true@user',
  });
  t.same(withSettingsEnv({ A: 'shell', E: 'shell' }, env), { A: 'flag', E: 'shell', B: 'project', C: 'local', D: 'flag', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://user:4318', OTEL_LOGS_EXPORT_INTERVAL: '100000', FLAG: 'true' }, 'the files win over the shell');
});

t.test('broken, missing and odd files are skipped', async (t) => {
  const env = claudeSettingsEnv({
    cwd: '/p', home: '/home/u',
    readFile: files({ [USER]: '{ broken', [PROJECT]: { env: ['x'] }, [LOCAL]: { env: { OK: 'yes', OBJ: { no: 1 }, NUL: null } } }),
  });
  t.same(values(env), { OK: 'yes@local' });
});

t.test('which variables a project may not set', async (t) => {
  for (const name of ['CLAUDE_CODE_ENABLE_TELEMETRY', 'OTEL_LOGS_EXPORTER', 'OTEL_METRICS_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS',
    'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_CLIENT_KEY', 'OTEL_LOG_USER_PROMPTS']) {
    t.ok(isTransportVar(name), name);
  }
  for (const name of ['OTEL_LOGS_EXPORT_INTERVAL', 'OTEL_METRIC_EXPORT_INTERVAL', 'OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_EXPORTER_OTLP_COMPRESSION', 'DISABLE_AUTO_COMPACT', 'PATH']) {
    t.notOk(isTransportVar(name), name);
  }
});

t.test('forwarding honours telemetry configured in the user settings file', async (t) => {
  const env = claudeSettingsEnv({
    cwd: '/p', home: '/home/u',
    readFile: files({
      [USER]: { env: { CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOGS_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_HEADERS: 'x-key=s%20ecret' } },
    }),
  });
  const plan = forwardPlanFromEnv(withSettingsEnv({ PATH: '/bin' }, env), { tokenHeader: 'x-guard-token', insideGuardEnv: 'GUARD_RECEIVER_URL' });
  t.same(Object.keys(plan.targets).sort(), ['logs', 'metrics']);
  t.match(plan.targets.logs, { url: 'http://collector:4318/v1/logs', protocol: 'http/json', headers: { 'x-key': 's ecret' } });
  const shellOverridden = forwardPlanFromEnv(withSettingsEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://shell:4318' }, env), { tokenHeader: 'x-guard-token', insideGuardEnv: 'GUARD_RECEIVER_URL' });
  t.equal(shellOverridden.targets.logs?.url, 'http://collector:4318/v1/logs', 'the file beats the shell, as in Claude');
  const projectOnly = claudeSettingsEnv({ cwd: '/p', home: '/home/u', readFile: files({ [PROJECT]: { env: { CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOGS_EXPORTER: 'otlp' } } }) });
  t.same(forwardPlanFromEnv(withSettingsEnv({}, projectOnly), { tokenHeader: 'x-guard-token', insideGuardEnv: 'GUARD_RECEIVER_URL' }).targets, {}, 'a project cannot send Claude\'s telemetry anywhere: nothing to forward');
  const inside = forwardPlanFromEnv(withSettingsEnv({ GUARD_RECEIVER_URL: 'http://127.0.0.1:1' }, env), { tokenHeader: 'x-guard-token', insideGuardEnv: 'GUARD_RECEIVER_URL' });
  t.same(inside.targets, {}, 'inside another guard\'s Claude nothing is forwarded, whatever the files say');
});

t.test("guard keeps its own variables in force through its --settings, never its token", async (t) => {
  const guardVars = {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://127.0.0.1:5/v1/logs',
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-guard-token=secret', OTEL_LOGS_EXPORT_INTERVAL: '500',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:5/v1/metrics', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-guard-token=secret', GUARD_TOKEN: 'secret',
  };
  const secret = (n: string): boolean => n === 'GUARD_TOKEN' || n.endsWith('_HEADERS');
  const none = pinGuardTelemetry(guardVars, new Map(), secret);
  t.same(none, { pin: {}, warnings: [] }, 'nothing set in the files: nothing to pin (the command line stays as it was)');
  const general = pinGuardTelemetry(guardVars, new Map([['OTEL_EXPORTER_OTLP_ENDPOINT', { value: 'http://c:4318', source: 'user' as const }], ['CLAUDE_CODE_ENABLE_TELEMETRY', { value: '1', source: 'user' as const }]]), secret);
  t.same(general, { pin: {}, warnings: [] }, "the general endpoint does not matter (guard's per-signal ones win), nor a value equal to guard's");
  const clash = pinGuardTelemetry(guardVars, new Map([
    ['OTEL_LOGS_EXPORT_INTERVAL', { value: '5000', source: 'user' as const }],
    ['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', { value: 'http://c:4318/v1/logs', source: 'user' as const }],
    ['OTEL_EXPORTER_OTLP_METRICS_HEADERS', { value: 'k=v', source: 'flag' as const }],
    ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', { value: 'http://c:4318/v1/metrics', source: 'flag' as const }],
  ]), secret);
  t.same(clash.pin, { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://127.0.0.1:5/v1/logs', OTEL_LOGS_EXPORT_INTERVAL: '500' }, 'pinned: what the files would change, but no header and no token');
  t.same(clash.warnings, ["your --settings set OTEL_EXPORTER_OTLP_METRICS_HEADERS, which replaces the token guard's receiver needs: guard cannot see Claude's metrics (put those headers in OTEL_EXPORTER_OTLP_HEADERS instead)"]);
  t.notOk(JSON.stringify(clash.pin).includes('secret'), 'the token is never pinned');
});

t.test("an administrator's managed settings: per platform, the file then its drop-ins in name order, over everything", async (t) => {
  t.equal(managedSettingsDir('linux'), '/etc/claude-code');
  t.equal(managedSettingsDir('darwin'), '/Library/Application Support/ClaudeCode');
  t.equal(managedSettingsDir('win32'), 'C:\\Program Files\\ClaudeCode');
  const listDir = (dir: string): string[] => {
    if (dir !== '/etc/claude-code/managed-settings.d') throw new Error('ENOENT');
    return ['20-b.json', 'notes.txt', '10-a.json', '.hidden.json'];
  };
  t.same(managedSettingsFiles('/etc/claude-code', listDir), [
    '/etc/claude-code/managed-settings.json', '/etc/claude-code/managed-settings.d/10-a.json', '/etc/claude-code/managed-settings.d/20-b.json',
  ]);
  t.same(managedSettingsFiles('/elsewhere', listDir), ['/elsewhere/managed-settings.json'], 'no drop-in folder');
  const env = claudeSettingsEnv({
    cwd: '/p', home: '/home/u', managedDir: '/etc/claude-code', listDir,
    readFile: files({
      [USER]: { env: { A: 'user', CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '90' } },
      '/etc/claude-code/managed-settings.json': { env: { A: 'managed', B: 'managed', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://org:4318' } },
      '/etc/claude-code/managed-settings.d/10-a.json': { env: { B: 'a', CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '50' } },
      '/etc/claude-code/managed-settings.d/20-b.json': '{ not json',
    }),
    flag: { env: { A: 'flag', C: 'flag' } },
  });
  t.same(values(env), {
    A: 'managed@managed', B: 'a@managed', C: 'flag@flag', CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '50@managed', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://org:4318@managed',
  }, 'over --settings; a telemetry variable taken too; a broken drop-in left out');
  t.equal(env.get('B')?.file, '/etc/claude-code/managed-settings.d/10-a.json', 'each value knows its file');
  t.same(values(claudeSettingsEnv({ cwd: '/p', home: '/home/u', readFile: files({ '/etc/claude-code/managed-settings.json': { env: { A: 'x' } } }) })), {}, 'not read without a folder');
});

t.test("what managed settings take from guard is said at start, with the file and the variables", async (t) => {
  const guardVars = { OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://127.0.0.1:1/v1/logs', OTEL_LOGS_EXPORT_INTERVAL: '500', OTEL_METRIC_EXPORT_INTERVAL: '5000', CLAUDE_CODE_ENABLE_TELEMETRY: '1' };
  const FILE = '/etc/claude-code/managed-settings.json';
  const managed = (vars: Record<string, string>): Map<string, { value: string; source: 'managed' | 'user'; file: string }> =>
    new Map(Object.entries(vars).map(([k, value]) => [k, { value, source: 'managed' as const, file: FILE }]));
  t.same(managedTelemetryWarnings(guardVars, new Map()), [], 'none: nothing to say');
  t.same(managedTelemetryWarnings(guardVars, managed({ CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '50', OTEL_LOGS_EXPORTER: 'otlp,console', OTEL_LOGS_EXPORT_INTERVAL: '200', CLAUDE_CODE_ENABLE_TELEMETRY: 'true' })), [],
    'other variables, an exporter list with OTLP in it, a shorter interval, telemetry on in other words: guard keeps its telemetry');
  const [family] = managedTelemetryWarnings(guardVars, managed({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_METRIC_EXPORT_INTERVAL: '60000' }));
  t.match(family, `your organization's managed settings (${FILE}) set OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_METRIC_EXPORT_INTERVAL=60000`);
  t.match(family, 'no gauge and no checkpoints', 'an OTLP variable there takes the whole family: no telemetry for guard');
  t.match(managedTelemetryWarnings(guardVars, managed({ CLAUDE_CODE_ENABLE_TELEMETRY: '0' }))[0], 'CLAUDE_CODE_ENABLE_TELEMETRY: Claude sends', 'telemetry turned off');
  t.match(managedTelemetryWarnings(guardVars, managed({ OTEL_LOGS_EXPORTER: 'none' }))[0], 'no gauge');
  const [lag] = managedTelemetryWarnings(guardVars, managed({ OTEL_LOGS_EXPORT_INTERVAL: '60000' }));
  t.match(lag, 'OTEL_LOGS_EXPORT_INTERVAL=60000: Claude reports to guard only that often, so the gauge lags', 'only a longer interval: the gauge lags');
  t.same(managedTelemetryWarnings(guardVars, new Map([['OTEL_EXPORTER_OTLP_PROTOCOL', { value: 'grpc', source: 'user' as const }]])), [], 'the user\'s own files are not managed');
});
