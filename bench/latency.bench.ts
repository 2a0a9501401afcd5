// Keystroke-to-echo latency that guard adds over a bare pty (p50/p99), and guard's idle cost
// (CPU % and resident memory with an idle program). Bare and guard take turns key by key, so load
// from other work on the machine hits both alike. The outer terminal is a node-pty in this
// process; the program is `cat` in raw mode, which echoes each key at once. guard runs from
// bin/guard.js (needs `npm run build`). Two references take the same turns: tmux (when installed;
// another multiplexer, in C) and bench/pty-relay.ts (the least a Node.js program between a
// terminal and a pty can do), so that guard's figure can be read against what any program in its
// place adds on the same machine. Figures only: no assertions.
// The outer terminal is a Node program here (a user's is not), and its own stalls land in the
// timed windows: while it times keys it takes guard's own remedies (src/supervisor/v8-flags.ts's
// tier-up thresholds, put back after; src/supervisor/idle-gc.ts's young generation, collected
// between keys, outside the timed window), and `npm run bench` starts it without V8's memory
// reducer (package.json). With perf sched over a 1,000-key run, 7 of guard's 11 keys over 1.5 ms
// had the bench's own V8 threads on a CPU; with these, 1 of 11. They hit every contender alike,
// but the longer a key takes the more of them it catches, so they inflated guard's figure most.
// Run alone: `npx tsx bench/latency.bench.ts`.
import * as pty from '@lydell/node-pty';
import { v8 } from '../src/lib/lazy-builtin.js';
import { tierUpFlags } from '../src/supervisor/v8-flags.js';
import { v8YoungGeneration, FILL_TO_COLLECT } from '../src/supervisor/idle-gc.js';
import { CLOCK_TICKS, cpuTicks, rssMb } from './proc.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * Keys per contender. A p99 is the 1-in-100 worst: of 300 keys it was the 3rd worst, and moved by
 * 2 ms between runs on a quiet machine here (added 1.1-3.0 ms, 2026-12-01); of 1,000, the 10th
 * worst (1.4-3.0 ms in four runs the same day). ~2 minutes for the four contenders.
 */
const SAMPLES = 1000;
/** Unmeasured keystrokes first, so the paths being timed have run before (lazy compiles, first-call set-up). */
const WARMUP = 40;
/** Between keystrokes, like a fast typist; long enough that frames are never coalesced away. */
const GAP_MS = 25;
const SETTLE_MS = 1500;
const IDLE_SECONDS = 10;
/** V8 shrinks the heap with a few collections in the first ~10 s after start; idle means after that. */
const IDLE_SETTLE_MS = 15_000;
const KEY = '~';
/** Issue 11: guard adds at most this much to a keystroke's echo at p99 (1.2-2.6 ms, quiet, when it was filed). */
const TARGET_ADDED_P99_MS = 1;
/**
 * The target is for "a quiet machine"; the run says whether it had one, by tmux measured in the
 * same run: what tmux adds at p99 is this machine's tail for any program between the terminal and
 * the shell. Proposed in the notes of 2026-12-01: tmux added 0.28-1.09 ms on quiet days here and
 * 5.5-6.8 ms on the noisiest, while guard's p99 stayed at the Node relay's.
 */
const QUIET_TMUX_ADDED_P99_MS = 0.5;
const ECHO_PROGRAM = ['sh', '-c', 'stty raw -echo; echo ready; exec cat'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function spawnOuter(file: string, args: string[]): { p: pty.IPty; next(): Promise<string>; output(): string } {
  const p = pty.spawn(file, args, { cols: 100, rows: 30, cwd: ROOT, env: process.env as Record<string, string>, name: 'xterm-256color' });
  let out = '';
  let waiter: ((s: string) => void) | null = null;
  p.onData((d) => { out += d; if (waiter) { const w = waiter; waiter = null; w(d); } });
  return { p, next: () => new Promise((r) => { waiter = r; }), output: () => out };
}

async function waitFor(o: { output(): string }, text: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!o.output().includes(text)) { if (Date.now() > end) throw new Error(`no "${text}" within ${ms} ms`); await sleep(20); }
}

/**
 * Keystroke-to-echo times of a bare pty and of guard, measured in turns (bare, guard, bare, …)
 * with both running, so that a busy moment on the shared machine hits both alike.
 */
async function echoLatencies(contenders: Array<[string, string[]]>): Promise<number[][]> {
  const outers = contenders.map(([file, args]) => spawnOuter(file, args));
  const young = v8YoungGeneration();
  for (const f of tierUpFlags(process.versions.v8)) v8().setFlagsFromString(f);
  try {
    for (const o of outers) await waitFor(o, 'ready');
    await sleep(SETTLE_MS);
    const samples: number[][] = outers.map(() => []);
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      for (const [k, o] of outers.entries()) {
        const start = process.hrtime.bigint();
        o.p.write(KEY);
        for (;;) { const chunk = await o.next(); if (chunk.includes(KEY)) break; }
        if (i >= WARMUP) samples[k]?.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (young.fill() >= FILL_TO_COLLECT) young.collect();
        // Start a new line now and then so the echoed row stays short.
        if (i % 50 === 49) { o.p.write('\r\n'); await sleep(GAP_MS); }
        await sleep(GAP_MS);
      }
    }
    return samples;
  } finally {
    for (const f of tierUpFlags(process.versions.v8, 1)) v8().setFlagsFromString(f);
    for (const o of outers) o.p.kill('SIGKILL');
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function idleCost(): Promise<{ cpuPct: number; rss: number }> {
  const o = spawnOuter(process.execPath, [join(ROOT, 'bin/guard.js'), 'sh', '-c', 'echo ready; exec sleep 60']);
  try {
    await waitFor(o, 'ready');
    await sleep(IDLE_SETTLE_MS);
    const t0 = cpuTicks(o.p.pid);
    const w0 = Date.now();
    await sleep(IDLE_SECONDS * 1000);
    const cpu = (cpuTicks(o.p.pid) - t0) / CLOCK_TICKS;
    return { cpuPct: (100 * cpu) / ((Date.now() - w0) / 1000), rss: rssMb(o.p.pid) };
  } finally {
    o.p.kill('SIGKILL');
  }
}

export default async function latencyBench(): Promise<void> {
  const tmux = spawnSync('tmux', ['-V']).status === 0;
  const dir = mkdtempSync(join(tmpdir(), 'guard-bench-latency-'));
  const socket = `guard-bench-${process.pid}`;
  const tmuxConf = join(dir, 'tmux.conf');
  // No status line (it would redraw), no delay after Esc.
  writeFileSync(tmuxConf, 'set -g status off\nset -g escape-time 0\n');
  const names = ['bare pty', 'guard', 'node relay', ...(tmux ? ['tmux'] : [])];
  let results: number[][];
  try {
    results = await echoLatencies([
      [ECHO_PROGRAM[0] as string, ECHO_PROGRAM.slice(1)],
      [process.execPath, [join(ROOT, 'bin/guard.js'), ...ECHO_PROGRAM]],
      [process.execPath, ['--import', 'tsx', join(ROOT, 'bench/pty-relay.ts'), ...ECHO_PROGRAM]],
      ...(tmux ? [['tmux', ['-L', socket, '-f', tmuxConf, 'new-session', `sh -c '${ECHO_PROGRAM.slice(2).join(' ')}'`]] as [string, string[]]] : []),
    ]);
  } finally {
    if (tmux) spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(dir, { recursive: true, force: true });
  }
  const [bare = [], guard = [], relay = []] = results;
  const line = (name: string, xs: number[]): string => {
    const added = name === 'bare pty' ? '' : `   adds p50 ${(pct(xs, 50) - pct(bare, 50)).toFixed(2)} ms, p99 ${(pct(xs, 99) - pct(bare, 99)).toFixed(2)} ms`;
    return `${name.padEnd(10)} p50 ${pct(xs, 50).toFixed(2)} ms  p99 ${pct(xs, 99).toFixed(2)} ms${added}`;
  };
  process.stdout.write(`keystroke → echo, ${SAMPLES} keys each (after ${WARMUP} unmeasured), ${GAP_MS} ms apart, all in turns\n`);
  for (const [i, name] of names.entries()) process.stdout.write(`${line(name, results[i] ?? [])}\n`);
  if (!tmux) process.stdout.write('tmux       skipped: tmux not installed (apt-get install tmux)\n');
  process.stdout.write(`guard over the node relay: p50 ${(pct(guard, 50) - pct(relay, 50)).toFixed(2)} ms, p99 ${(pct(guard, 99) - pct(relay, 99)).toFixed(2)} ms (guard's own work, beyond what any Node.js program in its place adds)\n`);
  const addedP99 = pct(guard, 99) - pct(bare, 99);
  process.stdout.write(`added by guard: p50 ${(pct(guard, 50) - pct(bare, 50)).toFixed(2)} ms, p99 ${addedP99.toFixed(2)} ms (target ≤ ${TARGET_ADDED_P99_MS} ms on a quiet machine${addedP99 <= TARGET_ADDED_P99_MS ? ', met' : ', MISSED'})\n`);
  const tmuxRes = results[3];
  const tmuxAddedP99 = tmuxRes ? pct(tmuxRes, 99) - pct(bare, 99) : null;
  process.stdout.write(tmuxAddedP99 === null
    ? 'quiet machine: not known (no tmux to measure it by)\n'
    : `quiet machine: ${tmuxAddedP99 < QUIET_TMUX_ADDED_P99_MS ? 'yes' : 'no'}, tmux adds p99 ${tmuxAddedP99.toFixed(2)} ms in this run (quiet: under ${QUIET_TMUX_ADDED_P99_MS} ms)\n`);
  const idle = await idleCost();
  process.stdout.write(`guard idle over ${IDLE_SECONDS} s: CPU ${idle.cpuPct.toFixed(2)}% (target < 0.5%${idle.cpuPct < 0.5 ? ', met' : ', MISSED'}), RSS ${idle.rss.toFixed(1)} MB (target < 100 MB${idle.rss < 100 ? ', met' : ', MISSED'})\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await latencyBench();
