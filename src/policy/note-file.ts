// The file side of the handoff. Before guard asks Claude to write a checkpoint note, it prepares
// the note's folder: created private to the user (0700: the notes summarise their work), and for
// guard's own default folder (.guard/checkpoints) with a `.gitignore` of `*`, so notes are not
// committed by accident; a folder the user configured is created if missing but otherwise left as
// it is. Afterwards: does the note Claude was asked to write exist with content? The policy names
// the path relative to Claude's working directory; the controller (./controller.ts) calls these
// and hands the answer back to the policy.

import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { NoteCheck } from './controller.js';

/** A note of only whitespace-free bytes below this is no note ("", "\n", "ok"). */
const MIN_NOTE_BYTES = 16;
const PRIVATE_DIR = 0o700;
/** Ignores everything in the folder, itself included: git then never lists a note. */
const GITIGNORE = '# guard: checkpoint notes are private summaries of your work; not for commits.\n*\n';

export function noteChecker(cwd: string): (path: string) => Promise<NoteCheck> {
  return async (path) => {
    try {
      const s = await stat(isAbsolute(path) ? path : resolve(cwd, path));
      return { ok: s.isFile() && s.size >= MIN_NOTE_BYTES, bytes: s.size };
    } catch {
      return { ok: false };
    }
  };
}

export interface NoteFolderOptions {
  /** guard's own notes folder (the default note path): make it 0700 and add the `.gitignore`. */
  guardsOwn: boolean;
}

/**
 * Prepares the folder of `notePath` (relative to `cwd`). Creates missing folders 0700; for guard's
 * own folder also tightens it to 0700 and writes `.gitignore` unless one is there. Throws the
 * file system's error (the caller reports it; Claude can still create the folder itself).
 */
export function prepareNoteFolder(cwd: string, notePath: string, opts: NoteFolderOptions): void {
  const dir = dirname(isAbsolute(notePath) ? notePath : resolve(cwd, notePath));
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  if (!opts.guardsOwn) return;
  if ((statSync(dir).mode & 0o777) !== PRIVATE_DIR) chmodSync(dir, PRIVATE_DIR);
  try {
    writeFileSync(resolve(dir, '.gitignore'), GITIGNORE, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
