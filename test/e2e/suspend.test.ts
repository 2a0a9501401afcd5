// Ctrl-Z under guard, end to end on the REAL Claude Code (2.1.330) against the stand-in API.
// Run bare, Claude suspends on Ctrl-Z and the shell says "Stopped"; `fg` brings it back. Under
// guard, Claude's own SIGTSTP is dropped (its process group, in guard's pty, is orphaned) and it
// waited for a SIGCONT nobody sent: keys went nowhere, and the user had to kill it from another
// terminal. Now guard suspends with it (src/supervisor/suspend.ts). Two ways a user meets it:
// - from an interactive bash (job control): Ctrl-Z gives the shell back, guard and Claude both
//   stopped; `fg` brings back Claude's screen under guard's footer, and Claude answers again;
// - with no job control (guard is the terminal's first program, as a terminal's "command"
//   setting runs it): nobody can stop guard, so Claude is continued at once and answers again.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { startStandinApi } from '../../src/demo/standin-api.js';
import { makeClaudeEnv, isIdle, submitAndWait, waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startTerminal, type TestTerminal } from '../helpers/terminal.js';

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

t.test('from a shell: Ctrl-Z stops Claude and guard, `fg` brings both back', async (t) => {
  const api = await startStandinApi();
  const env = await makeClaudeEnv({ apiUrl: api.url });
  const term = startTerminal({ file: '/bin/bash', args: ['--norc', '--noprofile', '-i'], cwd: env.cwd, env: { ...env.env, PS1 }, cols: 110, rows: 32 });
  let guardPid = 0;
  t.teardown(async () => {
    // guard runs as the shell's job, in a process group of its own: ended (and continued, if
    // stopped) apart from the shell.
    if (guardPid > 0 && procState(guardPid) !== null) {
      for (const sig of ['SIGTERM', 'SIGCONT'] as const) { try { process.kill(-guardPid, sig); } catch { /* gone */ } }
      await sleep(500);
    }
    term.dispose();
    await api.close();
    await env.cleanup();
  });
  await term.waitFor(PS1);
  const cmd = env.guardCommand([], ['--model', OFFLINE_MODEL]);
  term.write(`${[cmd.file, ...cmd.args].map((a) => `'${a}'`).join(' ')}\r`);
  await waitForIdle(term, { timeoutMs: 30_000 });
  await submitAndWait(term, 'hello', { until: REPLY_RE });

  term.write('\x1a');
  const away = await term.waitFor((s) => s.includes('Stopped') && atShellPrompt(term), 10_000);
  t.match(away, /guard: claude is suspended, with guard\. Run `fg` to bring them back\./, 'guard says what happened and how to come back');
  t.notOk(FOOTER_RE.test(away), 'guard\'s screen is gone: the shell has the terminal');

  term.write('jobs -p\r');
  const jobs = await term.waitFor((s) => /jobs -p\n\d+\n/.test(s), 5_000);
  guardPid = Number(/jobs -p\n(\d+)\n/.exec(jobs)?.[1]);
  t.equal(procState(guardPid), 'T', 'guard is stopped');
  const claudePid = children(guardPid).find((pid) => procState(pid) !== null && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'claude');
  t.ok(claudePid, 'guard\'s child is Claude');
  t.equal(procState(claudePid ?? -1), 'T', 'Claude is stopped too, as it would be bare');

  term.write('fg\r');
  const back = await waitForIdle(term, { timeoutMs: 20_000 });
  t.ok(FOOTER_RE.test(back), 'guard\'s footer is back');
  t.ok(isIdle(back), 'Claude\'s prompt box is back');
  t.not(procState(claudePid ?? -1), 'T', 'Claude runs again');
  const before = replies(back);
  const answered = await submitAndWait(term, 'are you there', { until: (s) => replies(s) > before, timeoutMs: 20_000 });
  t.ok(replies(answered) > before, 'Claude answers a prompt after `fg`');

  term.write('/exit\r');
  await term.waitFor(() => atShellPrompt(term), 15_000);
  term.write('echo "status=$?"\r');
  await term.waitFor('status=0', 5_000);
  t.pass('guard ended with Claude\'s status, back at the shell');
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
