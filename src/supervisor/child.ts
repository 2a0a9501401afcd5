// The program when guard's standard output is not a terminal (`guard prog | less`, `> file`):
// no pty at all, the program inherits guard's standard streams, so its bytes reach the pipe
// untouched and it sees what it would see run bare. guard still supervises: the exit status,
// and SIGTERM/SIGHUP end the program.
import { spawn } from 'node:child_process';
import { exitStatus } from './exit-status.js';

export interface ChildHandle {
  readonly pid: number;
  kill(signal: NodeJS.Signals): void;
  /** guard's exit status for the program's end. */
  exited: Promise<number>;
}

export function spawnChild(file: string, argv0: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): ChildHandle {
  const child = spawn(file, args, { cwd, env, stdio: 'inherit', argv0 });
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(exitStatus(code, signal)));
    child.on('error', () => resolve(1));
  });
  return {
    pid: child.pid ?? -1,
    kill: (s) => { try { child.kill(s); } catch { /* gone */ } },
    exited,
  };
}
