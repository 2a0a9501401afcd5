// Shared by the test/e2e/faults-*.test.ts files (faults around guard, end to end with the real
// Claude Code under bin/guard.js; also the resume test): guard ls, the session log's records,
// process checks, the signal test for one signal, and a `claude` with its telemetry turned off.
import type { Test } from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startClaudeSession, type ClaudeSession } from './claude-session.js';
import type { TestTerminal } from './terminal.js';
import { until } from './until.js';
import { guardLsSync } from './guard-ls.js';
import { writeFile, chmod } from 'node:fs/promises';
import { CLAUDE_BIN } from './claude-env.js';
export { guardLsSync };


export function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Polls until the process is gone; false if it still runs after `ms` (then it is killed). */
export async function gone(pid: number, ms = 20_000): Promise<boolean> {
  return until(() => !alive(pid), ms, `process ${pid} to end`).then(() => true, () => {
    try { process.kill(pid, 'SIGKILL'); } catch { /* raced */ }
    return false;
  });
}

export function sessionLogRecords(home: string): Array<Record<string, unknown>> {
  const dir = path.join(home, 'sessions');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  return files.flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
}

export function restored(t: Test, term: TestTerminal): void {
  const m = term.term.modes;
  t.equal(term.term.buffer.active.type, 'normal', 'main screen');
  t.equal(m.mouseTrackingMode, 'none', 'mouse tracking off');
  t.equal(m.bracketedPasteMode, false, 'bracketed paste off');
  t.equal(m.sendFocusMode, false, 'focus reports off');
}

/** The pid of the program guard runs, from guard's own `guard ls` entry. */
export async function programPid(session: ClaudeSession): Promise<number> {
  const e = await until(() => {
    const entry = guardLsSync(session.env.guardHome)[0];
    return entry !== undefined && entry.pid !== entry.guardPid && entry;
  }, 10_000, 'a guard ls entry with the program\'s pid', 100);
  return e.pid as number;
}


/** What guard may exit with after `sig`: Claude's status (SIGINT: it ends with 0; a hang-up: 0 or 128 + SIGHUP). */
export function signalStatusOk(sig: NodeJS.Signals, status: number): boolean {
  return sig === 'SIGINT' ? status === 0 : status === 0 || status === 129;
}

/** Sends `sig` to a guard running the real Claude and checks every promise of a clean end. */
export async function signalTest(t: Test, sig: NodeJS.Signals): Promise<void> {
  const session = await startClaudeSession({ guardArgs: [] });
  t.teardown(() => session.dispose());
  const claudePid = await programPid(session);
  process.kill(session.term.proc.pid, sig);
  const e = await session.term.waitExit(30_000);
  t.ok(signalStatusOk(sig, e.exitCode), `guard exited with Claude's status (${e.exitCode})`);
  t.equal(e.signal, 0, 'guard itself was not killed by the signal');
  restored(t, session.term);
  const exit = sessionLogRecords(session.env.guardHome).filter((r) => r.type === 'exit');
  t.equal(exit.length, 1, 'one exit record');
  t.equal(exit[0]?.code, e.exitCode, 'with the status guard exited with');
  t.same(guardLsSync(session.env.guardHome), [], 'guard ls is empty');
  t.ok(await gone(claudePid), 'Claude is gone');
}

/**
 * A `claude` for PATH that runs the real one with its telemetry turned off the way managed
 * settings do it (they beat every other source, guard's own settings included): the settings guard
 * hands over get `CLAUDE_CODE_ENABLE_TELEMETRY=0` in their env block. Signals reach Claude itself.
 */
export async function telemetryOffClaude(dir: string): Promise<void> {
  const src = `#!${process.execPath}
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const args = process.argv.slice(2);
const i = args.indexOf('--settings');
if (i >= 0) {
  const v = args[i + 1];
  const settings = JSON.parse(v.trim().startsWith('{') ? v : fs.readFileSync(v, 'utf8'));
  settings.env = { ...settings.env, CLAUDE_CODE_ENABLE_TELEMETRY: '0' };
  args[i + 1] = JSON.stringify(settings);
}
const child = spawn(${JSON.stringify(CLAUDE_BIN)}, args, { stdio: 'inherit' });
for (const sig of ['SIGHUP', 'SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, sig) => process.exit(code ?? 128 + (require('node:os').constants.signals[sig] ?? 0)));
`;
  await writeFile(path.join(dir, 'claude'), src);
  await chmod(path.join(dir, 'claude'), 0o755);
}
