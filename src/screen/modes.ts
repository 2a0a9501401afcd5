// The terminal modes a program has turned on, as the screen model sees them, and what guard
// writes to the outer terminal to mirror them (pure). Input: ProgramModes from model.ts; output:
// escape sequences for the renderer/supervisor to write to the user's terminal.
export type MouseTracking = 'none' | 'x10' | 'vt200' | 'drag' | 'any';

export interface ProgramModes {
  mouseTracking: MouseTracking;
  /** SGR mouse encoding, CSI ?1006h. */
  sgrMouse: boolean;
  bracketedPaste: boolean;
  focusReports: boolean;
  appCursorKeys: boolean;
  appKeypad: boolean;
  cursorVisible: boolean;
  /** DECSCUSR parameter (0 = the terminal's default shape). */
  cursorStyle: number;
  /** Colour-scheme change reports, CSI ?2031h. */
  colorSchemeReports: boolean;
  synchronizedOutput: boolean;
  altScreen: boolean;
  /** The kitty keyboard protocol flags the program has on (the top of the active screen's stack; 0: none). */
  kittyFlags: number;
}

export const DEFAULT_MODES: ProgramModes = {
  mouseTracking: 'none', sgrMouse: false, bracketedPaste: false, focusReports: false,
  appCursorKeys: false, appKeypad: false, cursorVisible: true, cursorStyle: 0,
  colorSchemeReports: false, synchronizedOutput: false, altScreen: false, kittyFlags: 0,
};

/** What guard asks of the outer terminal (cursor visibility is the renderer's, per frame). */
export interface OuterModes {
  mouseTracking: MouseTracking;
  bracketedPaste: boolean;
  focusReports: boolean;
  appCursorKeys: boolean;
  appKeypad: boolean;
  cursorStyle: number;
  colorSchemeReports: boolean;
  /** Kitty keyboard flags guard pushed on the outer terminal for the program (0: none pushed). */
  kittyFlags: number;
}

export const OUTER_RESET: OuterModes = {
  mouseTracking: 'none', bracketedPaste: false, focusReports: false,
  appCursorKeys: false, appKeypad: false, cursorStyle: 0, colorSchemeReports: false, kittyFlags: 0,
};

const MOUSE_MODE_NUMBER: Record<Exclude<MouseTracking, 'none'>, number> = { x10: 9, vt200: 1000, drag: 1002, any: 1003 };

/**
 * The outer terminal's modes for a program's modes. When the program has not asked for the
 * mouse, guard asks for button events itself (wheel scrolls guard's history, footer clicks).
 * Kitty keyboard flags are mirrored only onto a terminal that said it speaks the protocol.
 */
export function outerModesFor(p: ProgramModes, guardWantsMouse: boolean, outerKitty = false): OuterModes {
  return {
    mouseTracking: p.mouseTracking !== 'none' ? p.mouseTracking : guardWantsMouse ? 'vt200' : 'none',
    bracketedPaste: p.bracketedPaste,
    focusReports: p.focusReports,
    appCursorKeys: p.appCursorKeys,
    appKeypad: p.appKeypad,
    cursorStyle: p.cursorStyle,
    colorSchemeReports: p.colorSchemeReports,
    kittyFlags: outerKitty ? p.kittyFlags : 0,
  };
}

const dec = (n: number, on: boolean): string => `\x1b[?${n}${on ? 'h' : 'l'}`;

/** The escape sequences that take the outer terminal from `prev` to `next`. */
export function diffOuterModes(prev: OuterModes, next: OuterModes): string {
  let out = '';
  if (prev.mouseTracking !== next.mouseTracking) {
    if (prev.mouseTracking !== 'none') out += dec(MOUSE_MODE_NUMBER[prev.mouseTracking], false);
    // guard always reads SGR-encoded reports (no 223-column limit) and re-encodes for the program.
    if (next.mouseTracking !== 'none') out += dec(MOUSE_MODE_NUMBER[next.mouseTracking], true) + dec(1006, true);
    else out += dec(1006, false);
  }
  if (prev.bracketedPaste !== next.bracketedPaste) out += dec(2004, next.bracketedPaste);
  if (prev.focusReports !== next.focusReports) out += dec(1004, next.focusReports);
  if (prev.appCursorKeys !== next.appCursorKeys) out += dec(1, next.appCursorKeys);
  if (prev.appKeypad !== next.appKeypad) out += next.appKeypad ? '\x1b=' : '\x1b>';
  if (prev.cursorStyle !== next.cursorStyle) out += `\x1b[${next.cursorStyle} q`;
  if (prev.colorSchemeReports !== next.colorSchemeReports) out += dec(2031, next.colorSchemeReports);
  if (prev.kittyFlags !== next.kittyFlags) {
    // Push the program's flags over the terminal's own, pop them off when it clears them, and
    // change them in place in between (CSI = flags ; 1 u sets all bits), so one pop restores.
    if (prev.kittyFlags === 0) out += `\x1b[>${next.kittyFlags}u`;
    else if (next.kittyFlags === 0) out += '\x1b[<u';
    else out += `\x1b[=${next.kittyFlags};1u`;
  }
  return out;
}

/**
 * Everything guard may have changed on the user's terminal, put back: every mouse mode and
 * encoding off, paste/focus/colour-scheme reports off, normal cursor keys and keypad, default
 * cursor shape, visible cursor, SGR reset, synchronized output off, main screen, and the
 * window title guard pushed at start popped.
 */
export const RESTORE_SEQUENCE =
  '\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?1015l' +
  '\x1b[?2004l\x1b[?1004l\x1b[?2031l\x1b[?1l\x1b>\x1b[0 q\x1b[?2026l\x1b[0m\x1b[?25h' +
  '\x1b[?1049l\x1b[23;0t';

/** Taking over the user's terminal: push the title, alternate screen, clear, home. */
export const ENTER_SEQUENCE = '\x1b[22;0t\x1b[?1049h\x1b[H\x1b[2J';
