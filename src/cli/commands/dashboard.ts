// `guard dashboard [--port P]`: serves the dashboard (src/review/dashboard-server.ts) on
// 127.0.0.1 from the live registry and the session logs under the state folder, prints its URL
// (with the token) and opens nothing. Runs until Ctrl-C / SIGTERM, then closes and exits 0.
import * as os from 'node:os';
import * as path from 'node:path';
import { resolvePaths } from '../../paths.js';
import { fileSources, startDashboard } from '../../review/dashboard-server.js';
import { CACHE_FILE } from '../../review/store.js';
import { processIo, type CommandIo } from './log.js';

const HELP = `usage: guard dashboard [--port P]
  a read-only page on 127.0.0.1 with every running guarded session, live, and the history;
  prints its URL (it carries a random token) and opens nothing. Ctrl-C stops it.
  --port P    listen on port P (default: a free port)
`;

export async function dashboardCommand(args: string[], io: CommandIo = processIo(), stopped?: Promise<void>): Promise<number> {
  let port = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-h' || a === '--help') { io.stdout(HELP); return 0; }
    const v = a === '--port' ? args[++i] : a.startsWith('--port=') ? a.slice('--port='.length) : null;
    if (v === null) { io.stderr(`guard dashboard: unknown argument ${JSON.stringify(a)}\n${HELP}`); return 2; }
    if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535) { io.stderr(`guard dashboard: --port wants a number 0–65535, got ${JSON.stringify(v ?? '')}\n`); return 2; }
    port = Number(v);
  }
  const paths = resolvePaths({ env: io.env });
  const home = os.homedir();
  let dash;
  try {
    dash = await startDashboard({ port, home, sources: fileSources({ liveDir: paths.liveDir, sessionsDir: paths.sessionsDir, home, cacheFile: path.join(paths.stateDir, CACHE_FILE) }) });
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : String(err);
    io.stderr(`guard dashboard: cannot listen on 127.0.0.1:${port} (${code})\n`);
    return 1;
  }
  io.stdout(`guard dashboard: ${dash.url}\n(read-only; Ctrl-C stops it)\n`);
  await (stopped ?? new Promise<void>((resolve) => {
    const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }));
  await dash.close();
  return 0;
}
