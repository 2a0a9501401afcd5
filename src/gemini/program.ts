// Is the program a guard run starts Gemini CLI? Input: the program as the user named it (`gemini`,
// a path, `gemini.js`, `GEMINI.CMD` …). Output: yes or no, shared by the run command (which adds the
// Gemini integration) and the session log's redaction (which hides prompts given as arguments).
import * as path from 'node:path';

export function isGeminiProgram(program: string): boolean {
  return /^gemini(?:\.(?:exe|js|cjs|mjs|cmd|bat))?$/i.test(path.basename(program.replace(/\\/g, '/')));
}

/**
 * Gemini CLI 0.61.0 options (`gemini --help`) whose value is a name, a mode or an id, kept in the
 * log because they explain a run. Any other option's value and every positional word (the query,
 * `-p`/`-i` prompts) is redacted.
 */
export const GEMINI_PLAIN_VALUE_OPTIONS = new Set(['-m', '--model', '--approval-mode', '-o', '--output-format', '-r', '--resume', '--session-id', '-e', '--extensions']);
/** Its options that take no value: the word after them is read afresh. */
export const GEMINI_FLAGS = new Set([
  '-d', '--debug', '--skip-trust', '-s', '--sandbox', '-y', '--yolo', '--acp', '--experimental-acp', '-l', '--list-extensions',
  '--list-sessions', '--screen-reader', '--raw-output', '--accept-raw-output-risk', '-v', '--version', '-h', '--help',
]);
