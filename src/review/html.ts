// The review as one self-contained HTML page, pure. Input: a SessionReview (./model.ts) and the
// home folder. Output: HTML text with inline CSS (light and dark through prefers-color-scheme) and
// an inline SVG chart — the context per turn, the auto-compact point as a dashed line, and each
// checkpoint / compaction / held compaction as a labelled vertical marker — then the header,
// totals and the turn table. Nothing is fetched when the page is viewed. The dashboard
// (./dashboard-page.ts) serves the same page for each session of its history.
import { formatStamp, tildePath } from '../log/format.js';
import { formatCost, formatDuration, formatTokens, shortModel } from '../lib/text.js';
import { chartData, type ChartData } from './chart.js';
import { skippedNote, type SessionReview } from './model.js';
import { pct } from './text.js';

/** The chart's drawing size in SVG units; it scales with the page. */
const W = 900;
const H = 320;
const PAD = { left: 64, right: 16, top: 28, bottom: 36 };
/** More turns than this are grouped (the group's largest context), so the SVG stays small. */
const HTML_CHART_POINTS = 600;
/** Up to this many points, each gets its turn number on the x axis (more would overlap). */
const AXIS_LABELS_MAX = 40;

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Colours as CSS variables, light by default and dark when the viewer prefers it. */
export const PAGE_CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1d1f23; --muted: #5d6470; --grid: #d9dde3; --line: #1f6feb;
  --limit: #c62828; --checkpoint: #2e7d32; --compaction: #b26a00; --held: #6a1b9a; --row: #f5f7fa; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f1115; --fg: #e6e8eb; --muted: #9aa3ae; --grid: #2b3038; --line: #58a6ff;
    --limit: #ff6b6b; --checkpoint: #56d364; --compaction: #e3b341; --held: #d2a8ff; --row: #171a20; }
}
body { background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 1000px; padding: 0 1rem; }
h1 { font-size: 1.25rem; margin: 0 0 .25rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
.muted { color: var(--muted); } code { font-size: .95em; }
dl.header { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; } dt { color: var(--muted); } dd { margin: 0; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .grid { stroke: var(--grid); stroke-width: 1; } svg.chart text { fill: var(--muted); font-size: 11px; }
svg.chart .context { fill: none; stroke: var(--line); stroke-width: 2; } svg.chart .dot { fill: var(--line); }
svg.chart .limit { stroke: var(--limit); stroke-dasharray: 6 4; stroke-width: 1.5; } svg.chart text.limit-label { fill: var(--limit); stroke: none; }
svg.chart .marker line { stroke-width: 1.5; stroke-dasharray: 3 3; }
svg.chart .marker.checkpoint line { stroke: var(--checkpoint); } svg.chart .marker.checkpoint text { fill: var(--checkpoint); }
svg.chart .marker.compaction line { stroke: var(--compaction); } svg.chart .marker.compaction text { fill: var(--compaction); }
svg.chart .marker.held line { stroke: var(--held); } svg.chart .marker.held text { fill: var(--held); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: .2rem .6rem; border-bottom: 1px solid var(--grid); } th:first-child, td:first-child { text-align: left; }
tr.event td { text-align: left; color: var(--muted); background: var(--row); }
tr.event.checkpoint td { color: var(--checkpoint); } tr.event.compaction td { color: var(--compaction); } tr.event.held td { color: var(--held); }
.note { color: var(--muted); font-style: italic; }
`;

function x(i: number, n: number): number {
  const span = W - PAD.left - PAD.right;
  return PAD.left + (n <= 1 ? span / 2 : (i / (n - 1)) * span);
}
function y(v: number, top: number): number {
  return PAD.top + (1 - v / top) * (H - PAD.top - PAD.bottom);
}
const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

export function svgChart(data: ChartData): string {
  const n = data.points.length;
  if (n === 0) return '<p class="note" id="no-chart">No main requests: nothing to chart.</p>';
  const top = data.top * 1.08;
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${r1(y(v, top))}" y2="${r1(y(v, top))}"/>`,
      `<text x="${PAD.left - 6}" y="${r1(y(v, top) + 4)}" text-anchor="end">${esc(formatTokens(Math.round(v)))}</text>`);
  }
  if (data.autoCompactAt !== null) {
    const ly = r1(y(data.autoCompactAt, top));
    parts.push(`<line class="limit" id="auto-compact-line" x1="${PAD.left}" x2="${W - PAD.right}" y1="${ly}" y2="${ly}"/>`,
      `<text class="limit-label" x="${PAD.left + 4}" y="${r1(y(data.autoCompactAt, top) - 5)}">auto-compact ${esc(formatTokens(data.autoCompactAt))}</text>`);
  }
  const pts = data.points.map((p, i) => `${r1(x(i, n))},${r1(y(p.contextTokens, top))}`);
  parts.push(`<polyline class="context" id="context-line" points="${pts.join(' ')}"/>`);
  if (n <= 120) data.points.forEach((p, i) => parts.push(`<circle class="dot" cx="${r1(x(i, n))}" cy="${r1(y(p.contextTokens, top))}" r="3"><title>turn ${p.fromTurn === p.toTurn ? p.fromTurn : `${p.fromTurn}–${p.toTurn}`}: ${esc(formatTokens(p.contextTokens))}</title></circle>`));
  // Markers at the same point are stacked so their labels do not overlap.
  const stack = new Map<number, number>();
  for (const m of data.markers) {
    const level = stack.get(m.at) ?? 0;
    stack.set(m.at, level + 1);
    const mx = r1(x(m.at, n));
    const short = m.marker.kind === 'checkpoint' ? `checkpoint${m.marker.reason ? ` (${m.marker.reason})` : ''}`
      : m.marker.kind === 'held' ? 'held back' : m.marker.miss ? 'compaction (missed)' : 'compaction';
    parts.push(`<g class="marker ${m.marker.kind}" data-turn="${m.marker.afterTurn}"><title>${esc(m.marker.label)}</title>`
      + `<line x1="${mx}" x2="${mx}" y1="${PAD.top}" y2="${H - PAD.bottom}"/>`
      // Labels right of the line, or left of it in the chart's right half, so none is cut off.
      + (x(m.at, n) > W / 2
        ? `<text x="${r1(x(m.at, n) - 4)}" y="${PAD.top + 10 + level * 13}" text-anchor="end">${esc(short)}</text></g>`
        : `<text x="${r1(x(m.at, n) + 4)}" y="${PAD.top + 10 + level * 13}">${esc(short)}</text></g>`));
  }
  // The x axis: every turn's number while they fit, else the first and the last.
  if (n <= AXIS_LABELS_MAX) {
    data.points.forEach((p, i) => parts.push(`<text class="turn-label" x="${r1(x(i, n))}" y="${H - 18}" text-anchor="middle">${p.toTurn}</text>`));
    parts.push(`<text x="${W / 2}" y="${H - 3}" text-anchor="middle">turn</text>`);
  } else {
    parts.push(`<text x="${PAD.left}" y="${H - 12}">turn ${data.points[0]!.fromTurn}</text>`,
      `<text x="${W - PAD.right}" y="${H - 12}" text-anchor="end">turn ${data.points.at(-1)!.toTurn}</text>`);
  }
  return `<svg class="chart" id="context-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="context per turn against the auto-compact point" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '?' : d.toISOString().slice(11, 19);
}

function signed(n: number | null): string {
  return n === null ? '–' : n >= 0 ? `+${formatTokens(n)}` : `−${formatTokens(-n)}`;
}

/** The page's body content (the dashboard embeds it too). */
export function reviewBody(r: SessionReview, home: string): string {
  const h = r.header;
  const t = r.totals;
  const exit = r.running ? 'running (no exit record yet)' : `${h.exitCode ?? '–'}${h.exitSignal ? ` (${h.exitSignal})` : ''}`;
  const dl = ([
    ['program', h.program ?? '?'], ['agent', h.agent ?? '–'], ['folder', tildePath(h.cwd, home)], ['model', h.model ? shortModel(h.model) : '–'],
    ['window', h.contextWindow === null ? '–' : `${formatTokens(h.contextWindow)}${h.autoCompactAt === null ? '' : `, auto-compact at ${formatTokens(h.autoCompactAt)}`}`],
    ['started', `${formatStamp(h.startedAt)} (UTC ${h.startedAt ?? '?'})`], ['duration', h.durationMs === null ? '–' : formatDuration(h.durationMs)], ['exit', exit],
  ] as const).map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`).join('');
  const totals = ([
    ['turns', String(r.turns.length)],
    ['requests', `${t.requests.all} (main ${t.requests.main}, sub-agent ${t.requests.subagent}, side ${t.requests.side}, compaction ${t.requests.compact})`],
    ['tokens', `in ${formatTokens(t.tokens.input)}, cache read ${formatTokens(t.tokens.cacheRead)}, cache write ${formatTokens(t.tokens.cacheCreation)}, out ${formatTokens(t.tokens.output)}`],
    ['cost', `${formatCost(t.costUsd)} (main ${formatCost(t.mainCostUsd)})`],
    ['peak context', `${t.peakContextTokens === null ? '–' : formatTokens(t.peakContextTokens)} (${pct(t.peakFill)})`],
    ['checkpoints', String(t.checkpoints)], ['compactions', String(t.compactions)], ['misses', String(t.misses)], ['held back', String(t.held)],
  ] as const).map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`).join('');
  const rows: string[] = [];
  const events = (n: number): void => {
    for (const m of r.markers.filter((mk) => mk.afterTurn === n)) {
      rows.push(`<tr class="event ${m.kind}" data-after-turn="${n}"><td>${esc(clock(m.t))}</td><td colspan="5">${esc(m.label)}</td></tr>`);
    }
  };
  events(0);
  for (const turn of r.turns) {
    rows.push(`<tr class="turn"><td>${turn.n}</td><td>${esc(clock(turn.t))}</td><td>${turn.contextTokens === null ? '–' : esc(formatTokens(turn.contextTokens))}</td>`
      + `<td>${esc(signed(turn.change))}</td><td>${pct(turn.fill)}</td><td>${esc(formatCost(turn.costUsd))}</td></tr>`);
    events(turn.n);
  }
  const note = skippedNote(r.skipped);
  return `<h1>guard session <code>${esc(h.id)}</code></h1>
<dl class="header">${dl}</dl>
${note === null ? '' : `<p class="note" id="skipped">${esc(note)}</p>`}
<h2>Context per turn</h2>
${svgChart(chartData(r, HTML_CHART_POINTS))}
<h2>Totals</h2>
<dl class="header" id="totals">${totals}</dl>
<h2>Turns</h2>
<table id="turns"><thead><tr><th>turn</th><th>time (UTC)</th><th>context</th><th>change</th><th>fill</th><th>cost</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function page(title: string, body: string, extraHead = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${PAGE_CSS}</style>${extraHead}</head>
<body>${body}</body></html>
`;
}

export function reviewPage(r: SessionReview, home: string): string {
  return page(`guard session ${r.header.id}`, reviewBody(r, home));
}
