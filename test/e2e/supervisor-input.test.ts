// guard <program> end to end, the input side (mouse, terminal queries, the prefix key):
// bin/guard.js runs in the test terminal (a real pty, its screen rebuilt by @xterm/headless),
// and the tests look at what the program received.
import t from 'tap';
import { startTerminal, type TestTerminal } from '../helpers/terminal.js';

const GUARD = ['bin/guard.js'];
const NODE = process.execPath;

function guard(args: string[], cols = 60, rows = 12, env?: Record<string, string | undefined>): TestTerminal {
  return startTerminal({ file: NODE, args: [...GUARD, ...args], cols, rows, ...(env ? { env } : {}) });
}

/** A program that shows every byte it reads, after writing `setup` (escape sequences) and "ready". */
function inputEcho(setup: string): string[] {
  const src = `
    process.stdin.setRawMode(true);
    process.stdout.write(${JSON.stringify(setup)} + 'ready\\r\\n');
    let acc = '';
    process.stdin.on('data', (d) => {
      acc += d.toString('latin1');
      process.stdout.write('got ' + JSON.stringify(acc) + '\\r\\n');
      if (acc.includes('q')) { process.stdout.write('\\x1b[?1000l\\x1b[?1006l'); process.exit(0); }
    });`;
  return [NODE, '-e', src];
}

t.test('mouse reports reach a program that asked, at its coordinates; the footer is guard\'s', async (t) => {
  const rows = 12;
  const g = guard(inputEcho('\x1b[?1000h\x1b[?1006h'), 60, rows);
  t.teardown(() => g.dispose());
  await g.waitFor('ready');
  await g.waitFor(() => g.term.modes.mouseTrackingMode === 'vt200');
  g.write(`\x1b[<0;10;${rows}M`); // on the footer: guard's
  g.write('\x1b[<0;5;3M');
  await g.waitFor('got');
  await g.waitFor('"\\u001b[<0;5;3M"');
  t.notMatch(g.screen(), `;${rows}M`, 'the footer click did not reach the program');
  g.write('q');
  t.equal((await g.waitExit()).exitCode, 0);
});

t.test('a program that asked for X10 mouse encoding gets X10 bytes', async (t) => {
  const g = guard(inputEcho('\x1b[?1000h'), 60, 12);
  t.teardown(() => g.dispose());
  await g.waitFor('ready');
  g.write('\x1b[<0;5;3M');
  await g.waitFor('got');
  t.match(g.screen(), `"\\u001b[M %#"`, 'button 0 at column 5, row 3: bytes 32, 37, 35');
  g.write('q');
  await g.waitExit();
});

t.test('queries are answered: CSI c after CSI ?u, XTVERSION, background colour', async (t) => {
  const src = `
    process.stdin.setRawMode(true);
    let acc = '';
    process.stdin.on('data', (d) => {
      acc += d.toString('latin1');
      if (/\\x1b\\[\\?[\\d;]*c/.test(acc)) { process.stdout.write('replies ' + JSON.stringify(acc) + '\\r\\n'); setTimeout(() => process.exit(0), 100); }
    });
    process.stdout.write('\\x1b[>0q\\x1b]11;?\\x1b\\\\\\x1b[?u\\x1b[c');`;
  const g = guard([NODE, '-e', src], 100, 12);
  t.teardown(() => g.dispose());
  const screen = await g.waitFor('replies');
  t.match(screen, '\\u001bP>|guard(');
  t.match(screen, '\\u001b]11;rgb:');
  t.match(screen, /\\u001b\[\?[\d;]*c/);
  t.ok(screen.indexOf('guard(') < screen.indexOf(']11;') && screen.indexOf(']11;') < screen.indexOf('[?1;'), 'answers in the order asked');
  t.equal((await g.waitExit()).exitCode, 0);
});

t.test('the prefix key: Ctrl-G Ctrl-G sends one Ctrl-G; Ctrl-G f hides the footer', async (t) => {
  const g = guard(inputEcho(''), 60, 12);
  t.teardown(() => g.dispose());
  await g.waitFor('ready');
  g.write('\x07\x07');
  await g.waitFor('got "\\u0007"');
  g.write('a');
  await g.waitFor('got "\\u0007a"');
  g.write('\x07f');
  await g.waitFor((s) => !/guard/.test(s.split('\n')[11] ?? ''));
  g.write('b');
  await g.waitFor('got "\\u0007ab"');
  t.notMatch(g.screen(), 'u0007f', 'Ctrl-G f went to guard, not the program');
  g.write('q');
  t.equal((await g.waitExit()).exitCode, 0);
});

