// `guard claude` on the REAL Claude Code against the stand-in API, for what must not leak or get
// mixed up: the merged settings reach Claude as a private file (never on its command line, which
// every local user can read) that is gone after the run; and a `claude -p` that Claude itself
// starts from its shell tool (it inherits guard's telemetry variables and reports to guard's
// receiver) neither moves the footer nor takes over `guard ls`, and is logged as a side thread.
import t from 'tap';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatTokens } from '../../src/lib/text.js';
import { guardLs } from '../helpers/guard-ls.js';
import { CLAUDE_BIN, waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import { until } from '../helpers/until.js';

const REPLY_RE = /Reply \d+: context about \d+ tokens\./;


/** `guard ls` and the /proc scan start work of their own: looked at this often, not every frame. */
const SLOW_POLL_MS = 250;

/**
 * The command line of the Claude this test started: the process whose arguments name a settings
 * file in the test's own temporary folder (unique per test), found by reading /proc as any local
 * user could.
 */
async function claudeCmdline(tmp: string): Promise<string[] | null> {
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    const args = await readFile(`/proc/${pid}/cmdline`, 'utf8').then((s) => s.split('\0'), () => []);
    if (args.some((a) => a.startsWith(`${tmp}/guard-settings-`))) return args;
  }
  return null;
}

interface LoggedRequest { type: string; claudeSessionId: string | null; thread: string; contextTokens?: number }

async function sessionLog(guardHome: string): Promise<LoggedRequest[]> {
  const dir = join(guardHome, 'sessions');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  const text = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as LoggedRequest);
}

t.test('guard claude: settings through a private file; a nested claude -p does not move the footer', async (t) => {
  const session = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL], readyTimeoutMs: 60_000 });
  t.teardown(() => session.dispose());
  const { env, term, api } = session;

  const cmdline = await until(() => claudeCmdline(env.tmp), 10_000, 'Claude\'s command line', SLOW_POLL_MS);
  const i = cmdline.indexOf('--settings');
  t.match(cmdline.slice(0, Math.max(0, i)).join(' '), /claude(\.exe)?\b/, `the process is Claude: ${cmdline.slice(0, 2).join(' ')} …`);
  t.ok(i >= 0, 'Claude was given --settings');
  const settingsPath = cmdline[i + 1] ?? '';
  t.match(settingsPath, new RegExp(`^${env.tmp}/guard-settings-[^/]+/settings\\.json$`), 'a path in the temporary folder, not JSON');
  t.notMatch(cmdline.join(' '), /hook-relay|"hooks"|\{/, 'no settings JSON or relay command on Claude\'s command line');
  t.equal((await stat(settingsPath)).mode & 0o777, 0o600, 'the file is private');
  t.equal((await stat(join(settingsPath, '..'))).mode & 0o777, 0o700, 'in a private folder');
  const settings = JSON.parse(await readFile(settingsPath, 'utf8')) as { hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> };
  t.match(settings, { hooks: { PreCompact: [{ hooks: [{ command: /hook-relay\.cjs PreCompact$/ }] }] } }, 'holding guard\'s hooks: PreCompact through the relay');
  // The hooks that need no answer write to guard's hook folder: private, in the temporary folder.
  const stopLine = settings.hooks['Stop']?.[0]?.hooks[0]?.command ?? '';
  const hookFolder = new RegExp(`^\\{ cat >(${env.tmp}/guard-hooks-[^/]+)/Stop-"\\$\\$"\\.part `).exec(stopLine)?.[1];
  t.ok(hookFolder, `Stop writes to a hook folder in the temporary folder: ${stopLine}`);
  t.equal((await stat(hookFolder ?? '/nonexistent')).mode & 0o777, 0o700, 'a private folder');

  await session.turn('hello', { until: REPLY_RE });
  const outer = api.lastMain()!;
  const outerSession = outer.sessionId;
  await until(async () => (await guardLs(env.guardHome))[0]?.contextTokens === outer.contextTokens, 10_000, 'guard ls to show the outer context', SLOW_POLL_MS);

  // Claude's shell tool starts another claude, which reads a lot. Claude 2.1.330 passes its Bash
  // tool CLAUDE_CODE_ENABLE_TELEMETRY, GUARD_RECEIVER_URL and GUARD_TOKEN but none of the OTEL_*
  // variables (seen with `env` from the tool), so the nested claude would export nothing; the
  // command sets them again from guard's own, as another version or a shell profile might.
  const otel = 'OTEL_LOGS_EXPORTER=otlp OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=$GUARD_RECEIVER_URL/v1/logs OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=http/json'
    + ' OTEL_EXPORTER_OTLP_LOGS_HEADERS=x-guard-token=$GUARD_TOKEN OTEL_LOGS_EXPORT_INTERVAL=500';
  await session.turn(`TOOL:${otel} ${CLAUDE_BIN} -p --model claude-sonnet-4-5 "PAD:120000 nested read" < /dev/null; echo nested-exit=$?`, { until: /Tool done\./, timeoutMs: 120_000 });
  await waitForIdle(term);
  const nested = api.messages('main').filter((r) => r.sessionId !== outerSession);
  t.ok(nested.length > 0, `the nested claude sent ${nested.length} main request(s) to the stand-in`);
  const nestedContext = Math.max(...nested.map((r) => r.contextTokens ?? 0));
  t.ok(nestedContext > 100_000, `the nested conversation is large (${nestedContext})`);
  // The nested claude's telemetry reaches guard: the session log shows its requests…
  const log = await until(async () => {
    const rs = await sessionLog(env.guardHome);
    return rs.some((r) => r.type === 'request' && r.claudeSessionId !== null && r.claudeSessionId !== outerSession) && rs;
  }, 15_000, 'the nested claude\'s requests in the session log', SLOW_POLL_MS);
  const nestedLogged = log.filter((r) => r.type === 'request' && r.claudeSessionId !== null && r.claudeSessionId !== outerSession);
  t.ok(nestedLogged.length > 0, `guard's receiver got the nested claude's telemetry (${nestedLogged.length} request records)`);
  t.same(nestedLogged.filter((r) => r.thread === 'main'), [], 'logged as side requests, never as the main thread');
  // …but the footer and guard ls still follow the outer conversation.
  const last = api.messages('main').filter((r) => r.sessionId === outerSession).at(-1)!;
  const [after] = await until(async () => {
    const l = await guardLs(env.guardHome);
    return l[0]?.contextTokens === last.contextTokens && l;
  }, 10_000, 'guard ls to show the outer context again', SLOW_POLL_MS);
  t.equal(after?.claudeSessionId, outerSession, 'guard ls follows the outer session');
  t.equal(after?.contextTokens, last.contextTokens, 'its context is the outer one');
  const footer = term.lines()[term.term.rows - 1] ?? '';
  t.match(footer, formatTokens(last.contextTokens!), `the footer shows the outer ${formatTokens(last.contextTokens!)}`);
  t.notMatch(footer, formatTokens(nestedContext), 'not the nested one');

  // Ending the run removes the settings file and its folder.
  term.write('/exit\r');
  await term.exited;
  await t.rejects(stat(join(settingsPath, '..')), { code: 'ENOENT' }, 'the settings folder is gone after the run');
  await t.rejects(stat(hookFolder ?? '/nonexistent'), { code: 'ENOENT' }, 'and so is the hook folder');
});

t.test('guard ended by SIGTERM: the settings file and the hook folder are removed too', async (t) => {
  const session = await startClaudeSession({ guardArgs: [], readyTimeoutMs: 60_000 });
  t.teardown(() => session.dispose());
  const { env, term } = session;
  const cmdline = await until(() => claudeCmdline(env.tmp), 10_000, 'Claude\'s command line', SLOW_POLL_MS);
  const settingsPath = cmdline[cmdline.indexOf('--settings') + 1] ?? '';
  t.ok((await stat(settingsPath)).isFile(), 'the settings file exists while Claude runs');
  const hookFolders = async (): Promise<string[]> => (await readdir(env.tmp)).filter((f) => f.startsWith('guard-hooks-'));
  t.equal((await hookFolders()).length, 1, 'and the hook folder');
  term.kill('SIGTERM');
  await term.exited;
  await t.rejects(stat(join(settingsPath, '..')), { code: 'ENOENT' }, 'its folder is gone once guard has exited');
  t.same(await hookFolders(), [], 'and the hook folder');
});
