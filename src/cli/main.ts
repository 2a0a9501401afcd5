// guard's command line: picks the subcommand and hands it the rest of argv. Each subcommand is
// one file in ./commands. Anything that is not a subcommand is a program to run under guard:
// `guard [guard options] <program> [program args…]`.
// Only the run command (./commands/run.ts) is imported here; the other subcommands load when
// used. The build bundles what is imported here into guard's main file (scripts/build.ts), and
// that file is what Node compiles before `guard claude` can spawn Claude: the run's first half
// and nothing else (start-up, issue 10). What loads a large package (the display, the OTLP codec,
// the forwarder, the metrics server, the config store, the terminal chart) is loaded on demand
// where it is used.
import { GUARD_VERSION } from '../version.js';
import { runCommand } from './commands/run.js';

export const USAGE = `usage:
  guard [options] <program> [args…]   run a program (claude, codex, gemini: gauge and checkpoints)
  guard ls [--json]                    guarded sessions running now
  guard log [--json] [ID|latest]       review a session (no ID: recent sessions)
  guard log --html FILE [ID|latest]    the review as one self-contained page
  guard report [--since 7d] [--by day|project|model|agent] [--json|--csv]   totals across sessions
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

/** Each subcommand's module, loaded when it is the one asked for. */
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
  const command = Object.hasOwn(SUBCOMMANDS, first) ? SUBCOMMANDS[first] : undefined;
  if (command) return (await command())(argv.slice(1));
  return runCommand(argv);
}
