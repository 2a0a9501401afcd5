// guard's user settings, pure: the schema (each key's type, default, allowed values or range and
// a line of help), the checks, and the parsing of a value typed on the command line. Input:
// whatever a config file holds (parsed JSON), or `guard config set KEY VALUE`'s text. Output: a
// complete GuardConfig, or a ConfigError naming the key, what is allowed and the bad value.
// The checkpoint settings are the policy's own (src/policy/config.ts): its defaults and its
// cross-field checks (re-arm below the threshold, templates with {path}, typed length) are used
// here, not repeated.
//
// Why a schema table here rather than conf's JSON-Schema option: conf's validator reports
// "must be <= 100" without the value it refused and knows nothing of the cross-field checks, and
// loading it costs every run of guard start-up time (see ./load.ts). The table below is the one
// place a key is described; `guard config list` and the README show what it says.
import { DEFAULT_POLICY_CONFIG, MAX_TYPED_CHARS, makePolicyConfig, STRATEGIES, type PolicyConfig } from '../policy/config.js';
import { brand, hasBrand, setBrand } from '../lib/brand.js';

const CONFIG_ERROR = brand('ConfigError');

export interface GuardConfig extends PolicyConfig {
  /** The context window for every model, overriding what guard infers; null: infer it. */
  window: number | null;
  /** Windows for given models (model id → tokens); beat `window` for that model. */
  windows: Record<string, number>;
  /** Draw the footer (false: like --no-footer). */
  footer: boolean;
  /** Whether guard holds back Claude's own automatic compaction while it can checkpoint first. */
  holdAutoCompact: boolean;
  /** Serve Prometheus metrics on 127.0.0.1 at this port; null: no metrics server. */
  metricsPort: number | null;
  /** Forward Claude's telemetry to the user's own collector, when they configured one. */
  forward: boolean;
  /** Session logs not written to for this many days are removed by a later run; 0: kept for good. */
  keepLogsDays: number;
}

export type ConfigKey = keyof GuardConfig;

/** The smallest and largest windows accepted: anything outside is a typo (e.g. "200" for 200k). */
export const MIN_WINDOW = 1_000;
export const MAX_WINDOW = 100_000_000;
/** TCP ports; below 1024 needs root on most systems, but that is the system's to refuse. */
export const MIN_PORT = 1;
export const MAX_PORT = 65_535;
/**
 * Session logs are kept 90 days by default: a quarter's `guard report`, three times what Claude
 * Code keeps its own transcripts by default (cleanupPeriodDays, 30). A log is a few hundred bytes
 * a request, so a heavy user's year is a few hundred MB (src/log/retention.ts).
 */
export const DEFAULT_KEEP_LOGS_DAYS = 90;
/** A hundred years: "keep them" is 0, and anything longer is a typo. */
export const MAX_KEEP_LOGS_DAYS = 36_500;
/** A day: a longer cool-down would mean "never again in this session", which `strategy off` says better. */
export const MAX_COOL_DOWN_MS = 86_400_000;
/** Model ids as Claude reports them (claude-opus-4-8, claude-opus-4-8[1m], claude-sonnet-4-5-20250929). */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*(?:\[[A-Za-z0-9]+\])?$/;

type Spec =
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'boolean' }
  | { kind: 'string'; accepts: string }
  | { kind: 'number'; min: number; max: number; minExclusive?: boolean; integer?: boolean; unit?: string }
  | { kind: 'tokens'; nullable: boolean }
  | { kind: 'windows' }
  | { kind: 'port' };

export interface KeyInfo {
  key: ConfigKey;
  spec: Spec;
  /** One line for `guard config list` and the README. */
  help: string;
}

const KEYS: readonly KeyInfo[] = [
  { key: 'strategy', spec: { kind: 'enum', values: STRATEGIES }, help: 'what guard does before Claude runs out of context (--strategy)' },
  { key: 'thresholdPct', spec: { kind: 'number', min: 0, max: 100, minExclusive: true, unit: '%' }, help: 'arm the checkpoint at this % of the auto-compact point (--threshold)' },
  { key: 'rearmBelowPct', spec: { kind: 'number', min: 0, max: 100, unit: '%' }, help: 'after a checkpoint, arm again only once the context went below this % (at most thresholdPct)' },
  { key: 'forecast', spec: { kind: 'boolean' }, help: 'also arm when the next turn is forecast to cross the auto-compact point' },
  { key: 'coolDownMs', spec: { kind: 'number', min: 0, max: MAX_COOL_DOWN_MS, integer: true, unit: 'ms' }, help: 'no new checkpoint within this long after the last one' },
  { key: 'notePath', spec: { kind: 'string', accepts: 'a path ending in .md, without spaces' }, help: 'the checkpoint note, relative to Claude\'s folder: its folder is the checkpoint folder; {time} is the time; ends in .md, no spaces' },
  { key: 'handoffTemplate', spec: { kind: 'string', accepts: `text with {path}, at most ${MAX_TYPED_CHARS} characters typed` }, help: 'the prompt that asks Claude for the note; must contain {path}' },
  { key: 'resumeTemplate', spec: { kind: 'string', accepts: `text with {path}, at most ${MAX_TYPED_CHARS} characters typed` }, help: 'the prompt typed into the fresh context; must contain {path}' },
  { key: 'compactInstructions', spec: { kind: 'string', accepts: `text, at most ${MAX_TYPED_CHARS} characters typed with /compact` }, help: 'what follows /compact' },
  { key: 'window', spec: { kind: 'tokens', nullable: true }, help: 'the context window of every model, when guard cannot tell (--window); null: infer it' },
  { key: 'windows', spec: { kind: 'windows' }, help: 'the window of one model: `guard config set windows.MODEL 1m` (beats window)' },
  { key: 'footer', spec: { kind: 'boolean' }, help: 'draw the footer (false: like --no-footer)' },
  { key: 'holdAutoCompact', spec: { kind: 'boolean' }, help: 'hold Claude\'s own automatic compaction while guard can checkpoint first' },
  { key: 'metricsPort', spec: { kind: 'port' }, help: 'serve Prometheus metrics at http://127.0.0.1:PORT/metrics (--metrics-port); null: off' },
  { key: 'forward', spec: { kind: 'boolean' }, help: 'forward Claude\'s telemetry to your own collector, when you configured one' },
  { key: 'keepLogsDays', spec: { kind: 'number', min: 0, max: MAX_KEEP_LOGS_DAYS, integer: true, unit: 'days' }, help: 'remove session logs not written to for this many days (0: keep them all)' },
];
const BY_KEY = new Map<string, KeyInfo>(KEYS.map((k) => [k.key, k]));

export const CONFIG_KEYS: readonly ConfigKey[] = KEYS.map((k) => k.key);

export const DEFAULT_CONFIG: Readonly<GuardConfig> = Object.freeze({
  ...DEFAULT_POLICY_CONFIG,
  window: null,
  windows: Object.freeze({}) as Record<string, number>,
  footer: true,
  holdAutoCompact: true,
  metricsPort: null,
  forward: true,
  keepLogsDays: DEFAULT_KEEP_LOGS_DAYS,
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string, readonly key: string | null = null, readonly source: string | null = null) {
    super(source ? `guard config (${source}): ${message}` : `guard config: ${message}`);
    setBrand(this, CONFIG_ERROR);
  }

  /** Thrown by the config store's copy of this class too (loaded on demand: ../lib/brand.ts). */
  static override [Symbol.hasInstance](v: unknown): boolean { return hasBrand(v, CONFIG_ERROR); }
}

export function isConfigKey(key: string): key is ConfigKey {
  return BY_KEY.has(key);
}

export function keyInfo(key: ConfigKey): KeyInfo {
  return BY_KEY.get(key) as KeyInfo;
}

export function configKeys(): readonly KeyInfo[] {
  return KEYS;
}

function unknownKey(key: string, source: string | null): ConfigError {
  return new ConfigError(`unknown key ${JSON.stringify(key)} (known: ${CONFIG_KEYS.join(', ')})`, key, source);
}

/** What a key accepts, in words: the text every refusal ends with. */
export function allowed(key: ConfigKey): string {
  const spec = keyInfo(key).spec;
  switch (spec.kind) {
    case 'enum': return `one of ${spec.values.join(', ')}`;
    case 'boolean': return 'true or false';
    case 'string': return spec.accepts;
    case 'number': {
      const what = spec.integer ? 'a whole number' : 'a number';
      const unit = spec.unit === 'ms' ? ' of milliseconds' : spec.unit === 'days' ? ' of days' : '';
      return spec.minExclusive ? `${what}${unit} above ${spec.min} and at most ${spec.max}` : `${what}${unit} from ${spec.min} to ${spec.max}`;
    }
    case 'tokens': return `${spec.nullable ? 'null or ' : ''}a whole number of tokens from ${MIN_WINDOW} to ${MAX_WINDOW}`;
    case 'windows': return `an object of model id → a whole number of tokens from ${MIN_WINDOW} to ${MAX_WINDOW}`;
    case 'port': return `null or a whole port number from ${MIN_PORT} to ${MAX_PORT}`;
  }
}

function isTokens(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= MIN_WINDOW && v <= MAX_WINDOW;
}

/** Checks one value against its key's schema; returns it. */
export function checkValue(key: string, value: unknown, source: string | null = null): GuardConfig[ConfigKey] {
  if (!isConfigKey(key)) throw unknownKey(key, source);
  const spec = keyInfo(key).spec;
  const bad = (): ConfigError => new ConfigError(`${key} must be ${allowed(key)}; got ${JSON.stringify(value)}`, key, source);
  switch (spec.kind) {
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) throw bad();
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad();
      return value;
    case 'string':
      if (typeof value !== 'string') throw bad();
      return value;
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad();
      if (spec.integer && !Number.isInteger(value)) throw bad();
      if (value > spec.max || value < spec.min || (spec.minExclusive && value === spec.min)) throw bad();
      return value;
    }
    case 'tokens':
      if (value === null && spec.nullable) return null;
      if (!isTokens(value)) throw bad();
      return value;
    case 'windows': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad();
      const out: Record<string, number> = {};
      for (const [model, tokens] of Object.entries(value)) {
        if (!MODEL_ID.test(model)) throw new ConfigError(`windows: ${JSON.stringify(model)} is not a model id (e.g. claude-opus-4-8)`, key, source);
        if (!isTokens(tokens)) throw new ConfigError(`windows.${model} must be a whole number of tokens from ${MIN_WINDOW} to ${MAX_WINDOW}; got ${JSON.stringify(tokens)}`, key, source);
        out[model] = tokens;
      }
      return out;
    }
    case 'port':
      if (value === null) return null;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_PORT || value > MAX_PORT) throw bad();
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
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG, windows: {} };
  for (const [key, value] of Object.entries(raw)) out[key] = checkValue(key, value, source);
  const cfg = out as unknown as GuardConfig;
  try {
    makePolicyConfig(toPolicyConfig(cfg));
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err), null, source);
  }
  return cfg;
}

/**
 * The checkpoint policy's part of the config. `holdAutoCompact` stays in: it is the policy's to
 * act on (src/policy/), and passes through makePolicyConfig untouched until then.
 */
export function toPolicyConfig(cfg: GuardConfig): PolicyConfig {
  const { window: _w, windows: _ws, footer: _f, metricsPort: _m, forward: _fw, keepLogsDays: _k, ...policy } = cfg;
  return policy;
}

// ---- values typed on the command line --------------------------------------------------

const TRUE_WORDS = new Set(['true', 'on', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', '0']);

/** "200000", "200k", "1m", "1.5M" → tokens; null when it is not such a count. */
export function parseTokens(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (m === null) return null;
  const unit = m[2]?.toLowerCase();
  const n = Number(m[1]) * (unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : 1);
  return Number.isFinite(n) ? Math.round(n * 1e6) / 1e6 : null;
}

/** A config path as typed: a key, or `windows.MODEL`. */
export interface ConfigPath { key: ConfigKey; model?: string }

export function parseConfigPath(text: string): ConfigPath {
  const dot = text.indexOf('.');
  if (dot > 0 && text.slice(0, dot) === 'windows') {
    const model = text.slice(dot + 1);
    if (!MODEL_ID.test(model)) throw new ConfigError(`${JSON.stringify(model)} is not a model id (e.g. windows.claude-opus-4-8)`, 'windows');
    return { key: 'windows', model };
  }
  if (!isConfigKey(text)) throw unknownKey(text, null);
  return { key: text };
}

/**
 * The value `guard config set` stores for the text typed: booleans as true/false (also on/off,
 * yes/no, 1/0), numbers as numbers ("80%" for percentages, "200k" for tokens), `null` where a
 * key allows it. The result still goes through checkValue.
 */
export function parseValueText(path: ConfigPath, text: string): unknown {
  const spec = path.model !== undefined ? ({ kind: 'tokens', nullable: false } as const) : keyInfo(path.key).spec;
  const t = text.trim();
  const name = path.model !== undefined ? `windows.${path.model}` : path.key;
  const bad = (want: string): ConfigError => new ConfigError(`${name} must be ${want}; got ${JSON.stringify(text)}`, path.key);
  switch (spec.kind) {
    case 'enum':
    case 'string':
      return text;
    case 'boolean': {
      const w = t.toLowerCase();
      if (TRUE_WORDS.has(w)) return true;
      if (FALSE_WORDS.has(w)) return false;
      throw bad('true or false (also on/off, yes/no, 1/0)');
    }
    case 'number': {
      const n = t === '' ? NaN : Number(spec.unit === '%' ? t.replace(/%$/, '') : t);
      return Number.isFinite(n) ? n : text;
    }
    case 'tokens': {
      if (spec.nullable && t === 'null') return null;
      return parseTokens(t) ?? text;
    }
    case 'windows':
      throw new ConfigError('set one model\'s window with windows.MODEL, e.g. `guard config set windows.claude-opus-4-8 1m`', 'windows');
    case 'port': {
      if (t === 'null') return null;
      const n = t === '' ? NaN : Number(t);
      return Number.isFinite(n) ? n : text;
    }
  }
}
