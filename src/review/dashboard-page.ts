// The dashboard's pages, pure. Input: the live registry's entries (src/registry/live.ts), the
// session rows (./sessions.ts), the request's token and a script nonce. Output: HTML. The index
// page shows every running session as a card (a gauge of the context against the auto-compact
// point, state, turns left, cost, what guard will do next) and the history; its inline script
// opens the server-sent event stream and redraws the cards and the history from each message,
// so nothing reloads. Each session's own page is the `--html` review (./html.ts).
import type { LiveEntry } from '../registry/live.js';
import { formatStamp, programLabel, tildePath } from '../log/format.js';
import { recordedAgent } from '../log/records.js';
import { formatCost, formatDuration, formatTokens, shortModel } from '../lib/text.js';
import { esc, page } from './html.js';
import type { SessionRow } from './sessions.js';
import { pct } from './text.js';

/** What one server-sent event carries: the cards and the history, already formatted. */
export interface DashboardState {
  live: LiveCard[];
  history: HistoryRow[];
}

export interface LiveCard {
  id: string;
  program: string;
  folder: string;
  model: string;
  state: string;
  contextTokens: number | null;
  autoCompactAt: number | null;
  /** "121.4k / 167k (73%)" or "–". */
  context: string;
  /** 0..1 of the auto-compact point, null when unknown. */
  fill: number | null;
  forecast: string;
  cost: string;
  next: string;
  updatedAt: string;
}

export interface HistoryRow { id: string; when: string; howLong: string; folder: string; model: string; peakFill: string; checkpoints: number; misses: number; cost: string; running: boolean }

export function liveCard(e: LiveEntry, home: string): LiveCard {
  const ctx = typeof e.contextTokens === 'number' ? e.contextTokens : null;
  const point = typeof e.autoCompactAt === 'number' && e.autoCompactAt > 0 ? e.autoCompactAt : null;
  const fill = ctx !== null && point !== null ? ctx / point : null;
  const turnsLeft = typeof e.turnsLeft === 'number' ? e.turnsLeft : null;
  return {
    id: e.id, program: programLabel(e.program, recordedAgent(e.agent, e.program)), folder: tildePath(e.cwd, home), model: e.model ? shortModel(e.model) : '–', state: e.state,
    contextTokens: ctx, autoCompactAt: point,
    context: ctx === null ? '–' : point === null ? formatTokens(ctx) : `${formatTokens(ctx)} / ${formatTokens(point)} (${pct(fill)})`,
    fill, forecast: turnsLeft === null ? '–' : `~${turnsLeft} turn${turnsLeft === 1 ? '' : 's'} left`,
    cost: formatCost(typeof e.costUsd === 'number' ? e.costUsd : 0), next: typeof e.next === 'string' && e.next !== '' ? e.next : '–',
    updatedAt: e.updatedAt,
  };
}

export function historyRow(r: SessionRow, home: string): HistoryRow {
  return {
    id: r.id, when: formatStamp(r.startedAt), howLong: r.durationMs === null ? '–' : formatDuration(r.durationMs), folder: tildePath(r.cwd, home),
    model: r.model ? shortModel(r.model) : '–', peakFill: pct(r.peakFill), checkpoints: r.checkpoints, misses: r.misses, cost: formatCost(r.costUsd), running: r.running,
  };
}

const DASHBOARD_CSS = `
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: .75rem; }
.card { border: 1px solid var(--grid); border-radius: 8px; padding: .6rem .8rem; background: var(--row); }
.card h3 { margin: 0 0 .3rem; font-size: .95rem; } .card .row { display: flex; justify-content: space-between; gap: .5rem; }
.gauge { position: relative; height: 12px; border-radius: 6px; background: var(--grid); margin: .4rem 0; overflow: hidden; }
.gauge .bar { position: absolute; inset: 0 auto 0 0; background: var(--line); }
.gauge .bar.warn { background: var(--compaction); } .gauge .bar.high { background: var(--limit); }
.empty { color: var(--muted); } a { color: var(--line); }
`;

/**
 * The client script: redraws from each event. Builds elements with textContent only, so no
 * value from a log or the registry is ever parsed as HTML.
 */
const CLIENT_JS = `
const token = new URLSearchParams(location.search).get('token') || '';
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
function drawLive(cards) {
  const box = document.getElementById('live');
  box.replaceChildren();
  if (cards.length === 0) { box.append(el('p', 'empty', 'No guarded session is running.')); return; }
  for (const c of cards) {
    const card = el('div', 'card'); card.dataset.id = c.id; card.dataset.contextTokens = c.contextTokens === null ? '' : String(c.contextTokens);
    card.append(el('h3', '', c.program + ' · ' + c.folder));
    const gauge = el('div', 'gauge'); gauge.title = 'context against the auto-compact point';
    const bar = el('div', 'bar' + (c.fill >= 0.8 ? ' high' : c.fill >= 0.6 ? ' warn' : '')); bar.style.width = Math.min(100, Math.round((c.fill || 0) * 100)) + '%';
    gauge.append(bar); card.append(gauge);
    const row = (k, v, cls) => { const r = el('div', 'row'); r.append(el('span', 'muted', k), el('span', cls, v)); card.append(r); };
    row('context', c.context, 'context'); row('state', c.state, 'state'); row('forecast', c.forecast, 'forecast');
    row('cost', c.cost, 'cost'); row('next', c.next, 'next'); row('model', c.model, 'model'); row('session', c.id, 'id');
    box.append(card);
  }
}
function drawHistory(rows) {
  const body = document.querySelector('#history tbody');
  body.replaceChildren();
  for (const r of rows) {
    const tr = el('tr'); const a = el('a', '', r.id); a.href = '/session/' + encodeURIComponent(r.id) + '?token=' + encodeURIComponent(token);
    const first = el('td'); first.append(a); tr.append(first);
    for (const v of [r.when + (r.running ? ' (running)' : ''), r.howLong, r.folder, r.model, r.peakFill, String(r.checkpoints), String(r.misses), r.cost]) tr.append(el('td', '', v));
    body.append(tr);
  }
}
const events = new EventSource('/events?token=' + encodeURIComponent(token));
events.onmessage = (m) => { const s = JSON.parse(m.data); drawLive(s.live); drawHistory(s.history); document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1); };
events.onerror = () => { document.getElementById('status').textContent = 'reconnecting…'; };
events.onopen = () => { document.getElementById('status').textContent = 'live'; };
`;

export function dashboardPage(nonce: string): string {
  const body = `<h1>guard dashboard <small class="muted" id="status">connecting…</small></h1>
<h2>Running now</h2><div class="cards" id="live"><p class="empty">Loading…</p></div>
<h2>History</h2>
<table id="history"><thead><tr><th>session</th><th>when</th><th>how long</th><th>folder</th><th>model</th><th>peak fill</th><th>checkpoints</th><th>misses</th><th>cost</th></tr></thead><tbody></tbody></table>
<script nonce="${esc(nonce)}">${CLIENT_JS}</script>`;
  return page('guard dashboard', body, `<style>${DASHBOARD_CSS}</style>`);
}
