// Cell attributes (as @xterm/headless stores them) to SGR escape sequences for the user's
// terminal (pure). Colours keep their kind: 16-colour, 256-colour and 24-bit colours are written
// back the way the program wrote them, so the user's terminal shows what it would show bare.

/** xterm's colour-mode bits (Attributes.CM_* in xterm.js), as getFgColorMode() returns them. */
export const COLOR_MODE_P16 = 0x1000000;
export const COLOR_MODE_P256 = 0x2000000;
export const COLOR_MODE_RGB = 0x3000000;
const COLOR_MODE_MASK = 0x3000000;
export const COLOR_VALUE_MASK = 0xffffff;

export const F_BOLD = 1;
export const F_DIM = 2;
export const F_ITALIC = 4;
export const F_UNDERLINE = 8;
export const F_BLINK = 16;
export const F_INVERSE = 32;
export const F_INVISIBLE = 64;
export const F_STRIKE = 128;
export const F_OVERLINE = 256;

const FLAG_CODES: Array<[number, string]> = [
  [F_BOLD, '1'], [F_DIM, '2'], [F_ITALIC, '3'], [F_UNDERLINE, '4'], [F_BLINK, '5'],
  [F_INVERSE, '7'], [F_INVISIBLE, '8'], [F_STRIKE, '9'], [F_OVERLINE, '53'],
];

function colour(c: number, base: number, brightBase: number, extended: number): string {
  const v = c & COLOR_VALUE_MASK;
  switch (c & COLOR_MODE_MASK) {
    case COLOR_MODE_P16: return v < 8 ? `;${base + v}` : `;${brightBase + v - 8}`;
    case COLOR_MODE_P256: return `;${extended};5;${v}`;
    case COLOR_MODE_RGB: return `;${extended};2;${(v >> 16) & 0xff};${(v >> 8) & 0xff};${v & 0xff}`;
    default: return '';
  }
}

/** A complete SGR (starting from a reset) for one cell's attributes. */
export function sgrFor(fg: number, bg: number, flags: number): string {
  let s = '\x1b[0';
  if (flags !== 0) for (const [bit, code] of FLAG_CODES) if (flags & bit) s += ';' + code;
  s += colour(fg, 30, 90, 38);
  s += colour(bg, 40, 100, 48);
  return s + 'm';
}
