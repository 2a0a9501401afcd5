// The first half of an agent run: what the agent needs before guard spawns it, and nothing more.
// Input: the adapter and the run's args, cwd, environment and forwarding choice. Output: a
// ConnectedAgent — the agent's setup (its environment, window rules, warnings), the run's token,
// the receiver listening on 127.0.0.1, which of the user's collectors get the telemetry
// forwarded, and the connection (the agent's args, its telemetry environment, its private config).
//   adapter.setup ─► forwarding plan ─► receiver (listening), hook folder (watched) ─► adapter.connect
//   ─► the agent's spawn
// The rest of the run (src/app/agent-run.ts: tracker, controller, footer, records) is loaded and
// built after the spawn, while the agent starts (start-up, issue 10: guard's share of the time to
// Claude's prompt is what it does before the spawn), and takes over the receiver with bind().
// Until then the receiver keeps what arrives: telemetry and forwarded bodies in order, hooks
// waiting for their answer, and so does the hook folder (hooks that need no answer, written as
// files: src/telemetry/hook-spool.ts). Nothing arrives that early in practice (Claude's first
// hook, SessionStart, comes ~1 s after its spawn); the keeping makes it safe regardless.
import { startReceiver, TOKEN_HEADER, type HookAnswer, type Receiver, type ReceiverOptions } from '../telemetry/receiver.js';
import { startHookSpool, type HookSpool } from '../telemetry/hook-spool.js';
import { forwardPlanFromEnv, type ForwardProtocol, type ForwardSignal, type ForwardTarget } from '../telemetry/forward-env.js';
import { RECEIVER_URL_ENV } from '../claude/relay/post.js';
import type { AgentAdapter, AgentSetup, Connection } from '../agents/agent.js';
import { randomBytes } from '../lib/lazy-builtin.js';

export interface ConnectOptions {
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Forward the agent's telemetry to the user's own collector, when they configured one (default true). */
  forward?: boolean;
}

/** Where the receiver's requests go once the run is wired (src/app/agent-run.ts). */
export type ReceiverHandlers = Required<Pick<ReceiverOptions, 'onTelemetry' | 'onHook' | 'onError'>> & Pick<ReceiverOptions, 'onAccepted'>;

export interface ConnectedAgent {
  readonly agent: AgentAdapter;
  readonly setup: AgentSetup;
  /** The run's token: the receiver refuses requests without it. */
  readonly token: string;
  readonly receiver: Receiver;
  /** The user's collectors that get the agent's telemetry (none: nothing is forwarded). */
  readonly forwardTargets: Partial<Record<ForwardSignal, ForwardTarget>>;
  readonly forwardWarnings: string[];
  /** The agent's args and extra environment for this run. */
  readonly connection: Connection;
  /** Hands the receiver's requests to the run; what came before is delivered now, in order. Once. */
  bind(handlers: ReceiverHandlers): void;
  /** Stops the receiver and removes the agent's private config. */
  close(): Promise<void>;
}

/** Throws AgentSetupError (src/agents/agent.ts) when the user's own configuration cannot be read. */
export async function connectAgent(agent: AgentAdapter, o: ConnectOptions): Promise<ConnectedAgent> {
  const setup = agent.setup({ args: o.args, cwd: o.cwd, env: o.env });
  const token = randomBytes(24).toString('hex');
  // The user's own collector, if their environment or settings export the agent's telemetry: read
  // before guard's variables replace theirs in the agent's environment.
  const forwarding = o.forward === false || !setup.forwardsUserTelemetry ? { targets: {}, warnings: [] }
    : forwardPlanFromEnv(setup.env, { tokenHeader: TOKEN_HEADER, insideGuardEnv: RECEIVER_URL_ENV });
  const forwards = Object.keys(forwarding.targets).length > 0;
  const protocols: Partial<Record<ForwardSignal, ForwardProtocol>> = {};
  for (const target of Object.values(forwarding.targets)) protocols[target.signal] = target.protocol;

  let bound: ReceiverHandlers | null = null;
  const kept: Array<(h: ReceiverHandlers) => void> = [];
  let whenBound: (h: ReceiverHandlers) => void = () => undefined;
  const bindingDone = new Promise<ReceiverHandlers>((resolve) => { whenBound = resolve; });
  const deliver = (fn: (h: ReceiverHandlers) => void): void => { if (bound) fn(bound); else kept.push(fn); };
  const onHook = (event: string, payload: unknown): HookAnswer | void | Promise<HookAnswer | void> => (bound ? bound.onHook(event, payload)
    : bindingDone.then((h) => h.onHook(event, payload)));
  const receiver = await startReceiver({
    token,
    onTelemetry: (batch) => deliver((h) => h.onTelemetry(batch)),
    onHook,
    onError: (err) => deliver((h) => h.onError(err)),
    ...(forwards ? { onAccepted: (signal, contentType, body) => deliver((h) => h.onAccepted?.(signal, contentType, body)) } : {}),
  });

  // The hook folder: hooks that need no answer drop their JSON there, no Node start each. Without
  // it (no temporary folder, no inotify watch left) they post through the relay as before.
  const startSpool = (): HookSpool | null => {
    try {
      return startHookSpool({
        onHook: (event, payload) => {
          const answered = onHook(event, payload);
          if (answered instanceof Promise) answered.catch((err: unknown) => deliver((h) => h.onError(err instanceof Error ? err : new Error(String(err)))));
        },
        onError: (err) => deliver((h) => h.onError(err)),
      });
    } catch {
      return null;
    }
  };
  const spool = setup.usesHookFolder === true ? startSpool() : null;

  let connection: Connection;
  try {
    connection = setup.connect({ receiverUrl: receiver.url, token, tokenHeader: TOKEN_HEADER, protocols, hookSpool: spool?.dir ?? null });
  } catch (err) {
    spool?.dispose();
    await receiver.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    agent, setup, token, receiver, connection,
    forwardTargets: forwarding.targets,
    forwardWarnings: forwarding.warnings,
    bind(handlers) {
      if (bound) throw new Error('connectAgent: the receiver is already bound to a run');
      bound = handlers;
      for (const fn of kept.splice(0)) fn(handlers);
      whenBound(handlers);
    },
    close() {
      closing ??= (async () => {
        spool?.dispose();
        try { await receiver.close(); } finally { connection.dispose(); }
      })();
      return closing;
    },
  };
}
