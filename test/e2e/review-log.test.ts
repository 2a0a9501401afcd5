// Issue 9, `guard log latest` after a real session with a checkpoint: the real Claude Code
// 2.1.330 under `bin/guard.js --threshold 50 claude --model OFFLINE_MODEL` (claude-env.ts) (a 200k window,
// auto-compact at 167k) against the stand-in API. One padded turn crosses 50%, guard hands over
// (note, /clear, resume), one more turn follows. Then `guard log latest` runs in a terminal (a
// pty, 110 columns, colour): the blessed-contrib chart with the checkpoint's key on the turn
// where it happened, every turn in the table, the checkpoint row right after that turn, and
// totals equal to the sums of the records `guard log --json latest` prints (which follow
// PRODUCT.md's contract).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { formatCost, formatTokens } from '../../src/lib/text.js';
import { GUARD_BIN, waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import { startTerminal } from '../helpers/terminal.js';
import { answeredTurn, debugRequests, exitClaude, guardLogLatest, watchFooter, type LogLine } from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

/** With Claude's own ~20k of system prompt and tools, one turn of this lands at ~90k: past 50% of 167k. */
const CROSSING_PAD = 70_000;
const RESUME_RE = /^Continue from the checkpoint note in (\S+?):/;

const num = (l: LogLine, k: string): number => (typeof l[k] === 'number' ? l[k] as number : 0);

t.test('guard log latest after a handoff: chart, every turn, the checkpoint at its turn, totals = the records', async (t) => {
  const s = await startClaudeSession({ guardArgs: ['--threshold', '50'], claudeArgs: ['--model', OFFLINE_MODEL] });
  const { api, term } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  await answeredTurn(s, 'hello');
  await answeredTurn(s, `PAD:${CROSSING_PAD} cross the threshold`);
  const note = await api.waitForRequest((r) => r.thread === 'main' && NOTE_RE.test(r.prompt), 20_000);
  const resume = await api.waitForRequest((r) => r.seq > note.seq && r.thread === 'main' && RESUME_RE.test(r.prompt), 45_000);
  await term.waitFor(new RegExp(`Reply ${resume.seq}:`), 20_000);
  await until(() => !/checkpointing/.test(footer.now()), 10_000, 'the footer to leave checkpointing');
  await waitForIdle(term);
  await answeredTurn(s, 'after the checkpoint');
  t.equal((await exitClaude(s)).exitCode, 0, 'guard exits 0 with Claude');

  // The records, per the contract.
  const log = guardLogLatest(s);
  t.equal(log.status, 0, log.stderr);
  t.ok(log.lines.every((l) => typeof l.type === 'string' && new Date(l.t).toISOString() === l.t), 'every --json line has an ISO t and a type');
  const requests = log.lines.filter((l) => l.type === 'request');
  for (const r of requests) t.ok(['main', 'subagent', 'side', 'compact'].includes(String(r.thread)) && ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheCreationTokens', 'costUsd'].every((k) => typeof r[k] === 'number'), `request ${r.t}: thread and the four token counts and cost`);
  const mains = requests.filter((l) => l.thread === 'main');
  t.ok(mains.every((l) => typeof l.contextTokens === 'number'), 'contextTokens on every main request');
  const checkpoints = log.lines.filter((l) => l.type === 'checkpoint');
  t.same(checkpoints.map((l) => l.phase), ['armed', 'prompted', 'note-written', 'cleared', 'resumed'], 'the handoff\'s phases');
  t.ok(checkpoints.every((l) => l.reason === 'threshold' && l.strategy === 'handoff' && 'contextTokens' in l), 'each checkpoint record says why: threshold');
  // The turn the checkpoint followed: main requests logged before its first record.
  const armedIndex = log.lines.indexOf(checkpoints[0]!);
  const armedAfter = log.lines.slice(0, armedIndex).filter((l) => l.type === 'request' && l.thread === 'main').length;
  t.ok(armedAfter >= 2, `armed after turn ${armedAfter}`);

  // The review, in a terminal.
  const view = startTerminal({ file: process.execPath, args: [GUARD_BIN, 'log', 'latest'], cwd: s.env.cwd, env: s.env.env, cols: 110, rows: 80 });
  t.teardown(() => view.dispose());
  t.equal((await view.waitExit(30_000)).exitCode, 0, 'guard log latest exits 0');
  const screen = view.screen();
  if (process.env.STANDIN_DEBUG) t.comment(screen);
  t.match(screen, /red: the auto-compact point \(167k\)/, 'the chart, against the auto-compact point');
  t.match(screen, /[\u2801-\u28ff]{4}/, 'drawn in braille (blessed-contrib)');
  const axis = screen.split('\n').find((l) => /^\s+1\s/.test(l) && new RegExp(`\\b${armedAfter}C\\b`).test(l));
  t.ok(axis, `the x axis marks the checkpoint on turn ${armedAfter} ("${armedAfter}C")`);
  t.match(screen, new RegExp(`C  after turn ${armedAfter}: checkpoint \\(threshold\\): handoff resumed`), 'the chart key names it');

  const rows = screen.split('\n').filter((l) => /^\d+ +\d\d:\d\d:\d\d /.test(l));
  t.same(rows.map((l) => l.split(/ +/)[2]), mains.map((m) => formatTokens(m.contextTokens as number)), 'one table row per main request, with its context');
  const lines = screen.split('\n');
  const rowAt = lines.findIndex((l) => l.startsWith(`${armedAfter} `) && /^\d+ +\d\d:/.test(l));
  t.match(lines[rowAt + 1], /^ +\d\d:\d\d:\d\d {2}── checkpoint \(threshold\): handoff resumed$/, 'the checkpoint row right after its turn');

  const sum = (k: string): number => requests.reduce((a, r) => a + num(r, k), 0);
  t.match(screen, new RegExp(`turns ${mains.length} {2}requests ${requests.length} \\(main ${mains.length},`), 'turn and request counts');
  t.match(screen, `tokens in ${formatTokens(sum('inputTokens'))}  cache read ${formatTokens(sum('cacheReadTokens'))}  cache write ${formatTokens(sum('cacheCreationTokens'))}  out ${formatTokens(sum('outputTokens'))}`, 'tokens by type = the sums of the records');
  t.match(screen, `cost ${formatCost(sum('costUsd'))} (main ${formatCost(mains.reduce((a, r) => a + num(r, 'costUsd'), 0))}`, 'cost = the sum of the records');
  t.match(screen, /checkpoints 1 {2}compactions 0 {2}misses 0/);

  // The same sums, exact, through the report.
  const rep = spawnSync(process.execPath, [GUARD_BIN, 'report', '--json'], { env: s.env.env, encoding: 'utf8', timeout: 30_000 });
  t.equal(rep.status, 0, rep.stderr);
  t.match(JSON.parse(rep.stdout).groups[0], {
    sessions: 1, turns: mains.length, requests: requests.length, inputTokens: sum('inputTokens'), outputTokens: sum('outputTokens'),
    cacheReadTokens: sum('cacheReadTokens'), cacheCreationTokens: sum('cacheCreationTokens'), costUsd: Math.round(sum('costUsd') * 1e6) / 1e6, checkpoints: 1,
  }, 'guard report --json: the exact sums');
});
