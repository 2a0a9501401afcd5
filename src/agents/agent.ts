// The agent adapter: what guard must know of one coding agent (Claude Code, Codex CLI, Gemini CLI)
// to gauge its context and checkpoint it. Everything agent-specific sits behind this interface;
// the tracker, policy, injector, footer, log, registry and review stay agent-neutral.
//   src/cli/agents.ts (command → adapter) ─► src/app/agent-run.ts (wiring) ─► this interface
//   receiver's log records and hook posts ─► toEvent / toHook ─► tracker, controller
//   setup ─► connect(receiver) ─► the program's args, extra env, a private config removed at close
// It imports telemetry/, events/ and context/ types, the policy's config types and the
// prompt-box view, nothing above. An adapter is plain data and pure functions, except `setup`
// and `connect`, which read the user's configuration and write guard's private one for the run.
import type { LogRecord } from '../telemetry/records.js';
import type { AgentEvent } from '../events/events.js';
import type { HookFact } from '../events/hook-facts.js';
import type { Env, WindowRules } from '../context/window.js';
import type { MetricReader } from '../context/metrics.js';
import type { AgentCommands } from '../policy/config.js';
import type { PromptBoxView } from '../events/prompt-box.js';
import type { ForwardProtocol, ForwardSignal } from '../telemetry/forward-env.js';
import { brand, hasBrand, setBrand } from '../lib/brand.js';

const SETUP_ERROR = brand('AgentSetupError');

export type {
  AgentEvent, Thread, EventBase, ApiRequestEvent, CompactionEvent, UserPromptEvent, ApiErrorEvent, UnknownEvent,
} from '../events/events.js';
export type {
  HookFact, SessionStartHook, UserPromptSubmitHook, StopHook, PreCompactHook, SessionEndHook, StatusLineHook, UnknownHook,
} from '../events/hook-facts.js';
export type { WindowRules } from '../context/window.js';
export type { AgentCommands } from '../policy/config.js';
export type { PromptBoxView } from '../events/prompt-box.js';

/** The agents guard knows; also the `agent` field of the session log and the `guard ls` entry. */
export type AgentName = 'claude' | 'codex' | 'gemini';

/** What `setup` is given: the user's command line after the program's name, and where it runs. */
export interface SetupInput {
  /** The user's own arguments for the agent (never changed in place). */
  args: readonly string[];
  cwd: string;
  /** The environment guard was started with (the agent's, before guard's additions). */
  env: NodeJS.ProcessEnv;
}

/** Where the agent's telemetry and hooks go for this run: guard's receiver, after it started. */
export interface ConnectInput {
  /** http://127.0.0.1:PORT (loopback only). */
  receiverUrl: string;
  /** The run's token; the receiver rejects requests without it (header `TOKEN_HEADER`). */
  token: string;
  /** The header that carries the token (telemetry/receiver.ts TOKEN_HEADER). */
  tokenHeader: string;
  /** Per signal, the protocol the user's own collector expects, when guard forwards to it. */
  protocols: Partial<Record<ForwardSignal, ForwardProtocol>>;
  /**
   * guard's private hook folder (telemetry/hook-spool.ts), watched for the run: a hook that needs no
   * answer may drop its JSON there (hookSpoolCommand) instead of posting it through a relay. Null
   * when the agent does not use one (AgentSetup.usesHookFolder) or it could not be made or
   * watched: every hook posts.
   */
  hookSpool: string | null;
}

/** One run's connection: how to start the agent so that it reports to guard. */
export interface Connection {
  /** The program's arguments (the user's, plus guard's flags). */
  args: string[];
  /** Variables added to the agent's environment (nothing private in args; the token goes here). */
  extraEnv: Record<string, string>;
  warnings: string[];
  /** Removes the private temporary config (0600 files in a 0700 folder); runs on every way out. */
  dispose(): void;
}

/** The first half of a run's set-up, before the receiver starts: what the user configured. */
export interface AgentSetup {
  /**
   * The environment the agent will see, guard's additions aside (the user's environment plus what
   * the agent's own settings files put in it). The auto-compact rules read it; when
   * `forwardsUserTelemetry`, guard reads the user's own OTLP exporter settings from it.
   */
  env: NodeJS.ProcessEnv;
  /**
   * The agent's window and auto-compact point for this run (they may depend on its config). guard's
   * own window settings (flag, config) reach `window()` as `userOverride`/`userModelWindows`: rules
   * must let them win, as Claude's do.
   */
  window: WindowRules;
  /** Whether the user's own OTLP exporter (read from `env`) gets a copy of the telemetry. */
  forwardsUserTelemetry: boolean;
  /** Whether its hooks can write to a hook folder (ConnectInput.hookSpool); without it guard makes none. */
  usesHookFolder?: boolean;
  /** Shown once at start (e.g. the user's settings disable hooks). */
  warnings: string[];
  /** Second half, once the receiver listens. May throw (a file guard cannot write): the run stops cleanly. */
  connect(to: ConnectInput): Connection;
}

export interface AgentAdapter {
  readonly name: AgentName;
  /** Its name in guard's messages: "Claude" ("… Claude keeps running"). */
  readonly displayName: string;
  /**
   * Reads the user's configuration for this run; never writes the user's own files. Throws
   * `AgentSetupError` (bad input the user must fix: the message names the file or value).
   */
  setup(input: SetupInput): AgentSetup;
  /** One decoded OTLP log record → the typed event the tracker reads (pure; `unknown` if not modelled). */
  toEvent(rec: LogRecord): AgentEvent;
  /**
   * One hook post (the relay's event name and its JSON) → the agent-neutral fact (pure; never throws).
   * A fresh conversation after `commands.clear` is a SessionStart with source 'clear'; the one after
   * a compaction, source 'compact'.
   */
  toHook(event: string, payload: unknown): HookFact;
  /**
   * Events an agent reports only through a hook, not in its telemetry (Codex logs no compaction:
   * its PostCompact hook is one). `now`: guard's clock, the event's time. Optional: none.
   */
  hookEvents?(event: string, payload: unknown, now: number): AgentEvent[];
  /** Whether a request of this thread (`ApiErrorEvent.querySource`) belongs to the main conversation. */
  isMainQuery(querySource: string | null): boolean;
  /** How the agent's metric points read as token and cost counters (pure). Optional: its metrics are not counted. */
  readonly readMetric?: MetricReader;
  /**
   * Whether a copy of the agent that the agent starts itself (from its shell tool) runs guard's
   * hooks and telemetry too, because they come to it through the environment. Then only the run's
   * first fresh start is its own (src/context/tracker.ts). Optional: false.
   */
  readonly childrenShareHooks?: boolean;
  /** What guard types, and whether a handoff is possible. */
  readonly commands: AgentCommands;
  /** The agent's prompt box on guard's screen (rows as text, faint cells blanked): the injector's second witness. */
  readPromptBox(rows: readonly string[]): PromptBoxView;
  /**
   * Whether the agent asks before compacting on its own and lets a hook refuse (Claude's and
   * Codex's PreCompact). Without it guard stays ahead by threshold and forecast, and an automatic
   * compaction is recorded as a miss.
   */
  readonly canHoldCompaction: boolean;
  /**
   * How long guard waits, before holding an automatic compaction, for telemetry the agent logged
   * just before asking (an API error says it is the agent's recovery from a refused prompt, which
   * must not be held): about its log export interval times three. 0: decide at once.
   */
  readonly holdSettleMs: number;
  /**
   * Whether the agent suspends itself on Ctrl-Z: hands the terminal back, `kill(0, SIGTSTP)`, and
   * waits for SIGCONT. Under guard that SIGTSTP is dropped (an orphaned process group), so guard
   * suspends with the agent (../supervisor/suspend.ts); read off each agent's own code.
   */
  readonly suspendsItself: boolean;
}

/** Bad user configuration found while setting up a run: shown as `guard: <message>`, exit 2. */
export class AgentSetupError extends Error {
  constructor(message: string, readonly file: string | null = null) {
    super(message);
    this.name = 'AgentSetupError';
    setBrand(this, SETUP_ERROR);
  }

  /** Thrown by the Codex and Gemini adapters' copy of this class too (loaded on demand: ../lib/brand.ts). */
  static override [Symbol.hasInstance](v: unknown): boolean { return hasBrand(v, SETUP_ERROR); }
}

export type { Env };
