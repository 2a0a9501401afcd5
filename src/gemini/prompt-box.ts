// Gemini CLI's prompt box as guard's own screen model shows it (pure). Input: the pane's visible
// rows as text, faint cells blanked (Gemini draws its separator rule faint). Output: whether the
// box is on screen and empty, holds text, or is not there (shell mode, reverse search, no box), in
// the same terms as Claude's reader (src/claude/prompt-box.ts), for the injector's second witness.
//
// What the bottom of the screen looks like (0.61.0, 100x30 and 80x30 panes, seen through the
// headless terminal against the stand-in):
//    ⠇ Executing Hooks: … (esc to cancel, 1s)          ? for shortcuts   (spinner while working)
//                                                       (blank)
//    Shift+Tab to accept edits                          (the approval-mode hint)
//                                                       (blank)
//    >   Type your message or @path/to/file             (empty: ` > `, the cursor cell, the placeholder in grey, not faint)
//    > first line                                       (typed: ` > ` and the text)
//    (in YOLO mode, `--approval-mode yolo` or Ctrl-Y, the mark is `*` and the hint row reads
//    "YOLO Ctrl+Y": ` *   Type your message …`, ` * first line`)
//    (in vim mode, `general.vimMode` or /vim, the empty box's placeholder is "Press 'Esc' for
//    NORMAL mode." while inserting, "Press 'i' for INSERT mode." in NORMAL mode, and the footer
//    row starts "[INSERT]" or "[NORMAL]")
//      second line                                      (wrapped or further lines, indented three)
//                                                       (blank)
//    workspace (/directory)   sandbox   /model   context   (the footer, two rows; may be hidden)
//    /tmp/project             no sandbox  model   0% used
// Shell mode (`!`) shows ` !   Type your shell command` (typing a prompt there would run it in the
// shell), Ctrl-R search ` (r:)   …`: both are views over the prompt.
//
// Two other layouts, seen on 0.61.0:
// - With NO_COLOR set, Gemini paints no background: a rule above and a rule below the box stand
//   where the blank rows were (` >   Type your message …` between two rows of `─`).
// - In screen-reader mode (`ui.accessibility.screenReader`), nothing is drawn: the footer comes
//   first and the box is the screen's last row, at column 0, its mark spoken as words when the
//   approval mode has a name (`>    Type your message …`, `YOLO mode   Type …`, `>  typed text`;
//   further lines at column 0 under it; `Shell mode   Type your shell command` in shell mode).
import type { PromptBoxView } from '../events/prompt-box.js';

/**
 * The empty box: the mark, a space, the cursor's cell, a space, the placeholder. The mark is `>`,
 * or `*` in YOLO mode (0.61.0's InputPrompt: `showYoloStyling ? "*" : ">"`); a box guard cannot
 * read is `absent`, and guard never types, so a mark it missed would cost every checkpoint.
 */
const EMPTY_ROW = /^ [>*] {3}(?:Type your message or @path\/to\/file|Press 'Esc' for NORMAL mode\.)$/;
/**
 * The empty box in vim's NORMAL mode: keys there are vim commands, not text, so what guard types
 * would not land in the box. A view over the prompt (absent) until the user presses `i`.
 */
const VIM_NORMAL_ROW = /^ [>*] {3}Press 'i' for INSERT mode\.$/;
const PROMPT_ROW = /^ [>*] ?/;
const OTHER_MODE_ROW = /^ (?:!|\(r:\))(?: |$)/;
const CONTINUATION = /^ {3}/;
/** What stands above and under the box: a blank row, or with NO_COLOR a rule. */
const SEPARATOR_RULE = /^─{3,}$/;
/**
 * Screen-reader mode: the prompt row at column 0. The mark is `>`, or the approval mode's name
 * (0.61.0's InputPrompt speaks `statusText` for YOLO, plan and auto-edit, the mark otherwise).
 */
const SR_PROMPT_ROW = /^(?:>|\*|YOLO mode|Plan mode|Accepting edits)(?: +|$)/;
const SR_EMPTY_ROW = /^(?:>|\*|YOLO mode|Plan mode|Accepting edits) +(?:Type your message or @path\/to\/file|Press 'Esc' for NORMAL mode\.)$/;
const SR_VIM_NORMAL_ROW = /^(?:>|\*|YOLO mode|Plan mode|Accepting edits) +Press 'i' for INSERT mode\.$/;
const SR_OTHER_MODE_ROW = /^(?:Shell mode|!|\(r:\))(?: |$)/;
/** Rows under the box: a blank one and the two-row footer; a little more for a notice. */
export const MAX_ROWS_BELOW_BOX = 5;
/** A box taller than this is not a box. */
const MAX_BOX_ROWS = 40;

export function readGeminiPromptBox(screenRows: readonly string[]): PromptBoxView {
  // Gemini paints the box's background: its rows end in painted blanks (seen as no-break spaces).
  const rows = screenRows.map((r) => r.trimEnd());
  let last = rows.length - 1;
  while (last >= 0 && (rows[last] ?? '').trim() === '') last--;
  return readDrawnBox(rows, last) ?? readScreenReaderBox(rows, last);
}

/** The box as Gemini draws it (on a painted background, or between rules with NO_COLOR); null if there is none. */
function readDrawnBox(rows: readonly string[], last: number): PromptBoxView | null {
  const blank = (i: number): boolean => (rows[i] ?? '').trim() === '';
  const separator = (i: number): boolean => blank(i) || SEPARATOR_RULE.test(rows[i] ?? '');
  // The lowest row that starts a box: the mark, with a blank row (or a rule) above it.
  for (let i = last; i >= 1 && last - i <= MAX_ROWS_BELOW_BOX + MAX_BOX_ROWS; i--) {
    const row = rows[i] ?? '';
    const other = OTHER_MODE_ROW.test(row);
    if ((!other && !PROMPT_ROW.test(row)) || !separator(i - 1)) continue;
    let end = i;
    while (end < last && !separator(end + 1) && CONTINUATION.test(rows[end + 1] ?? '')) end++;
    // Under the box: a blank row (or a rule), then at most the footer and a notice; otherwise this is an old prompt in the transcript.
    if (end < last && !separator(end + 1)) return { kind: 'absent' };
    if (last - end > MAX_ROWS_BELOW_BOX) return { kind: 'absent' };
    if (other) return { kind: 'absent' };
    if (end === i && VIM_NORMAL_ROW.test(row)) return { kind: 'absent', mode: 'vim-normal' };
    if (EMPTY_ROW.test(row) && end === i) return { kind: 'empty' };
    const first = row.replace(PROMPT_ROW, '').trimEnd();
    const rest = rows.slice(i + 1, end + 1).map((r) => r.slice(3).trimEnd());
    if (first.trim() === '' && rest.length === 0) return { kind: 'empty' };
    return { kind: 'text', lines: [first, ...rest] };
  }
  return null;
}

/** The box in screen-reader mode: the lowest prompt row at column 0 and the rows under it, to the screen's end. */
function readScreenReaderBox(rows: readonly string[], last: number): PromptBoxView {
  for (let i = last; i >= 0 && last - i < MAX_BOX_ROWS; i--) {
    const row = rows[i] ?? '';
    if (SR_OTHER_MODE_ROW.test(row)) return { kind: 'absent' };
    if (!SR_PROMPT_ROW.test(row)) continue;
    if (i === last && SR_VIM_NORMAL_ROW.test(row)) return { kind: 'absent', mode: 'vim-normal' };
    if (i === last && SR_EMPTY_ROW.test(row)) return { kind: 'empty' };
    const first = row.replace(SR_PROMPT_ROW, '').trimEnd();
    return { kind: 'text', lines: [first, ...rows.slice(i + 1, last + 1).map((r) => r.trimEnd())] };
  }
  return { kind: 'absent' };
}
