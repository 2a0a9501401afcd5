// Runs one program under guard: finds it, spawns it (a pty with guard's pane and footer; a pty
// with plain pass-through for --no-footer; a plain child when stdout is not a terminal), wires
// the user's terminal to it, and comes back with guard's exit status. Owns every way out: the
// program's exit, a signal to guard (ENDING_SIGNALS end the program, then guard), an exception
// inside guard. On each of them the user's terminal is put back. It hands back how the program
// ended (./exit-status.ts: the status, and the signal if one ended it). A fault inside guard never ends
// the program: the display is called only through its boundary (./parts.ts) and its fault turns
// guard into plain pass-through; any other uncaught error is reported once and guard goes on.
// The Claude integration plugs in through `footerSource`, `notices`, `extraEnv` and `onStart`
// (which gets the writer and the prefix-command registry). The program is spawned first and the
// display loaded after (loadDisplay): nothing the program writes or the user types is lost meanwhile.
// A program may also come already spawned (`launched`, ./launch.ts: `guard claude` starts Claude
// before this module has loaded); it is then taken over as it is, and resized to the pane's layout.
// While a program runs in a pty, each chunk of input and output is counted for ./idle-gc.ts, which
// collects V8's young generation when guard has been quiet (not in the middle of a keystroke).
import { StringDecoder } from 'node:string_decoder';
import { basename } from 'node:path';
import { resolveProgram } from './resolve.js';
import { SuspendWatch } from './suspend.js';
import { ttyLineMode } from './tty-mode.js';
import { programEnd, exitedWith, EXIT_NOT_FOUND, EXIT_NOT_EXECUTABLE, type ProgramEnd } from './exit-status.js';
import { spawnPty as realSpawnPty, type ProgramPty, type SpawnPty } from './pty.js';
import { spawnChild } from './child.js';
import { programEnv, type Launched } from './launch.js';
import { PtyWriter } from '../writer/writer.js';
import { UnsentScanner } from '../input/unsent.js';
import { Disposables, Emitter, type Disposable } from '../lib/disposables.js';
import { processTerminal, type TerminalIo } from './terminal-io.js';
import { realClock, type Clock } from '../lib/clock.js';
import { isolatedPart, faultText } from './parts.js';
import { IdleCollector, v8YoungGeneration, type YoungGeneration } from './idle-gc.js';
import type { PaneUi } from '../ui/pane-ui.js';
import { Notices } from '../ui/notices.js';
import { programFooterSource, type FooterSource } from '../ui/footer-source.js';
import { colorEnabled } from '../lib/text.js';
import { PrefixCommands } from '../input/commands.js';
import { RESTORE_SEQUENCE, OUTER_RESET, diffOuterModes, outerModesFor } from '../screen/modes.js';
import { DEFAULT_COLOURS, queryOuterTerminal, type TerminalColours } from '../screen/outer-query.js';

import { GUARD_VERSION } from '../version.js';
export { GUARD_VERSION };
/**
 * Signals whose default action would end guard: each ends the program the way a closed terminal
 * does (SIGHUP to its process group, SIGKILL after KILL_GRACE_MS), and guard leaves by its normal
 * way out (terminal restored, exit record written, the program's status). SIGINT is not here: it
 * goes to the program, which decides (Ctrl-C typed in guard's terminal reaches it as a byte).
 * SIGPIPE is here because a caught one means guard's output is gone. SIGKILL and SIGSTOP cannot
 * be caught: after a SIGKILL the user runs `reset` (README).
 */
export const ENDING_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE'];
/**
 * A program that fails this soon after it started most likely never ran (a bad option, a missing
 * file, a crash at start): guard then says how it ended. Claude 2.1.330 needs ~2.4 s to its prompt.
 */
export const EARLY_EXIT_MS = 3000;
/** After SIGHUP, the program has this long to end before SIGKILL. */
export const KILL_GRACE_MS = 2000;
/** Lines of history kept for programs on the main screen (tmux keeps 2000; more costs parse speed and memory). */
export const SCROLLBACK_LINES = 5_000;
/**
 * After guard is continued from a suspension, it waits this long before it takes the terminal
 * again: a `kill %1` continues a stopped job with its SIGTERM pending, and that signal's handler
 * (terminate) must run first, so that guard ends instead of taking over a terminal that is not
 * its own any more (a job continued in the background stops again at its first tcsetattr).
 */
export const RESUME_SETTLE_MS = 20;

/**
 * What --no-footer mode puts back on exit: input modes a killed program may have left on.
 * No screen switch: the program's output stays where the user can see it.
 */
const PASSTHROUGH_RESTORE = '\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1004l\x1b[?1l\x1b>\x1b[0m\x1b[?25h';

export type SupervisedMode = 'ui' | 'passthrough' | 'child';

export interface SupervisedSession {
  readonly pid: number;
  /** 'child' when stdout is not a terminal (no pty: writer is null). May change from 'ui' to 'passthrough' after a display error. */
  readonly mode: SupervisedMode;
  /** The only way to type into the program (null in 'child' mode). */
  readonly writer: PtyWriter | null;
  /** guard's prefix-key commands (Ctrl-G <key>): register 'c', 's' … here. */
  readonly commands: PrefixCommands;
  /** The program's raw output, as it arrives. */
  onOutput(fn: (data: Buffer) => void): Disposable;
  /** Fires once with guard's exit status for the program. */
  onExit(fn: (status: number) => void): Disposable;
  /** guard's notices (the footer shows the current one). */
  readonly notices: Notices;
  /** The pane's visible text, one string per row ([] when there is no pane); `blankFaint`:
   * faint cells (placeholder hints) read as spaces. */
  paneText(opts?: { blankFaint?: boolean }): string[];
  /** Asks the program to end (SIGHUP, SIGKILL after KILL_GRACE_MS). */
  terminate(): void;
}

export interface SupervisedOptions {
  /** The program as the user typed it (looked up in PATH unless it has a slash). */
  program: string;
  args: string[];
  /** false: --no-footer (plain pass-through). Default true. */
  footer?: boolean;
  /** What the footer shows; default: the program, its running time and state. */
  footerSource?: FooterSource;
  /** The run's notices (the footerSource shows them); a new board when absent. */
  notices?: Notices;
  /** Added to the user's environment for the program (e.g. telemetry variables). */
  extraEnv?: Record<string, string>;
  /**
   * The program, already started in its pty by launchProgram (./launch.ts) with this run's args
   * and environment (`program`, `args` and `extraEnv` then only describe it). Needs a terminal on
   * stdout and the same choice of pane (`footer`) it was spawned for.
   */
  launched?: Launched;
  /**
   * The program suspends itself on Ctrl-Z (hands the terminal back, `kill(0, SIGTSTP)`, waits for
   * SIGCONT), as the agents do: guard then suspends with it (./suspend.ts). Default false: other
   * programs in the pane keep Ctrl-Z to themselves (a shell's job control works inside the pty).
   */
  selfSuspend?: boolean;
  /** Called once the program runs; what it returns is disposed when the run ends. */
  onStart?(session: SupervisedSession): Disposable | void;
  io?: TerminalIo;
  clock?: Clock;
  spawn?: SpawnPty;
  /** V8's young generation, collected in quiet moments (./idle-gc.ts); null: left to V8. Default: the running V8's. */
  youngGeneration?: YoungGeneration | null;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs the program to its end; guard exits with the `status` of what this hands back. */
export async function runSupervised(o: SupervisedOptions): Promise<ProgramEnd> {
  const io = o.io ?? processTerminal();
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  if (o.launched) {
    if (!io.stdoutIsTTY) throw new TypeError('runSupervised: a launched program needs a terminal on stdout');
    if (o.launched.pane !== (o.footer !== false)) throw new TypeError(`runSupervised: the program was launched ${o.launched.pane ? 'for' : 'without'} the pane, footer is ${String(o.footer !== false)}`);
    return runPty(o, io, o.launched.file, cwd, {});
  }
  const resolved = resolveProgram(o.program, env, cwd);
  if (!resolved.ok) {
    if (resolved.reason === 'not-found') { io.stderr(`guard: ${o.program}: command not found\n`); return exitedWith(EXIT_NOT_FOUND); }
    io.stderr(`guard: ${o.program}: permission denied\n`);
    return exitedWith(EXIT_NOT_EXECUTABLE);
  }
  if (!io.stdoutIsTTY) return runChild(o, io, resolved.file, cwd, programEnv(env, o.extraEnv, false));
  return runPty(o, io, resolved.file, cwd, programEnv(env, o.extraEnv, o.footer !== false));
}

/**
 * What guard says after the program ended on its own in a way the user may not see: killed by a
 * signal guard did not send (a crash), or failed right after it started. '' otherwise.
 */
export function endMessage(program: string, end: ProgramEnd, ranMs: number, terminatedByGuard: boolean): string {
  const { status, signal } = end;
  if (terminatedByGuard || status === 0) return '';
  if (signal !== null) return `guard: ${program} was killed by ${signal} (status ${status})\n`;
  if (ranMs < EARLY_EXIT_MS) return `guard: ${program} exited with status ${status} right after it started\n`;
  return '';
}

async function runChild(o: SupervisedOptions, io: TerminalIo, file: string, cwd: string, env: Record<string, string>): Promise<ProgramEnd> {
  const subs = new Disposables();
  const clock = o.clock ?? realClock;
  const startedAt = clock.now();
  const child = spawnChild(file, o.program, o.args, cwd, env, (err) => io.stderr(`guard: ${o.program}: ${err.message}\n`));
  const exitEmitter = new Emitter<number>();
  let terminated = false;
  const terminate = (): void => {
    terminated = true;
    child.kill('SIGHUP');
    subs.add(clock.setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS));
  };
  for (const sig of ENDING_SIGNALS) subs.add(io.onSignal(sig, terminate));
  // Ctrl-C on the terminal reaches the program directly (same process group); guard stays for its status.
  subs.add(io.onSignal('SIGINT', () => {}));
  const notices = o.notices ?? subs.add(new Notices(clock));
  subs.add(reportUncaught(io, notices));
  const session: SupervisedSession = {
    pid: child.pid, mode: 'child', writer: null, commands: new PrefixCommands(), notices,
    onOutput: () => ({ dispose() {} }),
    onExit: (fn) => exitEmitter.on(fn),
    paneText: () => [],
    terminate,
  };
  startHook(o, session, subs, io);
  const end = await child.exited;
  exitEmitter.fire(end.status);
  subs.dispose();
  const said = endMessage(o.program, end, clock.now() - startedAt, terminated);
  if (said) io.stderr(said);
  return end;
}

/**
 * An error nothing caught (an async path outside every part's boundary): said once, and guard
 * goes on. Node would otherwise end guard, and with it the user's program.
 */
function reportUncaught(io: TerminalIo, notices: Notices): Disposable {
  let said = false;
  return io.onUncaught((err) => {
    if (said) return;
    said = true;
    notices.post(`guard: internal error (${faultText(err)}); the program keeps running`, { fault: true });
  });
}

function startHook(o: SupervisedOptions, session: SupervisedSession, subs: Disposables, io: TerminalIo): void {
  if (!o.onStart) return;
  try {
    const d = o.onStart(session);
    if (d) subs.add(d);
  } catch (err) {
    io.stderr(`guard: start hook failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

/**
 * The display's module (the pane, the renderer and the terminal emulator, @xterm/headless), loaded
 * once the program has been spawned: its load is the largest part of guard's own start (measured:
 * 45-75 ms of CPU of the ~180 ms guard spent before it started the program), and a program that
 * is already starting loses nothing while it loads (Claude Code writes its first byte ~1 s later).
 */
function loadDisplay(): Promise<typeof PaneUi> {
  return import('../ui/pane-ui.js').then((m) => m.PaneUi);
}

async function runPty(o: SupervisedOptions, io: TerminalIo, file: string, cwd: string, env: Record<string, string>): Promise<ProgramEnd> {
  const clock = o.clock ?? realClock;
  const subs = new Disposables();
  const commands = new PrefixCommands();
  const outputEmitter = new Emitter<Buffer>();
  const exitEmitter = new Emitter<number>();
  let mode: 'ui' | 'passthrough' = o.footer === false ? 'passthrough' : 'ui';
  const notices = o.notices ?? subs.add(new Notices(clock));
  const footer = mode === 'ui'
    ? o.footerSource ?? programFooterSource({ program: o.program, clock, color: colorEnabled(env, true), notices })
    : null;
  if (footer) subs.add(footer);

  const { cols, rows } = io.size();
  const footerRows = footer ? footer.lines(cols).length : 0;
  const ptyRows = Math.max(1, rows - footerRows);
  const launched = o.launched;
  const pty: ProgramPty = launched?.pty ?? (o.spawn ?? realSpawnPty)(file, o.args, { cols, rows: ptyRows, cwd, env });
  // Launched for a layout guard guessed before its footer existed (or a terminal resized since).
  if (launched && (launched.cols !== cols || launched.rows !== ptyRows)) pty.resize(cols, ptyRows);
  const writer = new PtyWriter(pty, new UnsentScanner(), clock.now);
  // The display (the terminal emulator above all) is loaded after the spawn, while the program
  // starts (see loadDisplay). What the program writes and the user types meanwhile waits here,
  // in order, and goes on once the display is up (null: not waiting).
  let earlyOutput: Buffer[] | null = mode === 'ui' ? [] : null;
  let earlyInput: Buffer[] | null = mode === 'ui' ? [] : null;
  let resizedEarly = false;
  let footerChangedEarly = false;
  if (footer && earlyOutput) subs.add(footer.onChange(() => { if (earlyOutput && !ui) footerChangedEarly = true; }));
  const young = o.youngGeneration === undefined ? v8YoungGeneration() : o.youngGeneration;
  const collector = young ? subs.add(new IdleCollector(clock, young)) : null;
  subs.add(pty.onData((d) => { collector?.activity(); if (earlyOutput) earlyOutput.push(d); else deliverOutput(d); }));
  const exited = new Promise<{ exitCode: number; signal: number }>((resolve) => { subs.add(pty.onExit(resolve)); });

  let ui: PaneUi | null = null;
  let uiStarted = false;
  let restored = false;
  /** The user's terminal as guard found it (its modes off, the main screen, cooked), then `said`. */
  const handBack = (said = ''): void => {
    io.writeSync(`${uiStarted ? RESTORE_SEQUENCE : PASSTHROUGH_RESTORE}${said}`);
    io.setRawMode(false);
  };
  const restore = (): void => {
    if (restored) return;
    restored = true;
    handBack();
  };
  subs.add(io.onProcessExit(restore));

  // Passing through: raw bytes both ways; the pty follows the terminal's whole size.
  const decoder = new StringDecoder('utf8');
  const passInput = (d: Buffer): void => writer.write(decoder.write(d), 'user');

  // The display's boundary: whatever it throws, here or in its own callbacks (onError), switches
  // guard to plain pass-through, said once on the terminal.
  const display = isolatedPart('display', (err) => fallback(err));
  const fallback = (err: unknown): void => {
    if (mode !== 'ui' || !ui) return;
    mode = 'passthrough';
    const modes = ui.programModes();
    const dead = ui;
    ui = null;
    try { dead.dispose(); } catch { /* it already failed */ }
    const { cols: c, rows: r } = io.size();
    let seq = RESTORE_SEQUENCE;
    seq += `\r\nguard: the display failed (${faultText(err)}); continuing without the footer\r\n`;
    seq += diffOuterModes(OUTER_RESET, outerModesFor(modes, false));
    if (modes.altScreen) seq += '\x1b[?1049h';
    if (!modes.cursorVisible) seq += '\x1b[?25l';
    io.writeSync(seq);
    uiStarted = false;
    restored = false;
    // A size change makes a full-screen program redraw itself on the real terminal.
    pty.resize(c, Math.max(1, r - 1));
    subs.add(clock.setTimeout(() => pty.resize(c, r), 50));
  };

  let killTimer: Disposable | null = null;
  const startedAt = clock.now();
  let terminated = false;
  const terminate = (): void => {
    terminated = true;
    pty.kill('SIGHUP');
    killTimer ??= subs.add(clock.setTimeout(() => pty.kill('SIGKILL'), KILL_GRACE_MS));
  };
  for (const sig of ENDING_SIGNALS) subs.add(io.onSignal(sig, terminate));
  subs.add(io.onSignal('SIGINT', () => pty.kill('SIGINT')));
  subs.add(reportUncaught(io, notices));

  if (io.stdinIsTTY) io.setRawMode(true);

  let colours: Promise<TerminalColours> = Promise.resolve(DEFAULT_COLOURS);
  let kittyKeyboard: Promise<boolean> = Promise.resolve(false);
  let queryInput: ((d: Buffer) => void) | null = null;
  if (mode === 'ui' && footer) {
    if (io.stdinIsTTY) {
      // The outer terminal is asked while the program starts; keys typed meanwhile are kept.
      const answer = queryOuterTerminal({
        write: (s) => io.write(s),
        onData: (fn) => { queryInput = fn; return { dispose: () => { queryInput = null; } }; },
        clock,
      });
      colours = answer.then((a) => a.colours);
      kittyKeyboard = answer.then((a) => a.kittyFlags !== null);
      void answer.then((a) => { if (a.leftover.length > 0) takeInput(a.leftover); });
    }
  }
  // SIGTSTP from outside (`kill -TSTP`, a job-control tool): stopped as it is, guard would leave
  // the user's terminal raw, on its alternate screen, with the program still running behind it.
  // guard stops the way Ctrl-Z stops it: the program first, the terminal put back, then itself.
  if (io.stdinIsTTY) subs.add(io.onSignal('SIGTSTP', () => suspendWithProgram()));
  // Ctrl-Z for a program that suspends itself: guard goes with it (./suspend.ts).
  const ttyName = pty.ttyName;
  const suspendWatch = o.selfSuspend && io.stdinIsTTY && ttyName !== undefined
    ? subs.add(new SuspendWatch({ clock, lineMode: () => ttyLineMode(ttyName), suspend: () => suspendWithProgram() }))
    : null;
  subs.add(io.onInput((d) => {
    collector?.activity();
    if (queryInput) { queryInput(d); return; }
    suspendWatch?.typed(d);
    takeInput(d);
  }));
  // Standard input that is a file or pipe: its end is an end-of-file for the program.
  if (!io.stdinIsTTY) subs.add(io.onInputEnd(() => writer.write('\x04', 'user')));
  subs.add(io.onResize(() => {
    const shown = ui;
    if (shown) display.run(() => shown.resize(), undefined);
    else if (earlyOutput) resizedEarly = true;
    else { const s = io.size(); pty.resize(s.cols, s.rows); }
  }));

  /**
   * The program handed the terminal back and waits for SIGCONT: it is stopped (as `kill(0,
   * SIGTSTP)` would have stopped it run bare, its tool commands with it), the user's terminal
   * is put back and guard stops for the shell. Back from `fg`, guard takes the terminal again
   * and continues the program, whose own SIGCONT handler takes its terminal back and redraws.
   */
  function suspendWithProgram(): void {
    if (restored || terminated) return;
    pty.kill('SIGSTOP');
    const shown = ui;
    if (shown) display.run(() => shown.leaveScreen(), undefined);
    handBack(`\r\nguard: ${basename(o.program)} is suspended, with guard. Run \`fg\` to bring them back.\r\n`);
    io.suspend();
    subs.add(clock.setTimeout(resumeWithProgram, RESUME_SETTLE_MS));
  }
  function resumeWithProgram(): void {
    if (!restored && !terminated) {
      io.setRawMode(true);
      const shown = ui;
      if (shown) display.run(() => shown.reenterScreen(), undefined);
      else { const s = io.size(); pty.resize(s.cols, s.rows); }
    }
    pty.kill('SIGCONT');
  }

  const session: SupervisedSession = {
    pid: pty.pid,
    get mode() { return mode; },
    writer,
    commands,
    onOutput: (fn) => outputEmitter.on(fn),
    onExit: (fn) => exitEmitter.on(fn),
    notices,
    paneText: (opts) => ui?.paneText(opts) ?? [],
    terminate,
  };
  // Started before the display loads: the program is already running (its output waits, see above).
  startHook(o, session, subs, io);

  if (mode === 'ui' && footer) {
    const PaneUiClass = await loadDisplay().catch((err: unknown) => { display.fail(err); return null; });
    const made = PaneUiClass && display.run(() => new PaneUiClass({
      pty, writer, io, clock, footer, commands, colours, kittyKeyboard, notices, version: GUARD_VERSION, scrollback: SCROLLBACK_LINES, onError: (err) => display.fail(err),
    }), null);
    if (made) {
      ui = made;
      uiStarted = true;
      display.run(() => made.start(), undefined);
      // The terminal or the footer changed size while the display loaded: the pane, and the
      // program's pty (spawned for the sizes before), follow now.
      if (footerChangedEarly) display.run(() => made.footerChanged(), undefined);
      if (resizedEarly || footerChangedEarly) display.run(() => made.resize(), undefined);
    } else mode = 'passthrough';
  }

  function takeInput(d: Buffer): void {
    if (earlyInput) earlyInput.push(d); else routeInput(d);
  }

  function routeInput(d: Buffer): void {
    const shown = ui;
    if (shown) display.run(() => shown.feedInput(d), undefined);
    // The display failed on this very input: the keys still reach the program.
    if (!ui) passInput(d);
  }
  function deliverOutput(d: Buffer): void {
    const shown = ui;
    if (shown) display.run(() => shown.feedOutput(d), undefined);
    if (!ui) io.write(d);
    outputEmitter.fire(d);
  }

  const output = earlyOutput ?? [];
  const input = earlyInput ?? [];
  earlyOutput = null;
  earlyInput = null;
  if (resizedEarly && !ui) { const s = io.size(); pty.resize(s.cols, s.rows); }
  for (const d of output) deliverOutput(d);
  for (const d of input) routeInput(d);

  const e = await exited;
  const endingUi = ui;
  if (endingUi) display.run(() => endingUi.programEnded(), undefined);
  const end = programEnd(e.exitCode, e.signal);
  writer.close();
  // No wait for late output: the pty package reports the exit only once the pty's stream has
  // closed, and ./pty.ts lets it close only once the program's output was read to its end, so
  // every byte the program wrote has been delivered.
  const endUi = ui as PaneUi | null;
  let leftBehind = '';
  if (endUi) {
    try {
      await endUi.drained();
      footer?.programExited?.(end.signal === null ? end.status : null, end.signal);
      endUi.flushFrame();
      leftBehind = endUi.finalScreen();
    } catch { /* the terminal is restored below whatever happened */ }
    endUi.dispose();
  }
  // What listens for the end (the agent's integration) is guard's code too: a fault there must
  // not keep the user's terminal, nor guard (its timers are disposed just below).
  let exitFault: unknown = null;
  try { exitEmitter.fire(end.status); } catch (err) { exitFault = err; }
  subs.dispose();
  restore();
  if (leftBehind) io.writeSync(leftBehind);
  const said = endMessage(o.program, end, clock.now() - startedAt, terminated);
  if (said) io.stderr(said);
  if (exitFault !== null) io.stderr(`guard: internal error at the end (${exitFault instanceof Error ? exitFault.message : String(exitFault)}); ${basename(o.program)} had ended, its status is guard's\n`);
  io.pauseInput();
  return end;
}
