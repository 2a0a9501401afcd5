import t from 'tap';
import { startTerminal } from '../helpers/terminal.js';

t.test('the test terminal reconstructs a screen and collects the exit status', async (t) => {
  const term = startTerminal({ file: 'sh', args: ['-c', 'printf "\\033[31mred\\033[0m\\n"; printf "\\033[2;5Hthere"; sleep 0.2; exit 5'], cols: 40, rows: 5 });
  t.teardown(() => term.dispose());
  const screen = await term.waitFor('there');
  t.match(screen, /^red\n    there/);
  t.same(await term.waitExit(), { exitCode: 5, signal: 0 });
});
