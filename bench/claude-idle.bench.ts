// guard's own cost while Claude Code sits idle under it: CPU (share of one core) and resident
// memory of the guard process, with the real Claude Code (the project's install) against the
// stand-in API, offline, after one answered prompt. Claude's own idle CPU, measured over the same
// seconds, is printed beside it as the baseline. Figures only. Run alone: `npx tsx bench/claude-idle.bench.ts`.
import * as pty from '@lydell/node-pty';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startStandinApi } from '../src/demo/standin-api.js';
import { OFFLINE_MODEL, offlineClaudeEnv, writeOfflineClaudeHome } from '../src/demo/offline-claude.js';
import { childPids, cpuPercent, rssMb } from './proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLAUDE = join(ROOT, 'node_modules', '.bin', 'claude');
/** Long enough that one clock tick (10 ms) is 0.05%: the figures sit near that resolution. */
const IDLE_SECONDS = 20;
/** After the answer: Claude's last redraws, guard's last telemetry, and V8's early heap shrinking. */
const SETTLE_MS = 15_000;
const TARGET_CPU_PCT = 0.5;
const TARGET_RSS_MB = 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) { if (Date.now() > end) throw new Error(`no ${what} within ${ms} ms`); await sleep(50); }
}

export default async function claudeIdleBench(): Promise<void> {
  if (!existsSync(CLAUDE)) { process.stdout.write('skipped: Claude Code is not installed (npm ci)\n'); return; }
  const root = await realpath(await mkdtemp(join(tmpdir(), 'guard-bench-idle-')));
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  await mkdir(cwd, { recursive: true });
  await writeOfflineClaudeHome(home, cwd);
  const api = await startStandinApi();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...offlineClaudeEnv(api.url, home), GUARD_HOME: join(root, 'guard-home'), TERM: 'xterm-256color' })) {
    if (v !== undefined) env[k] = v;
  }
  const p = pty.spawn(process.execPath, [join(ROOT, 'bin/guard.js'), CLAUDE, '--model', OFFLINE_MODEL], { cols: 110, rows: 32, cwd, env, name: 'xterm-256color' });
  let out = '';
  p.onData((d) => { out += d; });
  try {
    await until("Claude's prompt", () => out.includes('❯'), 30_000);
    await sleep(1500);
    p.write('hello\r');
    await until('an answer', () => api.requests.some((r) => r.status === 200), 30_000);
    await sleep(SETTLE_MS);
    const claude = childPids(p.pid)[0];
    const [guardCpu, claudeCpu] = await cpuPercent(claude === undefined ? [p.pid] : [p.pid, claude], IDLE_SECONDS);
    const rss = rssMb(p.pid);
    const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    process.stdout.write(`Claude Code idle under guard, ${IDLE_SECONDS} s after ${SETTLE_MS / 1000} s of settling (resolution ${(100 / IDLE_SECONDS / 100).toFixed(2)}%)\n`
      + `claude   CPU ${claudeCpu === undefined ? 'n/a' : `${claudeCpu.toFixed(2)}%`} (baseline: what the program itself spends)\n`
      + `guard    CPU ${guardCpu!.toFixed(2)}% (target < ${TARGET_CPU_PCT}%, ${verdict(guardCpu! < TARGET_CPU_PCT)}), RSS ${rss.toFixed(1)} MB (target < ${TARGET_RSS_MB} MB, ${verdict(rss < TARGET_RSS_MB)})\n`);
  } finally {
    p.kill('SIGTERM');
    await sleep(500);
    try { p.kill('SIGKILL'); } catch { /* gone */ }
    await api.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await claudeIdleBench();
