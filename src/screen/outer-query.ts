// Asks the user's terminal once, at start, what the program's own queries will need answered as
// the real terminal would: its foreground and background colours (OSC 10/11) and whether it
// speaks the kitty keyboard protocol (CSI ? u). A primary device-attributes query follows as a
// sentinel: every terminal answers it, so its answer means "no more answers are coming" (a
// terminal without the kitty protocol says nothing to CSI ? u). Input: the outer terminal's bytes
// (stdin); output: the colours (defaults for any not answered), the kitty flags it reported (null:
// no kitty protocol), and whatever else arrived meanwhile (keys typed early).
import type { Disposable } from '../lib/disposables.js';
import type { Clock } from '../lib/clock.js';

/** The outer terminal's colours (OSC 10/11 answer bodies, e.g. `rgb:ffff/ffff/ffff`). Here, not in
 * ./model.ts, so that asking for them does not load the terminal emulator (guard starts the
 * program before it loads @xterm/headless: src/supervisor/supervise.ts). */
export interface TerminalColours { fg: string; bg: string }

export const DEFAULT_COLOURS: TerminalColours = { fg: 'rgb:ffff/ffff/ffff', bg: 'rgb:0000/0000/0000' };

export const OUTER_QUERY = '\x1b]10;?\x1b\\\x1b]11;?\x1b\\\x1b[?u\x1b[c';
/** Long enough for a terminal over ssh to answer, short enough that nobody notices. */
export const OUTER_QUERY_TIMEOUT_MS = 300;

const OSC_COLOUR_REPLY = /\x1b\](10|11);([^\x07\x1b]*)(?:\x07|\x1b\\)/g;
const KITTY_FLAGS_REPLY = /\x1b\[\?(\d+)u/;
const DA1_REPLY = /\x1b\[\?[\d;]*c/;

export interface OuterIo {
  write(s: string): void;
  onData(fn: (d: Buffer) => void): Disposable;
  /** Times the wait for answers (OUTER_QUERY_TIMEOUT_MS). */
  clock: Pick<Clock, 'setTimeout'>;
}

export interface OuterAnswer {
  colours: TerminalColours;
  /** The kitty keyboard flags the terminal reported; null when it does not speak the protocol. */
  kittyFlags: number | null;
  leftover: Buffer;
}

/** Pure: the answers and the remaining bytes in what the terminal sent back so far. */
export function parseOuterReplies(text: string): { colours: Partial<TerminalColours>; kittyFlags: number | null; done: boolean; rest: string } {
  const colours: Partial<TerminalColours> = {};
  let rest = text.replace(OSC_COLOUR_REPLY, (_m, id: string, body: string) => {
    if (id === '10') colours.fg = body;
    else colours.bg = body;
    return '';
  });
  const kitty = KITTY_FLAGS_REPLY.exec(rest);
  const kittyFlags = kitty ? Number(kitty[1]) : null;
  rest = rest.replace(KITTY_FLAGS_REPLY, '');
  const done = DA1_REPLY.test(rest);
  rest = rest.replace(DA1_REPLY, '');
  return { colours, kittyFlags, done, rest };
}

export function queryOuterTerminal(io: OuterIo, timeoutMs = OUTER_QUERY_TIMEOUT_MS): Promise<OuterAnswer> {
  return new Promise((resolve) => {
    let acc = '';
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      sub.dispose();
      timer.dispose();
      const { colours, kittyFlags, rest } = parseOuterReplies(acc);
      resolve({ colours: { ...DEFAULT_COLOURS, ...colours }, kittyFlags, leftover: Buffer.from(rest, 'latin1') });
    };
    const sub = io.onData((d) => {
      acc += d.toString('latin1');
      if (parseOuterReplies(acc).done) finish();
    });
    const timer = io.clock.setTimeout(finish, timeoutMs);
    io.write(OUTER_QUERY);
  });
}
