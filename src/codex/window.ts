// Codex CLI's context window and its own auto-compact point for one run (pure). Input: what guard
// read of the user's Codex config (src/codex/settings.ts readCodexConfig) and the tracker's window
// inputs (guard's own --window flag and config, the model ids seen). Output: the WindowRules the
// tracker calls on every snapshot.
//
// Codex 0.171.0's rules: the window is `model_context_window` when set, else the model's entry in
// the catalogue built into the binary (`context_window`, read from the binary: table below); it
// compacts on its own before a turn once the last request reached (window × 9) / 10, or the
// user's lower `model_auto_compact_token_limit`, or after a turn past the user's
// `model_post_turn_compact_threshold_percent` of 95% of the window (see codexAutoCompactPoint).
// Its own /status shows 95% of the window as the usable part; guard shows the window itself, as
// for Claude. A project's own `.codex/config.toml` (in a folder the user trusted) and the system's
// files in /etc/codex may set the same: guard takes the lowest point, with each and without.
import type { WindowRules } from '../context/window.js';
import { userModelWindow } from '../context/window.js';
import { codexAutoCompactPoint, type CodexConfig } from './settings.js';

/**
 * The `context_window` of each model in the catalogue of the 0.171.0 binary (`"slug"` entries). A
 * Map: a model named like an Object member (`constructor`) is no model.
 */
const KNOWN_WINDOWS: ReadonlyMap<string, number> = new Map([
  ['gpt-5.5', 272_000],
  ['gpt-5.6-luna', 272_000],
  ['gpt-5.6-sol', 272_000],
  ['gpt-5.6-terra', 272_000],
  ['gpt-6-astra', 272_000],
  ['gpt-6-luna', 272_000],
  ['gpt-6-sol', 272_000],
  ['gpt-6.1-sol', 500_000],
  ['gpt-6.1-terra', 500_000],
  ['gpt-6.2-astra', 272_000],
  ['gpt-6.2-sol', 500_000],
  ['gpt-daybreak-blue-latest', 272_000],
  ['gpt-daybreak-red-latest', 372_000],
  ['codex-auto-review', 272_000],
]);
/**
 * A model Codex does not know and no `model_context_window`: the catalogue's usual window. Not
 * seen on the binary (Codex warns "Model metadata … not found" and uses fallback metadata).
 */
export const CODEX_DEFAULT_WINDOW = 272_000;

export function knownCodexWindow(model: string): number | null {
  return KNOWN_WINDOWS.get(model.trim().toLowerCase()) ?? null;
}

/** guard's own setting first, then Codex's config, then the model's catalogue entry. */
export function codexWindowRules(config: CodexConfig): WindowRules {
  return {
    window: (inp) => {
      const models = [...(inp.modelIds ?? []), config.model].filter((m): m is string => typeof m === 'string' && m !== '');
      const perModel = inp.userModelWindows ? userModelWindow(inp.userModelWindows, models, null) : null;
      if (perModel !== null) return { window: perModel, source: 'user' };
      if (typeof inp.userOverride === 'number' && inp.userOverride > 0) return { window: inp.userOverride, source: 'user' };
      if (config.contextWindow !== null) return { window: config.contextWindow, source: 'agent-config' };
      for (const m of models) {
        const known = knownCodexWindow(m);
        if (known !== null) return { window: known, source: 'known-model' };
      }
      return { window: CODEX_DEFAULT_WINDOW, source: 'default' };
    },
    autoCompactPoint: (window) => {
      // The other config files (a project's, the system's), if Codex reads them: never later than those.
      const at = Math.min(
        codexAutoCompactPoint(window, config.autoCompactLimit, config.postTurnCompactPercent),
        ...config.others.map((o) => codexAutoCompactPoint(Math.min(window, o.contextWindow ?? window), o.autoCompactLimit, o.postTurnCompactPercent)),
      );
      return { at, source: at < codexAutoCompactPoint(window, null) ? 'agent-config' : 'default' };
    },
  };
}
