// `guard report [--since 7d] [--by day|project|model|agent] [--json|--csv]`: reads every session log
// under the state folder started in the period (src/review/store.ts) and prints the totals across
// them (src/review/report.ts): sessions, turns, tokens by type, cost, checkpoints, misses, peak fill.
import * as os from 'node:os';
import * as path from 'node:path';
import { resolvePaths, GuardPathError } from '../../paths.js';
import { CACHE_FILE, listRowsCached } from '../../review/store.js';
import { GROUPS, aggregate, parseSince, reportCsv, reportJson, reportTable, type GroupBy } from '../../review/report.js';
import { processIo, type CommandIo } from './log.js';

const HELP = `usage: guard report [--since 7d] [--by day|project|model|agent] [--json|--csv]
  totals across sessions: sessions, turns, tokens by type, cost, checkpoints, misses, peak fill
  --since P   only sessions started in the last P (30m, 12h, 7d, 2w) or since a date (2026-11-01)
  --by G      one row per day, project (folder), model or agent (claude, codex, gemini; none:
              a plain program); without it, one row for all
  --json      a JSON object; --csv  comma-separated values with a header line
`;

export async function reportCommand(args: string[], io: CommandIo = processIo(), now: () => number = Date.now): Promise<number> {
  let since: number | undefined;
  let by: GroupBy = 'all';
  let format: 'table' | 'json' | 'csv' = 'table';
  const fail = (msg: string): number => { io.stderr(`guard report: ${msg}\n${HELP}`); return 2; };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (name === '-h' || name === '--help') { io.stdout(HELP); return 0; }
    if (name === '--json' || name === '--csv') {
      if (format !== 'table') return fail('one of --json and --csv');
      format = name === '--json' ? 'json' : 'csv';
    } else if (name === '--since') {
      const v = value();
      if (v === undefined) return fail('--since needs a period, e.g. 7d');
      try { since = parseSince(v, now()); } catch (err) { return fail((err as Error).message.replace(/^guard report: /, '')); }
    } else if (name === '--by') {
      const v = value();
      if (!GROUPS.includes(v as GroupBy)) return fail(`--by wants ${GROUPS.join(', ')}, got ${JSON.stringify(v ?? '')}`);
      by = v as GroupBy;
    } else return fail(`unknown argument ${JSON.stringify(a)}`);
  }
  const { sessionsDir, stateDir } = resolvePaths({ env: io.env });
  const cacheFile = path.join(stateDir, CACHE_FILE);
  try {
    const groups = aggregate(listRowsCached(sessionsDir, cacheFile, since === undefined ? {} : { sinceMs: since }), by);
    const sinceIso = since === undefined ? null : new Date(since).toISOString();
    if (format === 'json') io.stdout(reportJson(groups, by, sinceIso));
    else if (format === 'csv') io.stdout(reportCsv(groups, by));
    else if (groups.length === 0) io.stdout(`no sessions${sinceIso ? ` since ${sinceIso}` : ''} (${sessionsDir})\n`);
    else io.stdout(reportTable(groups, by, os.homedir()));
    return 0;
  } catch (err) {
    if (err instanceof GuardPathError) {
      io.stderr(err.message + '\n');
      return 1;
    }
    throw err;
  }
}
