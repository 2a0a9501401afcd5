// The one fake user's terminal of the tests: a TerminalIo (src/supervisor/terminal-io.ts) that
// collects everything written to it (stdout and stderr, in order) in `out`, is 60x10, has a
// terminal on stdout and none on stdin, and never sends input, signals or errors. A test changes
// what it needs through `over` (a size, an input emitter, a terminal on stdin, a signal table).
import type { TerminalIo } from '../../src/supervisor/terminal-io.js';

export function fakeTerminalIo(out: string[], over: Partial<TerminalIo> = {}): TerminalIo {
  return {
    stdinIsTTY: false, stdoutIsTTY: true,
    size: () => ({ cols: 60, rows: 10 }),
    setRawMode: () => {},
    write: (d) => { out.push(String(d)); },
    writeSync: (d) => { out.push(d); },
    onInput: () => ({ dispose() {} }),
    onInputEnd: () => ({ dispose() {} }),
    pauseInput: () => {},
    onResize: () => ({ dispose() {} }),
    onSignal: () => ({ dispose() {} }),
    onProcessExit: () => ({ dispose() {} }),
    onUncaught: () => ({ dispose() {} }),
    stderr: (s) => { out.push(s); },
    suspend: () => {},
    ...over,
  };
}
