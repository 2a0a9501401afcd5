// Keeps prompts out of the session log. Input: a record about to be written, or a program's
// argv. Output: the same with prompt text removed. Claude Code takes a prompt as a positional
// argument (`claude "fix it"`, `claude -p "…"`) and prompts, agents and whole settings as option
// values (`--append-system-prompt …`, `--agents '{…}'`, `--settings='{…}'`), so for claude only
// option names are kept, with the values of the few options known to carry nothing private.
// Everything else (positional words, values of other options, in both `--opt v` and `--opt=v`
// form) becomes REDACTED.
import { isClaudeProgram } from '../claude/program.js';
import { GEMINI_FLAGS, GEMINI_PLAIN_VALUE_OPTIONS, isGeminiProgram } from '../gemini/program.js';

/** Fields that would carry what the user or Claude wrote; never written to a log. */
const FORBIDDEN_FIELDS = new Set(['prompt', 'response', 'completion', 'content', 'messages']);
export const REDACTED = '<redacted>';

/**
 * Claude Code options (2.1.x `claude --help`) whose value is a name, a mode or an id, kept in the
 * log because they explain a run. Any other option's value is redacted.
 */
const CLAUDE_PLAIN_VALUE_OPTIONS = new Set([
  '--model', '--fallback-model', '--permission-mode', '--setting-sources', '--session-id', '--output-format',
  '--input-format', '--agent', '--effort', '--autocompact', '--max-budget-usd', '--permission-prompts',
]);
/**
 * Options whose value is optional (`-r [value]`: a session id or a search term): the next word may
 * as well be a prompt, so it is kept only when it is a session id (a UUID). Other optional-value
 * options (`--debug [filter]` …) are plain flags here: a word after them is redacted.
 */
const CLAUDE_SESSION_OPTIONS = new Set(['--resume', '-r']);
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
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
  if (isGeminiProgram(program)) return redactGeminiArgs(args);
  if (!isClaudeProgram(program)) return [...args];
  const out: string[] = [];
  let next: 'keep' | 'redact' | 'session' | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (next === 'session' && !SESSION_ID.test(a)) next = null; // not its value: read the word afresh
    if (next !== null) {
      out.push(next === 'redact' ? REDACTED : a);
      next = null;
    } else if (a === '--') {
      // Everything after `--` is positional: prompts.
      out.push(a, ...args.slice(i + 1).map(() => REDACTED));
      break;
    } else if (a.startsWith('-') && a !== '-') {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) {
        const name = a.slice(0, eq);
        const keep = CLAUDE_PLAIN_VALUE_OPTIONS.has(name) || (CLAUDE_SESSION_OPTIONS.has(name) && SESSION_ID.test(a.slice(eq + 1)));
        out.push(keep ? a : `${name}=${REDACTED}`);
      } else if (!a.startsWith('--') && a.length > 2) {
        // A short option with its value attached (`-rVALUE`, `-r=VALUE`): the option, not the value.
        out.push(`${a.slice(0, 2)}${REDACTED}`);
      } else {
        out.push(a);
        if (CLAUDE_PLAIN_VALUE_OPTIONS.has(a)) next = 'keep';
        else if (CLAUDE_SESSION_OPTIONS.has(a)) next = 'session';
        else if (CLAUDE_PRIVATE_VALUE_OPTIONS.has(a)) next = 'redact';
      }
    } else {
      out.push(REDACTED);
    }
  }
  return out;
}

/** gemini's args as they may be logged: option names kept, the values of GEMINI_PLAIN_VALUE_OPTIONS kept, the rest redacted. */
function redactGeminiArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let keepNext = false;
  let positional = false;
  for (const a of args) {
    if (positional || !a.startsWith('-') || a === '-') {
      out.push(keepNext && !positional ? a : REDACTED);
      keepNext = false;
    } else if (a === '--') {
      out.push(a);
      positional = true;
    } else {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(0, eq) : a;
      if (eq >= 0) out.push(GEMINI_PLAIN_VALUE_OPTIONS.has(name) ? a : `${name}=${REDACTED}`);
      else out.push(a);
      keepNext = eq < 0 && GEMINI_PLAIN_VALUE_OPTIONS.has(name) && !GEMINI_FLAGS.has(name);
    }
  }
  return out;
}
