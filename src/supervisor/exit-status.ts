// Turns how the program ended (from node-pty or child_process) into guard's own exit status:
// the program's code, or 128 + the signal number when a signal ended it, as shells report it.
import { constants } from 'node:os';

/** Exit status for a missing program, as sh uses. */
export const EXIT_NOT_FOUND = 127;
/** Exit status for a program that exists but may not be executed, as sh uses. */
export const EXIT_NOT_EXECUTABLE = 126;
const SIGNAL_BASE = 128;

export function signalNumber(signal: string | number | null | undefined): number {
  if (signal === null || signal === undefined) return 0;
  if (typeof signal === 'number') return signal;
  return (constants.signals as Record<string, number | undefined>)[signal] ?? 0;
}

/** "SIGSEGV" for 11 (this platform's numbering); null for a number no signal has. */
export function signalName(n: number): string | null {
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? null;
}

export function exitStatus(code: number | null | undefined, signal: string | number | null | undefined): number {
  const sig = signalNumber(signal);
  if (sig > 0) return SIGNAL_BASE + sig;
  return code ?? 0;
}
