// Keeps prompts out of the session log. Input: a record about to be written, or a program's
// argv. Output: the same with prompt text removed. Claude Code takes a prompt as a positional
// argument (`claude "fix it"`, `claude -p "…"`) and prompts, agents and whole settings as option
// values (`--append-system-prompt …`, `--agents '{…}'`, `--settings='{…}'`), so for claude only
// option names are kept, with the values of the few options known to carry nothing private.
// Everything else (positional words, values of other options, in both `--opt v` and `--opt=v`
// form) becomes REDACTED.
import { isClaudeProgram } from '../claude/program.js';

/** Fields that would carry what the user or Claude wrote; never written to a log. */
const FORBIDDEN_FIELDS = new Set(['prompt', 'response', 'completion', 'content', 'messages']);
export const REDACTED = '<redacted>';

/**
 * Claude Code options (2.1.x `claude --help`) whose value is a name, a mode or an id, kept in the
 * log because they explain a run. Any other option's value is redacted.
 */
const CLAUDE_PLAIN_VALUE_OPTIONS = new Set([
  '--model', '--fallback-model', '--permission-mode', '--setting-sources', '--resume', '-r',
  '--session-id', '--output-format', '--input-format', '--agent', '--debug',
]);
/**
 * Options whose value may be private (a prompt, JSON with agents' prompts or settings with env
 * values and commands, a path that names a project) or that Claude reads as a value rather than a
 * prompt: their value is redacted, and the word after them is taken as their value.
 */
const CLAUDE_PRIVATE_VALUE_OPTIONS = new Set([
  '--settings', '--agents', '--append-system-prompt', '--system-prompt', '--append-system-prompt-file',
  '--system-prompt-file', '--mcp-config', '--add-dir', '--plugin-dir', '--allowedTools', '--allowed-tools',
  '--disallowedTools', '--disallowed-tools', '--tools', '--json-schema', '--betas', '--file',
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

/** The args as they may be logged: for claude, prompts and private option values become REDACTED. */
export function redactArgs(program: string, args: readonly string[]): string[] {
  if (!isClaudeProgram(program)) return [...args];
  const out: string[] = [];
  let next: 'keep' | 'redact' | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (next !== null) {
      out.push(next === 'keep' ? a : REDACTED);
      next = null;
    } else if (a === '--') {
      // Everything after `--` is positional: prompts.
      out.push(a, ...args.slice(i + 1).map(() => REDACTED));
      break;
    } else if (a.startsWith('-') && a !== '-') {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) {
        const name = a.slice(0, eq);
        out.push(CLAUDE_PLAIN_VALUE_OPTIONS.has(name) ? a : `${name}=${REDACTED}`);
      } else {
        out.push(a);
        if (CLAUDE_PLAIN_VALUE_OPTIONS.has(a)) next = 'keep';
        else if (CLAUDE_PRIVATE_VALUE_OPTIONS.has(a)) next = 'redact';
      }
    } else {
      out.push(REDACTED);
    }
  }
  return out;
}
