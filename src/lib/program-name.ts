// A program's command name, as guard tells agents apart and labels runs. Input: the program as the
// user named it (`claude`, a full path, `claude.js`, `C:\Tools\CODEX.CMD` …). Output: its last
// path part, lower case, without the extension of a wrapper (`.exe`, `.js`, `.cjs`, `.mjs`,
// `.cmd`, `.bat`). Read by each agent's `is…Program` (src/claude/, src/codex/, src/gemini/
// program.ts) and by the log's program label (src/log/format.ts). Pure.
import * as path from 'node:path';

const WRAPPER_EXTENSION = /\.(?:exe|js|cjs|mjs|cmd|bat)$/i;

export function commandName(program: string): string {
  return path.posix.basename(program.replace(/\\/g, '/')).replace(WRAPPER_EXTENSION, '').toLowerCase();
}
