// The checkpoint policy's settings: defaults, the user-editable prompt templates, and the checks
// at the boundary. Values come from guard's flags and config file (the CLI layer); the result goes
// to `initialPolicyState` in ./policy.ts.

export type Strategy = 'handoff' | 'compact' | 'off';
export const STRATEGIES: readonly Strategy[] = ['handoff', 'compact', 'off'];

export interface PolicyConfig {
  strategy: Strategy;
  /** Arm at this percentage of the auto-compact point. */
  thresholdPct: number;
  /** After a checkpoint (or a skip) guard arms again only once the context went below this
   * percentage of the auto-compact point: one checkpoint per fill-up. */
  rearmBelowPct: number;
  /** Arm early when the forecast says the next turn would cross the auto-compact point. */
  forecast: boolean;
  /** No new checkpoint fires within this long after the last one ended. */
  coolDownMs: number;
  /** Where the handoff note goes, relative to Claude's working directory; `{time}` becomes the time. */
  notePath: string;
  /** The handoff prompt; `{path}` becomes the note's path. */
  handoffTemplate: string;
  /** The prompt typed into the fresh context; `{path}` becomes the note's path. */
  resumeTemplate: string;
  /** What follows `/compact `. */
  compactInstructions: string;
  /** Hold Claude's own automatic compaction while guard is about to hand over (see policy.ts
   * autoCompactHold); false: Claude compacts whenever it would without guard. */
  holdAutoCompact: boolean;
}

/**
 * What guard types into an agent (the adapter gives these, src/agents/agent.ts), and whether a
 * handoff is possible. The policy types `compact` (plus the compact instructions when
 * `compactTakesInstructions`) for a compaction; for a handoff the note prompt, then `clear` (a
 * fresh conversation; its SessionStart hook with source 'clear' says it is ready, or the next idle
 * moment: `clearReady`), then the resume prompt. `clear` null: no handoff, the compact strategy is
 * used instead.
 */
export interface AgentCommands {
  compact: string;
  compactTakesInstructions: boolean;
  clear: string | null;
  /**
   * What says the fresh conversation after `clear` is ready for the resume prompt. 'session-start'
   * (absent: the default; Claude, Gemini): its SessionStart hook with source 'clear'. 'idle': the
   * next idle judgement with the prompt box empty, at least CLEAR_SETTLE_MS after `clear` (Codex
   * 0.171.0 fires no hook after `/new` until the next prompt is submitted).
   */
  clearReady?: 'session-start' | 'idle';
  /**
   * Milliseconds between the typed text and its Enter; absent or 0: a bracketed paste and the Enter
   * in one write (Claude). Otherwise the text goes as plain keys and the Enter that long after:
   * Gemini CLI 0.61.0 (no kitty keyboard) takes an Enter within 30 ms of typed text, or soon after
   * a paste, as a newline.
   */
  submitDelayMs?: number;
  /** The agent's name in what guard says and logs ("Codex compacted on its own"); absent: Claude. */
  agentName?: string;
}

/** Claude Code's: `/compact <instructions>`, `/clear`. guard sends no Esc today. */
export const CLAUDE_COMMANDS: AgentCommands = { compact: '/compact', compactTakesInstructions: true, clear: '/clear' };

/** The API stand-in used by tests and `guard demo` recognises "write a checkpoint note to <path>.md". */
export const DEFAULT_HANDOFF_TEMPLATE =
  'Write a checkpoint note to {path} so that the work can continue in a fresh context. ' +
  'Cover: the goal; what is done; what remains; the key files; decisions made and why; the exact next step. ' +
  'Write only that file, then stop.';
export const DEFAULT_RESUME_TEMPLATE =
  'Continue from the checkpoint note in {path}: read it first, then carry on with the next step it names.';
export const DEFAULT_COMPACT_INSTRUCTIONS =
  'Keep the goal, what is done and what remains, the key files, the decisions made and the exact next step.';
/** Longest prompt guard types (src/policy/injector.ts checks it again): Claude wraps longer pastes in tags. */
export const MAX_TYPED_CHARS = 800;
export const DEFAULT_NOTE_PATH = '.guard/checkpoints/{time}.md';

export const DEFAULT_POLICY_CONFIG: PolicyConfig = {
  strategy: 'handoff',
  thresholdPct: 80,
  // Well below the 80% threshold: a context that has only wobbled does not count as a new fill-up.
  rearmBelowPct: 50,
  forecast: true,
  // Long enough for the fresh context's first turns to settle before guard could fire again.
  coolDownMs: 120_000,
  notePath: DEFAULT_NOTE_PATH,
  handoffTemplate: DEFAULT_HANDOFF_TEMPLATE,
  resumeTemplate: DEFAULT_RESUME_TEMPLATE,
  compactInstructions: DEFAULT_COMPACT_INSTRUCTIONS,
  holdAutoCompact: true,
};

/** Fills defaults and checks values; throws an Error naming the bad value. */
export function makePolicyConfig(partial: Partial<PolicyConfig> = {}): PolicyConfig {
  const c: PolicyConfig = { ...DEFAULT_POLICY_CONFIG, ...stripUndefined(partial) };
  if (!STRATEGIES.includes(c.strategy)) {
    throw new Error(`strategy must be one of ${STRATEGIES.join(', ')}; got ${JSON.stringify(c.strategy)}`);
  }
  if (!Number.isFinite(c.thresholdPct) || c.thresholdPct <= 0 || c.thresholdPct > 100) {
    throw new Error(`threshold must be a percentage above 0 and at most 100; got ${String(c.thresholdPct)}`);
  }
  if (!Number.isFinite(c.rearmBelowPct) || c.rearmBelowPct < 0 || c.rearmBelowPct > c.thresholdPct) {
    throw new Error(`re-arm level must be between 0 and the threshold (${c.thresholdPct}); got ${String(c.rearmBelowPct)}`);
  }
  if (!Number.isFinite(c.coolDownMs) || c.coolDownMs < 0) {
    throw new Error(`cool-down must be a non-negative number of milliseconds; got ${String(c.coolDownMs)}`);
  }
  if (!c.handoffTemplate.includes('{path}')) {
    throw new Error(`the handoff template must contain {path}; got ${JSON.stringify(c.handoffTemplate)}`);
  }
  if (!c.resumeTemplate.includes('{path}')) {
    throw new Error(`the resume template must contain {path}; got ${JSON.stringify(c.resumeTemplate)}`);
  }
  // Measured with a long note path: the prompts must stay short enough to be typed as one paste.
  const longPath = notePathAt(c.notePath, 0);
  for (const [name, text] of [
    ['handoff template', fillTemplate(c.handoffTemplate, { path: longPath })],
    ['resume template', fillTemplate(c.resumeTemplate, { path: longPath })],
    ['compact instructions', `/compact ${oneLine(c.compactInstructions)}`],
  ] as const) {
    if (text.length > MAX_TYPED_CHARS) throw new Error(`the ${name} is too long to type into Claude (${text.length} characters, at most ${MAX_TYPED_CHARS})`);
  }
  if (!/\.md$/i.test(c.notePath) || /\s/.test(c.notePath)) {
    throw new Error(`the note path must end in .md and contain no spaces; got ${JSON.stringify(c.notePath)}`);
  }
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A prompt is typed as one line: a newline would not submit it, and control bytes would be keys. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '').replace(/ {2,}/g, ' ').trim();
}

export function fillTemplate(template: string, vars: Record<string, string>): string {
  return oneLine(template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m));
}

/** `{time}` in the note path: an ISO time safe in file names on every platform. */
export function notePathAt(pattern: string, t: number): string {
  const stamp = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return pattern.replace(/\{time\}/g, stamp);
}
