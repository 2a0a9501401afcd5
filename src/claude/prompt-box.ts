// Claude Code's prompt box as guard's own screen model shows it (pure). Input: the pane's visible
// rows as text, faint (dimmed) cells already blanked, since Claude draws its placeholder hints
// faint and they are not typed text. Output: whether the box is on screen and empty, holds text,
// or is not there at all (a view over it: history search, the transcript, a permission question,
// a menu). The checkpoint injector types only into an empty box; this is the check that does not
// depend on the user's keys (those are src/input/unsent.ts).
//
// What the box looks like (2.1.330, 110x32 and 80x24 panes, seen):
//   ──────────────────────────────  (a rule; "─── History 2/2 ───" after Up recalls a prompt)
//   ❯ first line                    (the prompt row: `❯`, a space, the text; `❯  ` when empty)
//     second line                   (continuation rows, indented, one per further line)
//   ──────────────────────────────  (a rule)
//     ⏵⏵ accept edits on …          (one or two hint rows, then the pane ends)
// The user's own status line (`statusLine` in their settings) sits between the box and the hint
// row, as many rows as it prints: up to 10 are shown (2.1.330; with 10 the hint row goes), and a
// status line may draw rules of its own. Past prompts in the transcript also start with `❯`, but
// never right under a rule.

import type { PromptBoxView } from '../events/prompt-box.js';

const PROMPT_MARK = '❯';
/** A rule: box-drawing dashes across the row, perhaps with a label between them. */
const RULE = /^─{3,}(?:.*─{3,})?\s*$/;
/**
 * Rows Claude draws under the box: the user's status line (at most 10 rows), the mode hint, a
 * notice or two; the box is never higher than this. Too low and a user with a tall status line
 * never gets a checkpoint (seen: 4 allowed a status line of 3 rows); too high and a box-like
 * shape further up could be read, which the rule-and-mark shape itself already rules out.
 */
const MAX_ROWS_BELOW_BOX = 14;
/** A box taller than this is not a box (a long paste shows as one "[Pasted text]" row). */
const MAX_BOX_ROWS = 40;

export function readPromptBox(rows: readonly string[]): PromptBoxView {
  let last = rows.length - 1;
  while (last >= 0 && (rows[last] ?? '').trim() === '') last--;
  // The bottom rule: the lowest rule near the end with a box above it (a status line's own rule has none).
  for (let bottom = last; bottom >= 1 && last - bottom <= MAX_ROWS_BELOW_BOX; bottom--) {
    if (!RULE.test(rows[bottom] ?? '')) continue;
    const box = boxAbove(rows, bottom);
    if (box) return box;
  }
  return { kind: 'absent' };
}

/** The box whose bottom rule is `bottom`: continuation rows up to the prompt row right under the top rule; null if another rule comes first. */
function boxAbove(rows: readonly string[], bottom: number): PromptBoxView | null {
  for (let i = bottom - 1; i >= 1 && bottom - i <= MAX_BOX_ROWS; i--) {
    const row = rows[i] ?? '';
    if (RULE.test(row)) return null;
    if (!row.startsWith(PROMPT_MARK) || !RULE.test(rows[i - 1] ?? '')) continue;
    const first = row.slice(PROMPT_MARK.length).trim();
    const rest = rows.slice(i + 1, bottom).map((r) => r.trim());
    if (first === '' && rest.length === 0) return { kind: 'empty' };
    return { kind: 'text', lines: [first, ...rest] };
  }
  return null;
}
