// Asks the user's terminal once, at start, for its foreground and background colours (OSC 10/11),
// so guard can answer the program's own colour queries as the real terminal would. A primary
// device-attributes query follows as a sentinel: every terminal answers it, so its answer means
// "no more colour answers are coming". Input: the outer terminal's bytes (stdin); output: the
// colours (defaults for any not answered) and whatever else arrived meanwhile (keys typed early).
import { DEFAULT_COLOURS, type TerminalColours } from './model.js';
import type { Disposable } from '../supervisor/disposables.js';

export const COLOUR_QUERY = '\x1b]10;?\x1b\\\x1b]11;?\x1b\\\x1b[c';
/** Long enough for a terminal over ssh to answer, short enough that nobody notices. */
export const COLOUR_QUERY_TIMEOUT_MS = 300;

const OSC_COLOUR_REPLY = /\x1b\](10|11);([^\x07\x1b]*)(?:\x07|\x1b\\)/g;
const DA1_REPLY = /\x1b\[\?[\d;]*c/;

export interface OuterIo {
  write(s: string): void;
  onData(fn: (d: Buffer) => void): Disposable;
  setTimer(fn: () => void, ms: number): Disposable;
}

export interface ColourAnswer { colours: TerminalColours; leftover: Buffer }

/** Pure: the colours and the remaining bytes in what the terminal sent back so far. */
export function parseColourReplies(text: string): { colours: Partial<TerminalColours>; done: boolean; rest: string } {
  const colours: Partial<TerminalColours> = {};
  let rest = text.replace(OSC_COLOUR_REPLY, (_m, id: string, body: string) => {
    if (id === '10') colours.fg = body;
    else colours.bg = body;
    return '';
  });
  const done = DA1_REPLY.test(rest);
  rest = rest.replace(DA1_REPLY, '');
  return { colours, done, rest };
}

export function queryOuterColours(io: OuterIo, timeoutMs = COLOUR_QUERY_TIMEOUT_MS): Promise<ColourAnswer> {
  return new Promise((resolve) => {
    let acc = '';
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      sub.dispose();
      timer.dispose();
      const { colours, rest } = parseColourReplies(acc);
      resolve({ colours: { ...DEFAULT_COLOURS, ...colours }, leftover: Buffer.from(rest, 'latin1') });
    };
    const sub = io.onData((d) => {
      acc += d.toString('latin1');
      if (parseColourReplies(acc).done) finish();
    });
    const timer = io.setTimer(finish, timeoutMs);
    io.write(COLOUR_QUERY);
  });
}
