// The status-line command guard sets for the run: `node statusline-relay.js [--user-command-b64 X]`.
// Claude writes its status JSON (context_window, model, cost…) on stdin; this posts it to guard's
// receiver as the `statusline` event (see ./post.ts) and, at the same time, runs the user's own
// status-line command (base64url in the argument, found by src/claude/settings.ts) with the same
// input, passing its output and exit code through. Without a user command it prints nothing.
// The POST never delays the user's line by more than a moment; a failing POST is silent.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { RELAY_DEADLINE_MS, TOKEN_ENV, USER_CA_CERTS_ENV, USER_COMMAND_FLAG, USER_NODE_OPTIONS_ENV, postHook, readStdin } from './post.js';

/** Once the user's line is printed, the POST to 127.0.0.1 gets this much longer to finish. */
const POST_GRACE_MS = 100;
/**
 * The relay's hard stop, the user's command included: a status line that takes longer is not
 * shown by Claude anyway, and a relay must never outlive the Claude that started it (relays
 * whose Claude was killed were seen alive an hour later, with no command left under them).
 */
const HARD_STOP_MS = 5_000;
let userChild: ChildProcess | null = null;
setTimeout(() => {
  // The user's command and whatever it started: it leads its own process group.
  if (userChild?.pid !== undefined) { try { process.kill(-userChild.pid, 'SIGKILL'); } catch { /* gone */ } }
  process.exit(0);
}, HARD_STOP_MS).unref();

function userCommand(argv: string[]): string | null {
  const i = argv.indexOf(USER_COMMAND_FLAG);
  const v = i >= 0 ? argv[i + 1] : undefined;
  if (!v) return null;
  const cmd = Buffer.from(v, 'base64url').toString('utf8');
  return cmd.trim() === '' ? null : cmd;
}

function runUserCommand(command: string, input: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env[TOKEN_ENV];
    // The relay itself ran with NODE_OPTIONS and NODE_EXTRA_CA_CERTS emptied (src/claude/settings.ts);
    // the user's command gets theirs back.
    for (const [copy, name] of [[USER_NODE_OPTIONS_ENV, 'NODE_OPTIONS'], [USER_CA_CERTS_ENV, 'NODE_EXTRA_CA_CERTS']] as const) {
      const value = env[copy];
      delete env[copy];
      if (value) env[name] = value; else delete env[name];
    }
    // Claude Code runs status-line commands with bash where there is one.
    const shell = process.platform !== 'win32' && existsSync('/bin/bash') ? '/bin/bash' : true;
    let child;
    try {
      child = spawn(command, { shell, env, stdio: ['pipe', 'inherit', 'inherit'], detached: process.platform !== 'win32' });
      userChild = child;
    } catch {
      resolve(1);
      return;
    }
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.stdin.on('error', () => { /* the command did not read its input */ });
    child.stdin.end(input);
  });
}

async function main(): Promise<number> {
  const deadline = Date.now() + RELAY_DEADLINE_MS;
  const command = userCommand(process.argv.slice(2));
  const input = await readStdin(deadline);
  const posted = input.complete && input.data.length > 0
    ? postHook('statusline', input.data, deadline).catch(() => false)
    : Promise.resolve(false);
  if (command === null) {
    await posted;
    return 0;
  }
  const code = await runUserCommand(command, input.data);
  await Promise.race([posted, new Promise((r) => setTimeout(r, POST_GRACE_MS))]);
  return code;
}

main().then((code) => process.exit(code), () => process.exit(0));
