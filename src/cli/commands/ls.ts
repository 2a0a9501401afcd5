// `guard ls [--json]`: reads the live registry under the state folder (src/registry), dropping
// entries of guards that are gone, and prints the running sessions: a table, or with `--json` the
// PRODUCT.md contract (an array of objects with id, pid, program, cwd, claudeSessionId, model,
// contextTokens, contextWindow, autoCompactAt, costUsd, state, …, and agent: 'claude', 'codex',
// 'gemini' or null for plain supervision).
import * as os from 'node:os';
import { resolvePaths, GuardPathError } from '../../paths.js';
import { listLive, type LiveEntry } from '../../registry/live.js';
import { programLabel, table, tildePath } from '../../log/format.js';
import { recordedAgent } from '../../log/records.js';
import { formatCost, formatTokens } from '../../lib/text.js';
import { processIo, type CommandIo } from './log.js';

const HELP = `usage: guard ls [--json]
  the guarded sessions running now on this machine
  --json      a JSON array
`;

/** `121.4k / 167k (73%)`, against the auto-compact point. */
export function contextCell(e: Pick<LiveEntry, 'contextTokens' | 'autoCompactAt'>): string {
  if (e.contextTokens === null) return '-';
  if (e.autoCompactAt === null || e.autoCompactAt <= 0) return formatTokens(e.contextTokens);
  return `${formatTokens(e.contextTokens)} / ${formatTokens(e.autoCompactAt)} (${Math.round((e.contextTokens / e.autoCompactAt) * 100)}%)`;
}

export function liveTable(entries: LiveEntry[], home: string): string {
  return table(['ID', 'PID', 'PROGRAM', 'STATE', 'CONTEXT', 'COST', 'CWD'], entries.map((e) => [
    e.id, String(e.pid), programLabel(e.program, recordedAgent(e.agent, e.program)), e.state, contextCell(e), formatCost(typeof e.costUsd === 'number' ? e.costUsd : 0), tildePath(e.cwd, home),
  ]));
}

export async function lsCommand(args: string[], io: CommandIo = processIo()): Promise<number> {
  let json = false;
  for (const a of args) {
    if (a === '--json') json = true;
    else if (a === '-h' || a === '--help') {
      io.stdout(HELP);
      return 0;
    } else {
      io.stderr(`guard ls: unknown argument ${JSON.stringify(a)}\n${HELP}`);
      return 2;
    }
  }
  const { liveDir } = resolvePaths({ env: io.env });
  let entries: LiveEntry[];
  try {
    entries = listLive(liveDir);
  } catch (err) {
    if (err instanceof GuardPathError) {
      io.stderr(err.message + '\n');
      return 1;
    }
    throw err;
  }
  // Every entry names its agent (null: plain supervision); older guards' entries get theirs here.
  if (json) io.stdout(JSON.stringify(entries.map((e) => ({ ...e, agent: recordedAgent(e.agent, e.program) })), null, 2) + '\n');
  else if (entries.length === 0) io.stdout('no guarded sessions running\n');
  else io.stdout(liveTable(entries, os.homedir()));
  return 0;
}
