// Which program a guard run starts: is it Claude Code? Input: the program as the user named it
// (`claude`, a full path, `claude.js`, `CLAUDE.EXE` …). Output: a yes or no that the run command
// (which adds the Claude integration) and the session log's redaction (which hides prompts) share,
// so both treat the same names as Claude.
import * as path from 'node:path';

/** `claude`, however it was named: a path, another case, or a wrapper such as claude.exe / claude.js. */
export function isClaudeProgram(program: string): boolean {
  return /^claude(?:\.(?:exe|js|cjs|mjs|cmd|bat))?$/i.test(path.basename(program.replace(/\\/g, '/')));
}
