// `guard claude` (and any agent with an adapter, src/agents/agent.ts): joins the stages of
// PRODUCT.md's data flow for one agent run. Wiring only: what is agent-specific comes from the
// adapter, what is pure lives in its stage.
//   ./agent-connect.ts (before the spawn): adapter.setup ─► receiver ─► adapter.connect (the agent's args, env, private config)
//   OTLP and hook posts ─► receiver ─► decode ─► adapter.toEvent/toHook ─► ContextTracker ─► CheckpointController ─► PtyWriter
//   tracker + controller ─► footer lines (ui/footer-source.ts), `guard ls` entry, session log records
// Input: the adapter, the parsed run options and the run's recording (log + live entry). Output:
// the extra SupervisedOptions (the agent's args, its telemetry environment, the footer source and
// the onStart wiring) and a close() for the receiver and the private config. Nothing here types
// into the agent but the controller's injector, through the supervisor's writer. When the user
// exports the agent's telemetry to a collector of theirs (adapter: forwardsUserTelemetry), the
// receiver's accepted bodies are forwarded there. With a metrics port, the run's figures are also
// served to Prometheus (src/prometheus/).
//
// Fault isolation (src/supervisor/parts.ts): the controller, the gauge (tracker) and the record
// (session log, `guard ls` entry) are each called only through their own boundary. A fault in
// the controller switches checkpoints off (nothing is typed any more; the gauge goes on); a fault
// in the gauge switches the gauge and checkpoints off; a fault in the record stops recording.
// Each is said once in the run's notices (src/ui/notices.ts), and the agent keeps running.
import type { HookAnswer } from '../telemetry/receiver.js';
import type { Forwarder } from '../telemetry/forwarder.js';
import type { TelemetryBatch } from '../telemetry/records.js';
import type { AgentAdapter, AgentEvent } from '../agents/agent.js';
import { connectAgent, type ConnectedAgent } from './agent-connect.js';
import { ContextTracker } from '../context/tracker.js';
import { CheckpointController } from '../policy/controller.js';
import { DEFAULT_NOTE_PATH, type PolicyConfig } from '../policy/config.js';
import type { InjectWriter, PromptScreen } from '../policy/injector.js';
import { noteChecker, prepareNoteFolder } from '../policy/note-file.js';
import { asLogged, compactionRecord, requestRecord } from '../log/from-events.js';
import type { RunRecording } from '../log/run-recording.js';
import { liveFieldsOf, type LiveFields } from '../registry/live.js';
import type { CheckpointRecord, LogEntry } from '../log/records.js';
import type { FooterPolicy } from '../ui/footer.js';
import { gaugeFooterSource, type FooterSource } from '../ui/footer-source.js';
import { Disposables, Emitter, type Disposable } from '../lib/disposables.js';
import { isolatedPart, partClock, faultText } from '../supervisor/parts.js';
import type { UserWrite } from '../writer/writer.js';
import { Notices, type PostOptions } from '../ui/notices.js';
import { backgroundClock, realClock, type Clock } from '../lib/clock.js';
import type { SupervisedOptions, SupervisedSession } from '../supervisor/supervise.js';
import type { GuardState } from '../events/state.js';
import type { RunMetrics } from '../prometheus/metrics.js';

/**
 * With no telemetry this long after the agent started, the footer says so. Claude Code 2.1.330
 * sends its first logs (managed_settings_resolved, plugin_loaded) ~1.2 s after its banner, 4.9 s after spawn on a
 * busy 2-core machine; twice that is a safe wait. A late first batch clears the message at once.
 */
export const NO_TELEMETRY_MS = 10_000;

export interface AgentRunOptions {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  policy: PolicyConfig;
  windowOverride?: number;
  /** guard's config windows for given models (model id → tokens). */
  modelWindows?: Readonly<Record<string, number>>;
  /** Forward the agent's telemetry to the user's own collector, when they configured one (default true). */
  forward?: boolean;
  /** Serve Prometheus metrics on 127.0.0.1 at this port. */
  metricsPort?: number;
  color: boolean;
  recording: RunRecording;
  /** The run's notices (shared with the supervisor, which shows them); the run's own when absent. */
  notices?: Notices;
  /** Clock for the records, the controller and the footer (tests); its timers never keep guard alive. */
  clock?: Clock;
  /** Where close() reports telemetry that never reached the user's collector (default: stderr). */
  stderr?: (text: string) => void;
  /** The run's first half, done before the agent's spawn (src/app/agent-connect.ts); done here when absent. */
  connected?: ConnectedAgent;
}

export interface AgentRun {
  /** The adapter this run uses. */
  readonly agent: AgentAdapter;
  /** What runSupervised needs on top of the program and its own options. */
  supervised: Pick<SupervisedOptions, 'args' | 'extraEnv' | 'footerSource' | 'onStart' | 'selfSuspend'>;
  /** Warnings to show the user once (e.g. their settings disable hooks). */
  warnings: string[];
  tracker: ContextTracker;
  controller: CheckpointController;
  /** Fires whenever the tracker's snapshot or guard's state may have changed. */
  onChange(fn: () => void): Disposable;
  /** Fires with each checkpoint record the controller logs (phases: armed, prompted …). */
  onCheckpoint(fn: (r: CheckpointRecord) => void): Disposable;
  /** The running program (null before it starts). */
  readonly session: SupervisedSession | null;
  /** Stops the receiver; call after the program ended. */
  close(): Promise<void>;
}

/** Throws AgentSetupError (src/agents/agent.ts) when the user's own configuration cannot be read. */
export async function startAgentRun(agent: AgentAdapter, o: AgentRunOptions): Promise<AgentRun> {
  const clock = o.clock ?? backgroundClock;
  if (o.connected && o.connected.agent !== agent) throw new TypeError(`startAgentRun: connected for ${o.connected.agent.name}, not ${agent.name}`);
  const connected = o.connected ?? await connectAgent(agent, o);
  const { setup, connection } = connected;
  // The environment the agent will see, guard's additions aside.
  const agentEnv = setup.env;
  const changed = new Emitter<void>();
  const checkpointRecords = new Emitter<CheckpointRecord>();
  const subs = new Disposables();
  const tracker = new ContextTracker({
    env: agentEnv, windowRules: setup.window, isMainQuery: agent.isMainQuery,
    ...(agent.readMetric !== undefined ? { readMetric: agent.readMetric } : {}),
    ...(agent.childrenShareHooks === true ? { childrenShareHooks: true } : {}),
    ...(o.windowOverride !== undefined ? { windowOverride: o.windowOverride } : {}),
    ...(o.modelWindows !== undefined ? { modelWindows: o.modelWindows } : {}),
  });
  let metrics: RunMetrics | null = null;
  const { log, live } = o.recording;
  const notices = o.notices ?? subs.add(new Notices(realClock));
  // Every notice is also a session-log record (what the user was told, for `guard log`).
  const postNotice = (text: string, opts: PostOptions = {}): void => {
    append({ t: new Date(clock.now()).toISOString(), type: 'notice', text });
    notices.post(text, opts);
  };
  const fault = (text: string): void => postNotice(text, { fault: true });
  // The boundaries; see the header.
  const checkpoints = isolatedPart('checkpoints', (err) => {
    try { controller.dispose(); } catch { /* it already failed */ }
    fault(`guard: checkpoints are off for this run after an error (${faultText(err)}); the gauge goes on`);
    changed.fire();
  });
  const gauge = isolatedPart('gauge', (err) => {
    fault(`guard: the context gauge failed (${faultText(err)}); gauge and checkpoints off, ${agent.displayName} keeps running`);
    checkpoints.fail(err);
  });
  const record = isolatedPart('record', (err) => fault(`guard: cannot record this run (${faultText(err)}); ${agent.displayName} keeps running`));
  const append = (r: LogEntry): void => { record.run(() => log?.append(r), undefined); };
  const updateLive = (fields: Partial<LiveFields>): void => { record.run(() => live?.update(fields), undefined); };

  // The writer exists once the program runs; until then (and in 'child' mode, with no pty)
  // nothing can be typed: the keys' witness reports a box it cannot know, the screen's none.
  let session: SupervisedSession | null = null;
  // A controller that failed types nothing more, whatever it had under way.
  const writer: InjectWriter = {
    write: (data, origin) => { if (!checkpoints.failed) session?.writer?.write(data, origin); },
    keyBox: () => session?.writer?.keyBox() ?? { box: { kind: 'unsure', why: `${agent.displayName} is not running in a pty` }, modal: null, mayHaveUnsent: true },
    screenShowsEmpty: () => { session?.writer?.screenShowsEmpty(); },
    holdUserInput: () => session?.writer?.holdUserInput() ?? { dispose: () => undefined },
  };
  const screen: PromptScreen = {
    promptBox: () => (session && session.mode === 'ui' ? agent.readPromptBox(session.paneText({ blankFaint: true })) : { kind: 'absent' }),
  };
  subs.add(notices.onChange(() => changed.fire()));
  const controller = new CheckpointController(o.policy, {
    writer,
    screen,
    clock: partClock(clock, checkpoints),
    checkNote: noteChecker(o.cwd),
    prepareNote: (path) => prepareNoteFolder(o.cwd, path, { guardsOwn: o.policy.notePath === DEFAULT_NOTE_PATH }),
    log: (r) => { append(r); checkpointRecords.fire(r); metrics?.checkpoint(r); },
    notice: postNotice,
    onChange: () => changed.fire(),
    holdSettleMs: agent.holdSettleMs,
    commands: agent.commands,
  });
  // What the controller shows, through its boundary: after a fault, the last state it had.
  let lastState: GuardState = 'starting';
  const guardState = (): GuardState => {
    lastState = checkpoints.run(() => controller.guardState, lastState);
    return lastState;
  };
  const OFF_VIEW = { armed: false, strategy: 'off', next: 'checkpoints off after an error' } as const;
  const policyView = (): FooterPolicy => checkpoints.run((): FooterPolicy => controller.view, OFF_VIEW);
  // guard's state also moves on timers (quiet output → idle); `guard ls` must follow it too.
  // The registry coalesces its writes, so this is cheap.
  subs.add(changed.on(() => updateLive({ state: guardState(), next: policyView().next ?? null })));

  let loggedSession: string | null = null;
  let loggedWindow = '';
  const afterUpdate = (): void => {
    const snap = tracker.snapshot();
    checkpoints.run(() => controller.snapshot(snap), undefined);
    if (snap.claudeSessionId !== null && snap.claudeSessionId !== loggedSession) {
      loggedSession = snap.claudeSessionId;
      append({ t: new Date(clock.now()).toISOString(), type: 'claude_session', claudeSessionId: snap.claudeSessionId, source: null, model: snap.model });
    }
    const windowKey = `${snap.contextWindow}/${snap.windowSource}/${snap.autoCompactAt}`;
    if (windowKey !== loggedWindow) {
      loggedWindow = windowKey;
      append({ t: new Date(clock.now()).toISOString(), type: 'window', contextWindow: snap.contextWindow, source: snap.windowSource, autoCompactAt: snap.autoCompactAt });
    }
    updateLive(liveFieldsOf(snap, guardState()));
    changed.fire();
  };

  let telemetrySeen = false;
  let telemetryMissing = false;
  const onTelemetry = gauge.wrap((batch: TelemetryBatch): void => {
    telemetrySeen = true;
    if (telemetryMissing) { telemetryMissing = false; changed.fire(); }
    if (batch.signal === 'metrics') {
      for (const p of batch.points) tracker.onMetric(p);
      afterUpdate();
      return;
    }
    for (const rec of batch.records) onEvent(agent.toEvent(rec));
    afterUpdate();
  });
  /** One typed event, from the telemetry or from a hook (agent.hookEvents). */
  const onEvent = (e: AgentEvent): void => {
    const outcome = tracker.onEvent(e);
    if (outcome.duplicate) return;
    // An agent run from the agent's own shell tool reports here too (it inherits the variables): its
    // requests are logged as side ones, and its compactions neither count as a miss nor move the policy.
    const followed = tracker.isFollowed(e.sessionId);
    if (e.type === 'api_request') {
      append(requestRecord(asLogged(e, outcome.countedAsMain && followed)));
    } else if (e.type === 'compaction') {
      // A compaction Claude made on its own (and that happened: success) is a miss, whether guard
      // had armed or the context jumped past the point in one turn: guard meant to get there first.
      const miss = followed && e.trigger === 'auto' && e.success && o.policy.strategy !== 'off';
      append(compactionRecord(e, miss ? { miss } : {}));
      if (followed) {
        metrics?.compaction(e.trigger);
        checkpoints.run(() => controller.compaction(e.trigger, e.success, e.error), undefined);
      }
    } else if (e.type === 'api_error' && followed && agent.isMainQuery(e.querySource)) {
      checkpoints.run(() => controller.apiError(e.t), undefined);
    }
  };

  // Through the gauge's boundary; a PreCompact hold only for an agent that lets a hook refuse its
  // compaction, and only while the controller works (a hold that fails lets the agent compact:
  // guard never stands in its way).
  const onHook = (event: string, payload: unknown): Promise<HookAnswer> | undefined => gauge.run(() => {
    const hook = agent.toHook(event, payload);
    tracker.onHookFact(hook);
    // Another copy of the agent, started by it (`gemini -p …` from its shell tool), ran guard's
    // hooks: neither its turns nor its conversation are the run's.
    if (hook.type !== 'unknown' && tracker.isForeign(hook.sessionId)) return undefined;
    for (const e of agent.hookEvents?.(event, payload, clock.now()) ?? []) onEvent(e);
    checkpoints.run(() => controller.hookFact(hook), undefined);
    if (hook.type === 'SessionStart' && hook.sessionId) {
      loggedSession = hook.sessionId;
      append({ t: new Date(clock.now()).toISOString(), type: 'claude_session', claudeSessionId: hook.sessionId, source: hook.source, model: hook.model });
    }
    afterUpdate();
    // The relay prints a block decision for Claude (src/claude/relay/post.ts preCompactOutput).
    if (hook.type === 'PreCompact' && agent.canHoldCompaction) {
      return checkpoints.run(() => controller.preCompact(hook.trigger)
        .then((a): HookAnswer => (a.hold ? { decision: 'block', reason: a.reason } : {}))
        .catch((err: unknown): HookAnswer => { checkpoints.fail(err); return {}; }), undefined);
    }
    return undefined;
  }, undefined);

  // Loaded only when needed: undici alone adds ~130 ms to guard's start.
  const forwarder: Forwarder | null = Object.keys(connected.forwardTargets).length === 0 ? null
    : (await import('../telemetry/forwarder.js')).startForwarder({ targets: connected.forwardTargets, onProblem: (m) => postNotice(`telemetry ${m}`) });
  // The agent's private config is removed at close() (every way the run ends).
  subs.add({ dispose: () => { void connected.close(); } });

  let receiverSaid = false;
  connected.bind({
    onTelemetry, onHook,
    onError: (err) => {
      metrics?.receiverError();
      if (receiverSaid) return;
      receiverSaid = true;
      fault(`guard: telemetry receiver: ${faultText(err)}`);
    },
    ...(forwarder ? { onAccepted: (signal: string, contentType: string, body: Buffer) => forwarder.accept(signal, contentType, body) } : {}),
  });

  const metricsWarnings: string[] = [];
  if (o.metricsPort !== undefined) {
    try {
      const { startMetricsServer } = await import('../prometheus/metrics.js');
      metrics = await startMetricsServer({
        port: o.metricsPort,
        source: { session: o.recording.id, snapshot: () => tracker.snapshot(), forwardsDropped: () => { const st = forwarder?.stats(); return st ? st.failed + st.dropped : 0; } },
      });
    } catch (err) {
      if (!(err instanceof Error && err.name === 'MetricsPortError')) throw err;
      metricsWarnings.push(err.message);
    }
  }

  const footerSource: FooterSource = gaugeFooterSource({
    snapshot: () => tracker.snapshot(), state: guardState, policy: policyView, now: () => clock.now(),
    telemetryMissing: () => telemetryMissing, notices, agentName: agent.displayName, onChange: (fn) => changed.on(fn), color: o.color,
  });

  const onStart = (s: SupervisedSession): Disposable => {
    session = s;
    const started = new Disposables();
    started.add(s.onOutput(checkpoints.wrap(() => controller.output())));
    if (s.writer) started.add(s.writer.onUserInput(checkpoints.wrap((w: UserWrite) => controller.userInput(w))));
    started.add(s.commands.register('c', { description: 'checkpoint now', run: checkpoints.wrap(() => controller.command('now')) }));
    started.add(s.commands.register('s', { description: 'skip this checkpoint', run: checkpoints.wrap(() => controller.command('skip')) }));
    started.add(s.onExit(() => {
      checkpoints.run(() => controller.exit(), undefined);
      updateLive({ state: 'exited' });
    }));
    started.add(clock.setTimeout(() => {
      if (!telemetrySeen) { telemetryMissing = true; changed.fire(); }
    }, NO_TELEMETRY_MS));
    updateLive({ pid: s.pid });
    return started;
  };

  return {
    supervised: { args: connection.args, extraEnv: connection.extraEnv, footerSource, onStart, selfSuspend: agent.suspendsItself },
    warnings: [...setup.warnings, ...connected.forwardWarnings, ...connection.warnings, ...metricsWarnings],
    agent,
    tracker,
    controller,
    onChange: (fn) => changed.on(fn),
    onCheckpoint: (fn) => checkpointRecords.on(fn),
    get session() { return session; },
    close: async () => {
      checkpoints.run(() => controller.dispose(), undefined);
      subs.dispose();
      await connected.close();
      await metrics?.close();
      const sent = await forwarder?.close();
      if (sent !== undefined && sent.failed + sent.dropped > 0) {
        (o.stderr ?? ((text) => { process.stderr.write(text); }))(
          `guard: ${sent.failed + sent.dropped} telemetry export(s) did not reach your collector (${sent.firstProblem ?? 'unknown reason'})\n`);
      }
    },
  };
}
