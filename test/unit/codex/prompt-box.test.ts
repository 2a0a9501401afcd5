// Codex's prompt box read from real screens of 0.171.0 (80x24, faint cells blanked as guard's
// pane does), captured through the headless terminal: screens-0.171.0.json.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { readCodexPromptBox } from '../../../src/codex/prompt-box.js';

const screens = JSON.parse(readFileSync(new URL('./screens-0.171.0.json', import.meta.url), 'utf8')) as Record<string, string[]>;
const screen = (name: string): string[] => { const s = screens[name]; if (!s) throw new Error(`no screen ${name}`); return s; };

t.test('real screens', async (t) => {
  t.same(readCodexPromptBox(screen('start-empty')), { kind: 'empty' }, 'the faint placeholder is not text');
  t.same(readCodexPromptBox(screen('answered-empty')), { kind: 'empty' }, 'past prompts above (faint ›) do not count');
  t.same(readCodexPromptBox(screen('cleared')), { kind: 'empty' });
  t.same(readCodexPromptBox(screen('working')), { kind: 'empty' }, 'working, nothing typed');
  t.same(readCodexPromptBox(screen('typed')), { kind: 'text', lines: ['hello there'] });
  t.same(readCodexPromptBox(screen('multiline')), { kind: 'text', lines: ['line one', 'line two'] });
  t.same(readCodexPromptBox(screen('slash-menu')), { kind: 'text', lines: ['/'] }, 'the command menu above; the box holds "/"');
  t.same(readCodexPromptBox(screen('after-esc')), { kind: 'text', lines: ['/'] }, 'Esc closed the menu, not the text');
  t.same(readCodexPromptBox(screen('working-typed')), { kind: 'text', lines: ['queued text'] }, 'typed while working');
  t.same(readCodexPromptBox(screen('done-with-queued')), { kind: 'text', lines: ['queued text'] }, 'still unsent after the turn');
  t.same(readCodexPromptBox(screen('f2-view')), { kind: 'absent' }, 'the warnings pager covers the box');
  t.same(readCodexPromptBox(screen('after-view')), { kind: 'absent' }, 'the transcript browser');
  t.same(readCodexPromptBox(screen('statusline-setup')), { kind: 'absent' }, '/statusline: its list covers the box');
});

// The status row is the user's (`[tui] status_line`): Codex's items without the folder, one item
// alone, or none (the context figure then moves to the hint row). Seen: every checkpoint of such a
// user was refused while the reader looked for the folder under the box.
t.test('a status row of the user\'s own', async (t) => {
  for (const [line, what] of [['native', 'model, run state, context left'], ['ctx', 'the context used alone'], ['none', 'no status row']] as const) {
    t.same(readCodexPromptBox(screen(`status-${line}-empty`)), { kind: 'empty' }, `${what}: empty`);
    t.same(readCodexPromptBox(screen(`status-${line}-typed`)), { kind: 'text', lines: ['hello there'] }, `${what}: typed`);
  }
  t.same(readCodexPromptBox(screen('status-native-multiline')), { kind: 'text', lines: ['line one', 'line two'] });
  t.same(readCodexPromptBox(screen('status-none-multiline')), { kind: 'text', lines: ['line one', 'line two'] });
  t.same(readCodexPromptBox(screen('status-native-working')), { kind: 'empty' }, 'working, nothing typed');
  t.same(readCodexPromptBox(screen('status-none-working')), { kind: 'empty' }, 'working, the warning on the hint row');
  t.same(readCodexPromptBox(screen('narrow-40-empty')), { kind: 'empty' }, '40 columns: the status row wraps onto two');
  t.same(readCodexPromptBox(screen('narrow-40-typed')), { kind: 'text', lines: ['hello there, a long line of text that', 'wraps at forty columns'] });
});

t.test('edges', async (t) => {
  const foot = ['', '  gpt-5 default · ~/p', '  ← for agents · ? for shortcuts'];
  t.same(readCodexPromptBox([]), { kind: 'absent' });
  t.same(readCodexPromptBox(['›', ...foot]), { kind: 'empty' });
  t.same(readCodexPromptBox(['x', '› a', '', '  c', ...foot]), { kind: 'text', lines: ['a', '', 'c'] }, 'a blank line inside the text');
  t.same(readCodexPromptBox(['› a', 'not indented', ...foot]), { kind: 'absent' });
  t.same(readCodexPromptBox(['› a', '  gpt-5 default · ~/p']), { kind: 'absent' }, 'no blank row over the status row');
  t.same(readCodexPromptBox(['› a', '', '  gpt-5 default · ~/p', 'hint', 'another', 'and', 'more']), { kind: 'absent' }, 'the footer is at the bottom');
  t.same(readCodexPromptBox(['  just text', ...foot]), { kind: 'absent' });
  t.same(readCodexPromptBox(['›', '', '  100% context left']), { kind: 'empty' }, 'one footer row');
  t.same(readCodexPromptBox(['›', '', '  status', '  status, wrapped', '  hint']), { kind: 'empty' }, 'a wrapped status row');
  t.same(readCodexPromptBox(['›', '', '  status', 'a', 'b', 'c', 'd']), { kind: 'absent' }, 'five rows under the gap: not Codex\'s footer');
  t.same(readCodexPromptBox(['›']), { kind: 'absent' }, 'no footer: not the box');
  t.same(readCodexPromptBox(['› 1. a model', '  2. another', '↓', '  enter   esc']), { kind: 'absent' }, 'a picker');
  t.same(readCodexPromptBox(['›', '  text under it', '', '  status']), { kind: 'text', lines: ['', 'text under it'] }, 'an empty first line');
});
