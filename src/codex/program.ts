// Is the program a guard run starts Codex CLI? And its arguments as they may be logged. Input: the
// program as the user named it (`codex`, a path, `codex.exe`, `codex.js`), then its argv. Output:
// yes or no, read by the run command (which adds the Codex integration, and with it this
// redaction: src/cli/agents.ts); the argv with its prompt and private option values replaced
// (src/lib/redact-args.ts).
//
// Codex 0.171.0 (`codex --help`): `codex [OPTIONS] [PROMPT]` or `codex [OPTIONS] <COMMAND> [ARGS]`.
// The prompt is a positional word (`codex "fix it"`, `codex exec "fix it"`); `-c key=value` may
// carry anything the config can (headers with tokens, commands), `-i` names files and `-C`/`--cd`
// and `--add-dir` name project folders. Kept: option names, the values of the options below, the
// subcommand (the first positional word, when it is one) and session ids (`codex resume <id>`).
import { commandName } from '../lib/program-name.js';
import { redactArgs, UUID, type ArgRules } from '../lib/redact-args.js';

export function isCodexProgram(program: string): boolean {
  return commandName(program) === 'codex';
}

/** Options whose value is a name or a mode, kept because they explain a run. */
const CODEX_PLAIN_VALUE_OPTIONS = new Set([
  '-m', '--model', '-s', '--sandbox', '-a', '--ask-for-approval', '--enable', '--disable', '--local-provider',
]);
/**
 * Options whose value may be private; the word after them is their value, redacted. `-p` is
 * Codex's profile, but Claude's prompt: a prompt typed there out of habit stays out of the log.
 */
const CODEX_PRIVATE_VALUE_OPTIONS = new Set([
  '-p', '--profile', '-c', '--config', '-i', '--image', '-C', '--cd', '--add-dir', '--remote', '--remote-auth-token-env',
]);
/** Its subcommands and their aliases (0.171.0): the first positional word, when it is one of these. */
const CODEX_SUBCOMMANDS = new Set([
  'agents', 'exec', 'e', 'review', 'login', 'logout', 'mcp', 'plugin', 'app-server', 'remote-control', 'completion', 'update',
  'doctor', 'sandbox', 'debug', 'apply', 'a', 'resume', 'queue', 'archive', 'delete', 'migrate-rollouts', 'migrate-nfs-db',
  'unarchive', 'fork', 'cloud', 'exec-server', 'features', 'help',
]);

export const CODEX_ARG_RULES: ArgRules = {
  plainValue: CODEX_PLAIN_VALUE_OPTIONS,
  privateValue: CODEX_PRIVATE_VALUE_OPTIONS,
  keepPositional: (word, index) => (index === 0 && CODEX_SUBCOMMANDS.has(word)) || UUID.test(word),
};

/** codex's args as they may be logged: its prompt and private option values redacted. */
export function redactCodexArgs(args: readonly string[]): string[] {
  return redactArgs(args, CODEX_ARG_RULES);
}
