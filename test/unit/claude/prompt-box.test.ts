// Claude's prompt box read from screens seen on Claude Code 2.1.330 (110 columns, rows trimmed as
// the pane gives them): empty, typed, several lines, a recalled prompt, and views over the prompt.
import t from 'tap';
import { readPromptBox } from '../../../src/claude/prompt-box.js';

const RULE = '─'.repeat(110);
const transcript = ['❯ hello there', '', '● Reply 1: context about 22925 tokens.', '', '✻ Churned for 5s · done 10:21 PM', ''];
const screen = (box: string[], below = ['  ⏵⏵ accept edits on (shift+tab to cycle)']): string[] =>
  [...transcript, ...Array(8).fill(''), ...box, ...below];

t.test('empty, typed, and several lines', async (t) => {
  t.same(readPromptBox(screen([RULE, '❯', RULE])), { kind: 'empty' });
  t.same(readPromptBox(screen([RULE, '❯ ', RULE], ['  ⏵⏵ accept edits on', '  Press Ctrl-C again to exit'])), { kind: 'empty' }, 'two hint rows under it');
  t.same(readPromptBox(screen([RULE, '❯ first line', RULE])), { kind: 'text', lines: ['first line'] });
  t.same(readPromptBox(screen([RULE, '❯ first line', '', RULE])), { kind: 'text', lines: ['first line', ''] }, 'backslash-Enter: an empty continuation row');
  t.same(readPromptBox(screen([RULE, '❯ first line', '  second', '', RULE])), { kind: 'text', lines: ['first line', 'second', ''] }, 'Ctrl-J');
  t.same(readPromptBox(screen([RULE, '❯', '', RULE])), { kind: 'text', lines: ['', ''] }, 'only a newline typed: not empty');
  t.same(readPromptBox(screen(['─── History 2/2 ' + '─'.repeat(94), '❯ c', RULE])), { kind: 'text', lines: ['c'] }, 'a recalled prompt');
  t.same(readPromptBox(screen([RULE, '❯', RULE], [])), { kind: 'empty' }, 'nothing under the box');
});

// The user's own status line sits between the box and the mode hint, a row for each line it prints;
// 2.1.330 shows up to 10 (and then no hint row). Seen: a status line of 4 rows or more hid the box
// from guard, and no checkpoint ever happened.
t.test('a tall status line of the user\'s own', async (t) => {
  const status = (n: number): string[] => Array.from({ length: n }, (_, i) => `  status line ${i + 1}`);
  const hint = '  ⏵⏵ accept edits on (shift+tab to cycle) · ← for agents';
  for (const n of [1, 3, 4, 9]) {
    t.same(readPromptBox(screen([RULE, '❯', RULE], [...status(n), hint])), { kind: 'empty' }, `${n} rows and the hint`);
    t.same(readPromptBox(screen([RULE, '❯ hello', RULE], [...status(n), hint])), { kind: 'text', lines: ['hello'] }, `${n} rows, typed`);
  }
  t.same(readPromptBox(screen([RULE, '❯', RULE], status(10))), { kind: 'empty' }, 'ten rows, no hint row');
  t.same(readPromptBox(screen([RULE, '❯', RULE], [...status(10), '  Press Ctrl-C again to exit'])), { kind: 'empty' }, 'ten rows and a notice');
  const ruled = ['  main · 42% used', '─'.repeat(60), '  $0.12 today'];
  t.same(readPromptBox(screen([RULE, '❯', RULE], [...ruled, hint])), { kind: 'empty' }, 'a status line that draws a rule of its own');
  t.same(readPromptBox(screen([RULE, '❯ draft', RULE], [...ruled, hint])), { kind: 'text', lines: ['draft'] });
  t.same(readPromptBox(screen([RULE, '  Do you want to proceed?', '  ❯ 1. Yes', RULE], [...ruled, hint])), { kind: 'absent' }, 'a rule of the status line under a question');
});

t.test('views over the prompt and screens without it read as absent', async (t) => {
  const search = [...transcript, RULE, '  Search prompts · everywhere', '  No prompts match "hel"', '', '',
    '  ╭' + '─'.repeat(104) + '╮', '  │ ⌕ hel' + ' '.repeat(97) + '│', '  ╰' + '─'.repeat(104) + '╯', '', '  ctrl+s to change scope · Esc to cancel'];
  t.same(readPromptBox(search), { kind: 'absent' }, 'Ctrl-R history search');
  const detailed = [...transcript, '', RULE, '  Showing detailed transcript · ctrl+o to toggle · ↑/↓ to scroll · v to open in vi · ? for shortcuts'];
  t.same(readPromptBox(detailed), { kind: 'absent' }, 'Ctrl-O transcript');
  t.same(readPromptBox(['Resume this session with:', 'claude --resume 1b6e6b']), { kind: 'absent' }, 'after exit');
  t.same(readPromptBox([]), { kind: 'absent' });
  t.same(readPromptBox(screen([RULE, '❯ old prompt', RULE], Array.from({ length: 15 }, (_, i) => `  row ${i}`))), { kind: 'absent' }, 'a rule high above the bottom is not the box');
  t.same(readPromptBox([...transcript, RULE, '  Do you want to proceed?', '  ❯ 1. Yes', '    2. No', RULE]), { kind: 'absent' }, 'a question: its ❯ is not under a rule');
});
