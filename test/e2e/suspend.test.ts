// Ctrl-Z under guard, end to end on the REAL Claude Code (2.1.330) against the stand-in API.
// Run bare, Claude suspends on Ctrl-Z and the shell says "Stopped"; `fg` brings it back. Under
// guard, Claude's own SIGTSTP is dropped (its process group, in guard's pty, is orphaned) and it
// waited for a SIGCONT nobody sent: keys went nowhere, and the user had to kill it from another
// terminal. Now guard suspends with it (src/supervisor/suspend.ts). Two ways a user meets it:
// - from an interactive bash (job control): Ctrl-Z gives the shell back, guard and Claude both
//   stopped; `fg` brings back Claude's screen under guard's footer, and Claude answers again
//   (Codex 0.171.0 and Gemini CLI 0.61.0 too: their screen and their prompt box take keys again);
// - with no job control (guard is the terminal's first program, as a terminal's "command"
//   setting runs it): nobody can stop guard, so Claude is continued at once and answers again.
// And a SIGTSTP sent to guard from outside (`kill -TSTP`): it used to stop guard as it was, the
// terminal left raw on guard's alternate screen and the program running; now guard stops the way
// Ctrl-Z stops it (tried on `cat`: the signal's path is the same for every program).
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandinApi } from '../../src/demo/standin-api.js';
import { startResponsesStandin } from '../../src/demo/responses-standin.js';
import { startGeminiStandin } from '../../src/demo/gemini-standin.js';
import { OFFLINE_GEMINI_MODEL, offlineGeminiEnv, writeOfflineGeminiHome } from '../../src/demo/offline-gemini.js';
import { makeClaudeEnv, isIdle, submitAndWait, waitForIdle, OFFLINE_MODEL, GUARD_BIN, REPO_ROOT } from '../helpers/claude-env.js';
import { codexPromptText, codexReady, makeCodexEnv } from '../helpers/codex-env.js';
import { geminiIdle, paneRows } from '../helpers/gemini-session.js';
import { startTerminal, type TestTerminal } from '../helpers/terminal.js';
import { until } from '../helpers/until.js';

const PS1 = 'SHELL$ ';
const FOOTER_RE = /^guard │/m;
const REPLY_RE = /Reply \d+:/g;

/** A process's state letter (R, S, T, …) from /proc; null once it is gone. */
function procState(pid: number): string | null {
  try { return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[0] ?? null; } catch { return null; }
}
function children(pid: number): number[] {
  try { return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number); } catch { return []; }
}
/** The screen's last non-empty row. */
function lastLine(term: TestTerminal): string {
  return term.lines().filter((l) => l.trim() !== '').at(-1) ?? '';
}
const atShellPrompt = (term: TestTerminal): boolean => lastLine(term).trimEnd() === PS1.trimEnd();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const replies = (screen: string): number => screen.match(REPLY_RE)?.length ?? 0;

interface ShellRun {
  term: TestTerminal;
  /** guard's pid once `jobs -p` told it (for the teardown). */
  guardPid: number;
}

/** An interactive bash in a test terminal, torn down with guard's job (its own process group) and `cleanup`. */
async function shell(t: Test, env: Record<string, string>, cwd: string, cleanup: () => Promise<unknown>): Promise<ShellRun> {
  const run: ShellRun = { term: startTerminal({ file: '/bin/bash', args: ['--norc', '--noprofile', '-i'], cwd, env: { ...env, PS1 }, cols: 110, rows: 32 }), guardPid: 0 };
  t.teardown(async () => {
    // guard runs as the shell's job, in a process group of its own: ended (and continued, if
    // stopped) apart from the shell.
    if (run.guardPid > 0 && procState(run.guardPid) !== null) {
      for (const sig of ['SIGTERM', 'SIGCONT'] as const) { try { process.kill(-run.guardPid, sig); } catch { /* gone */ } }
      await sleep(1_000);
    }
    run.term.dispose();
    await cleanup();
  });
  await run.term.waitFor(PS1);
  return run;
}

/**
 * From the shell: starts `argv` (guard and its agent), waits for `ready`, presses Ctrl-Z `presses`
 * times and checks that guard and the agent are both stopped with the shell back; then
 * `fg` and `ready` again under guard's footer. Leaves the agent running, at its prompt.
 */
async function suspendAndBack(t: Test, run: ShellRun, o: { argv: string[]; name: string; ready: (s: string) => boolean; presses?: number }): Promise<void> {
  const { term } = run;
  term.write(`${o.argv.map((a) => `'${a}'`).join(' ')}\r`);
  await term.waitFor((s) => o.ready(s) && FOOTER_RE.test(s), 60_000);
  await sleep(500);
  for (let i = 0; i < (o.presses ?? 1); i++) { if (i > 0) await sleep(200); term.write('\x1a'); }
  const away = await term.waitFor((s) => s.includes('Stopped') && atShellPrompt(term), 10_000);
  t.match(away, `guard: ${o.name} is suspended, with guard. Run \`fg\` to bring them back.`, 'guard says what happened and how to come back');
  t.notOk(FOOTER_RE.test(away), 'guard\'s screen is gone: the shell has the terminal');

  term.write('jobs -p\r');
  const jobs = await term.waitFor((s) => /jobs -p\n\d+\n/.test(s), 5_000);
  run.guardPid = Number(/jobs -p\n(\d+)\n/.exec(jobs)?.[1]);
  t.equal(procState(run.guardPid), 'T', 'guard is stopped');
  // guard's one child is the program in its pty (Codex's and Gemini's are Node launchers of the agent).
  const agentPid = children(run.guardPid).find((pid) => procState(pid) !== null);
  t.ok(agentPid, `guard's child runs ${o.name}`);
  t.equal(procState(agentPid ?? -1), 'T', `${o.name} is stopped too, as it would be bare`);

  term.write('fg\r');
  await term.waitFor((s) => o.ready(s) && FOOTER_RE.test(s), 20_000);
  t.pass('after `fg`, the agent\'s screen and guard\'s footer are back');
  t.not(procState(agentPid ?? -1), 'T', `${o.name} runs again`);
}

t.test('from a shell: Ctrl-Z stops Claude and guard, `fg` brings both back', async (t) => {
  const api = await startStandinApi();
  const env = await makeClaudeEnv({ apiUrl: api.url });
  const run = await shell(t, env.env, env.cwd, async () => { await api.close(); await env.cleanup(); });
  const cmd = env.guardCommand([], ['--model', OFFLINE_MODEL]);
  await suspendAndBack(t, run, { argv: [cmd.file, ...cmd.args], name: 'claude', ready: isIdle });
  const back = await waitForIdle(run.term, { timeoutMs: 20_000 });
  const before = replies(back);
  const answered = await submitAndWait(run.term, 'are you there', { until: (s) => replies(s) > before, timeoutMs: 20_000 });
  t.ok(replies(answered) > before, 'Claude answers a prompt after `fg`');

  run.term.write('/exit\r');
  await run.term.waitFor(() => atShellPrompt(run.term), 15_000);
  run.term.write('echo "status=$?"\r');
  await run.term.waitFor('status=0', 5_000);
  t.pass('guard ended with Claude\'s status, back at the shell');
});

t.test('from a shell: Codex 0.171.0 and guard stop on Ctrl-Z and come back on `fg`', async (t) => {
  const api = await startResponsesStandin();
  const w = await makeCodexEnv({ baseUrl: api.baseUrl, contextWindow: 48_000 });
  const run = await shell(t, { ...w.env, SHELL: '/bin/bash' }, w.cwd, async () => { await api.close(); await w.cleanup(); });
  await suspendAndBack(t, run, { argv: [process.execPath, GUARD_BIN, 'codex'], name: 'codex', ready: codexReady });
  run.term.write('typed after fg');
  await until(() => codexPromptText(run.term) === 'typed after fg', 10_000, 'the typed text in Codex\'s prompt box');
  t.pass('Codex\'s prompt box takes keys again');
});

t.test('from a shell: Gemini CLI 0.61.0 and guard stop on its second Ctrl-Z and come back on `fg`', async (t) => {
  const api = await startGeminiStandin();
  const root = await realpath(await mkdtemp(join(tmpdir(), 'guard-suspend-gemini-')));
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  await mkdir(cwd, { recursive: true });
  await mkdir(join(root, 'guard-home'), { recursive: true });
  await writeOfflineGeminiHome(home);
  const env: Record<string, string> = {
    PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    USER: process.env.USER ?? 'root', SHELL: '/bin/bash', LANG: 'C.UTF-8', TERM: 'xterm-256color', TMPDIR: tmpdir(),
    GUARD_HOME: join(root, 'guard-home'),
    ...offlineGeminiEnv(api.url, home),
  };
  const run = await shell(t, env, cwd, async () => { await api.close(); await rm(root, { recursive: true, force: true, maxRetries: 3 }); });
  // Gemini's first Ctrl-Z only warns ("Press Ctrl+Z again to suspend"); the second suspends.
  await suspendAndBack(t, run, { argv: [process.execPath, GUARD_BIN, 'gemini', '--model', OFFLINE_GEMINI_MODEL], name: 'gemini', ready: geminiIdle, presses: 2 });
  run.term.write('typed after fg');
  await run.term.waitFor((s) => paneRows(s).some((r) => r.includes('> typed after fg')), 10_000);
  t.pass('Gemini\'s prompt box takes keys again');
});

t.test('from a shell: `kill -TSTP` of guard puts the terminal back and stops its program; `fg` brings both back', async (t) => {
  const env = await makeClaudeEnv({ apiUrl: 'http://127.0.0.1:9' });
  const run = await shell(t, env.env, env.cwd, () => env.cleanup());
  const { term } = run;
  term.write(`'${process.execPath}' '${GUARD_BIN}' cat\r`);
  await term.waitFor((s) => FOOTER_RE.test(s), 20_000);
  await until(() => term.term.buffer.active.type === 'alternate', 5_000, "guard's alternate screen");
  const guardPid = await until(() => children(run.term.proc.pid).find((pid) => procState(pid) !== null), 5_000, "guard's pid, the shell's child");
  run.guardPid = guardPid;
  const catPid = await until(() => children(guardPid).find((pid) => procState(pid) !== null), 5_000, 'cat, guard\'s child');
  process.kill(guardPid, 'SIGTSTP');
  const away = await term.waitFor((s) => s.includes('Stopped') && atShellPrompt(term), 10_000);
  t.match(away, 'guard: cat is suspended, with guard. Run `fg` to bring them back.', 'guard says what happened and how to come back');
  t.equal(term.term.buffer.active.type, 'normal', 'the terminal is off guard\'s alternate screen');
  t.equal(term.term.modes.mouseTrackingMode, 'none', 'and reports no mouse');
  t.equal(procState(guardPid), 'T', 'guard is stopped');
  t.equal(procState(catPid), 'T', 'so is its program: nothing runs behind the shell\'s back');
  term.write('echo typed-at-the-shell\r');
  await term.waitFor(/\ntyped-at-the-shell\n/, 5_000);
  t.pass('the shell reads lines again: the terminal is not raw');

  term.write('fg\r');
  await term.waitFor((s) => FOOTER_RE.test(s), 20_000);
  t.equal(term.term.buffer.active.type, 'alternate', 'after `fg`, guard\'s screen is back');
  await until(() => procState(catPid) !== 'T', 5_000, 'cat to run again');
  term.write('hello again\r');
  await term.waitFor(/hello again\s*\n\s*hello again/, 5_000);
  t.pass('cat echoes what is typed after `fg`');
  term.write('\x04');
  await term.waitFor(() => atShellPrompt(term), 10_000);
  term.write('echo "status=$?"\r');
  await term.waitFor('status=0', 5_000);
  t.pass('guard ended with cat\'s status, back at the shell');
});

t.test('without job control: Ctrl-Z leaves Claude answering, not waiting for a `fg` nobody can type', async (t) => {
  const api = await startStandinApi();
  const env = await makeClaudeEnv({ apiUrl: api.url });
  const cmd = env.guardCommand([], ['--model', OFFLINE_MODEL]);
  // guard leads the terminal's session itself: its own SIGTSTP is dropped as Claude's is.
  const term = startTerminal({ file: cmd.file, args: cmd.args, cwd: env.cwd, env: env.env, cols: 110, rows: 32 });
  t.teardown(async () => { await term.end(3_000); await api.close(); await env.cleanup(); });
  await waitForIdle(term, { timeoutMs: 30_000 });
  term.write('\x1a');
  // Claude's suspension and guard's return take well under a second; then it must be itself again.
  await sleep(1_500);
  const back = await waitForIdle(term, { timeoutMs: 10_000 });
  t.ok(FOOTER_RE.test(back), 'guard\'s footer is on screen');
  const answered = await submitAndWait(term, 'still there', { until: REPLY_RE, timeoutMs: 20_000 });
  t.ok(replies(answered) >= 1, 'Claude answers a prompt typed after the Ctrl-Z');
});
