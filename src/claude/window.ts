// Claude Code's window rules (the Claude adapter's WindowRules, src/context/window.ts): the
// context window and the auto-compact point, from what the tracker has gathered about one Claude
// session (user override, status line, model ids, observed compactions) and the user's
// environment. Pure functions; the tracker calls them on every snapshot.
// Rules: /work/shared/CLAUDE-CODE.md, "Context and auto-compaction".

import type { AutoCompactSource } from '../context/snapshot.js';
import {
  DATE_SUFFIX, ONE_MILLION_SUFFIX, isPositive, sameModel, stripOneMillionSuffix, userModelWindow,
  type AutoCompactResult, type Env, type WindowInputs, type WindowResult, type WindowRules,
} from '../context/window.js';

export const DEFAULT_WINDOW = 200_000;
export const ONE_MILLION_WINDOW = 1_000_000;
/** Claude reserves up to 20,000 tokens for output and keeps a further 13,000 buffer (CLAUDE-CODE.md). */
export const OUTPUT_RESERVE = 20_000;
export const COMPACT_BUFFER = 13_000;
/** Window sizes an observed compaction can point to, smallest first. */
const STANDARD_WINDOWS = [DEFAULT_WINDOW, ONE_MILLION_WINDOW] as const;

/**
 * Windows of known models. A FALLBACK only: the status line and a "[1m]" suffix beat it, because
 * the same alias gets different windows across Claude Code versions. Entries marked "observed"
 * were seen in the lab (fixtures/, CLAUDE-CODE.md); the others are the published 200k windows.
 * Keys match the id exactly or with a date suffix (claude-sonnet-4-5-20250929).
 */
const KNOWN_WINDOWS: ReadonlyMap<string, number> = new Map(Object.entries({
  'claude-sonnet-5': 200_000,        // observed: 2.1.197 --model sonnet
  'claude-sonnet-5-5': 1_000_000,    // observed: 2.1.330 --model sonnet (statusline 1,000,000)
  'claude-sonnet-4-5': 200_000,      // observed: 2.1.330 --model claude-sonnet-4-5, no context-1m beta
  'claude-sonnet-4': 200_000,
  'claude-opus-4-8': 200_000,        // its 1M variant carries the [1m] suffix
  'claude-opus-4-1': 200_000,
  'claude-opus-4': 200_000,
  'claude-haiku-4-5': 200_000,
  'claude-3-7-sonnet': 200_000,
  'claude-3-5-haiku': 200_000,
}));

export function knownModelWindow(model: string): number | null {
  const id = stripOneMillionSuffix(model.trim().toLowerCase());
  const exact = KNOWN_WINDOWS.get(id);
  if (exact !== undefined) return exact;
  const undated = id.replace(DATE_SUFFIX, '');
  return undated !== id ? KNOWN_WINDOWS.get(undated) ?? null : null;
}

export function hasOneMillionSuffix(model: string): boolean {
  return model.trim().toLowerCase().endsWith(ONE_MILLION_SUFFIX);
}

/** The smallest standard window that can hold an observed compaction's pre_tokens. */
export function windowFromCompaction(preTokens: number): number {
  for (const w of STANDARD_WINDOWS) if (preTokens <= w) return w;
  return preTokens;
}

/** Best source first: user (per model, then for all), status line, [1m] suffix, known model, observed compaction, default. */
export function inferWindow(inp: WindowInputs): WindowResult {
  const models = (inp.modelIds ?? []).filter((m): m is string => typeof m === 'string' && m !== '');
  const perModel = inp.userModelWindows ? userModelWindow(inp.userModelWindows, models, inp.suffixModelId) : null;
  if (perModel !== null) return { window: perModel, source: 'user' };
  if (isPositive(inp.userOverride)) return { window: inp.userOverride, source: 'user' };
  if (isPositive(inp.statuslineWindow)) return { window: inp.statuslineWindow, source: 'statusline' };
  const suffixed = inp.suffixModelId;
  if (typeof suffixed === 'string' && hasOneMillionSuffix(suffixed)) {
    // Only while the main conversation still runs that model (log events name it without suffix).
    const main = models[0];
    if (main === undefined || sameModel(main, suffixed)) return { window: ONE_MILLION_WINDOW, source: 'model-suffix' };
  }
  const observed = isPositive(inp.observedAutoPreTokens) ? windowFromCompaction(inp.observedAutoPreTokens) : null;
  for (const m of models) {
    const known = knownModelWindow(m);
    if (known === null) continue;
    // A compaction larger than the table's window proves the table wrong for this version.
    if (observed !== null && observed > known) return { window: observed, source: 'observed-compaction' };
    return { window: known, source: 'known-model' };
  }
  if (observed !== null) return { window: observed, source: 'observed-compaction' };
  return { window: DEFAULT_WINDOW, source: 'default' };
}

/**
 * Where Claude Code compacts on its own. Default window − 33,000 (20,000 output reserve +
 * 13,000 buffer). CLAUDE_CODE_AUTO_COMPACT_WINDOW caps the window used for the point;
 * CLAUDE_AUTOCOMPACT_PCT_OVERRIDE lowers it only, to that share of (window − output reserve),
 * the base Claude's own threshold uses; DISABLE_AUTO_COMPACT leaves only the hard limit (the
 * window). A successful automatic compaction seen below the computed point lowers it to there:
 * Claude compacted at pre_tokens, so its point is no higher.
 */
export function autoCompactPoint(window: number, env: Env, lowestAutoPreTokens?: number | null): AutoCompactResult {
  if (isTruthyFlag(env['DISABLE_AUTO_COMPACT'])) return { at: window, source: 'disabled' };
  let base = window;
  let source: AutoCompactSource = 'default';
  const envWindow = parseTokenCount(env['CLAUDE_CODE_AUTO_COMPACT_WINDOW']);
  if (envWindow !== null && envWindow < window) {
    base = envWindow;
    source = 'env-window';
  }
  let at = base - OUTPUT_RESERVE - COMPACT_BUFFER;
  const share = parseShare(env['CLAUDE_AUTOCOMPACT_PCT_OVERRIDE']);
  if (share !== null) {
    const pctAt = Math.floor((base - OUTPUT_RESERVE) * share);
    if (pctAt < at) {
      at = pctAt;
      source = 'env-pct';
    }
  }
  if (isPositive(lowestAutoPreTokens) && lowestAutoPreTokens < at) {
    at = lowestAutoPreTokens;
    source = 'observed-compaction';
  }
  return { at: Math.max(0, at), source };
}

/**
 * CLAUDE_AUTOCOMPACT_PCT_OVERRIDE as a share in (0, 1]: a fraction ("0.8") or a percentage
 * ("80"). Note: the 2.1.330 binary itself reads the value as a percentage in (0, 100], so to
 * Claude "0.8" means 0.8 %; guard follows the documented fraction form for values ≤ 1.
 */
export function parseShare(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const v = Number(raw.trim());
  if (!Number.isFinite(v) || v <= 0 || v > 100) return null;
  return v <= 1 ? v : v / 100;
}

/** A token count such as "150000", "150k" or "1m"; null when unusable (Claude ignores those too). */
export function parseTokenCount(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([km]?)\s*$/i.exec(raw);
  if (m === null || m[1] === undefined) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const n = Number(m[1]) * (unit === 'k' ? 1_000 : unit === 'm' ? 1_000_000 : 1);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : null;
}

/** Claude Code's rules (CLAUDE-CODE.md): the functions above. */
export const CLAUDE_WINDOW_RULES: WindowRules = { window: inferWindow, autoCompactPoint };

function isTruthyFlag(raw: string | undefined): boolean {
  if (raw === undefined) return false;
  const s = raw.trim().toLowerCase();
  return s !== '' && s !== '0' && s !== 'false' && s !== 'no' && s !== 'off';
}
