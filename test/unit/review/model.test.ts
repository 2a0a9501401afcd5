// The review's pure parts: a session's records → turns, markers and totals (src/review/model.ts),
// the chart data (chart.ts), the text (text.ts), the page (html.ts) and the report (report.ts).
import t from 'tap';
import { parseLog } from '../../../src/log/reader.js';
import { reviewSession, skippedNote } from '../../../src/review/model.js';
import { chartData } from '../../../src/review/chart.js';
import { reviewText, sessionsText } from '../../../src/review/text.js';
import { reviewPage } from '../../../src/review/html.js';
import { sessionRow } from '../../../src/review/sessions.js';
import { aggregate, parseSince, reportCsv, reportJson } from '../../../src/review/report.js';

const T0 = Date.UTC(2026, 10, 24, 5, 0, 0);
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
const req = (s: number, thread: string, o: { ctx?: number; cost?: number; input?: number; model?: string } = {}): string => JSON.stringify({
  t: at(s), type: 'request', claudeSessionId: 'c-1', thread, querySource: 'x', model: o.model ?? 'claude-sonnet-4-5',
  inputTokens: o.input ?? 1000, outputTokens: 200, cacheReadTokens: 5000, cacheCreationTokens: 50, costUsd: o.cost ?? 0.1, durationMs: 900,
  ...(o.ctx === undefined ? {} : { contextTokens: o.ctx }),
});
const rec = (s: number, type: string, fields: Record<string, unknown>): string => JSON.stringify({ t: at(s), type, ...fields });

/** A session: 3 turns, a side request, a threshold checkpoint after turn 2, a missed auto compaction after turn 3. */
function sampleLines(): string[] {
  return [
    rec(0, 'start', { id: 'x', pid: 1, program: 'claude', args: [], cwd: '/work/proj', guardVersion: '0.1.0' }),
    rec(0, 'window', { contextWindow: 200_000, source: 'known-model', autoCompactAt: 167_000 }),
    req(5, 'main', { ctx: 30_000, cost: 0.25 }),
    req(6, 'side', { cost: 0.01, model: 'claude-haiku-4-5' }),
    req(10, 'main', { ctx: 140_000, cost: 0.5 }),
    rec(11, 'checkpoint', { phase: 'armed', strategy: 'handoff', contextTokens: 140_000, reason: 'threshold' }),
    rec(12, 'checkpoint', { phase: 'prompted', strategy: 'handoff', contextTokens: 140_000, reason: 'threshold' }),
    rec(13, 'checkpoint', { phase: 'resumed', strategy: 'handoff', contextTokens: 140_000, reason: 'threshold' }),
    rec(14, 'notice', { text: 'guard: checkpoint done' }),
    req(15, 'main', { ctx: 20_000, cost: 0.125 }),
    rec(16, 'compaction', { claudeSessionId: 'c-1', trigger: 'auto', success: true, preTokens: 160_000, postTokens: 9_000, error: null, miss: true }),
    rec(16, 'checkpoint', { phase: 'miss', strategy: 'handoff', contextTokens: 20_000 }),
    rec(20, 'exit', { code: 0, signal: null }),
  ];
}

t.test('turns, markers at the turn they followed, totals that are sums of the records', async (t) => {
  const r = reviewSession({ id: 'x', ...parseLog(sampleLines().join('\n') + '\n') });
  t.same(r.turns.map((x) => [x.n, x.contextTokens, x.change, x.costUsd]), [[1, 30_000, null, 0.25], [2, 140_000, 110_000, 0.5], [3, 20_000, -120_000, 0.125]]);
  t.equal(r.turns[1]!.fill, 140_000 / 167_000);
  t.match(r.header, { program: 'claude', cwd: '/work/proj', model: 'claude-sonnet-4-5', contextWindow: 200_000, autoCompactAt: 167_000, exitCode: 0, durationMs: 20_000 });
  t.notOk(r.running);
  const cp = r.markers.find((m) => m.kind === 'checkpoint');
  t.match(cp, { afterTurn: 2, reason: 'threshold', phases: ['armed', 'prompted', 'resumed'], label: 'checkpoint (threshold): handoff resumed' });
  t.match(r.markers.find((m) => m.kind === 'compaction'), { afterTurn: 3, miss: true, label: 'compaction (auto, missed) 160k → 9k' });
  t.equal(r.markers.filter((m) => m.kind === 'notice').length, 1);
  t.same(r.totals.requests, { main: 3, subagent: 0, side: 1, compact: 0, other: 0, all: 4 });
  t.equal(r.totals.costUsd, 0.25 + 0.01 + 0.5 + 0.125);
  t.equal(r.totals.mainCostUsd, 0.25 + 0.5 + 0.125);
  t.same(r.totals.tokens, { input: 4000, output: 800, cacheRead: 20_000, cacheCreation: 200 });
  t.match(r.totals, { checkpoints: 1, compactions: 1, misses: 1, held: 0, notices: 1, peakContextTokens: 140_000 });
  t.equal(skippedNote(r.skipped), null, 'nothing skipped');
});

t.test('a log cut mid-line and an unknown record type review cleanly, with a note of what was skipped', async (t) => {
  const lines = sampleLines();
  lines.splice(4, 0, rec(7, 'future_kind', { x: 1 }), rec(8, 'future_kind', { x: 2 }));
  const text = lines.slice(0, -1).join('\n') + '\n' + lines.at(-1)!.slice(0, 20); // the exit record torn
  const r = reviewSession({ id: 'x', ...parseLog(text) });
  t.equal(r.turns.length, 3, 'every turn is still there');
  t.ok(r.running, 'no exit record: shown as running');
  t.same(r.skipped, { malformed: 1, unknown: { future_kind: 2 } });
  t.equal(skippedNote(r.skipped), 'skipped 1 line that was not a whole record (cut off mid-write?) and 2 records of a type this guard does not know (future_kind ×2)');
  const out = reviewText(r, { home: '' });
  t.match(out, /\(skipped 1 line that was not a whole record .*\(future_kind ×2\)\)\n$/);
  t.match(out, /running \(no exit record yet\)/);
  t.match(reviewPage(r, ''), /<p class="note" id="skipped">skipped 1 line/);
});

t.test('records of older guards: no reason, no window, no cost fields', async (t) => {
  const r = reviewSession({ id: 'old', ...parseLog([
    JSON.stringify({ t: at(0), type: 'request', thread: 'main', contextTokens: 5000 }),
    JSON.stringify({ t: at(1), type: 'checkpoint', phase: 'armed', strategy: 'compact', contextTokens: 5000 }),
    JSON.stringify({ t: at(2), type: 'checkpoint', phase: 'compacted', strategy: 'compact', contextTokens: 5000 }),
  ].join('\n')) });
  t.same(r.turns.map((x) => [x.contextTokens, x.fill, x.costUsd]), [[5000, null, 0]]);
  t.match(r.markers[0], { kind: 'checkpoint', label: 'checkpoint: compact compacted', reason: null });
  t.equal(r.totals.costUsd, 0);
  t.equal(chartData(r).autoCompactAt, null);
  t.match(reviewText(r, { home: '' }), /scale: peak 5k/);
});

t.test('held compactions, in either shape issue 7 may log them', async (t) => {
  const r = reviewSession({ id: 'h', ...parseLog([
    req(1, 'main', { ctx: 150_000 }),
    rec(2, 'compaction_held', { detail: 'PreCompact held' }),
    rec(3, 'checkpoint', { phase: 'held', strategy: 'handoff', contextTokens: 150_000 }),
  ].join('\n')) });
  t.equal(r.totals.held, 2);
  t.equal(r.totals.checkpoints, 0, 'a held compaction is not a checkpoint');
  t.same(r.markers.map((m) => [m.kind, m.afterTurn]), [['held', 1], ['held', 1]]);
});

t.test('chart data: grouped to fit, peaks kept, markers on the point of their turn', async (t) => {
  const lines = [rec(0, 'window', { contextWindow: 200_000, source: 'x', autoCompactAt: 167_000 })];
  for (let i = 1; i <= 10; i++) lines.push(req(i, 'main', { ctx: i === 7 ? 100_000 : i * 1000 }));
  lines.splice(8, 0, rec(7.5, 'checkpoint', { phase: 'armed', strategy: 'handoff', contextTokens: 1, reason: 'manual' }));
  const d = chartData(reviewSession({ id: 'c', ...parseLog(lines.join('\n')) }), 4);
  t.same(d.points.map((p) => [p.fromTurn, p.toTurn, p.contextTokens]), [[1, 3, 3000], [4, 6, 6000], [7, 9, 100_000], [10, 10, 10_000]]);
  t.same(d.markers.map((m) => [m.at, m.key]), [[2, 'C']], 'the checkpoint after turn 7 sits on the point of turns 7–9');
  t.equal(d.top, 167_000);
});

t.test('text: header, curve with marker keys, turn table with the checkpoint after its turn, totals', async (t) => {
  const r = reviewSession({ id: 'x', ...parseLog(sampleLines().join('\n')) });
  const out = reviewText(r, { home: '/work' });
  t.match(out, /^session x {2}claude {2}~\/proj\nmodel sonnet-4-5 {2}window 200k \(auto-compact at 167k\)\n/);
  t.match(out, /context {2}\S{3} {2}\(scale: auto-compact point 167k\)\n {10}CK\n/);
  t.match(out, /\n2 +\S+ +140k +\+110k +84% +\$0\.50\n +\S+ {2}── checkpoint \(threshold\): handoff resumed\n/);
  t.match(out, /cost \$0\.89 \(main \$0\.88, other \$0\.01\)/);
  t.match(out, /checkpoints 1 {2}compactions 1 {2}misses 1/);
  t.match(sessionsText([sessionRow(r)], '/work'), /^ID +WHEN +HOW LONG +FOLDER +MODEL +PEAK FILL +CHECKPOINTS +MISSES +COST\nx +\S+ \S+ +20s +~\/proj +sonnet-4-5 +84% +1 +1 +\$0\.89\n$/);
});

t.test('html: one page, no outside resources, values escaped, markers labelled', async (t) => {
  const lines = sampleLines();
  lines[0] = rec(0, 'start', { id: 'x', pid: 1, program: '<script>alert(1)</script>', args: [], cwd: '/p', guardVersion: '0' });
  const html = reviewPage(reviewSession({ id: 'x', ...parseLog(lines.join('\n')) }), '');
  t.notMatch(html, /<script>alert/);
  t.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  t.notMatch(html, /\b(src|href)=["']?https?:/, 'nothing fetched from elsewhere');
  t.match(html, /prefers-color-scheme: dark/);
  t.match(html, /<g class="marker checkpoint" data-turn="2">.*checkpoint \(threshold\)<\/text><\/g>/);
  t.match(html, /id="auto-compact-line"/);
});

t.test('report: groups, sums, --since, JSON and CSV', async (t) => {
  const mk = (id: string, startedAt: string, cwd: string, model: string, cost: number, fill: number) => ({
    id, startedAt, durationMs: 1000, running: false, program: 'claude', cwd, model, exitCode: 0, peakContextTokens: 1000, peakFill: fill,
    turns: 2, requests: 3, inputTokens: 10, outputTokens: 20, cacheReadTokens: 30, cacheCreationTokens: 40, costUsd: cost,
    checkpoints: 1, compactions: 0, misses: 0, held: 0, malformed: 0, unknownRecords: 0,
  });
  const rows = [mk('a', '2026-11-20T10:00:00.000Z', '/p1', 'm1', 0.1, 0.5), mk('b', '2026-11-20T11:00:00.000Z', '/p2', 'm1', 0.2, 0.9), mk('c', '2026-11-21T01:00:00.000Z', '/p1', 'm2', 0.3, 0.7)];
  t.same(aggregate(rows, 'day').map((g) => [g.key, g.sessions, g.turns, g.inputTokens, Math.round(g.costUsd * 100), g.peakFill]), [['2026-11-20', 2, 4, 20, 30, 0.9], ['2026-11-21', 1, 2, 10, 30, 0.7]]);
  t.same(aggregate(rows, 'project').map((g) => [g.key, g.sessions]), [['/p1', 2], ['/p2', 1]]);
  t.same(aggregate(rows, 'model').map((g) => [g.key, g.checkpoints]), [['m1', 2], ['m2', 1]]);
  const agents = [{ ...rows[0]!, agent: 'gemini' }, { ...rows[1]!, agent: 'claude' }, { ...rows[2]!, agent: 'gemini' }, { ...rows[2]!, id: 'd', agent: null }, rows[0]!];
  t.same(aggregate(agents, 'agent').map((g) => [g.key, g.sessions]), [['?', 1], ['claude', 1], ['gemini', 2], ['none', 1]],
    'by agent: a plain program is none, a row cached without the field is ?');
  const all = aggregate(rows, 'all');
  t.equal(all.length, 1);
  t.equal(JSON.parse(reportJson(all, 'all', null)).groups[0].costUsd, 0.6, 'cost rounded to the micro-dollar');
  const csv = reportCsv(aggregate(rows, 'project'), 'project').split('\n');
  t.equal(csv[0], 'project,sessions,turns,requests,inputTokens,outputTokens,cacheReadTokens,cacheCreationTokens,costUsd,checkpoints,compactions,misses,held,peakContextTokens,peakFill');
  t.equal(csv[1], '/p1,2,4,6,20,40,60,80,0.4,2,0,0,0,1000,0.7');
  const now = Date.UTC(2026, 10, 29);
  t.equal(parseSince('7d', now), now - 7 * 86_400_000);
  t.equal(parseSince('12h', now), now - 12 * 3_600_000);
  t.equal(parseSince('2026-11-01', now), Date.UTC(2026, 10, 1));
  t.throws(() => parseSince('soon', now), /got "soon"/);
});
