// Catchable signals sent to guard running the real Claude Code (SIGUSR1, SIGUSR2, SIGPIPE): Claude ends,
// the terminal is restored, the exit record is written, guard ls is empty (test/helpers/faults.ts).
// Two files share the seven signals so that each stays well inside tap's per-file timeout.
import t from 'tap';
import { signalTest } from '../helpers/faults.js';

const SIGNALS: NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2', 'SIGPIPE'];
for (const sig of SIGNALS) {
  t.test(`${sig} to guard: Claude ends, the terminal is restored, the exit record is written`, (t) => signalTest(t, sig));
}
