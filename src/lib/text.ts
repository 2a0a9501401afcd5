// Text for a terminal, pure, shared by every stage that prints (the footer, guard ls, the
// review, the session log's text form): how many cells a string takes (wide characters and
// emoji count 2), cutting to a width, whether to colour, and guard's number formats (tokens,
// dollars, durations, model names). Part of the shared toolkit (src/lib/): imports nothing of
// guard's.

// ---- display width ----------------------------------------------------------------------

const SGR_RE = /\x1b\[[0-9;:]*m/g;
const ZERO_WIDTH_RE = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u;
const EMOJI_PRESENTATION_RE = /\p{Emoji_Presentation}/u;
const PICTOGRAPHIC_RE = /\p{Extended_Pictographic}/u;
const VS16 = '\uFE0F';
// East Asian Wide and Fullwidth blocks (the ones that matter in practice).
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
  [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];
/**
 * Made only of these, text is one cell per character and one grapheme per character (printable
 * ASCII and the footer's own symbols: · … → ≥, box drawing and blocks), so its width is its
 * length. The usual footer is such text, and then no Intl.Segmenter is needed: creating the
 * first one loads ICU's break rules, 60-80 ms on a busy 2-core machine, before Claude starts.
 */
const ONE_CELL_EACH_RE = /^[\x20-\x7e\u00b7\u2026\u2192\u2265\u2500-\u259f]*$/;
let graphemes: Intl.Segmenter | null = null;
function segmenter(): Intl.Segmenter {
  return (graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));
}

function isWideCodePoint(cp: number): boolean {
  for (const [lo, hi] of WIDE_RANGES) if (cp >= lo && cp <= hi) return true;
  return false;
}

function graphemeWidth(g: string): number {
  const first = g.codePointAt(0) ?? 0;
  const firstChar = String.fromCodePoint(first);
  if (g.length === firstChar.length && ZERO_WIDTH_RE.test(firstChar)) return 0;
  if (isWideCodePoint(first) || EMOJI_PRESENTATION_RE.test(g)) return 2;
  if (g.includes(VS16) && PICTOGRAPHIC_RE.test(g)) return 2;
  return ZERO_WIDTH_RE.test(firstChar) ? 0 : 1;
}

/** Terminal cells the text takes, ignoring SGR sequences. */
export function displayWidth(text: string): number {
  const plain = text.replace(SGR_RE, '');
  if (ONE_CELL_EACH_RE.test(plain)) return plain.length;
  let w = 0;
  for (const { segment } of segmenter().segment(plain)) w += graphemeWidth(segment);
  return w;
}

/** Cuts plain text to at most `width` cells, ending with "…" when it had to cut. */
export function truncateToWidth(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const { segment } of segmenter().segment(text)) {
    const gw = graphemeWidth(segment);
    if (w + gw > width - 1) break;
    out += segment;
    w += gw;
  }
  return out + '…';
}

// ---- colour -----------------------------------------------------------------------------

/** Colour unless NO_COLOR is set (any non-empty value, per no-color.org) or output is not a TTY. */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

// ---- number formats ---------------------------------------------------------------------

/** 950 → "950", 8200 → "8.2k", 121_400 → "121.4k", 167_000 → "167k", 1_000_000 → "1M". */
export function formatTokens(n: number): string {
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${Math.round(abs)}`;
  if (abs < 999_950) return `${sign}${trimZero((abs / 1000).toFixed(1))}k`;
  return `${sign}${trimZero((abs / 1_000_000).toFixed(2))}M`;
}

function trimZero(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** "$1.23"; whole dollars from $100. */
export function formatCost(usd: number): string {
  return usd >= 100 ? `$${Math.round(usd)}` : `$${usd.toFixed(2)}`;
}

/** 42s, 12m04s, 1h02m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Time until a limit resets: 42m, 3h05m, 2d07h; "now" once it has passed. */
export function formatCountdown(ms: number): string {
  const m = Math.ceil(ms / 60_000);
  if (m <= 0) return 'now';
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** "claude-sonnet-5-20260101" → "sonnet-5"; "claude-opus-4-8[1m]" → "opus-4-8". */
export function shortModel(model: string): string {
  return model.replace(/\[[^\]]*\]$/, '').replace(/^claude-/, '').replace(/-\d{8}$/, '');
}
