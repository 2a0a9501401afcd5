// `guard report` over 1,000 generated sessions (issue 9 asks for an answer in under 300 ms).
// The sessions are written as guard writes them (one JSON record a line: start, window, the
// turns' requests with side and sub-agent ones, checkpoints, a compaction now and then, exit),
// 10–80 turns each, into a temporary GUARD_HOME. Measured in this run, best of RUNS:
// - in process: reading and parsing every file only (the floor any reader pays: the baseline),
//   then the report's own path (parse + review + aggregate), with the ratio between them;
// - as a command: `node bin/guard.js report` end to end, against `node -e 0` (Node's own start):
//   cold (no row cache: every log parsed) and warm (the rows cached by the previous run, as for
//   every report after the first; each log is then only stat'ed).
// Figures only: no assertions. Needs the build (`npm run bench` makes it). Run alone: `npm run bench -- report`.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolvePaths } from '../src/paths.js';
import { CACHE_FILE, listRows } from '../src/review/store.js';
import { aggregate } from '../src/review/report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SESSIONS = 1000;
const RUNS = 5;
/** The bound for the whole command. */
const TARGET_MS = 300;

/** A small deterministic generator, so every run measures the same files. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function session(i: number, start: number, rand: () => number): string {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const lines: string[] = [];
  let t = start;
  const push = (o: Record<string, unknown>): void => { lines.push(JSON.stringify({ t: iso(t), ...o })); };
  push({ type: 'start', id: `s${i}`, pid: 1000 + i, program: 'claude', args: ['--model', 'sonnet'], cwd: `/work/project-${i % 12}`, guardVersion: '0.1.0' });
  push({ type: 'claude_session', claudeSessionId: `c-${i}`, source: 'startup', model: i % 3 ? 'claude-sonnet-4-5' : 'claude-opus-5-5' });
  push({ type: 'window', contextWindow: 200_000, source: 'known-model', autoCompactAt: 167_000 });
  let ctx = 20_000;
  const turns = 10 + Math.floor(rand() * 70);
  for (let n = 0; n < turns; n++) {
    t += 2000 + Math.floor(rand() * 20_000);
    const grow = Math.floor(rand() * 12_000);
    ctx += grow;
    const req = (thread: string, c?: number) => push({
      type: 'request', claudeSessionId: `c-${i}`, thread, querySource: thread === 'main' ? 'repl_main_thread' : 'x', model: 'claude-sonnet-4-5',
      inputTokens: 50 + grow, outputTokens: 300, cacheReadTokens: ctx - grow, cacheCreationTokens: grow, costUsd: 0.01 + rand() * 0.1, durationMs: 1500,
      ...(c === undefined ? {} : { contextTokens: c }),
    });
    if (rand() < 0.2) req('side');
    if (rand() < 0.1) req('subagent');
    req('main', ctx);
    if (ctx > 0.8 * 167_000) {
      for (const phase of ['armed', 'prompted', 'note-written', 'cleared', 'resumed']) push({ type: 'checkpoint', phase, strategy: 'handoff', contextTokens: ctx, reason: 'threshold' });
      ctx = 15_000;
    } else if (rand() < 0.01) {
      push({ type: 'compaction', claudeSessionId: `c-${i}`, trigger: 'auto', success: true, preTokens: ctx, postTokens: 9000, error: null, miss: true });
      ctx = 9000;
    }
  }
  push({ type: 'exit', code: 0, signal: null });
  return lines.join('\n') + '\n';
}

function best(fn: () => void): number {
  let min = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const a = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - a) / 1e6);
  }
  return min;
}

export default function reportBench(): void {
  const home = mkdtempSync(join(tmpdir(), 'guard-bench-report-'));
  try {
    const { sessionsDir } = resolvePaths({ env: { GUARD_HOME: home } });
    mkdirSync(sessionsDir, { recursive: true, mode: 0o700 });
    const rand = rng(9);
    let bytes = 0;
    const t0 = Date.UTC(2026, 10, 1);
    for (let i = 0; i < SESSIONS; i++) {
      const start = t0 + i * 600_000;
      const d = new Date(start);
      const p = (n: number): string => String(n).padStart(2, '0');
      const id = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${i.toString(16).padStart(4, '0')}`;
      const text = session(i, start, rand);
      bytes += text.length;
      writeFileSync(join(sessionsDir, `${id}.jsonl`), text, { mode: 0o600 });
    }
    process.stdout.write(`${SESSIONS} sessions, ${(bytes / 1e6).toFixed(1)} MB of records; best of ${RUNS}\n`);

    let sink = 0;
    const floor = best(() => {
      for (const name of readdirSync(sessionsDir)) {
        for (const line of readFileSync(join(sessionsDir, name), 'utf8').split('\n')) if (line) sink += (JSON.parse(line) as { t: string }).t.length;
      }
    });
    const inProcess = best(() => { sink += aggregate(listRows(sessionsDir), 'project').length; });
    const env = { ...process.env, GUARD_HOME: home };
    const nodeStart = best(() => { spawnSync(process.execPath, ['-e', '0'], { env }); });
    const report = (): void => {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/guard.js'), 'report', '--by', 'project'], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`guard report failed: ${r.stderr}`);
    };
    const cacheFile = join(resolvePaths({ env: { GUARD_HOME: home } }).stateDir, CACHE_FILE);
    const cold = best(() => { rmSync(cacheFile, { force: true }); report(); });
    const command = best(report);
    const row = (name: string, ms: number, note: string): string => `${name.padEnd(48)}${ms.toFixed(1).padStart(8)} ms  ${note}\n`;
    process.stdout.write(row('read + JSON.parse every line (baseline)', floor, ''));
    process.stdout.write(row('report in process (parse, review, aggregate)', inProcess, `${(inProcess / floor).toFixed(2)}× the baseline`));
    process.stdout.write(row('node -e 0 (Node\'s own start)', nodeStart, ''));
    process.stdout.write(row('guard report --by project, cold (no cache)', cold, `${(cold / nodeStart).toFixed(2)}× Node's start`));
    process.stdout.write(row('guard report --by project, warm (the command)', command, `${(command / nodeStart).toFixed(2)}× Node's start; target < ${TARGET_MS} ms: ${command < TARGET_MS ? 'met' : 'NOT met'}`));
    if (sink === -1) process.stdout.write('');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) reportBench();
