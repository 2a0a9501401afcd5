// `guard claude` on the REAL Claude Code (2.1.330) on a machine whose administrator configured
// Claude's telemetry in managed settings (/etc/claude-code/managed-settings.json: the documented
// way an organization collects Claude Code's metrics). A managed OTLP variable takes Claude's
// whole exporter family, guard's per-signal variables too, so Claude's telemetry never reaches
// guard (here: OTLP over gRPC, guard's receiver speaks HTTP). guard cannot change that; it says so
// before Claude's screen, naming the file and the variable, and its footer shows no gauge. And an
// administrator who lowers Claude's auto-compact point there (CLAUDE_AUTOCOMPACT_PCT_OVERRIDE)
// lowers guard's with it: Claude compacts there, whatever the user's own settings say. And one who
// lets only the organization's hooks run stops guard's: guard says it will not checkpoint.
// Writes /etc/claude-code (root only; skipped where it cannot, or where an administrator's folder
// is already there, which it never touches) and removes it after.
import t from 'tap';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startClaudeSession } from '../helpers/claude-session.js';
import { OFFLINE_MODEL } from '../helpers/claude-env.js';
import { AUTO_COMPACT_200K } from '../helpers/checkpoint.js';
import { formatTokens } from '../../src/lib/text.js';

const DIR = '/etc/claude-code';
const FILE = join(DIR, 'managed-settings.json');

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

const skip = process.platform !== 'linux' || process.getuid?.() !== 0 ? `needs root on Linux to write ${DIR}`
  : await exists(DIR) ? `${DIR} exists: an administrator's settings, left alone` : false;

t.test("an organization's managed telemetry settings: guard says it cannot see Claude, and shows no gauge", { skip }, async (t) => {
  await mkdir(DIR);
  t.teardown(() => rm(DIR, { recursive: true, force: true }));
  await writeFile(FILE, JSON.stringify({ env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } }));

  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL] });
  t.teardown(() => s.dispose());
  const before = s.term.raw.slice(0, s.term.raw.indexOf('Claude Code'));
  t.match(before, `guard: your organization's managed settings (${FILE}) set OTEL_EXPORTER_OTLP_PROTOCOL: Claude sends its telemetry where they say`,
    'the warning reaches the terminal before Claude\'s screen, with the file and the variable');
  t.match(before, 'no gauge and no checkpoints');
  await s.turn('hello');
  t.ok(s.api.lastMain()?.contextTokens, 'Claude works as usual');
  const footer = await s.term.waitFor((x) => /no telemetry from Claude/.test(x.split('\n').at(-1) ?? ''), 30_000);
  t.match(footer.split('\n').at(-1), 'no gauge, no checkpoints', 'and the footer says what is missing rather than showing a figure');
});

t.test("an administrator's lower auto-compact point is guard's too", { skip }, async (t) => {
  await mkdir(DIR);
  t.teardown(() => rm(DIR, { recursive: true, force: true }));
  await mkdir(join(DIR, 'managed-settings.d'));
  await writeFile(join(DIR, 'managed-settings.d', '50-compact.json'), JSON.stringify({ env: { CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '50' } }));
  const s = await startClaudeSession({
    guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL],
    // The user's own settings ask for a later point; the managed one wins in Claude, so in guard.
    beforeStart: async (env) => {
      await mkdir(join(env.home, '.claude'), { recursive: true });
      await writeFile(join(env.home, '.claude', 'settings.json'), JSON.stringify({ env: { CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '90' } }));
    },
  });
  t.teardown(() => s.dispose());
  await s.turn('hello');
  const context = s.api.lastMain()?.contextTokens ?? 0;
  t.ok(context > 0, 'the stand-in answered');
  // Half of the 200k window less Claude's 20k output reserve (src/claude/window.ts).
  const point = 0.5 * (200_000 - 20_000);
  t.ok(point < AUTO_COMPACT_200K, 'lower than the usual point');
  const footer = await s.term.waitFor((x) => (x.split('\n').at(-1) ?? '').includes(`${formatTokens(context)} / ${formatTokens(point)}`), 20_000);
  t.match(footer.split('\n').at(-1), `${formatTokens(context)} / ${formatTokens(point)}`, 'the footer measures against the managed point');
});

// Seen on 2.1.330: with a managed allowManagedHooksOnly, a Stop hook in --settings (where guard's
// hooks come from) never runs; guard then never hands over (a turn at 143k of 167k stayed
// "checkpoint armed"). guard says so before Claude's screen.
t.test("managed settings that allow only the organization's hooks: guard says it will not checkpoint", { skip }, async (t) => {
  await mkdir(DIR);
  t.teardown(() => rm(DIR, { recursive: true, force: true }));
  await writeFile(FILE, JSON.stringify({ allowManagedHooksOnly: true }));
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL] });
  t.teardown(() => s.dispose());
  const before = s.term.raw.slice(0, s.term.raw.indexOf('Claude Code'));
  t.match(before, `guard: only your organization's hooks run ("allowManagedHooksOnly" in ${FILE}): guard cannot tell when Claude is idle and will not checkpoint`);
  await s.turn('hello');
  t.ok(s.api.lastMain()?.contextTokens, 'Claude works as usual');
});
