// guard's user settings, pure: the keys, their defaults and the checks. Input: whatever a config
// file holds (parsed JSON). Output: a complete GuardConfig, or a ConfigError naming the file, the
// key and the bad value. The checkpoint settings are the policy's own (src/policy/config.ts): its
// defaults and its checks are used here, not repeated.
import { DEFAULT_POLICY_CONFIG, makePolicyConfig, STRATEGIES, type PolicyConfig } from '../policy/config.js';

export interface GuardConfig extends PolicyConfig {
  /** The model's context window, overriding what guard infers; null: infer it. */
  window: number | null;
  /** Draw the footer (false: like --no-footer). */
  footer: boolean;
}

export type ConfigKey = keyof GuardConfig;

export const DEFAULT_CONFIG: Readonly<GuardConfig> = Object.freeze({ ...DEFAULT_POLICY_CONFIG, window: null, footer: true });

/** The smallest and largest windows accepted: anything outside is a typo (e.g. "200" for 200k). */
export const MIN_WINDOW = 1_000;
export const MAX_WINDOW = 100_000_000;

type Kind = 'string' | 'number' | 'boolean' | 'window';
const KINDS: Record<ConfigKey, Kind> = {
  strategy: 'string', thresholdPct: 'number', rearmBelowPct: 'number', forecast: 'boolean', coolDownMs: 'number',
  notePath: 'string', handoffTemplate: 'string', resumeTemplate: 'string', compactInstructions: 'string',
  holdAutoCompact: 'boolean', window: 'window', footer: 'boolean',
};
export const CONFIG_KEYS = Object.keys(KINDS) as ConfigKey[];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string, readonly key: string | null = null, readonly source: string | null = null) {
    super(source ? `guard config (${source}): ${message}` : `guard config: ${message}`);
  }
}

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(KINDS, key);
}

/** Checks one value's type; returns it. */
export function checkValue(key: string, value: unknown, source: string | null = null): GuardConfig[ConfigKey] {
  if (!isConfigKey(key)) throw new ConfigError(`unknown key ${JSON.stringify(key)} (known: ${CONFIG_KEYS.join(', ')})`, key, source);
  const kind = KINDS[key];
  const bad = (want: string): ConfigError => new ConfigError(`${key} must be ${want}; got ${JSON.stringify(value)}`, key, source);
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw bad('a string');
      if (key === 'strategy' && !(STRATEGIES as readonly string[]).includes(value)) throw bad(`one of ${STRATEGIES.join(', ')}`);
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('true or false');
      return value;
    case 'window':
      if (value === null) return null;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_WINDOW || value > MAX_WINDOW) {
        throw bad(`null or a whole number of tokens from ${MIN_WINDOW} to ${MAX_WINDOW}`);
      }
      return value;
  }
}

/**
 * A complete config from what a file holds: missing keys take their defaults, unknown keys are
 * refused (a typo must not be silently ignored), and the policy's own checks run on the result.
 */
export function validateConfig(raw: unknown, source: string | null = null): GuardConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`expected an object of settings; got ${JSON.stringify(raw)}`, null, source);
  }
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const [key, value] of Object.entries(raw)) out[key] = checkValue(key, value, source);
  const cfg = out as unknown as GuardConfig;
  try {
    makePolicyConfig(toPolicyConfig(cfg));
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err), null, source);
  }
  return cfg;
}

/** The checkpoint policy's part of the config. */
export function toPolicyConfig(cfg: GuardConfig): PolicyConfig {
  const { window: _window, footer: _footer, ...policy } = cfg;
  return policy;
}
