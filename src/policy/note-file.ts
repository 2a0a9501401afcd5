// The file side of the handoff: does the checkpoint note Claude was asked to write exist with
// content? The policy names the path relative to Claude's working directory; the controller
// (./controller.ts) calls this and hands the answer back to the policy.

import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { NoteCheck } from './controller.js';

/** A note of only whitespace-free bytes below this is no note ("", "\n", "ok"). */
const MIN_NOTE_BYTES = 16;

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
