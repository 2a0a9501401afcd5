// Issue 7, the user's unsent input when it spans lines, end to end: the real Claude Code 2.1.330
// under `bin/guard.js claude` against the stand-in API. `\` then Enter and Ctrl-J put a new line
// into Claude's prompt box and send nothing (a guard that took every Enter for "sent" typed its
// checkpoint prompt after the user's first line, and /clear then lost it). With "checkpoint now"
// pressed over each, guard types nothing while the text sits there; the user's text, when sent,
// reaches the API exactly as typed, and the checkpoint follows at the next idle moment. Proven on
// the screen, the stand-in's records and guard's log.
import t from 'tap';
import { promptBoxRows, unsentSession, type UnsentCase } from '../helpers/checkpoint.js';

const same = (rows: string[]) => (screen: string): boolean => JSON.stringify(promptBoxRows(screen)) === JSON.stringify(rows);
const WAITS_FOR_INPUT = /checkpoint armed → handoff once your input is sent/;

const CASES: UnsentCase[] = [
  {
    name: 'backslash then Enter, a pause',
    keys: ['first line', '\\', '\r'],
    shows: same(['first line', '']),
    footer: WAITS_FOR_INPUT,
    send: ['second line', '\r'],
    sent: 'first line\nsecond line',
  },
  {
    name: 'Ctrl-J',
    keys: ['one: "quoted" & 42%', '\n'],
    shows: same(['one: "quoted" & 42%', '']),
    footer: WAITS_FOR_INPUT,
    send: ['two', '\r'],
    sent: 'one: "quoted" & 42%\ntwo',
  },
];

t.test('unsent lines: guard types nothing over backslash-Enter or Ctrl-J; the text reaches the API as typed; the checkpoint follows', async (t) => {
  await unsentSession(t, CASES);
});
