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
//     ← for agents · ? for shortcuts     (the hint row: blank while the user types)
// (a status row wider than the pane wraps onto further rows)
// The status row is the user's to choose (`[tui] status_line` in config.toml: any of Codex's items,
// "Context 0% used", "Ready · Context 100% left", or `[]` for none, when the context figure moves
// to the hint row's right). So the box is found by its own shape, not by what is under it: the
// lowest prompt row, its continuation rows, one blank row, then one or two rows of Codex's footer.
// Text typed while Codex works stays in the box ("tab to queue message") until it is sent.
import type { PromptBoxView } from '../events/prompt-box.js';

const PROMPT_MARK = '›';
/**
 * Codex's footer under the box: the status row and the hint row, either of which may be missing or
 * blank. A status row wider than the pane wraps (seen: two rows at 40 columns; a long working folder
 * does it in wider panes too). More rows than this under the blank row are not Codex's footer.
 */
const MAX_FOOTER_ROWS = 4;
/** A box taller than this is not a box. */
const MAX_BOX_ROWS = 40;

const isPromptRow = (row: string): boolean => row === PROMPT_MARK || row.startsWith(`${PROMPT_MARK} `);
/** Rows of the box under the prompt row: further lines of the text, indented two columns, or blank. */
const isContinuation = (row: string): boolean => row === '' || row.startsWith('  ');

export function readCodexPromptBox(screenRows: readonly string[]): PromptBoxView {
  const rows = screenRows.map((r) => r.trimEnd());
  let last = rows.length - 1;
  while (last >= 0 && (rows[last] ?? '') === '') last--;
  // The lowest prompt row near the bottom; nothing under the footer.
  let prompt = -1;
  for (let i = last; i >= 0 && last - i <= MAX_BOX_ROWS + MAX_FOOTER_ROWS; i--) {
    if (isPromptRow(rows[i] ?? '')) { prompt = i; break; }
  }
  if (prompt < 0) return { kind: 'absent' };
  // The blank row between the box and the footer: the lowest one, with one or two footer rows under it.
  let gap = -1;
  for (let i = last - 1; i > prompt && last - i <= MAX_FOOTER_ROWS; i--) {
    if (rows[i] === '') { gap = i; break; }
  }
  if (gap < 0) return { kind: 'absent' };
  const below = rows.slice(prompt + 1, gap);
  if (!below.every(isContinuation)) return { kind: 'absent' };
  const lines = [(rows[prompt] ?? '').slice(PROMPT_MARK.length).trim(), ...below.map((r) => r.trim())];
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? { kind: 'empty' } : { kind: 'text', lines };
}
