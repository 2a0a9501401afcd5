// `guard log [--json] [ID|latest]`: reads the session logs under the state folder (src/log) and
// prints a list of recent runs, or one run's records: `--json` one JSON object per line (the
// PRODUCT.md contract: each with `t` and `type`), otherwise a readable timeline.
import * as os from 'node:os';
import { resolvePaths, GuardPathError } from '../../paths.js';
import { idTime, listSessions, readSession, summarize, SessionNotFoundError } from '../../log/reader.js';
import { sessionsTable, timeline } from '../../log/format.js';

const HELP = `usage: guard log [--json] [ID|latest]
  no ID       recent sessions, newest first
  ID|latest   one session (a unique prefix of an ID will do)
  --json      one JSON object per line
`;

/** Where a command reads its environment and writes its output (tests pass their own). */
export interface CommandIo {
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export const processIo = (): CommandIo => ({
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});

export async function logCommand(args: string[], io: CommandIo = processIo()): Promise<number> {
  let json = false;
  let ref: string | null = null;
  for (const a of args) {
    if (a === '--json') json = true;
    else if (a === '-h' || a === '--help') {
      io.stdout(HELP);
      return 0;
    } else if (a.startsWith('-')) {
      io.stderr(`guard log: unknown option ${JSON.stringify(a)}\n${HELP}`);
      return 2;
    } else if (ref === null) ref = a;
    else {
      io.stderr(`guard log: one session at a time; got ${JSON.stringify(ref)} and ${JSON.stringify(a)}\n`);
      return 2;
    }
  }
  const { sessionsDir } = resolvePaths({ env: io.env });
  const home = os.homedir();
  try {
    if (ref === null) {
      const list = listSessions(sessionsDir);
      // Every --json line has `t` and `type` (PRODUCT.md), the list's lines too.
      if (json) for (const s of list) io.stdout(JSON.stringify({ t: s.startedAt ?? idTime(s.id), type: 'session', ...s }) + '\n');
      else if (list.length === 0) io.stdout(`no sessions recorded yet (${sessionsDir})\n`);
      else io.stdout(sessionsTable(list, home));
      return 0;
    }
    const file = readSession(sessionsDir, ref);
    if (file.malformed > 0) io.stderr(`guard log: skipped ${file.malformed} malformed line${file.malformed === 1 ? '' : 's'} in ${file.path}\n`);
    if (json) {
      for (const e of file.entries) io.stdout(JSON.stringify(e) + '\n');
    } else {
      io.stdout(timeline({ summary: summarize(file), entries: file.entries, home }));
    }
    return 0;
  } catch (err) {
    if (err instanceof SessionNotFoundError || err instanceof GuardPathError) {
      io.stderr(err.message + '\n');
      return 1;
    }
    throw err;
  }
}
