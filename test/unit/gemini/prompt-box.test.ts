// Gemini CLI's prompt box read from real 0.61.0 screens (screens-0.61.0.json, captured through the
// headless terminal against the stand-in, faint cells blanked): empty, typed, wrapped, two lines,
// typed while a turn runs, the same in YOLO mode (its box marked "*") and in vim's INSERT mode, and
// the views that are not the prompt (shell mode, Ctrl-R search, vim's NORMAL mode); with NO_COLOR, and in
// screen-reader mode.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { readGeminiPromptBox } from '../../../src/gemini/prompt-box.js';

const screens = JSON.parse(readFileSync(new URL('./screens-0.61.0.json', import.meta.url), 'utf8')) as Record<string, string[]>;
const screen = (name: string): string[] => {
  const s = screens[name];
  if (!s) throw new Error(`no screen ${name}`);
  return s;
};

t.test('empty, typed, wrapped, several lines (real screens)', async (t) => {
  t.same(readGeminiPromptBox(screen('empty100')), { kind: 'empty' }, 'the placeholder is not text');
  t.same(readGeminiPromptBox(screen('empty80')), { kind: 'empty' });
  t.same(readGeminiPromptBox(screen('confirm100')), { kind: 'empty' }, 'after a tool call, the transcript above');
  t.same(readGeminiPromptBox(screen('typed100')), { kind: 'text', lines: ['hello world'] });
  t.same(readGeminiPromptBox(screen('two100')), { kind: 'text', lines: ['hello world', 'second line'] });
  t.same(readGeminiPromptBox(screen('wrap80')), { kind: 'text', lines: ['a long line of text that will wrap around the eighty column terminal for', 'sure yes'] });
  t.same(readGeminiPromptBox(screen('workingtyped100')), { kind: 'text', lines: ['slow one', 'typed while working'] }, 'typed while a turn runs');
});

t.test('YOLO mode: the box is marked "*" (real screens)', async (t) => {
  t.same(readGeminiPromptBox(screen('yoloEmpty100')), { kind: 'empty' });
  t.same(readGeminiPromptBox(screen('yoloEmpty80')), { kind: 'empty' });
  t.same(readGeminiPromptBox(screen('yoloTyped100')), { kind: 'text', lines: ['hello world'] });
  t.same(readGeminiPromptBox(screen('yoloTyped80')), { kind: 'text', lines: ['hello world'] });
  t.same(readGeminiPromptBox(screen('yoloTwo100')), { kind: 'text', lines: ['hello world', 'second line'] });
  t.same(readGeminiPromptBox(['', ' -   Type your message or @path/to/file']), { kind: 'absent' }, 'no other mark');
});

t.test('vim mode: INSERT reads as the box; NORMAL, where keys are commands, as a view over it (real screens)', async (t) => {
  t.same(readGeminiPromptBox(screen('vimInsertEmpty100')), { kind: 'empty' }, 'the placeholder "Press \'Esc\' for NORMAL mode." is not text');
  t.same(readGeminiPromptBox(screen('vimInsertTyped100')), { kind: 'text', lines: ['hello'] });
  t.same(readGeminiPromptBox(screen('vimNormalEmpty100')), { kind: 'absent', mode: 'vim-normal' }, 'typing there would run vim commands');
  t.same(readGeminiPromptBox(screen('vimNormalTyped100')), { kind: 'text', lines: ['hello'] });
});

// Seen: with NO_COLOR, or in screen-reader mode, the box read as absent, so guard never typed and
// Gemini compressed on its own at every threshold crossing.
t.test('NO_COLOR: the box between two rules (real screens)', async (t) => {
  t.same(readGeminiPromptBox(screen('noColor-empty')), { kind: 'empty' });
  t.same(readGeminiPromptBox(screen('noColor-typed')), { kind: 'text', lines: ['hello there'] });
  t.same(readGeminiPromptBox(screen('noColor-two')), { kind: 'text', lines: ['hello there', 'second line'] });
  t.same(readGeminiPromptBox(screen('noColor-yolo')), { kind: 'empty' }, 'YOLO mode');
  t.same(readGeminiPromptBox(screen('noColor-shell')), { kind: 'absent' }, 'shell mode');
});

t.test('screen-reader mode: the box last, at column 0 (real screens)', async (t) => {
  t.same(readGeminiPromptBox(screen('screenReader-empty')), { kind: 'empty' });
  t.same(readGeminiPromptBox(screen('screenReader-typed')), { kind: 'text', lines: ['hello there'] });
  t.same(readGeminiPromptBox(screen('screenReader-two')), { kind: 'text', lines: ['hello there', 'second line'] });
  t.same(readGeminiPromptBox(screen('screenReader-yolo')), { kind: 'empty' }, 'YOLO mode, spoken as words');
  t.same(readGeminiPromptBox(screen('screenReader-yolo-typed')), { kind: 'text', lines: ['yolo text'] });
  t.same(readGeminiPromptBox(screen('screenReader-shell')), { kind: 'absent' }, 'shell mode');
  const sr = ['workspace (/directory)', '/tmp/p sandbox', 'Shift+Tab to accept edits'];
  t.same(readGeminiPromptBox([...sr, ">    Press 'i' for INSERT mode."]), { kind: 'absent', mode: 'vim-normal' }, 'vim NORMAL mode');
  t.same(readGeminiPromptBox([...sr, 'Accepting edits   Type your message or @path/to/file']), { kind: 'empty' }, 'auto-edit mode, spoken');
  t.same(readGeminiPromptBox([...sr, '>    Type your message or @path/to/file', 'a row under it']), { kind: 'text', lines: ['Type your message or @path/to/file', 'a row under it'] }, 'the placeholder is empty only as the last row');
  t.same(readGeminiPromptBox([...sr, 'Allow execution of [Shell]?', '(checked) 1. Allow once', '2. No']), { kind: 'absent' }, 'a question');
});

t.test('views over the prompt, and screens without it', async (t) => {
  t.same(readGeminiPromptBox(screen('shell100')), { kind: 'absent' }, 'shell mode: a prompt typed there would run in the shell');
  t.same(readGeminiPromptBox(screen('search100')), { kind: 'absent' }, 'Ctrl-R search');
  t.same(readGeminiPromptBox([]), { kind: 'absent' });
  const transcript = ['', ' > say hi please', '', '✦ Reply 1: context about 12547 tokens.', ''];
  const dialog = ['╭──────────────╮', '│ Allow execution? │', '│ ● 1. Allow once │', '│   2. No       │', '╰──────────────╯', '', 'footer a', 'footer b'];
  t.same(readGeminiPromptBox([...transcript, ...dialog]), { kind: 'absent' }, 'an old prompt high above is not the box');
  t.same(readGeminiPromptBox(['', ' >   Type your message or @path/to/file']), { kind: 'empty' }, 'footer hidden');
  t.same(readGeminiPromptBox(['', ' >   Type your message or @path/to/file\u00a0\u00a0\u00a0', '\u00a0\u00a0', ' workspace']), { kind: 'empty' }, 'the painted background: rows end in no-break spaces (the test terminal shows them)');
  t.same(readGeminiPromptBox(['', ' >   Type your message or @path/to/file', '   more']), { kind: 'text', lines: ['  Type your message or @path/to/file', 'more'] }, 'the placeholder words with a second line are typed text');
});
