// What an agent's prompt box on guard's screen shows, as every adapter's reader says it
// (`readPromptBox`: Claude's src/claude/prompt-box.ts, Codex's src/codex/prompt-box.ts, Gemini's
// src/gemini/prompt-box.ts) and the checkpoint injector reads it (src/policy/injector.ts): the
// second witness, which does not depend on the user's keys. Types only.

export type PromptBoxView =
  | { kind: 'empty' }
  /** Something is typed: the box's lines as shown (continuation rows included). */
  | { kind: 'text'; lines: string[] }
  /**
   * No prompt box guard may type into at the bottom of the screen. `mode` 'vim-normal': the box is
   * there, in vim's NORMAL mode, where keys are commands (Gemini's, src/gemini/prompt-box.ts).
   */
  | { kind: 'absent'; mode?: 'vim-normal' };
