// The only code that types into Claude: it takes the policy's `type` actions and writes them through
// the pty writer (src/supervisor/writer.ts, injected), and returns what happened so the caller can
// hand it back to the policy as a `typed` input. It refuses when the user has typed something not
// yet sent (guard's text would be mixed into theirs), and after `/clear` until the new session's
// SessionStart arrived (Claude is not ready for a prompt before that).

import type { HookEvent } from '../claude/hooks.js';

export interface InjectWriter {
  write(data: string, origin: 'guard'): void;
  hasUnsentInput(): boolean;
}

export type InjectResult =
  | { ok: true; text: string }
  | { ok: false; text: string; reason: 'unsent-input' | 'awaiting-session-start' | 'empty' | 'write-failed'; detail?: string };

/** Claude Code submits a prompt only when the text and the Enter come in one write. */
const SUBMIT = '\r';

export class Injector {
  private awaitingSessionStart = false;

  constructor(private readonly writer: InjectWriter) {}

  /** Types `text` and submits it. `text` must be one line (the policy makes it so). */
  inject(text: string): InjectResult {
    if (text.length === 0 || /[\r\n]/.test(text)) return { ok: false, text, reason: 'empty', detail: 'text must be one non-empty line' };
    if (this.awaitingSessionStart) return { ok: false, text, reason: 'awaiting-session-start' };
    if (this.writer.hasUnsentInput()) return { ok: false, text, reason: 'unsent-input' };
    try {
      this.writer.write(text + SUBMIT, 'guard');
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
