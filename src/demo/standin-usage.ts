// The stand-in API's token arithmetic (pure): how many tokens a Messages API request "costs",
// split the way the fixtures' stand-in split it, and which context window a request is held to.
// Input: the request's size in characters, its padding, its model and `anthropic-beta` header.
// Output: the usage the stand-in reports in its server-sent events (and records for tests).

/** Characters per token: the fixtures' stand-in reported (request characters / 4) + padding. */
export const CHARS_PER_TOKEN = 4;
/** Output tokens per answer, as in the fixtures: they join the context with the next request. */
export const DEFAULT_OUTPUT_TOKENS = 40;
/** The usual context window; the real API refuses any prompt larger than the model's window. */
export const DEFAULT_WINDOW = 200_000;
/** A 1M-context model (`[1m]` suffix or the `context-1m` beta). */
export const DEFAULT_WINDOW_1M = 1_000_000;

export interface Usage {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  output_tokens: number;
}

/** The prompt size the stand-in reports for a request: body characters / 4, rounded down, plus padding. */
export function promptTokens(bodyChars: number, padding: number): number {
  if (!Number.isFinite(bodyChars) || bodyChars < 0) throw new Error(`bodyChars must be a non-negative number, got ${bodyChars}`);
  if (!Number.isFinite(padding) || padding < 0) throw new Error(`padding must be a non-negative number, got ${padding}`);
  return Math.floor(bodyChars / CHARS_PER_TOKEN) + Math.floor(padding);
}

/**
 * Splits a prompt of `total` tokens 80% cache read, 15% cache creation, the rest (about 5%)
 * input, in whole tokens that add up to `total` exactly.
 */
export function splitUsage(total: number, outputTokens = DEFAULT_OUTPUT_TOKENS): Usage {
  if (!Number.isInteger(total) || total < 0) throw new Error(`total must be a non-negative integer, got ${total}`);
  const cacheRead = Math.floor((total * 80) / 100);
  const cacheCreation = Math.floor((total * 15) / 100);
  return {
    input_tokens: total - cacheRead - cacheCreation,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheCreation,
    output_tokens: outputTokens,
  };
}

/** input + cache read + cache creation: the context in use, as CLAUDE-CODE.md defines it. */
export function contextOf(u: Usage): number {
  return u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
}

/**
 * Models that Claude Code 2.1.330 itself treats as 1M-context without sending the `context-1m`
 * beta (its status line says 1,000,000 for opus, sonnet and haiku 5.5; 200,000 for
 * claude-sonnet-4-5). Holding them to 200k would refuse prompts Claude thinks fit.
 */
export const DEFAULT_MODELS_1M = /^claude-(?:opus|sonnet|haiku)-5-5(?:$|[-[])/i;

export interface WindowOptions { window: number; window1m: number; models1m: RegExp }

/**
 * The window a request is held to: `window1m` for a `[1m]` model, the `context-1m` beta or a
 * model matching `models1m`; else `window`.
 */
export function windowForRequest(model: string | null, anthropicBeta: string | undefined, opts: WindowOptions): number {
  if (model !== null && (/\[1m\]$/i.test(model) || opts.models1m.test(model))) return opts.window1m;
  if (anthropicBeta !== undefined && /(^|,)\s*context-1m/i.test(anthropicBeta)) return opts.window1m;
  return opts.window;
}

/** The real API's words for a prompt over the window. */
export function promptTooLongMessage(tokens: number, window: number): string {
  return `prompt is too long: ${tokens} tokens > ${window} maximum`;
}
