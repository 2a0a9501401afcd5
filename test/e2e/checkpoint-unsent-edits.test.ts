// Issue 7, the user's unsent input after edits guard cannot follow by counting keys, end to end:
// the real Claude Code 2.1.330 under `bin/guard.js claude` against the stand-in API.
// - A cursor edit: `x`, Left, Backspace at the start of the line leaves `x` in the box (a key
//   count would say the box is empty).
// - Ctrl-R opens Claude's history search over the prompt: typed keys go to the search.
// With "checkpoint now" pressed over each, guard types nothing; the user's text, when sent,
// reaches the API exactly as typed, and the checkpoint follows at the next idle moment.
import t from 'tap';
import { promptBoxRows, unsentSession, type UnsentCase } from '../helpers/checkpoint.js';

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const BACKSPACE = '\x7f';
const CTRL_R = '\x12';
const ESC = '\x1b';

const CASES: UnsentCase[] = [
  {
    name: 'cursor edit: Left, then Backspace at the start',
    keys: ['x', LEFT, BACKSPACE],
    shows: (screen) => JSON.stringify(promptBoxRows(screen)) === '["x"]',
    footer: /checkpoint armed → handoff once the prompt box is empty/,
    send: [RIGHT, ' marks the spot', '\r'],
    sent: 'x marks the spot',
  },
  {
    name: 'Ctrl-R history search open',
    keys: [CTRL_R, 'hel'],
    shows: (screen) => /Search prompts/.test(screen) && promptBoxRows(screen).length === 0,
    footer: /checkpoint armed → handoff once Claude's prompt is back/,
    send: [ESC, 'after the search', '\r'],
    sent: 'after the search',
  },
];

t.test('unsent edits: guard types nothing over a cursor edit or an open history search; the text reaches the API as typed; the checkpoint follows', async (t) => {
  await unsentSession(t, CASES);
});
