// Turns how the program ended (from node-pty or child_process) into guard's own exit status:
// the program's code, or 128 + the signal number when a signal ended it, as shells report it;
// and keeps which of the two it was (`ProgramEnd`): a status of 130 alone cannot tell `exit 130`
// from SIGINT, so the signal is never rebuilt from the status.
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

/** How the program ended, as the OS told it. */
export interface ProgramEnd {
  /** guard's exit status for it: the program's exit code, or 128 + the signal's number. */
  status: number;
  /** The signal that ended the program ("SIGINT"); null when it exited with a code. */
  signal: string | null;
}

/** The end of a program that exited with `status` (or never ran: 126, 127). */
export function exitedWith(status: number): ProgramEnd {
  return { status, signal: null };
}

/** From what node-pty (exit code, signal number; 0: none) or child_process (code, signal name) reports. */
export function programEnd(code: number | null | undefined, signal: string | number | null | undefined): ProgramEnd {
  const sig = signalNumber(signal);
  if (sig <= 0) return exitedWith(code ?? 0);
  const name = typeof signal === 'string' ? signal : signalName(sig) ?? `signal ${sig}`;
  return { status: exitStatus(code, signal), signal: name };
}
