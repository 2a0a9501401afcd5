// What the footer shows comes from a FooterSource: the supervisor asks it for lines at the
// current width and redraws when it says they changed. The generic source here (any program
// that is not claude) shows the program, its running time, whether it still runs and guard's
// current notice (./notices.ts), drawn by renderProgramFooter (footer.ts); an agent run
// (src/app/agent-run.ts) uses gaugeFooterSource: the context gauge, cost, guard's state, what the
// policy does next, drawn by renderClaudeFooter.
import { Emitter, type Disposable } from '../lib/disposables.js';
import type { Clock } from '../lib/clock.js';
import type { ContextSnapshot } from '../context/snapshot.js';
import type { GuardState } from '../events/state.js';
import { renderClaudeFooter, renderProgramFooter, type FooterPolicy } from './footer.js';
import type { Notices } from './notices.js';

export interface FooterSource {
  /** The footer's lines for this width: 1 or 2 lines, ANSI SGR allowed, each at most `width` columns. */
  lines(width: number): string[];
  /** Fires when the lines may have changed. */
  onChange(fn: () => void): Disposable;
  /** The supervisor reports the program's end here. */
  programExited?(exitCode: number | null, signal: string | null): void;
  dispose(): void;
}

/** Footer refresh for the running clock: the display shows whole seconds. */
const CLOCK_TICK_MS = 1000;

export interface ProgramFooterDeps {
  program: string;
  /** The running time and its once-a-second refresh. */
  clock: Pick<Clock, 'now' | 'setInterval'>;
  color: boolean;
  notices: Notices;
}

export function programFooterSource(d: ProgramFooterDeps): FooterSource {
  const changed = new Emitter<void>();
  const startedAt = d.clock.now();
  let state: 'running' | 'exited' = 'running';
  let exitCode: number | null = null;
  let signal: string | null = null;
  let stoppedAt: number | null = null;
  const tick = d.clock.setInterval(() => changed.fire(), CLOCK_TICK_MS);
  const noticeSub = d.notices.onChange(() => changed.fire());
  return {
    lines: (width) => {
      const notice = d.notices.current();
      return renderProgramFooter(
        { program: d.program, startedAt, now: stoppedAt ?? d.clock.now(), state, exitCode, signal, ...(notice ? { notice } : {}) },
        width, { color: d.color });
    },
    onChange: (fn) => changed.on(fn),
    programExited(code, sig) {
      state = 'exited'; exitCode = code; signal = sig; stoppedAt = d.clock.now();
      tick.dispose();
      changed.fire();
    },
    dispose: () => { tick.dispose(); noticeSub.dispose(); },
  };
}

export interface GaugeFooterDeps {
  snapshot(): ContextSnapshot;
  state(): GuardState;
  policy(): FooterPolicy;
  now(): number;
  /** The agent has run a while and no telemetry arrived. */
  telemetryMissing(): boolean;
  notices: Notices;
  /** The agent's name in the footer's words ("Gemini"). */
  agentName: string;
  /** Fires whenever the snapshot, the state, the policy or the notice may have changed. */
  onChange(fn: () => void): Disposable;
  color: boolean;
}

/** The footer of an agent run: its lines are a function of what the deps say now. */
export function gaugeFooterSource(d: GaugeFooterDeps): FooterSource {
  return {
    lines: (width) => {
      const text = d.notices.current();
      return renderClaudeFooter({
        snapshot: d.snapshot(), state: d.state(), policy: d.policy(), now: d.now(), agent: d.agentName,
        ...(d.telemetryMissing() ? { noTelemetry: true } : {}), ...(text ? { notice: text } : {}),
      }, width, { color: d.color });
    },
    onChange: (fn) => d.onChange(fn),
    dispose: () => undefined,
  };
}
