// `guard log`: reads the session logs under the state folder (src/log through src/review) and
// prints a list of recent runs, or one run reviewed: the header, a chart of the context against
// the auto-compact point (blessed-contrib in a wide colour terminal, a text curve otherwise), the
// turn table with checkpoints and compactions where they happened, and the totals. `--json`
// prints records as they are (the PRODUCT.md contract: each with `t` and `type`); `--html FILE`
// writes the review as one self-contained page.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolvePaths, GuardPathError, FILE_MODE } from '../../paths.js';
import { idTime, readSession, SessionNotFoundError } from '../../log/reader.js';
import { colorEnabled } from '../../lib/text.js';
import { reviewSession, skippedNote } from '../../review/model.js';
import { CACHE_FILE, listRowsCached } from '../../review/store.js';
import { reviewText, sessionsText } from '../../review/text.js';
import { chartData } from '../../review/chart.js';
import { reviewPage } from '../../review/html.js';

/** How many runs `guard log` lists. */
const LIST_LIMIT = 20;

const HELP = `usage: guard log [--json] [ID|latest]
       guard log --html FILE [ID|latest]
  no ID        recent sessions, newest first
  ID|latest    one session reviewed (a unique prefix of an ID will do)
  --json       the records, one JSON object per line
  --html FILE  write the review as one self-contained page (default: latest)
`;

/** Where a command reads its environment and writes its output (tests pass their own). */
export interface CommandIo {
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** The terminal stdout is, or null when it is not one. */
  terminal?: { columns: number } | null;
}

export const processIo = (): CommandIo => ({
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  terminal: process.stdout.isTTY ? { columns: process.stdout.columns || 80 } : null,
});

interface LogArgs { json: boolean; html: string | null; ref: string | null }

function parseArgs(args: string[]): LogArgs | string {
  const o: LogArgs = { json: false, html: null, ref: null };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') o.json = true;
    else if (a === '--html') {
      const file = args[++i];
      if (file === undefined || file === '') return 'guard log: --html needs a file name';
      o.html = file;
    } else if (a.startsWith('--html=')) o.html = a.slice('--html='.length);
    else if (a.startsWith('-')) return `guard log: unknown option ${JSON.stringify(a)}`;
    else if (o.ref === null) o.ref = a;
    else return `guard log: one session at a time; got ${JSON.stringify(o.ref)} and ${JSON.stringify(a)}`;
  }
  if (o.json && o.html !== null) return 'guard log: --json and --html do not go together';
  return o;
}

/** The terminal chart, loaded only when drawn (blessed is big); null when it cannot be drawn. */
async function terminalChart(io: CommandIo, review: ReturnType<typeof reviewSession>): Promise<string[] | undefined> {
  const term = io.terminal;
  if (!term || !colorEnabled(io.env, true)) return undefined;
  const { MIN_CHART_COLUMNS, chartPointsFor, drawTerminalChart } = await import('../../review/terminal-chart.js');
  if (term.columns < MIN_CHART_COLUMNS || review.turns.length === 0) return undefined;
  try {
    return drawTerminalChart(chartData(review, chartPointsFor(term.columns)), term.columns);
  } catch {
    // blessed could not draw here (an odd terminal description …): the text curve says the same.
    return undefined;
  }
}

export async function logCommand(args: string[], io: CommandIo = processIo()): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    io.stdout(HELP);
    return 0;
  }
  const o = parseArgs(args);
  if (typeof o === 'string') {
    io.stderr(`${o}\n${HELP}`);
    return 2;
  }
  const { sessionsDir, stateDir } = resolvePaths({ env: io.env });
  const home = os.homedir();
  try {
    if (o.ref === null && o.html === null) {
      const rows = listRowsCached(sessionsDir, path.join(stateDir, CACHE_FILE), { limit: LIST_LIMIT });
      // Every --json line has `t` and `type` (PRODUCT.md), the list's lines too.
      if (o.json) for (const s of rows) io.stdout(JSON.stringify({ t: s.startedAt ?? idTime(s.id), type: 'session', ...s }) + '\n');
      else if (rows.length === 0) io.stdout(`no sessions recorded yet (${sessionsDir})\n`);
      else io.stdout(sessionsText(rows, home));
      return 0;
    }
    const file = readSession(sessionsDir, o.ref ?? 'latest');
    const review = reviewSession(file);
    const note = skippedNote(review.skipped);
    // The text review says it itself; the JSON and the page go elsewhere, so say it here.
    if (note !== null && (o.json || o.html !== null)) io.stderr(`guard log: ${note} in ${file.path}\n`);
    if (o.json) {
      for (const e of file.entries) io.stdout(JSON.stringify(e) + '\n');
    } else if (o.html !== null) {
      fs.writeFileSync(o.html, reviewPage(review, home), { mode: FILE_MODE });
      io.stdout(`wrote ${o.html}\n`);
    } else {
      io.stdout(reviewText(review, { home, chartLines: await terminalChart(io, review) }));
    }
    return 0;
  } catch (err) {
    if (err instanceof SessionNotFoundError || err instanceof GuardPathError) {
      io.stderr(err.message + '\n');
      return 1;
    }
    if (o.html !== null && typeof err === 'object' && err !== null && 'code' in err) {
      io.stderr(`guard log: cannot write ${o.html} (${String((err as { code: unknown }).code)})\n`);
      return 1;
    }
    throw err;
  }
}
