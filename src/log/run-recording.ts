// One guard run's records on disk, started and ended in one place. Input: the run's facts (pid,
// program, its args as they may be logged, cwd) and the environment (GUARD_HOME …). Output: an open SessionLog and a live
// registry entry sharing one id, or — when the state folder cannot be used — neither, with a
// warning the caller shows once: a run never fails because guard cannot write its records.
import { GuardPathError, ensureStateDirs, resolvePaths, type GuardPaths } from '../paths.js';
import { LiveRegistration, processStartTime, type LiveFields } from '../registry/live.js';
import { SessionLog } from './session-log.js';
import { newSessionId } from './id.js';
import type { Clock } from '../lib/clock.js';

export interface RunRecordingOptions {
  env?: NodeJS.ProcessEnv;
  pid: number;
  program: string;
  /** The agent guard runs it as (src/cli/agents.ts); absent: plain supervision. */
  agent?: string | null;
  /** The program's args as they may be logged: an agent's with its prompts redacted (src/cli/agents.ts loggableArgs). */
  loggedArgs: string[];
  cwd: string;
  guardVersion: string;
  now?: () => number;
  timers?: Pick<Clock, 'setTimeout'>;
  /** Later write failures (disk full …): reported once per file; the run goes on. */
  onError?: (err: GuardPathError) => void;
  /** Whether the log flushes itself on process exit (default true). */
  flushOnExit?: boolean;
}

export interface RunRecording {
  id: string;
  paths: GuardPaths;
  /** null when the session log could not be opened (see warnings). */
  log: SessionLog | null;
  /** null when the live entry could not be written (see warnings). */
  live: LiveRegistration | null;
  /** Messages for the user, e.g. "guard: cannot write to folder … (EACCES) — running without a session log". */
  warnings: string[];
  /** Writes the exit record, flushes and closes the log, removes the live entry. Safe to call twice. */
  finish(exit: { code: number; signal: string | null }): void;
}

export function startRunRecording(o: RunRecordingOptions): RunRecording {
  const now = o.now ?? Date.now;
  const paths = resolvePaths({ env: o.env ?? process.env });
  const warnings: string[] = [];
  const id = newSessionId(now());
  let log: SessionLog | null = null;
  let live: LiveRegistration | null = null;
  try {
    ensureStateDirs(paths);
  } catch (err) {
    if (!(err instanceof GuardPathError)) throw err;
    warnings.push(`${err.message} — running without a session log or a guard ls entry`);
    return { id, paths, log, live, warnings, finish: () => undefined };
  }
  try {
    log = SessionLog.open({
      sessionsDir: paths.sessionsDir, id, now, timers: o.timers, onError: o.onError, flushOnExit: o.flushOnExit,
      start: { pid: o.pid, program: o.program, args: o.loggedArgs, cwd: o.cwd, guardVersion: o.guardVersion, ...(o.agent ? { agent: o.agent } : {}) },
    });
  } catch (err) {
    if (!(err instanceof GuardPathError)) throw err;
    warnings.push(`${err.message} — running without a session log`);
  }
  const entry: Omit<LiveFields, 'startedAt'> = {
    id, pid: o.pid, guardPid: o.pid, guardStart: processStartTime(o.pid), program: o.program, ...(o.agent ? { agent: o.agent } : {}), cwd: o.cwd, claudeSessionId: null, model: null, contextTokens: null,
    contextWindow: null, autoCompactAt: null, costUsd: 0, state: 'starting', logPath: log?.path ?? null,
  };
  try {
    live = LiveRegistration.create({ liveDir: paths.liveDir, entry, now, timers: o.timers, onError: o.onError });
  } catch (err) {
    if (!(err instanceof GuardPathError)) throw err;
    warnings.push(`${err.message} — guard ls will not show this run`);
  }
  let finished = false;
  // If guard leaves without finish() (an uncaught error), its entry must not outlive it.
  const onExit = (): void => { live?.remove(); };
  if (o.flushOnExit !== false) process.once('exit', onExit);
  return {
    id, paths, log, live, warnings,
    finish(exit) {
      if (finished) return;
      finished = true;
      process.removeListener('exit', onExit);
      log?.append({ type: 'exit', code: exit.code, signal: exit.signal });
      log?.close();
      live?.remove();
    },
  };
}
