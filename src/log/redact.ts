// Keeps prompts out of the session log. Input: a record about to be written, or a program's
// argv. Output: the same with prompt text removed. Claude Code takes a prompt as a positional
// argument (`claude "fix it"`, `claude -p "…"`), so for claude only options and the values of
// options known to take one are kept.
import * as path from 'node:path';

/** Fields that would carry what the user or Claude wrote; never written to a log. */
const FORBIDDEN_FIELDS = new Set(['prompt', 'response', 'completion', 'content', 'messages']);
export const REDACTED = '<redacted>';

/** Claude Code options whose next argument is a value, not a prompt (2.1.x `claude --help`). */
const CLAUDE_VALUE_OPTIONS = new Set([
  '--model', '--fallback-model', '--permission-mode', '--settings', '--setting-sources', '--resume', '-r',
  '--session-id', '--add-dir', '--mcp-config', '--output-format', '--input-format', '--agents', '--agent',
  '--allowedTools', '--allowed-tools', '--disallowedTools', '--disallowed-tools', '--plugin-dir', '--debug',
]);

export function stripForbiddenFields<T extends object>(record: T): T {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(record)) {
    if (FORBIDDEN_FIELDS.has(key)) {
      out ??= { ...(record as Record<string, unknown>) };
      delete out[key];
    }
  }
  return (out ?? record) as T;
}

/** The args as they may be logged: for claude, positional words (prompts) become REDACTED. */
export function redactArgs(program: string, args: readonly string[]): string[] {
  if (path.basename(program) !== 'claude') return [...args];
  const out: string[] = [];
  let takesValue = false;
  for (const a of args) {
    if (takesValue) {
      out.push(a);
      takesValue = false;
    } else if (a.startsWith('-')) {
      out.push(a);
      takesValue = !a.includes('=') && CLAUDE_VALUE_OPTIONS.has(a);
    } else {
      out.push(REDACTED);
    }
  }
  return out;
}
