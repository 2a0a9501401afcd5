// Program output throughput: 64 MiB of coloured text printed by `cat` in a pty, bare, through
// guard (bin/guard.js, needs `npm run build`) and through tmux, all measured in this
// run at the same terminal size. The outer terminal is a node-pty whose output is read and
// dropped. Prints MB/s and guard's ratio to each. Figures only: no assertions.
// Run alone: `npx tsx bench/throughput.bench.ts [MiB]`.
import * as pty from '@lydell/node-pty';
import { mkdtempSync, writeFileSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_MIB = 64;
const COLS = 120;
const ROWS = 40;
const MIB = 1 << 20;
/** Runs per contender; the best is reported (the machine is shared, noise only slows). */
const RUNS = 3;

/** Coloured text as a program like a compiler or `ls --color` would print it: 16, 256 and 24-bit colours. */
function colouredText(bytes: number): Buffer {
  const words = ['error', 'warning', 'src/ui/renderer.ts', 'function', '1234', 'const', 'ok', '✓', '中文'];
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    let line = '';
    for (let w = 0; w < 10; w++) {
      const word = words[(i * 7 + w) % words.length] as string;
      const k = (i + w) % 3;
      line += k === 0 ? `\x1b[3${(i + w) % 8}m${word}\x1b[0m `
        : k === 1 ? `\x1b[38;5;${(i * 3 + w) % 256}m${word}\x1b[0m `
        : `\x1b[1;38;2;${(i * 5) % 256};${(w * 25) % 256};128m${word}\x1b[0m `;
    }
    line += '\n';
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

function timeInPty(file: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const p = pty.spawn(file, args, { cols: COLS, rows: ROWS, cwd: ROOT, env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string>, name: 'xterm-256color', encoding: null });
    p.onData(() => { /* the outer terminal reads and drops everything */ });
    p.onExit(() => resolve(Number(process.hrtime.bigint() - start) / 1e9));
  });
}

function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

export default async function throughputBench(mib = DEFAULT_MIB): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'guard-bench-'));
  try {
    const dataFile = join(dir, 'coloured.txt');
    const fd = openSync(dataFile, 'w');
    const chunk = colouredText(8 * MIB);
    for (let left = mib * MIB; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(left, chunk.length));
    closeSync(fd);
    const mb = (mib * MIB) / 1e6;
    const report = (name: string, secs: number): void => {
      process.stdout.write(`${name.padEnd(8)} ${secs.toFixed(2).padStart(6)} s  ${(mb / secs).toFixed(1).padStart(7)} MB/s\n`);
    };
    process.stdout.write(`${mib} MiB of coloured text through \`cat\`, ${COLS}x${ROWS}, best of ${RUNS}\n`);
    const contenders: Array<[string, string, string[]]> = [
      ['bare pty', 'cat', [dataFile]],
      ['guard', process.execPath, [join(ROOT, 'bin/guard.js'), 'cat', dataFile]],
    ];
    const socket = `guard-bench-${process.pid}`;
    if (hasTmux()) {
      const conf = join(dir, 'tmux.conf');
      writeFileSync(conf, 'set -g status on\n');
      contenders.push(['tmux', 'tmux', ['-L', socket, '-f', conf, 'new-session', `cat ${dataFile}`]]);
    }
    // Rounds interleave the contenders so a busy moment on the machine hurts them alike.
    const bestOf = new Map<string, number>();
    for (let r = 0; r < RUNS; r++) {
      for (const [name, file, args] of contenders) bestOf.set(name, Math.min(bestOf.get(name) ?? Infinity, await timeInPty(file, args)));
    }
    if (hasTmux()) spawnSync('tmux', ['-L', socket, 'kill-server']);
    const bare = bestOf.get('bare pty') as number;
    const guard = bestOf.get('guard') as number;
    const tmux = bestOf.get('tmux') ?? null;
    report('bare pty', bare);
    report('guard', guard);
    if (tmux !== null) report('tmux', tmux);
    else process.stdout.write('tmux     skipped: tmux not installed\n');
    process.stdout.write(`guard/bare throughput ratio ${(bare / guard).toFixed(2)}`);
    if (tmux !== null) process.stdout.write(`, guard/tmux ${(tmux / guard).toFixed(2)} (target ≥ 1.00${tmux / guard >= 1 ? ', met' : ', MISSED'})`);
    process.stdout.write('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = Number(process.argv[2]);
  await throughputBench(Number.isFinite(arg) && arg > 0 ? arg : DEFAULT_MIB);
}
