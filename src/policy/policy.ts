// The checkpoint policy: a pure state machine, `stepPolicy(state, input) → { state, actions }`.
// Inputs are plain timestamped facts the caller gathers (context snapshots from the tracker, the
// idle judgement from src/policy/idle.ts, parsed hooks, compaction and API-error events from
// telemetry, Claude asking to compact on its own, the injector's and the file check's results,
// the user's commands, timer ticks); actions are plain data the caller carries out (type through
// the injector, check the note file, append a log record, show a notice, answer Claude's
// PreCompact hook). No clock, no I/O: time only ever comes from `input.t`. What the footer says
// about the state lives in ./view.ts.

import type { ContextSnapshot } from '../context/snapshot.js';
import type { CheckpointRecord } from '../log/records.js';
import type { HookFact as HookEvent } from '../events/hook-facts.js';
import type { Activity } from './idle.js';
import type { GateRefusal } from './injector.js';
import { type AgentCommands, type PolicyConfig, type Strategy, CLAUDE_COMMANDS, fillTemplate, notePathAt, oneLine } from './config.js';

/** Claude writing a note can take a long turn, permission prompts included. */
export const NOTE_TIMEOUT_MS = 15 * 60_000;
/** The SessionStart after /clear comes within a second or two; this is a dead Claude. */
export const CLEAR_TIMEOUT_MS = 30_000;
/**
 * For an agent whose fresh conversation fires no hook (AgentCommands.clearReady 'idle': Codex),
 * the resume prompt waits at least this long after the clear command, on top of the idle gate
 * (output quiet, box empty). Codex 0.171.0 answers `/new` by drawing its screen twice, each with an
 * empty prompt: first the welcome banner, then the short header ("permissions: …") (seen through
 * the headless terminal); a second lets both land on a loaded machine without making the user
 * wait noticeably.
 */
export const CLEAR_SETTLE_MS = 1_000;
/** Compacting a near-full 1M context can take minutes. */
export const COMPACT_TIMEOUT_MS = 10 * 60_000;
/**
 * What the handoff turn adds to the context, at most: guard's prompt (~100 tokens), the note Claude
 * writes (a Write call: a page or two, a few thousand output tokens), the tool's short result and
 * Claude's last words. Claude Code keeps 20,000 tokens of the window for a response (its
 * auto-compact point is window − 20,000 − 13,000; CLAUDE-CODE.md), so the same room is asked for
 * here: guard holds Claude's compaction only while context + this stays within the window (the
 * real API refuses any prompt over it). Seen on 2.1.330: a 973.8k context went through the whole
 * handoff on a 1M window.
 */
export const HANDOFF_ROOM_TOKENS = 20_000;
/**
 * Claude compacts on its own when its estimate of the next request reaches its auto-compact point:
 * the newest request's context and output plus what was added since. At a hand-over, that is
 * guard's prompt or one tool result of the note turn, a few hundred tokens. A compaction asked for
 * from further below the point than this was set off by something guard has not measured (a large
 * tool result, a paste) or by the API refusing a prompt as too long: guard does not hold it.
 */
export const PROACTIVE_SLACK_TOKENS = 5_000;
/** One failed /compact is retried once at the next idle moment, then guard only warns. */
export const MAX_COMPACT_ATTEMPTS = 2;

export type Phase =
  | 'watching'        // not armed
  | 'armed'           // waiting for an idle moment (and the end of the cool-down)
  | 'note-requested'  // handoff prompt typed; waiting for Claude's Stop and then idle
  | 'checking-note'   // checkNote sent; waiting for its result
  | 'note-ready'      // note is there; /clear at the next idle moment
  | 'clearing'        // /clear typed; waiting for the new session's SessionStart (or, clearReady 'idle', an idle moment)
  | 'resume-pending'  // fresh context; the resume prompt at the next idle moment
  | 'compact-pending' // /compact at the next idle moment (first try, fallback, or retry)
  | 'compacting';     // /compact typed; waiting for the compaction's result

export type ArmReason = 'threshold' | 'forecast' | 'manual';

export type PolicyInput =
  | { type: 'context'; t: number; snapshot: ContextSnapshot }
  /** The idle judgement (src/policy/idle.ts) whenever it is made; `unsentReason` says what in
   * the prompt box keeps guard from typing (the keys' and the screen's witness, ./injector.ts). */
  | { type: 'activity'; t: number; activity: Activity; hasUnsentInput: boolean; unsentReason?: GateRefusal }
  | { type: 'hook'; t: number; hook: HookEvent }
  /** A `compaction` event from telemetry. */
  | { type: 'compaction'; t: number; trigger: 'manual' | 'auto'; success: boolean; error?: string | null }
  /** An `api_error` event of the main conversation from telemetry; `at` is Claude's time for it
   * (compared with the newest main request's, ContextSnapshot.contextAt). */
  | { type: 'apiError'; t: number; at: number }
  /** Claude's PreCompact hook, trigger `auto`: may it compact now? Answered by a `compactAnswer`. */
  | { type: 'autoCompact'; t: number }
  /** The injector's answer to a `type` action (sent right after carrying it out). */
  | { type: 'typed'; t: number; ok: boolean; reason?: string }
  /** The answer to a `checkNote` action: `ok` when the file exists and is not empty. */
  | { type: 'noteChecked'; t: number; path: string; ok: boolean; bytes?: number }
  | { type: 'command'; t: number; command: 'now' | 'skip' }
  /** A timer the caller set for `nextWakeAt(state)`. */
  | { type: 'tick'; t: number };

export type PolicyAction =
  /** Type this text and submit it (the injector adds the Enter in the same write). */
  | { type: 'type'; text: string }
  /** Check that this file (relative to Claude's working directory) exists and is not empty. */
  | { type: 'checkNote'; path: string }
  | { type: 'log'; record: CheckpointRecord }
  | { type: 'notice'; text: string }
  /** The answer to an `autoCompact` input: hold Claude's compaction (with the reason shown to
   * Claude), or let it go ahead. */
  | { type: 'compactAnswer'; hold: boolean; reason: string };

type TypingKind = 'handoff' | 'clear' | 'resume' | 'compact';

export interface PolicyState {
  readonly config: PolicyConfig;
  /** What guard types into this agent (its adapter's; Claude Code's by default). */
  readonly commands: AgentCommands;
  phase: Phase;
  phaseSince: number;
  armReason: ArmReason | null;
  /** The strategy of the checkpoint under way (a handoff can fall back to compact). */
  running: Strategy | null;
  notePath: string | null;
  compactAttempts: number;
  /** Once per fill-up: set when a checkpoint ran, was skipped or warned about; cleared when the
   * context drops below the re-arm level. */
  spent: boolean;
  skipNext: boolean;
  coolDownUntil: number;
  /** A Stop arrived since guard typed the handoff prompt. */
  sawStop: boolean;
  /** Typed, waiting for the injector's answer. */
  typing: TypingKind | null;
  activity: Activity;
  hasUnsentInput: boolean;
  unsentReason: GateRefusal | null;
  /** The last refusal logged for the checkpoint under way (one record per reason, not per retry). */
  refusedFor: string | null;
  contextTokens: number | null;
  /** Context in use plus the last output: what Claude compares with its auto-compact point. */
  effectiveTokens: number | null;
  autoCompactAt: number | null;
  contextWindow: number | null;
  /** Claude's time of the newest main request (null: none yet, or not known). */
  contextAt: number | null;
  /** Claude's time of the newest main-conversation API error. */
  apiErrorAt: number;
  /** The trigger of the newest PreCompact hook (a SessionStart `compact` follows a compaction). */
  lastPreCompact: 'manual' | 'auto' | null;
  /**
   * The agent's automatic compactions as each witness told them: the SessionStart `compact` hook
   * after an automatic PreCompact (at once, before the agent sends its next request), and the
   * telemetry `compaction` event (success; up to an export interval later, when the agent may
   * already be idle at its prompt). Each compaction is one miss, recorded by whichever witness
   * tells it first: the count that runs ahead of the other is the one that counts.
   */
  autoCompactsByHook: number;
  autoCompactsByTelemetry: number;
  growthHigh: number | null;
}

export interface PolicyStep {
  state: PolicyState;
  actions: PolicyAction[];
}

export function initialPolicyState(config: PolicyConfig, commands: AgentCommands = CLAUDE_COMMANDS): PolicyState {
  return {
    config, commands, phase: 'watching', phaseSince: 0, armReason: null, running: null, notePath: null, compactAttempts: 0,
    spent: false, skipNext: false, coolDownUntil: -Infinity, sawStop: false, typing: null,
    activity: 'starting', hasUnsentInput: false, unsentReason: null, refusedFor: null, contextTokens: null, effectiveTokens: null, autoCompactAt: null,
    contextWindow: null, contextAt: null, apiErrorAt: -Infinity, lastPreCompact: null, autoCompactsByHook: 0, autoCompactsByTelemetry: 0,
    growthHigh: null,
  };
}

const CHECKPOINTING: ReadonlySet<Phase> = new Set<Phase>([
  'note-requested', 'checking-note', 'note-ready', 'clearing', 'resume-pending', 'compact-pending', 'compacting',
]);

/** The agent's name in what the policy says and logs (Claude unless its adapter names another). */
export function agentOf(s: PolicyState): string {
  return s.commands.agentName ?? 'Claude';
}

export function isCheckpointing(s: PolicyState): boolean {
  return CHECKPOINTING.has(s.phase);
}

/** The phases in which guard is about to type, or is in the middle of, a handoff of its own. */
const HANDING_OVER: ReadonlySet<Phase> = new Set<Phase>(['note-requested', 'checking-note', 'note-ready', 'clearing']);

export type HoldVerdict = { hold: true; reason: string } | { hold: false; why: string };

/**
 * Should Claude's automatic compaction be held (its PreCompact hook answered "block")? Only while
 * guard itself is about to hand over (armed for a handoff, or in the middle of one), with room in
 * the window for the handoff turn, and only for a compaction Claude makes ahead of time: never
 * the one that recovers from the API refusing a prompt as too long (holding that fails the user's
 * request: "Context limit reached"), which an API error after the newest main request gives away.
 * A manual /compact never reaches this (its trigger is `manual`). Pure.
 */
export function autoCompactHold(s: PolicyState): HoldVerdict {
  const c = s.config;
  if (!c.holdAutoCompact) return { hold: false, why: 'holdAutoCompact is off' };
  if (c.strategy === 'off') return { hold: false, why: 'strategy off' };
  const handingOver = HANDING_OVER.has(s.phase) || (s.phase === 'armed' && (s.running ?? c.strategy) === 'handoff');
  if (!handingOver || s.running === 'compact') return { hold: false, why: 'guard is not handing over' };
  if (s.contextAt !== null && s.apiErrorAt >= s.contextAt) return { hold: false, why: `the API refused the last request: ${agentOf(s)} compacts to recover` };
  const eff = s.effectiveTokens;
  const point = s.autoCompactAt;
  const window = s.contextWindow;
  if (eff === null || point === null || window === null) return { hold: false, why: 'the context is not known' };
  if (eff + PROACTIVE_SLACK_TOKENS < point) return { hold: false, why: `the context (${eff}) is below ${agentOf(s)}'s auto-compact point (${point}): something guard has not measured set it off` };
  if (eff + HANDOFF_ROOM_TOKENS > window) return { hold: false, why: `no room for the handoff turn: ${eff} + ${HANDOFF_ROOM_TOKENS} > ${window}` };
  return { hold: true, reason: `guard is handing over to a fresh context (context ${eff} of ${window} tokens); it holds this automatic compaction` };
}

/**
 * Phases a miss ends. Armed: nothing typed yet. Note requested or being checked: the note turn now
 * runs in the compacted context, so the note would describe only the summary, and a missing note
 * would fall back to a second compaction. Compact pending: the context is already compacted.
 * Not ended: note-ready, clearing and resume-pending (the note was written from the full context
 * before Claude compacted; /clear and the resume turn give the fresh context that note, for one
 * short turn), and compacting (guard's own /compact is under way; its own result ends it).
 */
const DROPPED_BY_MISS: ReadonlySet<Phase> = new Set<Phase>(['armed', 'note-requested', 'checking-note', 'compact-pending']);

export function stepPolicy(prev: PolicyState, input: PolicyInput): PolicyStep {
  const s: PolicyState = { ...prev };
  const out: PolicyAction[] = [];
  const t = input.t;
  const log = (phase: string, detail?: string, strategy?: Strategy, reason: ArmReason | null = s.armReason): void => {
    const record: CheckpointRecord = {
      t: new Date(t).toISOString(), type: 'checkpoint', phase, strategy: strategy ?? s.running ?? s.config.strategy,
      contextTokens: s.contextTokens,
    };
    if (s.notePath !== null && s.running === 'handoff') record.notePath = s.notePath;
    if (detail !== undefined) record.detail = detail;
    if (reason !== null) record.reason = reason;
    out.push({ type: 'log', record });
  };
  const notice = (text: string): void => { out.push({ type: 'notice', text }); };
  const enter = (phase: Phase): void => { s.phase = phase; s.phaseSince = t; };
  /**
   * The one way back to watching: nothing armed, nothing under way, nothing typed awaited.
   * `fillUpOver`: this fill-up has had its checkpoint (or lost it); guard arms again only once the
   * context drops below the re-arm level. `coolDown`: wait `coolDownMs` before the next one.
   */
  const backToWatching = (fillUpOver: boolean, coolDown: boolean): void => {
    enter('watching');
    s.armReason = null; s.running = null; s.notePath = null; s.compactAttempts = 0; s.sawStop = false; s.typing = null;
    s.refusedFor = null;
    s.spent = fillUpOver;
    if (coolDown) s.coolDownUntil = t + s.config.coolDownMs;
  };
  /** A checkpoint ended (done, skipped, failed or given up): the fill-up is over. */
  const finish = (coolDown: boolean): void => { backToWatching(true, coolDown); };
  const type = (kind: TypingKind, text: string): void => {
    s.typing = kind;
    out.push({ type: 'type', text: oneLine(text) });
  };

  switch (input.type) {
    case 'context': {
      const snap = input.snapshot;
      // A resumed conversation's figure from the status line is shown, not acted on: guard arms on
      // what this run's requests say. (Acting on it, guard handed over before the user's first
      // prompt, and without telemetry it would type on a figure that never moves again.)
      const known = snap.resumed === true ? null : snap.contextTokens;
      s.contextTokens = known;
      // After a compaction the newest request's figure is from before it: the context is small
      // again, but by how much only the next request will say.
      s.effectiveTokens = known === null || snap.compactedSinceRequest === true ? null : known + snap.lastOutputTokens;
      s.autoCompactAt = snap.autoCompactAt > 0 ? snap.autoCompactAt : null;
      s.contextWindow = snap.contextWindow > 0 ? snap.contextWindow : null;
      s.contextAt = snap.contextAt ?? null;
      s.growthHigh = snap.growthHigh;
      break;
    }
    case 'activity':
      s.activity = input.activity;
      s.hasUnsentInput = input.hasUnsentInput;
      s.unsentReason = input.hasUnsentInput ? input.unsentReason ?? 'unsent-input' : null;
      break;
    case 'hook': {
      const h = input.hook;
      if (h.type === 'Stop' && s.phase === 'note-requested' && s.typing === null) s.sawStop = true;
      if (h.type === 'SessionStart' && h.source === 'clear' && s.phase === 'clearing') {
        log('cleared');
        enter('resume-pending');
      }
      if (h.type === 'SessionStart' && h.source === 'compact' && s.phase === 'compacting') {
        log('compacted');
        finish(true);
      } else if (h.type === 'SessionStart' && h.source === 'compact' && s.lastPreCompact === 'manual' && (s.phase === 'armed' || s.phase === 'compact-pending')) {
        // The user compacted (their own /compact) before guard fired: nothing left to checkpoint in
        // this fill-up. Told by the hook, at once: the telemetry comes later, and guard must not
        // type a handoff over the freshly compacted context meanwhile.
        log('disarmed', 'the user compacted the context');
        finish(false);
      } else if (h.type === 'SessionStart' && h.source === 'compact' && s.lastPreCompact === 'auto') {
        // The agent compacted on its own (guard let it, or could not hold it): a miss, told now.
        // Its telemetry comes up to an export interval later, by when the agent may have answered
        // the retried request and be idle: an armed guard would type a handoff over the freshly
        // compacted context (seen in CI on 2.1.330).
        autoCompacted('hook');
      }
      if (h.type === 'PreCompact') s.lastPreCompact = h.trigger;
      break;
    }
    case 'apiError':
      s.apiErrorAt = Math.max(s.apiErrorAt, input.at);
      break;
    case 'autoCompact': {
      // The PreCompact hook alone is no miss: guard may hold the compaction, or it may fail. Only
      // the SessionStart `compact` after it, or the telemetry `compaction` event, says one happened.
      const verdict = autoCompactHold(s);
      if (verdict.hold) {
        log('held', `held ${agentOf(s)}'s automatic compaction at ${s.effectiveTokens ?? '?'} tokens of ${s.contextWindow ?? '?'}: handing over first`, 'handoff');
        notice(`guard: holding ${agentOf(s)}'s auto-compact: handing over`);
        out.push({ type: 'compactAnswer', hold: true, reason: verdict.reason });
      } else {
        out.push({ type: 'compactAnswer', hold: false, reason: verdict.why });
      }
      break;
    }
    case 'compaction':
      if (input.trigger === 'auto') {
        if (input.success) autoCompacted('telemetry');
      } else if (s.phase === 'compacting') {
        if (input.success) {
          log('compacted');
          finish(true);
        } else if (s.compactAttempts < MAX_COMPACT_ATTEMPTS) {
          log('failed', `compaction failed${input.error ? `: ${input.error}` : ''}; retrying at the next idle moment`);
          enter('compact-pending');
        } else {
          log('failed', `compaction failed again${input.error ? `: ${input.error}` : ''}; giving up`);
          notice(`guard: ${s.commands.compact} failed twice${input.error ? ` (${input.error})` : ''}; compact or clear by hand`);
          finish(true);
        }
      }
      break;
    case 'typed':
      typed(input.ok, input.reason);
      break;
    case 'noteChecked':
      if (s.phase === 'checking-note' && input.path === s.notePath) {
        if (input.ok) {
          log('note-written', input.bytes !== undefined ? `${input.bytes} bytes` : undefined);
          enter('note-ready');
        } else {
          log('fallback', `no checkpoint note at ${input.path}; compacting instead`);
          s.running = 'compact';
          s.compactAttempts = 0;
          enter('compact-pending');
        }
      }
      break;
    case 'command':
      if (input.command === 'now') now();
      else skip();
      break;
    case 'tick':
      break;
  }
  timeouts();
  arm();
  fire();
  return { state: s, actions: out };

  /** One witness told of an automatic compaction: a miss unless the other told it already. */
  function autoCompacted(by: 'hook' | 'telemetry'): void {
    const told = Math.max(s.autoCompactsByHook, s.autoCompactsByTelemetry);
    if (by === 'hook') s.autoCompactsByHook += 1;
    else s.autoCompactsByTelemetry += 1;
    if (Math.max(s.autoCompactsByHook, s.autoCompactsByTelemetry) > told) miss();
  }

  /** Claude compacted on its own (its SessionStart `compact` or the telemetry event, first told). */
  function miss(): void {
    const dropped = DROPPED_BY_MISS.has(s.phase) && s.typing === null;
    const was = s.phase;
    log('miss', `${agentOf(s)} compacted on its own${dropped ? `; the ${was === 'armed' ? 'armed checkpoint' : `checkpoint (${was})`} is dropped` : ''}`);
    notice(`guard: ${agentOf(s)} compacted on its own before guard could checkpoint`);
    if (dropped) {
      // The compaction emptied the context: this fill-up is over, and a handoff or a /compact of
      // the small context left would only cost time and money.
      finish(false);
    }
  }

  function typed(ok: boolean, reason: string | undefined): void {
    const kind = s.typing;
    if (kind === null) return;
    s.typing = null;
    // Whatever happened, wait for a fresh idle judgement before typing anything else: after a
    // success Claude is busy with it, after a refusal typing again at once would only loop.
    s.activity = 'working';
    if (!ok) {
      // Nothing reached Claude: the phase has not moved; try again at the next idle moment.
      if (kind === 'handoff') s.notePath = null;
      if (kind === 'compact') s.compactAttempts = Math.max(0, s.compactAttempts - 1);
      // The injector refused: say why in the log, once per reason for this checkpoint.
      const refusal = `${kind}/${reason ?? ''}`;
      if (s.refusedFor !== refusal) {
        s.refusedFor = refusal;
        log('refused', `did not type the ${kind === 'handoff' ? 'checkpoint' : kind} prompt: ${reason ?? 'unknown reason'}`);
      }
      notice(`guard: did not type the ${kind === 'handoff' ? 'checkpoint' : kind} prompt${reason ? ` (${reason})` : ''}; will retry at the next idle moment`);
      return;
    }
    switch (kind) {
      case 'handoff':
        log('prompted');
        enter('note-requested');
        s.sawStop = false;
        break;
      case 'clear':
        enter('clearing');
        break;
      case 'resume':
        log('resumed');
        finish(true);
        break;
      case 'compact':
        log('compact-sent', s.compactAttempts > 1 ? `attempt ${s.compactAttempts}` : undefined);
        enter('compacting');
        break;
    }
  }

  function now(): void {
    if (s.phase !== 'watching' && s.phase !== 'armed') {
      notice('guard: a checkpoint is already under way');
      return;
    }
    s.skipNext = false;
    s.armReason = 'manual';
    s.running = s.config.strategy === 'off' ? 'handoff' : s.config.strategy;
    if (s.phase === 'watching') {
      enter('armed');
      log('armed', 'checkpoint now (user)');
    }
  }

  function skip(): void {
    switch (s.phase) {
      case 'watching':
        s.skipNext = true;
        notice('guard: the next checkpoint will be skipped');
        return;
      case 'clearing':
        notice('guard: too late to skip: the context is being cleared');
        return;
      case 'resume-pending':
        log('skipped', `resume skipped by the user; the note is at ${s.notePath ?? '?'}`);
        notice(`guard: not resuming; the checkpoint note is at ${s.notePath ?? '?'}`);
        finish(true);
        return;
      case 'armed':
        log('skipped', 'skipped by the user');
        finish(false);
        return;
      default:
        log('skipped', `stopped by the user during ${s.phase}`);
        finish(true);
    }
  }

  function timeouts(): void {
    const waited = t - s.phaseSince;
    if (s.typing !== null) return;
    if (s.phase === 'note-requested' && waited >= NOTE_TIMEOUT_MS) {
      log('failed', `${agentOf(s)} did not finish the checkpoint note in time`);
      notice('guard: the checkpoint note did not arrive; giving up on this checkpoint');
      finish(true);
    } else if (s.phase === 'clearing' && waited >= CLEAR_TIMEOUT_MS) {
      log('failed', s.commands.clearReady === 'idle' ? `no idle prompt after ${s.commands.clear ?? '/clear'}` : `no new session after ${s.commands.clear ?? '/clear'}`);
      notice(`guard: ${s.commands.clear ?? '/clear'} did not start a new session`);
      finish(true);
    } else if (s.phase === 'compacting' && waited >= COMPACT_TIMEOUT_MS) {
      if (s.compactAttempts < MAX_COMPACT_ATTEMPTS) {
        log('failed', 'no compaction result in time; retrying at the next idle moment');
        enter('compact-pending');
      } else {
        log('failed', 'no compaction result in time; giving up');
        notice(`guard: ${s.commands.compact} did not complete; compact or clear by hand`);
        finish(true);
      }
    }
  }

  function arm(): void {
    const eff = s.effectiveTokens;
    const point = s.autoCompactAt;
    if (point === null) return;
    const dropped = eff === null || eff < (s.config.rearmBelowPct / 100) * point;
    if (s.spent && dropped) s.spent = false;
    if (s.phase === 'armed' && s.armReason !== 'manual' && dropped) {
      // The user cleared or compacted on their own: nothing left to checkpoint.
      log('disarmed', 'the context dropped before guard fired');
      backToWatching(false, false);
      return;
    }
    if (s.phase !== 'watching' || s.spent || eff === null) return;
    let reason: ArmReason | null = null;
    if (eff >= (s.config.thresholdPct / 100) * point) reason = 'threshold';
    // Not below the re-arm level: one huge turn in the history must not checkpoint a near-empty
    // context (the fill-up would count as over at once, and the next cool-down would fire again).
    else if (s.config.forecast && s.growthHigh !== null && s.growthHigh > 0 && eff + s.growthHigh >= point
      && eff >= (s.config.rearmBelowPct / 100) * point) reason = 'forecast';
    if (reason === null) return;
    const pct = Math.round((eff / point) * 100);
    const why = reason === 'threshold'
      ? `context at ${pct}% of the auto-compact point`
      : `the next turn may cross the auto-compact point (context at ${pct}%)`;
    if (s.skipNext) {
      s.skipNext = false;
      s.spent = true;
      log('skipped', `${why}; skipped by the user`, undefined, reason);
      return;
    }
    if (s.config.strategy === 'off') {
      s.spent = true;
      log('warned', why, 'off', reason);
      notice(`guard: ${why}; strategy off, nothing will be done`);
      return;
    }
    s.armReason = reason;
    s.running = s.config.strategy;
    enter('armed');
    log('armed', why);
  }

  function fire(): void {
    if (s.typing !== null) return;
    const idle = s.activity === 'idle' && !s.hasUnsentInput;
    if (s.phase === 'note-requested' && s.sawStop && s.activity === 'idle' && s.notePath !== null) {
      enter('checking-note');
      out.push({ type: 'checkNote', path: s.notePath });
      return;
    }
    if (!idle) return;
    switch (s.phase) {
      case 'armed': {
        if (s.armReason !== 'manual' && t < s.coolDownUntil) return;
        const strategy = s.running ?? s.config.strategy;
        // An agent without a fresh-conversation command cannot hand over: it compacts.
        if (strategy === 'handoff' && s.commands.clear !== null) {
          s.running = 'handoff';
          s.notePath = notePathAt(s.config.notePath, t);
          type('handoff', fillTemplate(s.config.handoffTemplate, { path: s.notePath }));
        } else {
          s.running = 'compact';
          enter('compact-pending');
          typeCompact();
        }
        return;
      }
      case 'compact-pending':
        typeCompact();
        return;
      case 'note-ready':
        if (s.commands.clear !== null) type('clear', s.commands.clear);
        return;
      case 'clearing':
        // No hook says the fresh conversation is there: an idle, empty prompt box after the settle time does.
        if (s.commands.clearReady === 'idle' && t >= s.phaseSince + CLEAR_SETTLE_MS) {
          log('cleared');
          enter('resume-pending');
          type('resume', fillTemplate(s.config.resumeTemplate, { path: s.notePath ?? '' }));
        }
        return;
      case 'resume-pending':
        type('resume', fillTemplate(s.config.resumeTemplate, { path: s.notePath ?? '' }));
        return;
      default:
        return;
    }
  }

  function typeCompact(): void {
    s.compactAttempts += 1;
    const instr = s.commands.compactTakesInstructions ? oneLine(s.config.compactInstructions) : '';
    type('compact', instr ? `${s.commands.compact} ${instr}` : s.commands.compact);
  }
}

/** When the caller should send a `tick` (a timeout, the end of a cool-down or of the clear's
 * settle time, as of `now`); null: no timer needed. */
export function nextWakeAt(s: PolicyState, now: number = -Infinity): number | null {
  switch (s.phase) {
    case 'armed':
      return s.armReason !== 'manual' && Number.isFinite(s.coolDownUntil) ? s.coolDownUntil : null;
    case 'note-requested': return s.phaseSince + NOTE_TIMEOUT_MS;
    case 'clearing':
      return s.commands.clearReady === 'idle' && now < s.phaseSince + CLEAR_SETTLE_MS ? s.phaseSince + CLEAR_SETTLE_MS : s.phaseSince + CLEAR_TIMEOUT_MS;
    case 'compacting': return s.phaseSince + COMPACT_TIMEOUT_MS;
    default: return null;
  }
}
