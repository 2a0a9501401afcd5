// A run's args as its session log keeps them (src/cli/agents.ts loggableArgs, with each agent's
// rules: src/claude/program.ts, src/codex/program.ts, src/gemini/program.ts, read by
// src/lib/redact-args.ts): every form of a prompt or a private value, under every name of each
// agent, is redacted; option names, models, modes, subcommands and session ids stay; a program
// guard runs plainly keeps its args.
import t, { type Test } from 'tap';
import { loggableArgs } from '../../../src/cli/agents.js';
import { REDACTED } from '../../../src/lib/redact-args.js';

const SECRET = 'SECRET';
const ID = '3f2a9c4e-1b7d-4e2a-9c1f-0123456789ab';

/** Every form, after a plain option, under every name: nothing secret, one word per argument, the plain value kept. */
function allRedacted(t: Test, names: string[], plain: string[], forms: string[][]): void {
  for (const name of names) {
    for (const form of forms) {
      const out = loggableArgs(name, [...plain, ...form]);
      t.notMatch(out.join(' '), SECRET, `${name} ${form.join(' ')}`);
      t.equal(out.length, form.length + plain.length, 'one logged word per argument');
      t.same(out.slice(0, plain.length), plain, 'plain option values stay');
    }
  }
}

t.test('claude: every form of a prompt-carrying option, under every name of claude, is redacted', async (t) => {
  allRedacted(t, ['claude', 'claude.js', 'Claude', 'CLAUDE.EXE', '/opt/tools/bin/claude', './node_modules/.bin/claude', 'C:\\Tools\\claude.cmd'], ['--model', 'opus'], [
    [`--append-system-prompt=${SECRET}`], ['--append-system-prompt', SECRET],
    [`--system-prompt=${SECRET}`], ['--system-prompt', SECRET],
    [`--settings={"env":{"K":"${SECRET}"}}`], ['--settings', `{"env":{"K":"${SECRET}"}}`],
    [`--agents={"a":{"prompt":"${SECRET}"}}`], ['--agents', `{"a":{"prompt":"${SECRET}"}}`],
    [`--mcp-config={"x":"${SECRET}"}`], ['--mcp-config', `{"x":"${SECRET}"}`],
    ['-p', SECRET], ['--print', SECRET], [SECRET], ['--', `-${SECRET}`],
    ['--unknown-option', SECRET], [`--unknown-option=${SECRET}`],
    ['--resume', SECRET], ['-r', SECRET], [`--resume=${SECRET}`], [`-r${SECRET}`], [`-r=${SECRET}`], ['--debug', SECRET], ['-d', SECRET], ['--name', SECRET],
  ]);
  // Option names stay, so the log still says how the run was started.
  t.same(loggableArgs('claude', ['--resume', ID, '--append-system-prompt', 'x', '--permission-mode=plan', '--verbose', 'hi', `-r=${ID}`, '-r', 'go']),
    ['--resume', ID, '--append-system-prompt', REDACTED, '--permission-mode=plan', '--verbose', REDACTED, `-r${REDACTED}`, '-r', REDACTED],
    'a session id after --resume stays; a word that is not one is a prompt');
  t.same(loggableArgs('/usr/bin/claude', ['-p', 'do things', '--model', 'opus', '--settings={"a":1}', 'more']), ['-p', REDACTED, '--model', 'opus', `--settings=${REDACTED}`, REDACTED]);
});

t.test('codex: its prompt, config values, files and folders are redacted; subcommands, models, modes and session ids stay', async (t) => {
  allRedacted(t, ['codex', 'codex.js', 'Codex.EXE', '/usr/local/bin/codex', 'C:\\npm\\codex.cmd'], ['-m', 'gpt-5.5'], [
    [SECRET], ['exec', SECRET], ['e', SECRET], ['review', SECRET], ['resume', SECRET], ['fork', SECRET], ['archive', SECRET],
    ['-c', `model_providers.x.http_headers.authorization="Bearer ${SECRET}"`], [`--config=otel.headers={k="${SECRET}"}`], [`-c${SECRET}`],
    ['-i', `/home/u/${SECRET}.png`], ['--image', SECRET], ['-C', `/work/${SECRET}`], ['--cd', SECRET], ['--add-dir', SECRET],
    ['--remote', `wss://${SECRET}`], ['--remote-auth-token-env', SECRET], ['-p', SECRET], ['--profile', SECRET],
    ['--', SECRET], ['--search', SECRET], ['--unknown', SECRET], [`--unknown=${SECRET}`], ['exec', 'exec', SECRET],
  ]);
  t.same(loggableArgs('codex', ['--sandbox', 'workspace-write', '-a', 'never', '--enable', 'hooks', 'resume', ID]),
    ['--sandbox', 'workspace-write', '-a', 'never', '--enable', 'hooks', 'resume', ID], 'a resumed session: nothing private, all kept');
  t.same(loggableArgs('codex', ['-c', 'model="o3"', 'exec', '--json', 'fix the bug']), ['-c', REDACTED, 'exec', '--json', REDACTED],
    'the subcommand after a config value is still the first positional word');
  t.same(loggableArgs('codex', ['fix', 'exec']), [REDACTED, REDACTED], 'a subcommand name only counts first');
});

t.test('gemini: its query and prompts are redacted; its model, mode and session references stay', async (t) => {
  allRedacted(t, ['gemini', 'gemini.js', 'GEMINI.CMD', '/usr/bin/gemini'], ['-m', 'gemini-2.5-pro'], [
    [SECRET], ['-p', SECRET], ['--prompt', SECRET], [`--prompt=${SECRET}`], ['-i', SECRET], ['--prompt-interactive', SECRET],
    ['-r', SECRET], ['--resume', SECRET], [`--resume=${SECRET}`], ['--session-id', SECRET], [`-p${SECRET}`],
    ['--policy', `/x/${SECRET}`], ['--include-directories', SECRET], ['--yolo', SECRET], ['--', `-${SECRET}`],
  ]);
  t.same(loggableArgs('gemini', ['-m', 'gemini-2.5-pro', '--yolo', 'fix the bug', '-p', 'secret plan', '--approval-mode=auto_edit', '--policy=/x', '--', '-q']),
    ['-m', 'gemini-2.5-pro', '--yolo', REDACTED, '-p', REDACTED, '--approval-mode=auto_edit', `--policy=${REDACTED}`, '--', REDACTED], 'its query and prompts redacted, its model and mode kept');
  t.same(loggableArgs('gemini', ['--resume', 'latest', '-r', '3', `--session-id=${ID}`]), ['--resume', 'latest', '-r', '3', `--session-id=${ID}`], 'session references stay');
});

t.test('a program guard runs plainly keeps its arguments', async (t) => {
  t.same(loggableArgs('sh', ['-c', 'exit 7']), ['-c', 'exit 7']);
  t.same(loggableArgs('claudette', ['hello']), ['hello'], 'a name that only starts like an agent\'s is no agent');
  t.same(loggableArgs('codexx', ['hello']), ['hello']);
});
