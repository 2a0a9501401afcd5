// The only code that types into Claude: it takes the policy's `type` actions and writes them through
// the pty writer (src/supervisor/writer.ts, injected) as a bracketed paste plus Enter, and returns what happened so the caller can
// hand it back to the policy as a `typed` input. It refuses when the user has typed something not
// yet sent (guard's text would be mixed into theirs), and after `/clear` until the new session's
// SessionStart arrived (Claude is not ready for a prompt before that).

import type { HookEvent } from '../claude/hooks.js';
import { MAX_TYPED_CHARS } from './config.js';

export interface InjectWriter {
  write(data: string, origin: 'guard'): void;
  hasUnsentInput(): boolean;
}

export type InjectResult =
  | { ok: true; text: string }
  | { ok: false; text: string; reason: 'unsent-input' | 'awaiting-session-start' | 'empty' | 'too-long' | 'write-failed'; detail?: string };

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

  constructor(private readonly writer: InjectWriter) {}

  /** Types `text` and submits it. `text` must be one line (the policy makes it so). */
  inject(text: string): InjectResult {
    // eslint-disable-next-line no-control-regex
    if (text.length === 0 || /[\u0000-\u001f\u007f]/.test(text)) return { ok: false, text, reason: 'empty', detail: 'text must be one non-empty line without control characters' };
    if (text.length > MAX_INJECT_CHARS) return { ok: false, text, reason: 'too-long', detail: `${text.length} characters; at most ${MAX_INJECT_CHARS}` };
    if (this.awaitingSessionStart) return { ok: false, text, reason: 'awaiting-session-start' };
    if (this.writer.hasUnsentInput()) return { ok: false, text, reason: 'unsent-input' };
    try {
      this.writer.write(PASTE_START + text + PASTE_END + SUBMIT, 'guard');
    } catch (err) {
      return { ok: false, text, reason: 'write-failed', detail: err instanceof Error ? err.message : String(err) };
    }
    if (/^\/clear\b/.test(text)) this.awaitingSessionStart = true;
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
