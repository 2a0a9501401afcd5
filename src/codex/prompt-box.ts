// Codex CLI's prompt box as guard's own screen model shows it (pure). Input: the pane's visible
// rows as text, faint (dimmed) cells already blanked (Codex draws its placeholder "Ask Codex to
// do anything", the `›` of past prompts and the "Working" line faint). Output: the same view as
// Claude's reader (src/claude/prompt-box.ts): the box empty, holding text, or absent (a view
// over it: the warnings pager, the transcript browser, a dialog).
//
// What the bottom of the screen looks like (0.171.0, 80x24 and 100x30 panes, seen):
//   › first line                         (the prompt row: `›`, a space, the text; `›` alone when empty)
//     second line                        (continuation rows, indented two columns)
//                                        (one blank row)
//     gpt-5 default · ~/project · Title  (the status row: model, effort, " · ", the working folder)
//     ← for agents · ? for shortcuts     (at most one hint row, sometimes none)
// Text typed while Codex works stays in the box ("tab to queue message") until it is sent.
import type { PromptBoxView } from '../events/prompt-box.js';

const PROMPT_MARK = '›';
/** The status row: indented, then the model, then " · " and the working folder (absolute or ~). */
const STATUS_RE = /^ {2}\S.* · [~/]/;
/** Rows under the status row (the hint row). */
const MAX_ROWS_BELOW_STATUS = 1;
/** A box taller than this is not a box. */
const MAX_BOX_ROWS = 40;

export function readCodexPromptBox(rows: readonly string[]): PromptBoxView {
  let last = rows.length - 1;
  while (last >= 0 && (rows[last] ?? '').trim() === '') last--;
  let status = -1;
  for (let i = last; i >= 0 && i >= last - MAX_ROWS_BELOW_STATUS; i--) {
    if (STATUS_RE.test(rows[i] ?? '')) { status = i; break; }
  }
  // The status row sits under one blank row, under the box.
  if (status < 2 || (rows[status - 1] ?? '').trim() !== '') return { kind: 'absent' };
  const bottom = status - 2;
  for (let i = bottom; i >= 0 && bottom - i < MAX_BOX_ROWS; i--) {
    const row = rows[i] ?? '';
    if (row === PROMPT_MARK || row.startsWith(`${PROMPT_MARK} `)) {
      const lines = [row.slice(PROMPT_MARK.length).trim(), ...rows.slice(i + 1, bottom + 1).map((r) => r.trim())];
      while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      return lines.length === 0 ? { kind: 'empty' } : { kind: 'text', lines };
    }
    // Anything between the prompt row and the status row is a continuation row: indented or blank.
    if (row !== '' && !row.startsWith('  ')) return { kind: 'absent' };
  }
  return { kind: 'absent' };
}
