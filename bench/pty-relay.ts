// The least a Node.js program between a terminal and a pty can do, for the latency bench's
// reference row: the user's keys to the program's pty, its output to the terminal, nothing else
// (no screen model, no frames). What this adds over a bare pty is the floor for any Node-based
// multiplexer on the machine, guard included.
// Run: `node --import tsx bench/pty-relay.ts <program> [args…]` (the bench does).
import * as pty from '@lydell/node-pty';

const [file, ...args] = process.argv.slice(2);
if (!file) throw new Error('usage: pty-relay <program> [args…]');
process.stdin.setRawMode(true);
const p = pty.spawn(file, args, {
  cols: process.stdout.columns, rows: process.stdout.rows, cwd: process.cwd(),
  env: process.env as Record<string, string>, name: process.env.TERM ?? 'xterm-256color',
});
process.stdin.on('data', (d: Buffer) => p.write(d.toString('utf8')));
p.onData((d) => process.stdout.write(d));
p.onExit(({ exitCode }) => process.exit(exitCode));
