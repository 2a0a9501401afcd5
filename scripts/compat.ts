// `npm run compat [version…]`: a short end-to-end check of guard on several Claude Code versions,
// printed as a table for the README. Not part of CI (each version is a ~250-400 MB download and
// a minute of real Claude); run it before a release. Default versions: the pinned devDependency,
// the newest published (`npm view @anthropic-ai/claude-code version`) and 2.1.197.
// Each version is installed once into a cache outside the repo: $XDG_CACHE_HOME/guard-compat/<v>
// (default ~/.cache/guard-compat/<v>), with `npm install`; nothing in the repo changes.
// The check, per version, runs `bin/guard.js claude --model OFFLINE_MODEL` with that version's
// `claude` first on PATH, against the stand-in API (test/helpers, as the end-to-end tests do):
//   starts      Claude's prompt box appears under guard
//   gauge       after one padded turn, `guard ls --json` has exactly the stand-in's context tokens
//   window      the window guard shows (from Claude's status line)
//   checkpoint  padding on, guard runs one whole handoff (note, /clear, resume) before Claude
//               reaches its auto-compact point, and no compaction of Claude's own happens
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOTE_RE } from '../src/demo/standin-script.js';
import { startClaudeSession, type ClaudeSession } from '../test/helpers/claude-session.js';
import { GUARD_BIN, OFFLINE_MODEL, waitForIdle } from '../test/helpers/claude-env.js';
import { AUTO_COMPACT_200K, answeredTurn, checkpointPhases, guardLogLatest } from '../test/helpers/checkpoint.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const PACKAGE = '@anthropic-ai/claude-code';
/** The oldest version the lab has facts for (CLAUDE-CODE.md). */
const OLDEST_CHECKED = '2.1.197';
const PAD_STEP = 40_000;
const MAX_PAD_TURNS = 6;
const RESUME_RE = /^Continue from the checkpoint note in \S+\.md:/;

interface Row { version: string; starts: string; gauge: string; window: string; checkpoint: string; seconds: string }

function cacheDir(version: string): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'guard-compat', version);
}

/** The version's bin dir, installing it into the cache first if needed. */
function install(version: string): string {
  const dir = cacheDir(version);
  const bin = join(dir, 'node_modules', '.bin');
  if (existsSync(join(bin, 'claude'))) return bin;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`installing ${PACKAGE}@${version} into ${dir} …\n`);
  const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--prefix', dir, `${PACKAGE}@${version}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !existsSync(join(bin, 'claude'))) throw new Error(`could not install ${PACKAGE}@${version} (npm exited ${r.status})`);
  return bin;
}

function guardLsContext(s: ClaudeSession): number | null {
  const out = execFileSync(process.execPath, [GUARD_BIN, 'ls', '--json'], { env: s.env.env, encoding: 'utf8' });
  const entries = JSON.parse(out) as Array<{ contextTokens: number | null }>;
  return entries[0]?.contextTokens ?? null;
}

async function check(version: string): Promise<Row> {
  const row: Row = { version, starts: 'no', gauge: '-', window: '-', checkpoint: '-', seconds: '' };
  const started = Date.now();
  const bin = install(version);
  const claudeVersion = execFileSync(join(bin, 'claude'), ['--version'], { encoding: 'utf8' }).trim();
  if (!claudeVersion.startsWith(version)) throw new Error(`${bin}/claude says ${claudeVersion}, expected ${version}`);
  let s: ClaudeSession | null = null;
  try {
    s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL], extraEnv: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` }, readyTimeoutMs: 60_000 });
    row.starts = 'yes';
    const first = await answeredTurn(s, 'PAD:20000 gauge');
    // The footer and `guard ls` follow telemetry, which Claude sends every 500 ms under guard.
    let seen: number | null = null;
    for (let i = 0; i < 40 && seen !== first.contextTokens; i++) { await new Promise((r) => setTimeout(r, 250)); seen = guardLsContext(s); }
    row.gauge = seen === first.contextTokens ? `exact (${seen})` : `OFF: guard ${seen}, API ${first.contextTokens}`;
    row.window = /\b(\d+(?:k|M)) │/.exec(s.term.lines().at(-1) ?? '')?.[1] ?? '?';

    const asked = () => s!.api.messages('main').some((r) => NOTE_RE.test(r.prompt));
    for (let turns = 0; !asked() && turns < MAX_PAD_TURNS; turns++) {
      await answeredTurn(s, `PAD:${PAD_STEP} step ${turns + 1}`);
      if ((s.api.lastMain()?.contextTokens ?? 0) >= 0.8 * AUTO_COMPACT_200K) {
        await s.api.waitForRequest((r) => NOTE_RE.test(r.prompt), 20_000).catch(() => undefined);
      }
    }
    if (!asked()) { row.checkpoint = 'NO: guard never asked for a note'; return row; }
    await s.api.waitForRequest((r) => r.thread === 'main' && RESUME_RE.test(r.prompt), 60_000);
    await waitForIdle(s.term, { timeoutMs: 30_000 });
    const phases = checkpointPhases(guardLogLatest(s).lines);
    const own = s.api.messages('compact').length;
    const peak = Math.max(...s.api.messages('main').map((r) => r.contextTokens ?? 0));
    row.checkpoint = own === 0 && phases.includes('resumed') && peak < AUTO_COMPACT_200K
      ? `handoff (${phases.join(' → ')})`
      : `NO: phases ${phases.join(',')}; Claude's own compactions ${own}; peak ${peak}`;
    return row;
  } catch (err) {
    row.checkpoint = `ERROR: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
    if (s) {
      // What happened, for the one who runs this: guard's checkpoint phases, the requests, the screen.
      process.stderr.write(`${version}: guard's phases: ${checkpointPhases(guardLogLatest(s).lines).join(', ')}\n`
        + s.api.requests.map((r) => `  ${r.seq} ${r.thread} ${r.status} ${r.contextTokens} ${JSON.stringify(r.prompt.slice(0, 60))}\n`).join('')
        + `${s.term.screen()}\n`);
    }
    return row;
  } finally {
    await s?.dispose();
    row.seconds = ((Date.now() - started) / 1000).toFixed(0);
  }
}

function table(rows: Row[]): string {
  const head: Row = { version: 'Claude Code', starts: 'starts', gauge: 'gauge (guard ls = API)', window: 'window', checkpoint: 'one checkpoint', seconds: 's' };
  const all = [head, ...rows];
  const keys = Object.keys(head) as Array<keyof Row>;
  const width = (k: keyof Row): number => Math.max(...all.map((r) => r[k].length));
  const line = (r: Row): string => `| ${keys.map((k) => r[k].padEnd(width(k))).join(' | ')} |`;
  return [line(head), `| ${keys.map((k) => '-'.repeat(width(k))).join(' | ')} |`, ...rows.map(line)].join('\n') + '\n';
}

async function main(argv: string[]): Promise<number> {
  if (!existsSync(join(ROOT, 'dist', 'guard.cjs'))) throw new Error('build first: npm run build');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const pinned = pkg.devDependencies[PACKAGE];
  if (!pinned) throw new Error(`package.json pins no ${PACKAGE}`);
  const newest = execFileSync('npm', ['view', PACKAGE, 'version'], { encoding: 'utf8' }).trim();
  const versions = [...new Set(argv.length > 0 ? argv : [pinned, newest, OLDEST_CHECKED])];
  for (const v of versions) if (!/^\d+\.\d+\.\d+$/.test(v)) throw new Error(`not a version: ${JSON.stringify(v)}`);
  const rows: Row[] = [];
  for (const v of versions) {
    process.stderr.write(`checking ${v} …\n`);
    rows.push(await check(v));
  }
  process.stdout.write(`guard ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version} on Node ${process.version}, model ${OFFLINE_MODEL}, ${new Date().toISOString().slice(0, 10)} (pinned ${pinned}, newest ${newest})\n`);
  process.stdout.write(table(rows));
  return rows.every((r) => r.starts === 'yes' && r.gauge.startsWith('exact') && r.checkpoint.startsWith('handoff')) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
