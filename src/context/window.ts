// What the context tracker asks of an agent's window rules, and the one rule every agent shares.
// Input: what the tracker gathered about one conversation (WindowInputs) and the agent's
// environment. Output: the window and auto-compact point. Each agent's adapter gives its own
// WindowRules (Claude's: src/claude/window.ts; Codex's: src/codex/window.ts; Gemini's:
// src/agents/gemini/adapter.ts); the user's own windows per model (guard's config) are read the
// same way for all of them (userModelWindow). Pure.

import type { AutoCompactSource, WindowSource } from './snapshot.js';

/** A model id ending in "[1m]" is the 1M-context variant (Claude's hooks and metrics carry it; log events do not). */
export const ONE_MILLION_SUFFIX = '[1m]';
/** A dated model id (claude-sonnet-4-5-20250929) matches its undated key. */
export const DATE_SUFFIX = /-\d{8}$/;

export interface WindowInputs {
  /** guard's own --window flag or config. */
  userOverride?: number | null;
  /** guard's config windows for given models (model id → tokens); beat userOverride for that model. */
  userModelWindows?: Readonly<Record<string, number>> | null;
  /** The newest status line's context_window.context_window_size. */
  statuslineWindow?: number | null;
  /**
   * The newest model id from a hook or a metric: the only places a "[1m]" suffix shows (log
   * events never carry it). A /model switch changes it, so only the newest counts.
   */
  suffixModelId?: string | null;
  /** Model ids for the table, best first (the newest main request's, then hooks'/metrics'). */
  modelIds?: readonly (string | null | undefined)[];
  /** Largest pre_tokens of a successful automatic compaction in the session. */
  observedAutoPreTokens?: number | null;
}

export interface WindowResult { window: number; source: WindowSource }

export type Env = Readonly<Record<string, string | undefined>>;

export interface AutoCompactResult { at: number; source: AutoCompactSource }

/**
 * An agent's window and auto-compact point (src/agents/agent.ts: each adapter gives its own; the
 * tracker calls both on every snapshot, so both are pure and cheap). `autoCompactPoint` gets the
 * agent's environment and the lowest pre-compaction size of an automatic compaction seen under
 * that window (null: none yet).
 */
export interface WindowRules {
  window(inputs: WindowInputs): WindowResult;
  autoCompactPoint(window: number, env: Env, lowestAutoPreTokens: number | null | undefined): AutoCompactResult;
}

/**
 * The user's window for the model in use: the id as given (any case), then without a "[1m]"
 * suffix, then without a date suffix. The suffixed id (hooks, metrics) is tried first while the
 * main conversation runs that model, so a key such as "claude-opus-4-8[1m]" can be told apart.
 */
export function userModelWindow(table: Readonly<Record<string, number>>, models: readonly string[], suffixed: string | null | undefined): number | null {
  const keys = new Map(Object.entries(table).map(([k, v]) => [k.trim().toLowerCase(), v]));
  if (keys.size === 0) return null;
  const main = models[0];
  const ids = typeof suffixed === 'string' && suffixed !== '' && (main === undefined || sameModel(main, suffixed)) ? [suffixed, ...models] : models;
  for (const m of ids) {
    const id = m.trim().toLowerCase();
    for (const k of [id, stripOneMillionSuffix(id), stripOneMillionSuffix(id).replace(DATE_SUFFIX, '')]) {
      const w = keys.get(k);
      if (isPositive(w)) return w;
    }
  }
  return null;
}

/** The same model, with or without the "[1m]" suffix, in any case. */
export function sameModel(a: string, b: string): boolean {
  return stripOneMillionSuffix(a.trim().toLowerCase()) === stripOneMillionSuffix(b.trim().toLowerCase());
}

export function stripOneMillionSuffix(model: string): string {
  return model.endsWith(ONE_MILLION_SUFFIX) ? model.slice(0, -ONE_MILLION_SUFFIX.length) : model;
}

export function isPositive(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}
