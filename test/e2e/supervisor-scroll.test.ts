// Scroll back for a program on the main screen, the title, paste and focus reports, what a
// main-screen program leaves behind, and the fall-back to pass-through when guard's own display
// fails.
import t from 'tap';
import { startTerminal } from '../helpers/terminal.js';
import { runSupervised } from '../../src/supervisor/supervise.js';
import { Emitter } from '../../src/lib/disposables.js';
import type { TerminalIo } from '../../src/supervisor/terminal-io.js';
import { fakeTerminalIo } from '../helpers/fake-terminal-io.js';

t.test('Shift-PgUp shows the pane\'s history; any key returns to live and reaches the program', async (t) => {
  const src = `
    for (let i = 1; i <= 60; i++) process.stdout.write('line ' + i + '\\r\\n');
    process.stdout.write('bottom\\r\\n');
    process.stdin.setRawMode(true);
    process.stdin.on('data', (d) => { process.stdout.write('got ' + JSON.stringify(d.toString()) + '\\r\\n'); if (d.includes('q')) process.exit(0); });`;
  const g = startTerminal({ file: process.execPath, args: ['bin/guard.js', process.execPath, '-e', src], cols: 40, rows: 12 });
  t.teardown(() => g.dispose());
  await g.waitFor('bottom');
  t.notMatch(g.screen(), /line 40\n/);
  g.write('\x1b[5;2~');
  const back = await g.waitFor(/\[\d+\/\d+\]/);
  t.match(back, /line 4\d\n/, 'an earlier page of output is shown');
  g.write('\x1b[5;2~');
  await g.waitFor(/line 3\d\n/);
  g.write('x');
  await g.waitFor('got "x"');
  t.notMatch(g.screen(), /\[\d+\/\d+\]/, 'back to live');
  g.write('q');
  t.equal((await g.waitExit()).exitCode, 0);
});

t.test('a flood of coloured lines: the screen and the history after it are the program\'s last lines, in order', async (t) => {
  // ~4 MB in a burst: guard holds it and skips what scrolls out of reach (src/screen/flood-skip.ts).
  const src = `
    const words = ['ok', '✓', '中文', '🚀', 'src/a.ts'];
    let out = '';
    for (let i = 1; i <= 60000; i++) out += '\\x1b[3' + (i % 8) + 'mline ' + i + '\\x1b[0m ' + words[i % 5] + ' ' + 'x'.repeat(i % 40) + '\\r\\n';
    process.stdout.write(out, () => process.stdout.write('bottom\\r\\n'));
    process.stdin.setRawMode(true);
    process.stdin.on('data', (d) => { process.stdout.write('got ' + JSON.stringify(d.toString()) + '\\r\\n'); if (d.includes('q')) process.exit(0); });`;
  const g = startTerminal({ file: process.execPath, args: ['bin/guard.js', process.execPath, '-e', src], cols: 60, rows: 12 });
  t.teardown(() => g.dispose());
  const live = await g.waitFor('bottom', 60_000);
  const numbers = (screen: string): number[] => [...screen.matchAll(/^line (\d+) /gm)].map((m) => Number(m[1]));
  t.same(numbers(live), Array.from({ length: numbers(live).length }, (_, k) => 60000 - numbers(live).length + 1 + k), 'the last lines, in order');
  t.ok(numbers(live).length >= 5, 'several of them on screen');
  g.write('\x1b[5;2~');
  const back = numbers(await g.waitFor(/\[\d+\/\d+\]/));
  t.ok(back.length >= 5, 'a page of history');
  t.same(back, Array.from({ length: back.length }, (_, k) => (back[0] as number) + k), 'the history is consecutive lines');
  t.ok((back[0] as number) < numbers(live)[0]! && (back[0] as number) > 59_000, 'from just before the screen');
  g.write('x');
  await g.waitFor('got "x"');
  g.write('q');
  t.equal((await g.waitExit()).exitCode, 0);
});

t.test('title, bracketed paste and focus reports reach where they belong', async (t) => {
  const src = `
    process.stdin.setRawMode(true);
    process.stdout.write('\\x1b]0;my title\\x07\\x1b[?2004h\\x1b[?1004hready\\r\\n');
    let acc = '';
    process.stdin.on('data', (d) => {
      acc += d.toString();
      process.stdout.write('got ' + JSON.stringify(acc) + '\\r\\n');
      if (acc.includes('q')) { process.stdout.write('\\x1b[?2004l\\x1b[?1004l'); process.exit(0); }
    });`;
  const g = startTerminal({ file: process.execPath, args: ['bin/guard.js', process.execPath, '-e', src], cols: 60, rows: 10 });
  t.teardown(() => g.dispose());
  let title = '';
  g.term.onTitleChange((s) => { title = s; });
  await g.waitFor('ready');
  await g.waitFor(() => g.term.modes.bracketedPasteMode && g.term.modes.sendFocusMode);
  t.equal(title, 'my title');
  g.write('\x1b[200~p\x07s\x1b[201~');
  await g.waitFor('got "\\u001b[200~p\\u0007s\\u001b[201~"');
  g.write('\x1b[I');
  await g.waitFor('\\u001b[I"');
  g.write('q');
  t.equal((await g.waitExit()).exitCode, 0);
});

t.test('a main-screen program leaves its last screen behind on the user\'s terminal', async (t) => {
  const g = startTerminal({ file: process.execPath, args: ['bin/guard.js', 'sh', '-c', 'printf "first\\nsecond \\033[32mgreen\\033[0m\\n"'], cols: 40, rows: 8 });
  t.teardown(() => g.dispose());
  t.equal((await g.waitExit()).exitCode, 0);
  t.same(g.lines().slice(0, 3), ['first', 'second green', '']);
  t.equal(g.term.buffer.active.type, 'normal');
});

t.test('an error in guard\'s display falls back to pass-through, once, and the program goes on', async (t) => {
  const out: string[] = [];
  const input = new Emitter<Buffer>();
  const io: TerminalIo = fakeTerminalIo(out, { size: () => ({ cols: 40, rows: 10 }), onInput: (fn) => input.on(fn) });
  let calls = 0;
  const changed = new Emitter<void>();
  const footerSource = {
    lines: () => { if (++calls > 2) throw new Error('footer exploded'); return ['footer']; },
    onChange: (fn: () => void) => changed.on(fn),
    dispose: () => {},
  };
  const { status } = await runSupervised({
    program: 'sh',
    args: ['-c', 'sleep 0.3; echo after-the-error; sleep 0.3; exit 3'],
    footerSource,
    io,
    onStart: () => { setTimeout(() => changed.fire(), 100); },
  });
  t.equal(status, 3, 'the program ran to its end');
  const all = out.join('');
  t.equal(all.split('the display failed').length - 1, 1, 'said once');
  t.match(all, 'footer exploded');
  t.match(all.slice(all.indexOf('the display failed')), 'after-the-error', 'output after the error passes through');
});
