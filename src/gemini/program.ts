// Is the program a guard run starts Gemini CLI? And its arguments as they may be logged. Input:
// the program as the user named it (`gemini`, a path, `gemini.js`, `GEMINI.CMD` …), then its argv.
// Output: yes or no, read by the run command (which adds the Gemini integration, and with it this
// redaction: src/cli/agents.ts); the argv with its query, prompts and private option values
// replaced (src/lib/redact-args.ts).
import { commandName } from '../lib/program-name.js';
import { redactArgs, UUID, type ArgRules } from '../lib/redact-args.js';

export function isGeminiProgram(program: string): boolean {
  return commandName(program) === 'gemini';
}

/**
 * Gemini CLI 0.61.0 options (`gemini --help`) whose value is a name, a mode or an id, kept in the
 * log because they explain a run. Any other option's value and every positional word (the query,
 * `-p`/`-i` prompts) is redacted.
 */
const GEMINI_PLAIN_VALUE_OPTIONS = new Set(['-m', '--model', '--approval-mode', '-o', '--output-format', '-e', '--extensions']);
/**
 * `--resume` takes "latest", an index or a session id, and `--session-id` an id; Gemini would read
 * any word there as one, so a word that is none of those (a prompt typed after a bare `-r`) is
 * redacted like a positional one.
 */
const GEMINI_SESSION_OPTIONS = new Set(['-r', '--resume', '--session-id']);
const GEMINI_SESSION_REF = /^(?:latest|\d+)$/;

export const GEMINI_ARG_RULES: ArgRules = {
  plainValue: GEMINI_PLAIN_VALUE_OPTIONS,
  // Every other option's value is redacted anyway: read afresh, a positional word is.
  privateValue: new Set(),
  optionalValue: { options: GEMINI_SESSION_OPTIONS, keep: (v) => GEMINI_SESSION_REF.test(v) || UUID.test(v) },
};

/** gemini's args as they may be logged: option names, models and modes kept, the rest redacted. */
export function redactGeminiArgs(args: readonly string[]): string[] {
  return redactArgs(args, GEMINI_ARG_RULES);
}
