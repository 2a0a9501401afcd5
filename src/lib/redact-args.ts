// Keeping prompts out of a logged command line: one way to read an agent's argv, with the agent's
// own rules (Claude's in src/claude/program.ts, Codex's in src/codex/program.ts, Gemini's in
// src/gemini/program.ts; src/cli/agents.ts picks them by program). Input: the argv and the rules.
// Output: the same words, with every one that may carry something private replaced by REDACTED.
// Pure.
//
// Agents take a prompt as a positional word (`claude "fix it"`, `codex exec "…"`) and prompts,
// settings or paths as option values, in both `--opt v` and `--opt=v` forms. So option names are
// kept; an option's value only when the rules call it plain (a model, a mode, an id); a short
// option with its value attached (`-rVALUE`, `-r=VALUE`) keeps only the option; a positional word
// only when the rules say it explains the run and carries nothing private (a subcommand, a session
// id); after `--`, every word is positional and none is kept. An option the rules do not know
// takes no value: the word after it is read afresh, so a prompt there is still redacted.

export const REDACTED = '<redacted>';

export interface ArgRules {
  /** Options whose value is kept: a name, a mode, an id. */
  plainValue: ReadonlySet<string>;
  /** Options whose value is private (a prompt, JSON, a path): the word after them is their value, redacted. */
  privateValue: ReadonlySet<string>;
  /**
   * Options whose value is optional (`-r [session]`): the word after them is kept as their value
   * when `keep` says so (a session id); otherwise it is read afresh (it may be the prompt).
   */
  optionalValue?: { options: ReadonlySet<string>; keep(value: string): boolean };
  /** A positional word (`index`: among the positional words) kept as it is; none by default. */
  keepPositional?(word: string, index: number): boolean;
}

export function redactArgs(args: readonly string[], rules: ArgRules): string[] {
  const out: string[] = [];
  const optional = rules.optionalValue;
  let pending: 'keep' | 'redact' | 'optional' | null = null;
  let positional = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (pending === 'optional' && optional?.keep(a) !== true) pending = null; // not its value: read it afresh
    if (pending !== null) {
      out.push(pending === 'redact' ? REDACTED : a);
      pending = null;
    } else if (a === '--') {
      out.push(a, ...args.slice(i + 1).map(() => REDACTED));
      break;
    } else if (a.startsWith('-') && a !== '-') {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) {
        const name = a.slice(0, eq);
        const value = a.slice(eq + 1);
        const keep = rules.plainValue.has(name) || (optional?.options.has(name) === true && optional.keep(value));
        out.push(keep ? a : `${name}=${REDACTED}`);
      } else if (!a.startsWith('--') && a.length > 2) {
        out.push(`${a.slice(0, 2)}${REDACTED}`);
      } else {
        out.push(a);
        if (rules.plainValue.has(a)) pending = 'keep';
        else if (optional?.options.has(a) === true) pending = 'optional';
        else if (rules.privateValue.has(a)) pending = 'redact';
      }
    } else {
      out.push(rules.keepPositional?.(a, positional) === true ? a : REDACTED);
      positional++;
    }
  }
  return out;
}

/** A session id as agents print them (a UUID). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
