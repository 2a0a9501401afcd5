// One line per session for lists and reports, pure. Input: a SessionReview (./model.ts).
// Output: the figures `guard log` lists (when, how long, folder, model, peak fill, checkpoints,
// misses, cost) and the ones `guard report` adds up (turns, tokens by type).
import type { SessionReview } from './model.js';

/** The figures a session has and a report group adds up. */
export interface SessionFigures {
  peakContextTokens: number | null;
  peakFill: number | null;
  turns: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  costUsd: number;
  checkpoints: number;
  compactions: number;
  misses: number;
  held: number;
}

export interface SessionRow extends SessionFigures {
  id: string;
  startedAt: string | null;
  durationMs: number | null;
  running: boolean;
  program: string | null;
  /** ReviewHeader.agent; absent in rows cached by older guards. */
  agent?: string | null;
  cwd: string | null;
  model: string | null;
  exitCode: number | null;
  /** Lines that were not whole records. */
  malformed: number;
  /** Records of types this guard does not know. */
  unknownRecords: number;
}

export function sessionRow(r: SessionReview): SessionRow {
  const x = r.totals;
  return {
    id: r.header.id, startedAt: r.header.startedAt, durationMs: r.header.durationMs, running: r.running,
    program: r.header.program, agent: r.header.agent, cwd: r.header.cwd, model: r.header.model, exitCode: r.header.exitCode,
    peakContextTokens: x.peakContextTokens, peakFill: x.peakFill, turns: r.turns.length, requests: x.requests.all,
    inputTokens: x.tokens.input, outputTokens: x.tokens.output, cacheReadTokens: x.tokens.cacheRead,
    cacheCreationTokens: x.tokens.cacheCreation, costUsd: x.costUsd, checkpoints: x.checkpoints,
    compactions: x.compactions, misses: x.misses, held: x.held,
    malformed: r.skipped.malformed, unknownRecords: Object.values(r.skipped.unknown).reduce((a, b) => a + b, 0),
  };
}
