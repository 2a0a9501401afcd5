// Is the agent idle? Pure: the caller feeds timestamped facts (hooks from the receiver, pty output
// from the supervisor, keystrokes from the writer) into `applyIdleEvent`, asks `judgeIdle(facts,
// now, hasUnsentInput)`, and sets a timer for the `recheckAt` it gets back (no clock in here).
// The checkpoint policy reads the judgement; the footer and `guard ls` read `guardStateOf`.
//
// Idle means all three: the agent's turn has ended after the last submitted prompt (a Stop, or a
// SessionStart that leaves Claude waiting: after /clear, a manual /compact, startup), the user
// has nothing typed and unsent, and the program's output has been quiet for OUTPUT_QUIET_MS
// (counted from the end of the turn at the earliest) and the keyboard for USER_QUIET_MS.
//
// The order of the hooks: Claude and Codex run guard's UserPromptSubmit and Stop relays in the
// background (ASYNC_HOOK_EVENTS in src/claude/settings.ts, CODEX_ASYNC_HOOK_EVENTS in
// src/codex/settings.ts), so their posts can arrive out of turn: a short turn's Stop before its
// own UserPromptSubmit, or a turn's Stop after the user's Enter on the next prompt. Both carry the
// turn's id (Claude's prompt_id, Codex's turn_id); by it, a late UserPromptSubmit of a turn
// already ended starts nothing, and a Stop of a turn older than the newest confirmed prompt ends
// nothing.

import type { GuardState } from '../events/state.js';

/** Claude redraws its spinner several times a second while it works and its input box right after
 * a turn; 400 ms without a byte means the screen has settled and typing will not race a redraw. */
export const OUTPUT_QUIET_MS = 400;

/** An Enter that no UserPromptSubmit hook confirmed (a slash command such as /context or /model,
 * or an Enter inside a menu) is shown as waiting for input once the screen has been still this
 * long (running slash commands animate a spinner), but never counts as idle: guard only types
 * after a Stop or SessionStart said Claude is back at its prompt. */
export const UNCONFIRMED_ENTER_QUIET_MS = 2_000;

/** A keystroke of the user's (an arrow through history, a menu choice, a shortcut) means they are
 * at the keyboard even when nothing counts as typed text: guard waits this long after the last. */
export const USER_QUIET_MS = 2_000;

/** Prompt ids remembered (confirmed by UserPromptSubmit, ended by Stop): the posts that can cross
 * are at most a turn apart, so a few suffice; bounded so a long session does not grow them. */
export const PROMPT_IDS_KEPT = 8;

export type IdleEvent =
  /** A SessionStart hook. `source` 'compact' after an automatic compaction does not end a turn. */
  | { type: 'sessionStart'; t: number; source: string | null }
  /** A prompt submitted: `via: 'hook'` from UserPromptSubmit, `via: 'enter'` from an Enter the
   * writer saw with text in the input box (the user's, or guard's own injected text). */
  | { type: 'prompt'; t: number; via: 'hook' | 'enter'; promptId?: string | null }
  /** A Stop hook; `runningSubagents` from its background_tasks; `promptId` the turn's, when told. */
  | { type: 'stop'; t: number; runningSubagents?: number; promptId?: string | null }
  /** A PreCompact hook. */
  | { type: 'preCompact'; t: number; trigger: 'manual' | 'auto' | null }
  /** guard answered that PreCompact hook with "block": no compaction, so no SessionStart(compact)
   * follows it, and the next one (after a later PreCompact) is judged on its own. */
  | { type: 'compactHeld'; t: number }
  /** Bytes from the program's pty. */
  | { type: 'output'; t: number }
  /** Any keystroke the user typed (not an Enter that submitted). */
  | { type: 'userInput'; t: number }
  | { type: 'exit'; t: number };

export interface IdleFacts {
  started: boolean;
  exited: boolean;
  /** Events applied so far: orders prompts and settles that share a millisecond. */
  seq: number;
  /** Order number of the newest submitted prompt (0: none). */
  promptSeq: number;
  /** Newest submitted prompt, or -Infinity. */
  lastPromptAt: number;
  /** Whether a UserPromptSubmit hook arrived for that prompt. */
  promptConfirmed: boolean;
  /** That prompt's id when its UserPromptSubmit told it (null: an Enter, or no id). */
  promptId: string | null;
  /** Ids of the latest prompts a UserPromptSubmit confirmed, newest last (at most PROMPT_IDS_KEPT). */
  confirmedIds: readonly string[];
  /** Ids of the latest turns a Stop ended, newest last (at most PROMPT_IDS_KEPT). */
  endedIds: readonly string[];
  /** Order number of the newest end of a turn (Stop, or a SessionStart that leaves Claude waiting). */
  settleSeq: number;
  /** When that was, or -Infinity. */
  lastSettleAt: number;
  lastOutputAt: number;
  lastUserInputAt: number;
  lastPreCompactTrigger: 'manual' | 'auto' | null;
}

export type Activity = 'starting' | 'working' | 'idle';

export interface IdleJudgement {
  activity: Activity;
  /** Claude's turn is over (it may still not be `idle`: the user is typing or the screen moves). */
  waitingForInput: boolean;
  /** When the judgement could change with no new event (the caller re-judges then); null: only an event can change it. */
  recheckAt: number | null;
}

export function initialIdleFacts(): IdleFacts {
  return {
    started: false, exited: false, seq: 0, promptSeq: 0, lastPromptAt: -Infinity, promptConfirmed: false, promptId: null,
    confirmedIds: [], endedIds: [], settleSeq: 0, lastSettleAt: -Infinity,
    lastOutputAt: -Infinity, lastUserInputAt: -Infinity, lastPreCompactTrigger: null,
  };
}

export function applyIdleEvent(prev: IdleFacts, e: IdleEvent): IdleFacts {
  const f = { ...prev, seq: prev.seq + 1 };
  switch (e.type) {
    case 'sessionStart': {
      // After an automatic compaction Claude goes on to send the prompt that triggered it: no settle.
      const settles = e.source !== 'compact' || f.lastPreCompactTrigger !== 'auto';
      if (!settles) return { ...f, started: true, lastPreCompactTrigger: null };
      return { ...f, started: true, settleSeq: f.seq, lastSettleAt: Math.max(f.lastSettleAt, e.t), lastPreCompactTrigger: null };
    }
    case 'prompt': {
      const id = e.via === 'hook' ? e.promptId ?? null : null;
      // The UserPromptSubmit of a turn whose Stop came first: that turn is over already.
      if (id !== null && f.endedIds.includes(id)) return { ...f, started: true, confirmedIds: remember(f.confirmedIds, id) };
      return {
        ...f, started: true, promptSeq: f.seq, lastPromptAt: Math.max(f.lastPromptAt, e.t), promptConfirmed: e.via === 'hook', promptId: id,
        confirmedIds: id === null ? f.confirmedIds : remember(f.confirmedIds, id),
      };
    }
    case 'stop': {
      const id = e.promptId ?? null;
      const g = id === null ? f : { ...f, endedIds: remember(f.endedIds, id) };
      if ((e.runningSubagents ?? 0) > 0) return { ...g, started: true };
      // The Stop of a turn whose UserPromptSubmit came before another turn's: Claude works on that
      // one now. (After a bare Enter the Stop still counts, as it always did: text typed while
      // Claude works joins the running turn under its prompt id, seen on 2.1.330, and an Enter
      // inside a menu starts no turn. The quiet time after a Stop covers the next prompt's late
      // UserPromptSubmit.)
      if (id !== null && f.promptId !== null && f.promptId !== id && f.confirmedIds.includes(id)) return { ...g, started: true };
      return { ...g, started: true, settleSeq: f.seq, lastSettleAt: Math.max(f.lastSettleAt, e.t) };
    }
    case 'preCompact':
      return { ...f, lastPreCompactTrigger: e.trigger };
    case 'compactHeld':
      return { ...f, lastPreCompactTrigger: null };
    case 'output':
      return { ...f, lastOutputAt: Math.max(f.lastOutputAt, e.t) };
    case 'userInput':
      return { ...f, lastUserInputAt: Math.max(f.lastUserInputAt, e.t) };
    case 'exit':
      return { ...f, exited: true };
  }
}

function remember(ids: readonly string[], id: string): readonly string[] {
  return ids.includes(id) ? ids : [...ids, id].slice(-PROMPT_IDS_KEPT);
}

export function judgeIdle(f: IdleFacts, now: number, hasUnsentInput: boolean, quietMs: number = OUTPUT_QUIET_MS): IdleJudgement {
  if (f.exited) return { activity: 'working', waitingForInput: false, recheckAt: null };
  if (!f.started) return { activity: 'starting', waitingForInput: false, recheckAt: null };
  const waiting = f.settleSeq >= f.promptSeq;
  if (!waiting && !f.promptConfirmed) {
    // Probably back at the prompt, but it could be a menu (/model, /resume): show it as waiting,
    // never as idle, so guard does not type into it. The next Stop or SessionStart settles it.
    const settleAt = Math.max(f.lastOutputAt, f.lastPromptAt) + UNCONFIRMED_ENTER_QUIET_MS;
    if (now >= settleAt) return { activity: 'working', waitingForInput: true, recheckAt: null };
    return { activity: 'working', waitingForInput: false, recheckAt: settleAt };
  }
  if (!waiting) return { activity: 'working', waitingForInput: false, recheckAt: null };
  // Quiet since the end of the turn too: Claude redraws its input box right after a Stop, and the
  // hook can arrive before those bytes do.
  const quietAt = Math.max(f.lastOutputAt + quietMs, f.lastSettleAt + quietMs, f.lastUserInputAt + USER_QUIET_MS);
  if (now < quietAt) return { activity: 'working', waitingForInput: true, recheckAt: quietAt };
  return { activity: hasUnsentInput ? 'working' : 'idle', waitingForInput: true, recheckAt: null };
}

/** What the footer and `guard ls` show. `checkpointing` comes from the policy. */
export function guardStateOf(f: IdleFacts, j: IdleJudgement, checkpointing: boolean): GuardState {
  if (f.exited) return 'exited';
  if (checkpointing) return 'checkpointing';
  if (j.activity === 'starting') return 'starting';
  return j.waitingForInput ? 'idle' : 'working';
}
