// Which program a guard run starts: is it Claude Code? And its arguments as they may be logged.
// Input: the program as the user named it (`claude`, a full path, `claude.js`, `CLAUDE.EXE` …),
// then its argv. Output: a yes or no that the run command (which adds the Claude integration, and
// with it this redaction: src/cli/agents.ts) reads; the argv with prompts and private option
// values replaced (src/lib/redact-args.ts).
//
// Claude Code takes a prompt as a positional argument (`claude "fix it"`, `claude -p "…"`) and
// prompts, agents and whole settings as option values (`--append-system-prompt …`,
// `--agents '{…}'`, `--settings='{…}'`), so only option names are kept, with the values of the
// few options known to carry nothing private.
import { commandName } from '../lib/program-name.js';
import { redactArgs, UUID, type ArgRules } from '../lib/redact-args.js';

/** `claude`, however it was named: a path, another case, or a wrapper such as claude.exe / claude.js. */
export function isClaudeProgram(program: string): boolean {
  return commandName(program) === 'claude';
}

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

export const CLAUDE_ARG_RULES: ArgRules = {
  plainValue: CLAUDE_PLAIN_VALUE_OPTIONS,
  privateValue: CLAUDE_PRIVATE_VALUE_OPTIONS,
  optionalValue: { options: CLAUDE_SESSION_OPTIONS, keep: (v) => UUID.test(v) },
};

/** claude's args as they may be logged: prompts and private option values redacted. */
export function redactClaudeArgs(args: readonly string[]): string[] {
  return redactArgs(args, CLAUDE_ARG_RULES);
}
