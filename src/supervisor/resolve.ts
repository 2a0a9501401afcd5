// Finds the program the user named, the way a shell would: a name with a slash is a path, any
// other name is looked up in PATH. Input: the name and the environment; output: an absolute path
// or a typed failure that run.ts turns into "command not found" (127) / "permission denied" (126).
// The file-system probe is injected so the lookup is testable without real files.
import { accessSync, statSync, constants } from 'node:fs';
import path from 'node:path';

export type Resolved =
  | { ok: true; file: string }
  | { ok: false; reason: 'not-found' | 'not-executable' };

export interface FileProbe {
  /** 'exec' if a regular file we may execute, 'noexec' if a file we may not, null if absent. */
  probe(file: string): 'exec' | 'noexec' | null;
}

export const realProbe: FileProbe = {
  probe(file) {
    try {
      if (!statSync(file).isFile()) return null;
    } catch {
      return null;
    }
    try {
      accessSync(file, constants.X_OK);
      return 'exec';
    } catch {
      return 'noexec';
    }
  },
};

export function resolveProgram(name: string, env: NodeJS.ProcessEnv, cwd: string, fs: FileProbe = realProbe): Resolved {
  if (name === '') return { ok: false, reason: 'not-found' };
  if (name.includes('/')) {
    const file = path.resolve(cwd, name);
    const p = fs.probe(file);
    if (p === 'exec') return { ok: true, file };
    return { ok: false, reason: p === 'noexec' ? 'not-executable' : 'not-found' };
  }
  let sawNoExec = false;
  // An empty PATH entry means the current folder, as in sh.
  for (const dir of (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const file = path.resolve(cwd, dir === '' ? '.' : dir, name);
    const p = fs.probe(file);
    if (p === 'exec') return { ok: true, file };
    if (p === 'noexec') sawNoExec = true;
  }
  return { ok: false, reason: sawNoExec ? 'not-executable' : 'not-found' };
}
