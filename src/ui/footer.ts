// The footer's text, pure. Input: a plain view (the context tracker's ContextSnapshot, guard's
// state, what the checkpoint policy has armed, a notice) and the width in terminal cells. Output:
// lines of text with ANSI SGR colour (none when color is false) that never exceed the width,
// counted in display cells (wide characters and emoji count 2). The renderer draws them.
import type { ContextSnapshot } from '../context/snapshot.js';
import type { GuardState } from '../events/state.js';
import type { RateLimits } from '../events/hook-facts.js';
import { displayWidth, formatCost, formatCountdown, formatDuration, formatTokens, shortModel, truncateToWidth } from '../lib/text.js';

/**
 * What the checkpoint policy wants the user to see; all plain data. The policy's own
 * `policyView()` (src/policy/view.ts) has this shape and can be passed as it is.
 */
export interface FooterPolicy {
  /** The threshold was crossed and a checkpoint will fire at the next idle moment. */
  armed: boolean;
  strategy: 'handoff' | 'compact' | 'off';
  /** A few words on what guard does next, e.g. "handoff at next idle", "clearing the context". */
  next?: string | null;
}

export interface FooterView {
  snapshot: ContextSnapshot;
  state: GuardState;
  policy?: FooterPolicy;
  /** One short message (a warning, "checkpoint done", a miss); shown truncated if need be. */
  notice?: string;
  /** The caller's clock (ms since the epoch), for the limits' reset countdowns; none without it. */
  now?: number;
  /** Claude has run a while and no telemetry arrived: no gauge, no cost, and no checkpoints to promise. */
  noTelemetry?: boolean;
  /** The agent's name in the footer's words (absent: Claude). */
  agent?: string;
}

export interface ProgramFooterView {
  program: string;
  /** Milliseconds since the epoch when the program started. */
  startedAt: number;
  /** The caller's clock, so the text is a function of the view alone. */
  now: number;
  state: 'running' | 'exited';
  exitCode?: number | null;
  /** e.g. "SIGTERM" when a signal ended the program. */
  signal?: string | null;
  notice?: string;
}

export interface FooterOptions { color: boolean }

/** Below this share of the auto-compact point the gauge is green: plenty of room. */
export const GAUGE_YELLOW_AT = 0.6;
/** From here red: the default checkpoint threshold (80%) is reached, guard is about to act. */
export const GAUGE_RED_AT = 0.8;
/** Gauge bar width in cells when there is room; it shrinks to MIN before it is dropped. */
const BAR_MAX = 20;
const BAR_MIN = 5;
/** A notice gets at least this many cells, or it waits until there is room. */
const NOTICE_MIN = 12;
const SEP = ' │ ';

// ---- colour -----------------------------------------------------------------------------

const SGR = {
  green: '32', yellow: '33', red: '31', cyan: '36', magenta: '35', dim: '2', bold: '1', boldYellow: '1;33',
} as const;
type Style = keyof typeof SGR;

function paint(text: string, style: Style | undefined, color: boolean): string {
  return color && style !== undefined && text !== '' ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text;
}

// ---- the Claude footer ------------------------------------------------------------------

interface Part {
  /** Plain text for measuring; `styled` is what is printed. */
  text: string;
  styled: string;
}

function part(text: string, style: Style | undefined, color: boolean): Part {
  return { text, styled: paint(text, style, color) };
}

function levelStyle(share: number): Style {
  if (share >= GAUGE_RED_AT) return 'red';
  if (share >= GAUGE_YELLOW_AT) return 'yellow';
  return 'green';
}

function gaugeBar(share: number, width: number, color: boolean): Part {
  const filled = Math.max(0, Math.min(width, Math.round(Math.min(1, Math.max(0, share)) * width)));
  const full = '█'.repeat(filled);
  const empty = '░'.repeat(width - filled);
  return { text: full + empty, styled: paint(full, levelStyle(share), color) + paint(empty, 'dim', color) };
}

const STATE_STYLE: Record<GuardState, Style | undefined> = {
  starting: 'dim', working: 'cyan', idle: undefined, checkpointing: 'magenta', exited: 'dim',
};

function stateText(view: FooterView, long: boolean): { text: string; style: Style | undefined } {
  const p = view.policy;
  const next = p?.next ?? null;
  if (view.state === 'checkpointing') {
    return { text: long && next ? `checkpointing: ${next}` : 'checkpointing', style: 'magenta' };
  }
  if (p?.armed && p.strategy !== 'off') {
    return { text: long ? `${view.state} · checkpoint armed → ${next ?? `${p.strategy} at next idle`}` : `armed → ${p.strategy}`, style: 'yellow' };
  }
  if (long && next) return { text: `${view.state} · ${next}`, style: STATE_STYLE[view.state] };
  if (long && p?.strategy === 'off') return { text: `${view.state} · checkpoints off`, style: STATE_STYLE[view.state] };
  return { text: view.state, style: STATE_STYLE[view.state] };
}

/** What may appear, in the order the drop-list removes them (see LAYOUTS). */
interface Layout {
  model: boolean;
  growth: boolean;
  /** The subscription limits: 2 with reset countdowns, 1 percentages only, 0 none. */
  limits: 0 | 1 | 2;
  cost: boolean;
  /** 0 = no bar. */
  bar: number;
  longState: boolean;
  state: boolean;
  tokens: boolean;
  label: boolean;
}

// Richest first. Least important goes first: model → growth/turns → the limits' countdowns →
// cost → the long state text → the limits → the bar shrinks → the bar → the "guard" label →
// tokens → state; the percentage stays last. (Without limits on the status line, their steps
// change nothing.)
const LAYOUTS: Layout[] = (() => {
  const all: Layout = { model: true, growth: true, limits: 2, cost: true, bar: BAR_MAX, longState: true, state: true, tokens: true, label: true };
  const out: Layout[] = [all];
  const push = (change: Partial<Layout>): void => { out.push({ ...out[out.length - 1]!, ...change }); };
  push({ model: false });
  push({ growth: false });
  push({ limits: 1 });
  push({ cost: false });
  push({ longState: false });
  push({ limits: 0 });
  for (const bar of [16, 12, 8, BAR_MIN]) push({ bar });
  push({ bar: 0 });
  push({ label: false });
  push({ tokens: false });
  push({ state: false });
  return out;
})();
/** Index of the sparsest layout tried with the notice beside it (no cost, short state, no
 * limits); narrower, the notice gives way. */
const LAYOUTS_WITH_NOTICE = 6;

function join(parts: Part[]): Part {
  return { text: parts.map((p) => p.text).join(SEP), styled: parts.map((p) => p.styled).join(SEP) };
}

function claudeParts(view: FooterView, layout: Layout, color: boolean): Part[] {
  const s = view.snapshot;
  const parts: Part[] = [];
  if (layout.label) parts.push(part('guard', 'bold', color));
  if ((s.contextTokens === null || s.resumed === true) && view.noTelemetry) {
    if (layout.tokens) parts.push(part(layout.longState ? `no telemetry from ${view.agent ?? 'Claude'} (turned off in its settings?): no gauge, no checkpoints` : 'no telemetry', 'yellow', color));
    // No figures to show: zeros would look like facts.
    return layout.state ? [...parts, part(view.state, STATE_STYLE[view.state], color)] : parts;
  }
  if (s.contextTokens === null) {
    if (layout.tokens) parts.push(part(`waiting for ${view.agent ?? 'Claude'}'s first request`, 'dim', color));
  } else {
    const share = s.autoCompactAt > 0 ? s.contextTokens / s.autoCompactAt : 0;
    const pct = `${Math.round(share * 100)}%`;
    const gauge: Part[] = [];
    if (layout.bar > 0) gauge.push(gaugeBar(share, layout.bar, color));
    if (layout.tokens) gauge.push(part(`${formatTokens(s.contextTokens)} / ${formatTokens(s.autoCompactAt)}`, undefined, color));
    gauge.push(part(pct, levelStyle(share), color));
    parts.push({ text: gauge.map((g) => g.text).join(' '), styled: gauge.map((g) => g.styled).join(' ') });
    if (layout.growth && (s.growthPerTurn !== null || s.turnsLeft !== null)) {
      const bits: string[] = [];
      if (s.growthPerTurn !== null) bits.push(`+${formatTokens(s.growthPerTurn)}/turn`);
      if (s.turnsLeft !== null) bits.push(`~${s.turnsLeft} turn${s.turnsLeft === 1 ? '' : 's'}`);
      parts.push(part(bits.join(' '), undefined, color));
    }
  }
  if (layout.cost) parts.push(part(formatCost(s.costUsd), undefined, color));
  if (layout.limits > 0 && s.rateLimits) {
    const limits = limitsPart(s.rateLimits, layout.limits === 2 ? view.now : undefined, color);
    if (limits) parts.push(limits);
  }
  if (layout.model) {
    const name = s.model !== null ? shortModel(s.model) : 'model ?';
    parts.push(part(`${name} ${formatTokens(s.contextWindow)}`, 'dim', color));
  }
  if (layout.state) {
    const st = stateText(view, layout.longState);
    parts.push(part(st.text, st.style, color));
  }
  return parts;
}

/** `5h 42% ↻1h26m · 7d 15% ↻3d04h`: each window's use, coloured like the gauge, and when it resets. */
function limitsPart(limits: RateLimits, now: number | undefined, color: boolean): Part | null {
  const bits: Part[] = [];
  for (const [label, w] of [['5h', limits.fiveHour], ['7d', limits.sevenDay]] as const) {
    if (!w) continue;
    const pct = part(`${Math.round(w.usedPercentage)}%`, levelStyle(w.usedPercentage / 100), color);
    const reset = now !== undefined && w.resetsAt !== null ? ` ↻${formatCountdown(w.resetsAt - now)}` : '';
    bits.push({ text: `${label} ${pct.text}${reset}`, styled: `${label} ${pct.styled}${paint(reset, 'dim', color)}` });
  }
  if (bits.length === 0) return null;
  return { text: bits.map((b) => b.text).join(' · '), styled: bits.map((b) => b.styled).join(' · ') };
}

function fit(parts: Part[], width: number): Part | null {
  const line = join(parts);
  return displayWidth(line.text) <= width ? line : null;
}

export function renderClaudeFooter(view: FooterView, width: number, opts: FooterOptions): string[] {
  checkWidth(width);
  const notice = view.notice?.replace(/\s+/g, ' ').trim();
  if (notice) {
    // The whole notice beside the richest layout it fits; else cut beside the sparsest of them.
    const withNotice = LAYOUTS.slice(0, LAYOUTS_WITH_NOTICE + 1);
    for (const layout of withNotice) {
      const line = fit([...claudeParts(view, layout, opts.color), part(notice, 'boldYellow', opts.color)], width);
      if (line) return [line.styled];
    }
    const base = join(claudeParts(view, withNotice[withNotice.length - 1]!, opts.color));
    const room = width - displayWidth(base.text) - displayWidth(SEP);
    if (room >= NOTICE_MIN) return [join([base, part(truncateToWidth(notice, room), 'boldYellow', opts.color)]).styled];
  }
  for (const layout of LAYOUTS) {
    const line = fit(claudeParts(view, layout, opts.color), width);
    if (line) return [line.styled];
  }
  // Narrower than the percentage alone: cut the plain text.
  return [truncateToWidth(join(claudeParts(view, LAYOUTS[LAYOUTS.length - 1]!, false)).text, width)];
}

// ---- the footer for other programs ------------------------------------------------------

export function renderProgramFooter(view: ProgramFooterView, width: number, opts: FooterOptions): string[] {
  checkWidth(width);
  const c = opts.color;
  const elapsed = part(formatDuration(view.now - view.startedAt), undefined, c);
  let state: Part;
  if (view.state === 'running') state = part('running', 'green', c);
  else if (view.signal) state = part(`exited (${view.signal})`, 'red', c);
  else state = part(`exited ${view.exitCode ?? '?'}`, view.exitCode === 0 ? undefined : 'red', c);
  const label = part('guard', 'bold', c);
  const notice = view.notice?.replace(/\s+/g, ' ').trim();
  const candidates: Part[][] = [[label, part(view.program, undefined, c), elapsed, state], [part(view.program, undefined, c), elapsed, state], [elapsed, state], [state]];
  if (notice) {
    for (const parts of candidates.slice(0, 2)) {
      const base = join(parts);
      const room = width - displayWidth(base.text) - displayWidth(SEP);
      if (room >= Math.min(NOTICE_MIN, displayWidth(notice))) return [join([base, part(truncateToWidth(notice, room), 'boldYellow', c)]).styled];
    }
  }
  for (const parts of candidates) {
    const line = fit(parts, width);
    if (line) return [line.styled];
  }
  return [truncateToWidth(state.text, width)];
}

function checkWidth(width: number): void {
  if (!Number.isInteger(width) || width < 0) throw new RangeError(`footer width must be a whole number ≥ 0, got ${String(width)}`);
}
