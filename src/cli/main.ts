// guard's command line: picks the subcommand and hands it the rest of argv. Each subcommand is
// one file in ./commands, loaded only when used: `guard claude` starts Claude sooner when the
// modules of `guard log` (and theirs) are not loaded. Anything that is not a subcommand is a
// program to run under guard: `guard [guard options] <program> [program args…]`.
import { GUARD_VERSION } from '../version.js';

export const USAGE = `usage:
  guard [options] <program> [args…]   run a program (claude: with context tracking) under guard
  guard ls [--json]                    guarded sessions running now
  guard log [--json] [ID|latest]       review a session (no ID: recent sessions)
  guard log --html FILE [ID|latest]    the review as one self-contained page
  guard report [--since 7d] [--by day|project|model] [--json|--csv]   totals across sessions
  guard dashboard [--port P]           a local page with every running session, live, and the history
  guard demo                           the whole product in a minute, offline
  guard config get|set|unset|list|path guard's settings (guard config --help)
  guard <command> --help               help for each command above
  (guard claude --help is Claude Code's own help: everything after the program's name is its own)
options (before the program's name):
  --no-footer             pass the program's output through untouched
  --strategy S            handoff (default) | compact | off
  --threshold P           arm the checkpoint at P% of the auto-compact point (default 80)
  --window N              the model's context window, overriding what guard infers
  --metrics-port P        serve Prometheus metrics on http://127.0.0.1:P/metrics
  -h, --help              this text
  -V, --version           guard's version
keys while a program runs: Ctrl-G then c (checkpoint now), s (skip), f (footer), [ (scroll back), ? (help)
`;

type Command = (args: string[]) => Promise<number>;

const SUBCOMMANDS: Record<string, () => Promise<Command>> = {
  ls: async () => (await import('./commands/ls.js')).lsCommand,
  log: async () => (await import('./commands/log.js')).logCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  dashboard: async () => (await import('./commands/dashboard.js')).dashboardCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  config: async () => (await import('./commands/config.js')).configCommand,
};

export async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '-h' || first === '--help') {
    (first === undefined ? process.stderr : process.stdout).write(USAGE);
    return first === undefined ? 2 : 0;
  }
  if (first === '-V' || first === '--version') {
    process.stdout.write(`guard ${GUARD_VERSION}\n`);
    return 0;
  }
  const load = SUBCOMMANDS[first];
  if (load) return (await load())(argv.slice(1));
  const { runCommand } = await import('./commands/run.js');
  return runCommand(argv);
}
