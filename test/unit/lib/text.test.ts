// The terminal text toolkit (src/lib/text.ts): display width (wide characters and emoji two
// cells, SGR none), cutting to a width, when to colour, and guard's number formats.
import t from 'tap';
import { colorEnabled, displayWidth, formatCost, formatCountdown, formatDuration, formatTokens, shortModel, truncateToWidth } from '../../../src/lib/text.js';

/** Each format, as [input, what the footer, guard ls and the review print]. */
const FORMATS = {
  formatTokens: [[950, '950'], [8200, '8.2k'], [121_400, '121.4k'], [167_000, '167k'], [967_000, '967k'], [1_000_000, '1M'], [1_250_000, '1.25M']],
  formatCost: [[1.234, '$1.23'], [0, '$0.00'], [123.4, '$123']],
  formatDuration: [[724_000, '12m04s'], [42_900, '42s'], [3_720_000, '1h02m']],
  formatCountdown: [[42 * 60_000, '42m'], [185 * 60_000, '3h05m'], [(2 * 24 + 7) * 3_600_000, '2d07h'], [0, 'now']],
} as const;

t.test('number formats', async (t) => {
  const fns = { formatTokens, formatCost, formatDuration, formatCountdown };
  for (const [name, cases] of Object.entries(FORMATS)) {
    for (const [n, want] of cases) t.equal(fns[name as keyof typeof fns](n), want, `${name}(${n})`);
  }
  for (const [model, want] of [['claude-sonnet-5', 'sonnet-5'], ['claude-opus-4-8[1m]', 'opus-4-8'], ['claude-haiku-4-5-20251001', 'haiku-4-5']] as const) {
    t.equal(shortModel(model), want);
  }
});

t.test('display width counts wide characters and emoji as two cells', async (t) => {
  t.equal(displayWidth('abc'), 3);
  t.equal(displayWidth('日本語'), 6);
  t.equal(displayWidth('ok 🎉'), 5);
  t.equal(displayWidth('e\u0301'), 1, 'combining mark adds nothing');
  t.equal(displayWidth('\x1b[31mred\x1b[0m'), 3, 'SGR is not counted');
  t.equal(displayWidth('❤️'), 2, 'VS16 emoji presentation');
  t.equal(truncateToWidth('日本語テキスト', 7), '日本語…');
  t.equal(displayWidth(truncateToWidth('日本語テキスト', 6)), 5);
  t.equal(truncateToWidth('short', 10), 'short');
});

t.test("the footer's symbols are one cell each, alone and beside characters that are not", async (t) => {
  const own = 'guard │ █░ 1.2k · ~3 turns… → ≥ ─';
  t.equal(displayWidth(own), [...own].length);
  t.equal(displayWidth(own), 33);
  t.equal(displayWidth('│ e\u0301 │'), 5, 'a combining mark still adds nothing');
  t.equal(displayWidth('█ 日本 █'), 8, 'wide characters still take two cells');
  t.equal(displayWidth('· ❤️ ·'), 6, 'an emoji with VS16 still takes two');
});

t.test('colorEnabled honours NO_COLOR and the TTY', async (t) => {
  t.equal(colorEnabled({}, true), true);
  t.equal(colorEnabled({}, false), false);
  t.equal(colorEnabled({ NO_COLOR: '1' }, true), false);
  t.equal(colorEnabled({ NO_COLOR: '' }, true), true, 'empty NO_COLOR is unset per no-color.org');
  t.equal(colorEnabled({ TERM: 'dumb' }, true), false);
  t.equal(colorEnabled({ FORCE_COLOR: '1' }, false), true);
});
