// The program when guard's standard output is not a terminal (`guard prog | less`, `> file`):
// no pty at all, the program inherits guard's standard streams, so its bytes reach the pipe
// untouched and it sees what it would see run bare. guard still supervises: the exit status,
// and SIGTERM/SIGHUP end the program.
import { childProcess } from '../lib/lazy-builtin.js';
import { programEnd, exitedWith, EXIT_NOT_EXECUTABLE, type ProgramEnd } from './exit-status.js';

export interface ChildHandle {
  readonly pid: number;
  kill(signal: NodeJS.Signals): void;
  /** How the program ended. */
  exited: Promise<ProgramEnd>;
}

/** `onSpawnError`: the program could not be started (e.g. ENOEXEC); its status is then 126. */
export function spawnChild(file: string, argv0: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, onSpawnError: (err: Error) => void = () => {}): ChildHandle {
  const child = childProcess().spawn(file, args, { cwd, env, stdio: 'inherit', argv0 });
  const exited = new Promise<ProgramEnd>((resolve) => {
    child.on('exit', (code, signal) => resolve(programEnd(code, signal)));
    child.on('error', (err) => { onSpawnError(err); resolve(exitedWith(EXIT_NOT_EXECUTABLE)); });
  });
  return {
    pid: child.pid ?? -1,
    kill: (s) => { try { child.kill(s); } catch { /* gone */ } },
    exited,
  };
}
