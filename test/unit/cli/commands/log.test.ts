// `guard log ID` chooses its chart: blessed-contrib's in a colour terminal of 60+ columns, the
// text curve when narrow, with NO_COLOR, or when stdout is not a terminal.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { logCommand } from '../../../../src/cli/commands/log.js';

const BRAILLE = /[\u2801-\u28ff]/;

t.test('the chart follows the terminal', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-logcmd-'));
  t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  fs.mkdirSync(path.join(home, 'sessions'), { recursive: true, mode: 0o700 });
  const lines = [JSON.stringify({ t: '2026-11-24T05:00:00.000Z', type: 'window', contextWindow: 200_000, source: 'x', autoCompactAt: 167_000 })];
  [20_000, 90_000, 140_000, 30_000].forEach((ctx, i) => lines.push(JSON.stringify({ t: `2026-11-24T05:00:0${i + 1}.000Z`, type: 'request', thread: 'main', contextTokens: ctx, costUsd: 0.1 })));
  lines.splice(4, 0, JSON.stringify({ t: '2026-11-24T05:00:03.500Z', type: 'checkpoint', phase: 'armed', strategy: 'handoff', contextTokens: 140_000, reason: 'threshold' }));
  fs.writeFileSync(path.join(home, 'sessions', '20261124-050000-abcd.jsonl'), lines.join('\n') + '\n');
  const run = async (terminal: { columns: number } | null, extra: NodeJS.ProcessEnv = {}): Promise<string> => {
    let out = '';
    const code = await logCommand(['latest'], { env: { GUARD_HOME: home, ...extra }, stdout: (s) => { out += s; }, stderr: () => undefined, terminal });
    t.equal(code, 0);
    return out;
  };
  const wide = await run({ columns: 100 });
  t.match(wide, BRAILLE, 'a wide colour terminal: the drawn chart');
  t.match(wide, /red: the auto-compact point \(167k\)/);
  t.match(wide, /(?<!\d)3C(?!\w)/, 'the checkpoint on turn 3 of the x axis');
  for (const [why, out] of [
    ['narrow', await run({ columns: 50 })], ['NO_COLOR', await run({ columns: 100 }, { NO_COLOR: '1' })], ['not a terminal', await run(null)],
  ] as const) {
    t.notMatch(out, BRAILLE, `${why}: no braille chart`);
    t.match(out, /context {2}\S{4} {2}\(scale: auto-compact point 167k\)\n {11}C\n/, `${why}: the text curve with the checkpoint's key`);
  }
});
