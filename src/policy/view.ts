// The policy as the footer shows it: from the pure policy state (./policy.ts) and the time, what
// guard is doing about checkpoints and what it will do next, in the footer's own words. Read by
// the controller's `view` (./controller.ts), drawn by src/ui/footer.ts. Pure: no clock, no I/O.
// The English the footer shows about checkpoints lives here, not in the transitions.

import type { GateRefusal } from './injector.js';
import type { Strategy } from './config.js';
import { type ArmReason, type Phase, type PolicyState, agentOf, isCheckpointing } from './policy.js';

/** What the footer shows about the policy. */
export interface PolicyView {
  strategy: Strategy;
  armed: boolean;
  phase: Phase;
  reason: ArmReason | null;
  checkpointing: boolean;
  /** The context (effective tokens) at which guard arms; null before the auto-compact point is known. */
  armAt: number | null;
  /** A few words on what guard will do next; null when nothing is planned. */
  next: string | null;
}

export function policyView(s: PolicyState, now: number): PolicyView {
  // An agent without a fresh-conversation command compacts instead of handing over (see fire()).
  const planned = (st: Strategy): Strategy => (st === 'handoff' && s.commands.clear === null ? 'compact' : st);
  const strategy = planned(s.running ?? s.config.strategy);
  const armAt = s.autoCompactAt === null ? null : Math.round((s.config.thresholdPct / 100) * s.autoCompactAt);
  let next: string | null = null;
  switch (s.phase) {
    case 'watching':
      if (s.skipNext) next = 'next checkpoint skipped';
      else if (s.spent) next = null;
      else next = s.config.strategy === 'off' ? `warn at ${s.config.thresholdPct}%` : `${planned(s.config.strategy)} at ${s.config.thresholdPct}%`;
      break;
    case 'armed':
      if (s.armReason !== 'manual' && now < s.coolDownUntil) next = `${strategy} after cool-down`;
      else if (s.hasUnsentInput) next = `${strategy} ${waitingFor(s.unsentReason, agentOf(s))}`;
      else next = `${strategy} at next idle`;
      break;
    case 'note-requested': next = `${agentOf(s)} is writing the checkpoint note`; break;
    case 'checking-note': next = 'checking the checkpoint note'; break;
    case 'note-ready':
    case 'clearing': next = 'clearing the context'; break;
    case 'resume-pending': next = `resuming from ${s.notePath ?? 'the note'}`; break;
    case 'compact-pending': next = s.compactAttempts > 0 ? `retrying ${s.commands.compact} at next idle` : `${s.commands.compact} at next idle`; break;
    case 'compacting': next = 'compacting'; break;
  }
  return { strategy, armed: s.phase === 'armed', phase: s.phase, reason: s.armReason, checkpointing: isCheckpointing(s), armAt, next };
}

/** What the footer says guard waits for, by what keeps it from typing. */
function waitingFor(reason: GateRefusal | null, agent: string): string {
  switch (reason) {
    case 'view-open':
    case 'prompt-not-visible': return `once ${agent}'s prompt is back`;
    case 'vim-normal-mode': return 'once you press i (vim NORMAL mode)';
    case 'prompt-not-empty': return 'once the prompt box is empty';
    case 'keys-and-screen-disagree': return 'waits: the prompt box shows text guard did not see typed';
    default: return 'once your input is sent';
  }
}
