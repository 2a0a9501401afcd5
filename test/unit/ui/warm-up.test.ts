// The display's warm-up (src/ui/warm-up.ts): its sample exercises what programs draw (the
// alternate screen, box drawing, wide characters, emoji, colours, a wrapped line), read back from a
// headless terminal; it runs at any pane size; and inside PaneUi it draws nothing on the user's
// terminal and leaves the program's screen empty.
import t from 'tap';
import xtermHeadless from '@xterm/headless';
import { warmUpDisplay, warmUpSample } from '../../../src/ui/warm-up.js';

const { Terminal } = xtermHeadless;

function parsed(cols: number, rows: number): Promise<InstanceType<typeof Terminal>> {
  const term = new Terminal({ cols, rows, allowProposedApi: true });
  return new Promise((resolve) => term.write(warmUpSample(cols, rows), () => resolve(term)));
}

t.test('the sample draws what programs draw: alternate screen, box, wide characters, emoji, colours, a wrapped line', async (t) => {
  const term = await parsed(60, 20);
  const buf = term.buffer.active;
  t.equal(buf.type, 'alternate', 'on the alternate screen');
  const text = (y: number): string => buf.getLine(y)?.translateToString(true) ?? '';
  t.match(text(1), /▐▛███▛█ +guard +v0/, 'a banner');
  t.match(text(2), /^╭─+╮$/, 'a box top');
  t.match(text(4), /⏺ ✻ ❯ ✓ ⎿ 日本語のテキスト 🙂 line 4/, 'symbols, CJK and an emoji');
  const wide = buf.getLine(4)?.getCell(text(4).indexOf('日'));
  t.equal(wide?.getWidth(), 2, 'CJK characters take two cells');
  const colours = new Set<number>();
  for (let y = 0; y < 20; y++) for (let x = 0; x < 60; x++) { const c = buf.getLine(y)?.getCell(x); if (c && !c.isFgDefault()) colours.add(c.getFgColor()); }
  t.ok(colours.size >= 5, `several foreground colours (${colours.size})`);
  t.ok(buf.getLine(18)?.isWrapped, 'a line longer than the screen wraps');
  t.match(text(18), /^╰─+╯$/, 'a box bottom');
  t.match(text(19), /^❯ $/, 'the prompt last');
  term.dispose();
});

t.test('the warm-up runs at any pane size, down to one cell', async (t) => {
  for (const [cols, rows] of [[1, 1], [2, 3], [40, 12], [250, 80]] as const) {
    t.doesNotThrow(() => warmUpDisplay(cols, rows), `${cols}x${rows}`);
  }
});
