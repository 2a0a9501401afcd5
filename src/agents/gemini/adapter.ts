// Gemini CLI as an agent adapter (src/agents/agent.ts). It points at what guard knows of Gemini in
// src/gemini/: the typed events (events.ts), the hook payloads (hooks.ts), guard's settings
// additions (settings.ts) in a private home (home.ts), the prompt box (prompt-box.ts). Input: the
// user's gemini arguments, cwd and environment; then the receiver's URL and token. Output: the
// user's args unchanged, GEMINI_CLI_HOME pointing at the run's private home (removed at dispose,
// after what Gemini wrote there is put back), the telemetry environment, warnings.
//
// Window and compression, Gemini CLI 0.61.0 (bundle, and CLI's footer on the binary): the window is
// fixed per model name, 1,048,576 for Gemini models and names it does not know; no setting moves
// it. Before each prompt it compresses the history on its own when the previous main request's
// prompt reached `model.compressionThreshold` (default 0.5) of the window. It offers no way to
// refuse that (PreCompress cannot), so guard stays ahead by its threshold and forecast.
import { rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRelayPaths } from '../../claude/settings.js';
import { RECEIVER_URL_ENV, TOKEN_ENV } from '../../claude/relay/post.js';
import { GeminiEventReader } from '../../gemini/events.js';
import { parseGeminiHook } from '../../gemini/hooks.js';
import { GeminiSettingsError, makeGeminiHome, readUserSettings } from '../../gemini/home.js';
import { readGeminiPromptBox } from '../../gemini/prompt-box.js';
import { systemSettingsFiles, telemetryEnv } from '../../gemini/settings.js';
import type { JsonObject } from '../../gemini/settings.js';
import type { WindowInputs, WindowRules } from '../../context/window.js';
import { AgentSetupError, type AgentAdapter, type AgentSetup, type Connection, type SetupInput } from '../agent.js';
import { makeRunFolder } from '../../lib/run-folder.js';

/** Gemini CLI's window for Gemini models and unknown names (tokenLimit in 0.61.0): 2^20. */
export const GEMINI_WINDOW = 1_048_576;
/**
 * Gemini CLI 0.61.0 without the kitty keyboard takes an Enter read within 30 ms of a typed key as a
 * newline (bufferFastReturn), and any Enter after a bracketed paste until a 40 ms timer and a
 * re-render clear its "recent unsafe paste" mark. Seen: a paste + Enter in one write, and a paste
 * then the Enter 200 ms later, both left guard's note prompt in the box with a new line, unsent.
 * So guard types it as plain keys and sends the Enter this long after.
 */
export const SUBMIT_DELAY_MS = 300;
/** `model.compressionThreshold`'s default in 0.61.0. */
export const DEFAULT_COMPRESSION_THRESHOLD = 0.5;
/**
 * Gemini batches its log records (OpenTelemetry's BatchLogRecordProcessor, 5 s by default: records
 * came "within about 5 s"). It reads OTEL_BLRP_SCHEDULE_DELAY; half a second keeps the footer
 * within a second of a request, as for Claude.
 */
export const LOGS_EXPORT_DELAY_MS = 500;

/** `model.compressionThreshold` as Gemini reads it: a number in (0, 1]; anything else is the default. */
export function compressionThreshold(...layers: JsonObject[]): number {
  let share = DEFAULT_COMPRESSION_THRESHOLD;
  for (const s of layers) {
    const model = s['model'];
    const v = typeof model === 'object' && model !== null ? (model as JsonObject)['compressionThreshold'] : undefined;
    if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 1) share = v;
  }
  return share;
}

/**
 * The compression threshold, the system files counted: under the user's the defaults file, over
 * them the administrator's. Gemini reads a system file only when it and every folder above it
 * belong to root and nobody else may write them, which guard does not check: it takes the lower
 * of the threshold with them and without, so that it is never later than Gemini. A system file
 * guard cannot read or parse counts as absent (Gemini's own start says what is wrong with it).
 */
export function lowerThreshold(user: JsonObject, project: JsonObject, env: NodeJS.ProcessEnv, files = systemSettingsFiles(env)): number {
  const quiet = (file: string): JsonObject => { try { return readUserSettings(file); } catch { return {}; } };
  const withSystem = compressionThreshold(quiet(files.defaults), user, project, quiet(files.system));
  return Math.min(withSystem, compressionThreshold(user, project));
}

/** The window (guard's own settings win, as for Claude) and the compression point. */
export function geminiWindowRules(threshold: number): WindowRules {
  return {
    window: (inp: WindowInputs) => {
      const models = (inp.modelIds ?? []).filter((m): m is string => typeof m === 'string');
      const perModel = inp.userModelWindows ? models.map((m) => inp.userModelWindows?.[m]).find((w) => typeof w === 'number') : undefined;
      if (typeof perModel === 'number') return { window: perModel, source: 'user' };
      if (typeof inp.userOverride === 'number' && inp.userOverride > 0) return { window: inp.userOverride, source: 'user' };
      return { window: GEMINI_WINDOW, source: 'known-model' };
    },
    autoCompactPoint: (window, _env, lowest) => {
      const at = Math.floor(window * threshold);
      if (typeof lowest === 'number' && lowest > 0 && lowest < at) return { at: lowest, source: 'observed-compaction' };
      return { at, source: threshold === DEFAULT_COMPRESSION_THRESHOLD ? 'default' : 'env-pct' };
    },
  };
}

function settingsOrError(file: string): JsonObject {
  try {
    return readUserSettings(file);
  } catch (err) {
    if (err instanceof GeminiSettingsError) throw new AgentSetupError(err.message, err.file);
    throw err;
  }
}

function setup(input: SetupInput): AgentSetup {
  const { cwd, env } = input;
  // The folder Gemini takes for its home: the user's GEMINI_CLI_HOME, else their home.
  const userHome = env['GEMINI_CLI_HOME'] || env['HOME'] || homedir();
  const user = settingsOrError(join(userHome, '.gemini', 'settings.json'));
  const project = settingsOrError(join(cwd, '.gemini', 'settings.json'));
  return {
    env,
    window: geminiWindowRules(lowerThreshold(user, project, env)),
    forwardsUserTelemetry: false,
    // None of guard's Gemini hooks is answered: each writes to the hook folder (src/gemini/settings.ts).
    usesHookFolder: true,
    warnings: [],
    connect: (to): Connection => {
      // 0700, with a name no other user can predict.
      const runDir = makeRunFolder('gemini', tmpdir());
      let home;
      try {
        home = makeGeminiHome(userHome, runDir, defaultRelayPaths(), to.hookSpool);
      } catch (err) {
        rmSync(runDir, { recursive: true, force: true });
        if (err instanceof GeminiSettingsError) throw new AgentSetupError(err.message, err.file);
        throw err;
      }
      const extraEnv: Record<string, string> = {
        ...telemetryEnv(to.receiverUrl, to.token, to.tokenHeader),
        OTEL_BLRP_SCHEDULE_DELAY: String(LOGS_EXPORT_DELAY_MS),
        GEMINI_CLI_HOME: home.home,
        [RECEIVER_URL_ENV]: to.receiverUrl,
        [TOKEN_ENV]: to.token,
      };
      let disposed = false;
      return {
        args: [...input.args],
        extraEnv,
        warnings: home.warnings,
        dispose: () => {
          if (disposed) return;
          disposed = true;
          const notes = home.dispose();
          rmSync(runDir, { recursive: true, force: true });
          for (const n of notes) process.stderr.write(`guard: ${n}\n`);
        },
      };
    },
  };
}

/** A fresh adapter per run: its event reader remembers the newest compression call (manual or automatic). */
export function createGeminiAdapter(): AgentAdapter {
  const reader = new GeminiEventReader();
  return {
    name: 'gemini',
    displayName: 'Gemini',
    setup,
    toEvent: (rec) => reader.read(rec),
    toHook: parseGeminiHook,
    isMainQuery: (role) => role === null || role === 'main',
    commands: { compact: '/compress', compactTakesInstructions: false, clear: '/clear', submitDelayMs: SUBMIT_DELAY_MS, agentName: 'Gemini' },
    readPromptBox: readGeminiPromptBox,
    canHoldCompaction: false,
    holdSettleMs: 0,
    // guard's hooks and telemetry live in the run's GEMINI_CLI_HOME, which Gemini's shell tool
    // hands on with the rest of its environment (0.61.0 sanitizes it only when asked): a `gemini
    // -p …` it runs posts its SessionStart (source startup) and turns here too (seen: it took the
    // footer and guard ls over until this).
    childrenShareHooks: true,
    // 0.61.0's bundle (useSuspend): a second Ctrl-Z within its warning's time leaves raw mode,
    // registers once('SIGCONT') and calls process.kill(0, "SIGTSTP"); the first only warns (and
    // undoes in the input box). Run bare from bash, two Ctrl-Z show "Stopped" (checked by hand;
    // under guard, test/e2e/suspend.test.ts).
    suspendsItself: true,
  };
}
