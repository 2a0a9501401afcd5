// One end-to-end Claude Code session in one call: the stand-in API, the isolated environment
// (claude-env.ts), optionally a telemetry collector, and the real `claude` in a test terminal —
// directly, or under `bin/guard.js`. Everything is torn down by one dispose().
import { startStandinApi, type StandinApi, type StandinOptions } from '../../src/demo/standin-api.js';
import { makeClaudeEnv, submitAndWait, telemetryEnv, waitForIdle, isIdle, type ClaudeEnv, type TurnOptions } from './claude-env.js';
import { startOtlpCapture, type OtlpCapture } from './otlp-capture.js';
import { startTerminal, type TestTerminal } from './terminal.js';

export interface ClaudeSessionOptions {
  /** Options for the stand-in API. */
  standin?: StandinOptions;
  /** Run `guard <these options> claude …` instead of claude directly (e.g. `[]` or `['--strategy', 'compact']`). */
  guardArgs?: string[];
  /** Extra claude arguments after the standard ones, e.g. `['--model', OFFLINE_MODEL]` for a 200k window. */
  claudeArgs?: string[];
  /** Extra environment (undefined removes a variable). */
  extraEnv?: Record<string, string | undefined>;
  /** Direct runs: send Claude's telemetry to a capture collector (token header x-guard-token). */
  telemetry?: boolean;
  cols?: number;
  rows?: number;
  /** The test terminal speaks the kitty keyboard protocol. */
  kittyKeyboard?: boolean;
  /** Wait for Claude's prompt box before returning (default true). */
  waitReady?: boolean;
  /** How long to wait for it (default 30 s; Claude 2.1.330 needs ~2.5 s, more on a busy machine). */
  readyTimeoutMs?: number;
  /** Runs once the isolated HOME and project exist, before the program starts (e.g. to write settings files). */
  beforeStart?(env: ClaudeEnv): Promise<void>;
}

export interface ClaudeSession {
  api: StandinApi;
  env: ClaudeEnv;
  term: TestTerminal;
  otlp: OtlpCapture | null;
  /** Submits a prompt (once idle) and waits until Claude is idle again; returns the screen. */
  turn(text: string, opts?: TurnOptions): Promise<string>;
  dispose(): Promise<void>;
}

export const TELEMETRY_TOKEN = 'guard-e2e-token';
/** SIGTERM first (guard then ends Claude itself; SIGKILL would orphan Claude), SIGKILL after this. */
const GRACEFUL_EXIT_MS = 3_000;

export async function startClaudeSession(opts: ClaudeSessionOptions = {}): Promise<ClaudeSession> {
  const api = await startStandinApi(opts.standin);
  const otlp = opts.telemetry ? await startOtlpCapture('x-guard-token', TELEMETRY_TOKEN) : null;
  const env = await makeClaudeEnv({
    apiUrl: api.url,
    extraEnv: { ...(otlp ? telemetryEnv(otlp.url, TELEMETRY_TOKEN) : {}), ...opts.extraEnv },
  });
  try {
    await opts.beforeStart?.(env);
  } catch (err) {
    await Promise.allSettled([api.close(), otlp?.close(), env.cleanup()]);
    throw err;
  }
  const cmd = opts.guardArgs ? env.guardCommand(opts.guardArgs, opts.claudeArgs) : env.claudeCommand(opts.claudeArgs);
  const term = startTerminal({ file: cmd.file, args: cmd.args, cwd: env.cwd, env: env.env, cols: opts.cols ?? 110, rows: opts.rows ?? 32, kittyKeyboard: opts.kittyKeyboard ?? false });
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await term.end(GRACEFUL_EXIT_MS);
    await Promise.allSettled([api.close(), otlp?.close(), env.cleanup()]);
  };
  try {
    if (opts.waitReady ?? true) {
      await term.waitFor((s) => s.includes('Claude Code') && isIdle(s), opts.readyTimeoutMs ?? 30_000);
      await waitForIdle(term);
    }
  } catch (err) {
    await dispose();
    throw err;
  }
  return { api, env, term, otlp, turn: (text, o) => submitAndWait(term, text, o), dispose };
}
