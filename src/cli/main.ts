// guard's command line: picks the subcommand and hands it the rest of argv. Each subcommand is
// one file in ./commands. Anything that is not a subcommand is a program to run under guard:
// `guard [guard options] <program> [program args…]`.
import { runCommand } from './commands/run.js';
import { lsCommand } from './commands/ls.js';
import { logCommand } from './commands/log.js';
import { demoCommand } from './commands/demo.js';

export const USAGE = `usage:
  guard [options] <program> [args…]   run a program (claude: with context tracking) under guard
  guard ls [--json]                    guarded sessions running now
  guard log [--json] [ID|latest]       review a session (no ID: recent sessions)
  guard demo                           the whole product in a minute, offline
options (before the program's name):
  --no-footer             pass the program's output through untouched
  --strategy S            handoff (default) | compact | off
  --threshold P           arm the checkpoint at P% of the auto-compact point (default 80)
  --window N              the model's context window, overriding what guard infers
  -h, --help              this text
  -V, --version           guard's version
`;

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  ls: lsCommand,
  log: logCommand,
  demo: demoCommand,
};

export async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '-h' || first === '--help') {
    (first === undefined ? process.stderr : process.stdout).write(USAGE);
    return first === undefined ? 2 : 0;
  }
  const sub = SUBCOMMANDS[first];
  if (sub) return sub(argv.slice(1));
  return runCommand(argv);
}
