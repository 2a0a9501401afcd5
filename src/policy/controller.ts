// The imperative shell around the pure parts of checkpointing: it takes what `guard claude` sees
// (hook posts from the receiver, pty output, the user's keystrokes, the tracker's snapshots,
// telemetry compactions, the user's guard commands), keeps the idle facts (src/policy/idle.ts)
// and the policy state (./policy.ts), and carries out the policy's actions: typing through the
// injector, checking the note, appending log records, showing notices, answering Claude's
// PreCompact hook (hold its automatic compaction or not). The clock (time and timers), the file
// check and the writer are injected. The footer reads `guardState` and `view`.

import type { ContextSnapshot } from '../context/snapshot.js';
import type { CheckpointRecord } from '../log/records.js';
import type { HookFact } from '../events/hook-facts.js';
import { applyIdleEvent, guardStateOf, initialIdleFacts, judgeIdle, type IdleEvent, type IdleFacts, type IdleJudgement } from './idle.js';
import type { GuardState } from '../events/state.js';
import type { ScanResult } from '../writer/key-box.js';
import type { Clock } from '../lib/clock.js';
import type { Disposable } from '../lib/disposables.js';
import { CLAUDE_COMMANDS, type AgentCommands, type PolicyConfig } from './config.js';
import { Injector, type GateRefusal, type InjectWriter, type PromptScreen } from './injector.js';
import {
  autoCompactHold, initialPolicyState, isCheckpointing, nextWakeAt, stepPolicy,
  type PolicyInput, type PolicyState,
} from './policy.js';
import { policyView, type PolicyView } from './view.js';

/** guard's answer to Claude's PreCompact hook. */
export interface CompactAnswer { hold: boolean; reason: string }

export interface NoteCheck { ok: boolean; bytes?: number }

export interface CheckpointDeps {
  writer: InjectWriter;
  /** Claude's prompt box on guard's own screen (the injector's second witness). */
  screen: PromptScreen;
  /** The time and the controller's waits (the hold's settle time, re-checks, the policy's wake-ups). */
  clock: Pick<Clock, 'now' | 'setTimeout'>;
  /** Does the note (path relative to Claude's working directory) exist with content? */
  checkNote(path: string): Promise<NoteCheck>;
  /** Called just before guard types the handoff prompt naming this note: prepare its folder. */
  prepareNote?(path: string): void;
  log(record: CheckpointRecord): void;
  notice(text: string): void;
  /** Something the footer shows changed (state, armed, next action). */
  onChange?(): void;
  /**
   * Before it holds Claude's automatic compaction, guard waits this long for telemetry Claude
   * logged just before its PreCompact hook (an API error says the compaction is Claude's recovery
   * from a refused prompt, which must not be held). Default 0: decide at once.
   */
  holdSettleMs?: number;
  /** What guard types into the agent (its adapter's, src/agents/); Claude Code's by default. */
  commands?: AgentCommands;
}

/** How often guard looks at the screen again while only the prompt box keeps it from typing
 * (a view is open, the box shows text): nothing else may wake the judgement while the screen is
 * still, and a look costs a pass over the pane's rows. */
export const SCREEN_RECHECK_MS = 1_000;

type Untimed<I> = I extends PolicyInput ? Omit<I, 't'> : never;

export class CheckpointController {
  private facts: IdleFacts = initialIdleFacts();
  private policy: PolicyState;
  private readonly injector: Injector;
  private judgement: IdleJudgement = { activity: 'starting', waitingForInput: false, recheckAt: null };
  /** The activity last told to the policy; null forces the next judgement through. */
  private told: string | null = null;
  private recheck: { at: number; handle: Disposable } | null = null;
  private wake: { at: number; handle: Disposable } | null = null;
  /** Why guard may not type, from the keys and the screen (null: nothing in the way). */
  private unsent: GateRefusal | null = null;
  private disposed = false;
  /** PreCompact hooks waiting for guard's answer (see preCompact). */
  private readonly pendingHolds = new Set<{ handle: Disposable | null; resolve: (a: CompactAnswer) => void }>();
  /** The policy's answer in the step being carried out. */
  private answer: CompactAnswer | null = null;

  constructor(config: PolicyConfig, private readonly deps: CheckpointDeps) {
    const commands = deps.commands ?? CLAUDE_COMMANDS;
    this.policy = initialPolicyState(config, commands);
    // An agent whose fresh conversation fires no hook (clearReady 'idle'): the gate does not wait for one.
    this.injector = new Injector(deps.writer, deps.screen, commands.clearReady === 'idle' ? null : commands.clear, commands.submitDelayMs ?? 0, (fn, ms) => { deps.clock.setTimeout(fn, ms); });
  }

  get guardState(): GuardState {
    return guardStateOf(this.facts, this.judgement, isCheckpointing(this.policy));
  }

  get view(): PolicyView {
    return policyView(this.policy, this.deps.clock.now());
  }

  /** A hook fact from the agent's adapter (src/agents/agent.ts toHook). */
  hookFact(hook: HookFact): void {
    if (this.disposed) return;
    const t = this.deps.clock.now();
    const idle = idleEventOf(hook, t);
    if (idle) this.facts = applyIdleEvent(this.facts, idle);
    this.injector.onHook(hook);
    this.step({ type: 'hook', hook });
    this.judge();
  }

  /** Bytes arrived from Claude's pty. Cheap: called for every chunk. */
  output(): void {
    if (this.disposed) return;
    this.facts = applyIdleEvent(this.facts, { type: 'output', t: this.deps.clock.now() });
    this.judge();
  }

  /** One write of the user's, as the writer's scanner read it (PtyWriter.onUserInput). Mouse
   * and focus reports alone are the terminal's, not the user at the keyboard. */
  userInput(w: ScanResult): void {
    if (this.disposed || !w.keys) return;
    const t = this.deps.clock.now();
    this.facts = applyIdleEvent(this.facts, w.submitted ? { type: 'prompt', t, via: 'enter' } : { type: 'userInput', t });
    this.judge();
  }

  snapshot(snapshot: ContextSnapshot): void {
    this.step({ type: 'context', snapshot });
  }

  /**
   * Claude's PreCompact hook asks whether it may compact: resolves with guard's answer for the relay.
   * A manual compaction always may. An automatic one that the policy would hold is decided after
   * `holdSettleMs` (an API error arriving meanwhile decides it at once), on the state of then.
   */
  preCompact(trigger: 'manual' | 'auto' | null): Promise<CompactAnswer> {
    if (this.disposed || trigger !== 'auto') return Promise.resolve({ hold: false, reason: trigger === 'auto' ? 'guard has ended' : 'not an automatic compaction' });
    const settleMs = this.deps.holdSettleMs ?? 0;
    if (settleMs <= 0 || !autoCompactHold(this.policy).hold) return Promise.resolve(this.decideHold());
    return new Promise((resolve) => {
      const pending: { handle: Disposable | null; resolve: (a: CompactAnswer) => void } = { handle: null, resolve };
      pending.handle = this.deps.clock.setTimeout(() => {
        this.pendingHolds.delete(pending);
        resolve(this.decideHold());
      }, settleMs);
      this.pendingHolds.add(pending);
    });
  }

  /** A telemetry `api_error` event of the main conversation (`at`: Claude's time for it). */
  apiError(at: number): void {
    this.step({ type: 'apiError', at });
    // A refusal decides any PreCompact waiting for an answer: it is Claude's recovery.
    this.settleHolds();
  }

  /** A telemetry `compaction` event. */
  compaction(trigger: 'manual' | 'auto', success: boolean, error: string | null = null): void {
    this.step({ type: 'compaction', trigger, success, error });
  }

  /** guard's prefix-key commands: "checkpoint now" and "skip this one". */
  command(command: 'now' | 'skip'): void {
    this.step({ type: 'command', command });
    this.judge();
  }

  exit(): void {
    this.facts = applyIdleEvent(this.facts, { type: 'exit', t: this.deps.clock.now() });
    this.dispose();
  }

  dispose(): void {
    // guard is going: Claude compacts as it would without guard.
    for (const p of this.pendingHolds) {
      p.handle?.dispose();
      p.resolve({ hold: false, reason: 'guard has ended' });
    }
    this.pendingHolds.clear();
    this.disposed = true;
    for (const timer of [this.recheck, this.wake]) timer?.handle.dispose();
    this.recheck = null;
    this.wake = null;
  }

  /** A folder guard could not prepare is reported; Claude may still create it when it writes the note. */
  private prepareNote(path: string): void {
    try {
      this.deps.prepareNote?.(path);
    } catch (err) {
      this.deps.notice(`guard: could not prepare the folder of ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }

  private step(input: Untimed<PolicyInput>): void {
    if (this.disposed) return;
    const r = stepPolicy(this.policy, { ...input, t: this.deps.clock.now() } as PolicyInput);
    this.policy = r.state;
    for (const a of r.actions) {
      switch (a.type) {
        case 'type': {
          if (this.policy.typing === 'handoff' && this.policy.notePath !== null) this.prepareNote(this.policy.notePath);
          // A clear with no hook to follow (clearReady 'idle', Codex's /new) starts no turn: the agent
          // stays at its prompt, and the next idle judgement (told even if unchanged) says it is ready.
          const noTurn = this.policy.typing === 'clear' && this.policy.commands.clearReady === 'idle';
          const res = this.injector.inject(a.text);
          const now = this.deps.clock.now();
          if (res.ok && !noTurn) this.facts = applyIdleEvent(this.facts, { type: 'prompt', t: now, via: 'enter' });
          // The policy takes Claude as working after any `typed` answer; the judgement agrees
          // (after a refusal, `told` is cleared so that the next idle judgement goes through).
          this.judgement = this.judgeNow(now);
          this.told = res.ok && !noTurn ? `${this.judgement.activity}/${this.unsent}` : null;
          this.step(res.ok ? { type: 'typed', ok: true } : { type: 'typed', ok: false, reason: res.reason });
          break;
        }
        case 'checkNote': {
          const path = a.path;
          this.deps.checkNote(path).then(
            (c) => { this.step({ type: 'noteChecked', path, ok: c.ok, ...(c.bytes !== undefined ? { bytes: c.bytes } : {}) }); this.judge(); },
            () => { this.step({ type: 'noteChecked', path, ok: false }); this.judge(); },
          );
          break;
        }
        case 'log':
          this.deps.log(a.record);
          break;
        case 'notice':
          this.deps.notice(a.text);
          break;
        case 'compactAnswer':
          this.answer = { hold: a.hold, reason: a.reason };
          break;
      }
    }
    if (this.policy.phase === 'watching') this.injector.reset();
    this.scheduleWake();
    this.deps.onChange?.();
  }

  /**
   * Idle as the facts say, and then, only when that is idle, the two witnesses of the prompt box
   * (reading the screen costs a pass over the pane, so not on every output chunk). Before that,
   * the keys alone say whether something may be unsent (for the footer).
   */
  private judgeNow(now: number): IdleJudgement {
    const base = judgeIdle(this.facts, now, false);
    if (base.activity !== 'idle') {
      const keys = this.deps.writer.keyBox();
      this.unsent = keys.box.kind === 'typed' ? 'unsent-input'
        : keys.modal !== null ? 'view-open'
          : keys.mayHaveUnsent && keys.box.kind === 'empty' ? 'unsent-input' // a paste under way
            : null; // unsure: only the screen can tell, once Claude is idle
      return base;
    }
    const gate = this.injector.gate();
    this.unsent = gate.ok ? null : gate.reason;
    if (gate.ok) return base;
    return { activity: 'working', waitingForInput: true, recheckAt: now + SCREEN_RECHECK_MS };
  }

  /** The policy's answer to an automatic compaction, now; a held one starts no new session. */
  private decideHold(): CompactAnswer {
    if (this.disposed) return { hold: false, reason: 'guard has ended' };
    this.answer = null;
    this.step({ type: 'autoCompact' });
    const answer = this.answer ?? { hold: false, reason: 'no decision' };
    this.answer = null;
    if (answer.hold) this.facts = applyIdleEvent(this.facts, { type: 'compactHeld', t: this.deps.clock.now() });
    return answer;
  }

  /** Answers every PreCompact still waiting, at once. */
  private settleHolds(): void {
    for (const p of [...this.pendingHolds]) {
      this.pendingHolds.delete(p);
      p.handle?.dispose();
      p.resolve(this.decideHold());
    }
  }

  /** Re-judges idleness; tells the policy when it changed; sets the re-check timer. */
  private judge(): void {
    if (this.disposed) return;
    const now = this.deps.clock.now();
    const before = this.judgement;
    this.judgement = this.judgeNow(now);
    const key = `${this.judgement.activity}/${this.unsent}`;
    if (key !== this.told) {
      this.told = key;
      this.step({ type: 'activity', activity: this.judgement.activity, hasUnsentInput: this.unsent !== null, ...(this.unsent !== null ? { unsentReason: this.unsent } : {}) });
    } else if (before.waitingForInput !== this.judgement.waitingForInput) {
      this.deps.onChange?.();
    }
    const at = this.judgement.recheckAt;
    // One pending timer is enough: when it fires it re-judges and sets the next one.
    if (at !== null && (this.recheck === null || at < this.recheck.at)) {
      this.recheck?.handle.dispose();
      const handle = this.deps.clock.setTimeout(() => { this.recheck = null; this.judge(); }, Math.max(0, at - now));
      this.recheck = { at, handle };
    }
  }

  private scheduleWake(): void {
    const at = nextWakeAt(this.policy, this.deps.clock.now());
    if (this.wake && this.wake.at === at) return;
    this.wake?.handle.dispose();
    this.wake = null;
    if (at === null || this.disposed) return;
    const handle = this.deps.clock.setTimeout(() => { this.wake = null; this.step({ type: 'tick' }); this.judge(); }, Math.max(0, at - this.deps.clock.now()));
    this.wake = { at, handle };
  }
}

function idleEventOf(h: HookFact, t: number): IdleEvent | null {
  switch (h.type) {
    case 'SessionStart': return { type: 'sessionStart', t, source: h.source };
    case 'UserPromptSubmit': return { type: 'prompt', t, via: 'hook', promptId: h.promptId };
    case 'Stop': return { type: 'stop', t, runningSubagents: h.runningSubagents, promptId: h.promptId };
    case 'PreCompact': return { type: 'preCompact', t, trigger: h.trigger };
    default: return null;
  }
}
