// The only code that types into the agent: it takes the policy's `type` actions and writes them
// through the pty writer (src/writer/writer.ts, injected) as a bracketed paste plus Enter (or, for
// an agent that holds a paste's Enter back, as plain keys and a late Enter), and returns what
// happened so the caller can hand it back to the policy as a `typed` input. Right before it writes
// it asks two independent witnesses whether the agent's prompt box is empty: the user's keys (the
// writer's scanner, src/input/unsent.ts) and guard's own screen model (the box as drawn, read by
// the adapter's reader: src/claude/prompt-box.ts, src/codex/prompt-box.ts,
// src/gemini/prompt-box.ts). It types only when the keys know of no unsent text and no open view,
// and the screen shows the box empty; when they disagree it does not type. It also refuses after
// the agent's clear command until the new conversation's SessionStart arrived (the agent is not
// ready for a prompt before).

import type { HookFact as HookEvent } from '../events/hook-facts.js';
import type { PromptBoxView } from '../events/prompt-box.js';
import type { KeyBoxView } from '../writer/key-box.js';
import { MAX_TYPED_CHARS } from './config.js';
import type { Disposable } from '../lib/disposables.js';

export interface InjectWriter {
  write(data: string, origin: 'guard'): void;
  /** The prompt box as the user's keys left it. */
  keyBox(): KeyBoxView;
  /** The screen showed the box empty once the keys were quiet: an unsure key state is empty again. */
  screenShowsEmpty(): void;
  /** Holds the user's keys back (queued, in order) until disposed: between a prompt's text and its late Enter. */
  holdUserInput(): Disposable;
}

export interface PromptScreen {
  /** The agent's prompt box as guard's screen model shows it now. */
  promptBox(): PromptBoxView;
}

/** Why guard may not type now, from the two witnesses; the policy shows and logs it. */
export type GateRefusal =
  /** The keys know of text typed and not sent (or a paste under way). */
  | 'unsent-input'
  /** The keys opened a view over the prompt (history search, transcript, rewind, editor). */
  | 'view-open'
  /** The screen shows no prompt box (a view, a question, a menu). */
  | 'prompt-not-visible'
  /** The box is in vim's NORMAL mode, where keys are commands (Gemini types plain keys). */
  | 'vim-normal-mode'
  /** The screen shows text in the box after keys guard could not follow. */
  | 'prompt-not-empty'
  /** The keys say the box is empty, the screen shows text in it. */
  | 'keys-and-screen-disagree';

export type Gate = { ok: true } | { ok: false; reason: GateRefusal; detail: string };

/**
 * May guard type now? Pure. Certain knowledge from the keys (typed text, an open view) always
 * wins; a box the keys are unsure of is judged by the screen; a box both call empty is empty.
 */
export function typingGate(keys: KeyBoxView, screen: PromptBoxView): Gate {
  if (keys.box.kind === 'typed') return { ok: false, reason: 'unsent-input', detail: 'text typed and not sent' };
  if (keys.modal !== null) return { ok: false, reason: 'view-open', detail: `the ${keys.modal} view may be open` };
  if (keys.mayHaveUnsent && keys.box.kind === 'empty') return { ok: false, reason: 'unsent-input', detail: 'a paste is under way' };
  if (screen.kind === 'absent' && screen.mode === 'vim-normal') return { ok: false, reason: 'vim-normal-mode', detail: 'the prompt box is in vim\'s NORMAL mode, where keys are commands' };
  if (screen.kind === 'absent') return { ok: false, reason: 'prompt-not-visible', detail: 'the prompt box is not on screen (a view, a question or a menu over it)' };
  if (screen.kind === 'text') {
    const shown = JSON.stringify(screen.lines.join('⏎').slice(0, 40));
    return keys.box.kind === 'empty'
      ? { ok: false, reason: 'keys-and-screen-disagree', detail: `the screen shows ${shown} in the prompt box; the keys say it is empty` }
      : { ok: false, reason: 'prompt-not-empty', detail: `the prompt box shows ${shown} (${keys.box.why})` };
  }
  return { ok: true };
}

export type InjectResult =
  | { ok: true; text: string }
  | { ok: false; text: string; reason: GateRefusal | 'awaiting-session-start' | 'empty' | 'too-long' | 'write-failed'; detail?: string };

/** Claude Code 2.1.330 takes a write of about 70 characters or more as a paste, and an Enter
 * inside a paste is a newline, not "send" (lab-checked: 64 chars + Enter submitted, 70 did not).
 * So the text goes in as an explicit bracketed paste (Claude turns bracketed paste on) and the
 * Enter after the paste's end: all in one write, so no keystroke of the user's can land between,
 * and a pty read that joins them still sees the Enter outside the paste. Slash commands typed
 * this way run (checked with /clear and a 110-character /compact). */
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';
const SUBMIT = '\r';
/** Claude wraps pastes above about 1,000 characters in <pasted_content> tags; stay well below. */
export const MAX_INJECT_CHARS = MAX_TYPED_CHARS;

export class Injector {
  private awaitingSessionStart = false;

  /** `clearCommand`: the agent's fresh-conversation command (AgentCommands.clear); after it, the
   * gate waits for the new conversation's SessionStart. */
  /** `submitDelayMs` > 0: the text as plain keys, the Enter in its own write that long after, through `later` (AgentCommands.submitDelayMs). */
  constructor(
    private readonly writer: InjectWriter, private readonly screen: PromptScreen, private readonly clearCommand: string | null = '/clear',
    private readonly submitDelayMs = 0, private readonly later: (fn: () => void, ms: number) => void = (fn, ms) => { setTimeout(fn, ms); },
  ) {}

  /** The two witnesses, asked now (also for the idle judgement, so the policy waits rather than tries). */
  gate(): Gate {
    const g = typingGate(this.writer.keyBox(), this.screen.promptBox());
    if (g.ok) this.writer.screenShowsEmpty();
    return g;
  }

  /** Types `text` and submits it. `text` must be one line (the policy makes it so). */
  inject(text: string): InjectResult {
    // eslint-disable-next-line no-control-regex
    if (text.length === 0 || /[\u0000-\u001f\u007f]/.test(text)) return { ok: false, text, reason: 'empty', detail: 'text must be one non-empty line without control characters' };
    if (text.length > MAX_INJECT_CHARS) return { ok: false, text, reason: 'too-long', detail: `${text.length} characters; at most ${MAX_INJECT_CHARS}` };
    if (this.awaitingSessionStart) return { ok: false, text, reason: 'awaiting-session-start' };
    const g = this.gate();
    if (!g.ok) return { ok: false, text, reason: g.reason, detail: g.detail };
    try {
      if (this.submitDelayMs > 0) {
        // Typed as plain keys: such an agent may also hold a paste's Enter back (Gemini: any Enter
        // until a timer and a re-render clear its "recent paste" mark, late on a busy machine).
        // The user's keys wait (queued, none lost) until the Enter is sent, so none lands inside
        // guard's prompt; the writer lets them go after MAX_USER_HOLD_MS whatever happens here.
        const hold = this.writer.holdUserInput();
        try {
          this.writer.write(text, 'guard');
        } catch (err) { hold.dispose(); throw err; }
        // A failure of the late Enter leaves the text in the box: the policy's own timeouts notice.
        this.later(() => {
          try { this.writer.write(SUBMIT, 'guard'); } catch { /* the program is gone */ } finally { hold.dispose(); }
        }, this.submitDelayMs);
      } else {
        this.writer.write(PASTE_START + text + PASTE_END + SUBMIT, 'guard');
      }
    } catch (err) {
      return { ok: false, text, reason: 'write-failed', detail: err instanceof Error ? err.message : String(err) };
    }
    if (this.clearCommand !== null && (text === this.clearCommand || text.startsWith(`${this.clearCommand} `))) this.awaitingSessionStart = true;
    return { ok: true, text };
  }

  /** Feed every hook: the SessionStart after /clear opens the gate again. */
  onHook(hook: HookEvent): void {
    if (hook.type === 'SessionStart') this.awaitingSessionStart = false;
  }

  /** The caller gives up waiting (the policy's clear timeout). */
  reset(): void {
    this.awaitingSessionStart = false;
  }

  get waitingForSessionStart(): boolean {
    return this.awaitingSessionStart;
  }
}
