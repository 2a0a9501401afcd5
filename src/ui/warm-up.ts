// The display's warm-up: one screenful of typical program output parsed by a scratch screen model
// and drawn by a scratch renderer, to a string nobody sees, while the program is still starting.
// Input: the pane's size. Output: nothing; the scratch model is disposed at once. What it leaves
// behind is V8's compiled code for the parser's and the renderer's paths (compiled on first call,
// shared by every instance), so that the program's first real screen is not the one that pays.
//
// Why (issue 10, start-up): Claude Code's first screen, its banner and prompt box in one ~2 kB
// write, took guard 10-14 ms to parse and 6-8 ms to draw on first sight, cold (measured on this
// project's 2-core machine, three runs); the same work warm takes 1-3 ms. The warm-up runs in the
// ~300 ms between the display's load and Claude's first byte, when guard is otherwise idle, and
// Claude's own start does not slow down for guard's CPU meanwhile (a 300 ms busy loop on the
// side moved bare Claude's prompt by less than the noise). PaneUi runs it only while the program
// has written nothing yet, so it never delays real output.
import { ScreenModel } from '../screen/model.js';
import { DEFAULT_COLOURS } from '../screen/outer-query.js';
import { Renderer } from './renderer.js';

const ESC = '\x1b';
const CSI = `${ESC}[`;

/**
 * What Claude Code, Codex and Gemini draw: the alternate screen, cursor moves, erases, 256-colour
 * and 24-bit colours with bold, dim, italic, underline and inverse, box drawing, the symbols of
 * their UIs, wide (CJK) characters and emoji, a title, and a line that wraps. No queries: the
 * scratch model has nobody to answer.
 */
export function warmUpSample(cols: number, rows: number): string {
  const at = (row: number): string => `${CSI}${row + 1};1H`;
  const width = Math.max(4, cols - 2);
  const parts: string[] = [
    `${CSI}?2004h${CSI}?2031h${CSI}?1004h${ESC}]0;warm-up\x07`,
    `${CSI}?1049h${CSI}2J${CSI}H${CSI}?1000h${CSI}?1002h${CSI}?1003h${CSI}?1006h${CSI}?25l${CSI}>4;2m`,
    `${at(1)}${CSI}38;5;174m ▐${CSI}48;5;16m▛███▛█${CSI}39m${CSI}49m${CSI}12G${CSI}1mguard${CSI}24G${CSI}22m${CSI}38;5;246mv0${CSI}39m`,
    `${at(2)}${CSI}38;2;136;136;136m╭${'─'.repeat(width)}╮${CSI}0m`,
  ];
  for (let y = 3; y < rows - 3; y++) {
    const style = [`${CSI}1m`, `${CSI}2m`, `${CSI}3m`, `${CSI}4m`, `${CSI}7m`, `${CSI}38;5;${(y * 37) % 256}m`, `${CSI}38;2;${(y * 53) % 256};120;200m`, `${CSI}48;5;${(y * 11) % 256}m`][y % 8];
    parts.push(`${at(y)}${CSI}K${style}⏺ ✻ ❯ ✓ ⎿ 日本語のテキスト 🙂 line ${y}${CSI}0m${CSI}${Math.min(8, cols)}C│`);
  }
  parts.push(`${at(rows - 3)}${'x'.repeat(cols + 5)}`);
  parts.push(`${at(rows - 2)}${CSI}38;2;136;136;136m╰${'─'.repeat(width)}╯${CSI}0m`);
  parts.push(`${at(rows - 1)}${CSI}2K❯ ${CSI}?25h`);
  return parts.join('');
}

/** Parses and draws warmUpSample twice: the second time through code V8 has seen once already. */
export function warmUpDisplay(cols: number, rows: number): void {
  const model = new ScreenModel({ cols, rows, scrollback: 0, colours: Promise.resolve(DEFAULT_COLOURS), version: 'warm-up' });
  try {
    const renderer = new Renderer();
    const sample = warmUpSample(cols, rows);
    for (let i = 0; i < 2; i++) {
      // Written with nothing queued, so the model parses it now (ScreenModel.write).
      model.write(sample);
      renderer.frame({
        buffer: model.buffer, cols, paneRows: rows, scrollOffset: 0, cursorVisible: true, footer: ['warm-up'],
        paneDirty: true, dirtyRows: model.takeDirtyRows(),
      }, model.buffer.getNullCell());
    }
  } finally {
    model.dispose();
  }
}
