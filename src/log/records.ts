// The session log's record types: one JSON object per line, append-only. PRODUCT.md makes the
// `--json` form of these a contract (every record has `t`, ISO 8601, and `type`).

import type { Thread } from '../events/events.js';
import { isClaudeProgram } from '../claude/program.js';

export type { Thread };

export interface RequestRecord {
  t: string; type: 'request'; claudeSessionId: string | null; thread: Thread; querySource: string | null;
  model: string | null; inputTokens: number; outputTokens: number; cacheReadTokens: number;
  cacheCreationTokens: number; costUsd: number; durationMs: number | null;
  /** Only on main requests: the context in use after it. */
  contextTokens?: number;
}
export interface CompactionRecord {
  t: string; type: 'compaction'; claudeSessionId: string | null; trigger: 'manual' | 'auto'; success: boolean;
  preTokens: number | null; postTokens: number | null; error: string | null;
  /** True when Claude compacted on its own although guard meant to get there first. */
  miss?: boolean;
}
/**
 * One step of guard's checkpoint (src/policy/policy.ts). Phases: `armed`, `prompted` (handoff
 * prompt typed), `note-written`, `cleared`, `resumed`, `fallback`, `compact-sent`, `compacted`,
 * `failed`, `skipped`, `disarmed`, `warned` (strategy off), `refused` (guard did not type: the
 * detail says why), `miss` (Claude compacted on its own:
 * the telemetry compaction event, trigger auto, success), and `held`: guard answered Claude's
 * PreCompact hook "block" and Claude did not compact on its own, because guard was about to
 * hand over (detail: the context and window then).
 */
export interface CheckpointRecord {
  t: string; type: 'checkpoint'; phase: string; strategy: 'handoff' | 'compact' | 'off';
  contextTokens: number | null; notePath?: string; detail?: string;
  /** Why guard checkpointed: 'threshold' | 'forecast' | 'manual' (absent in logs of older guards). */
  reason?: string;
}
export interface StartRecord {
  t: string; type: 'start'; id: string; pid: number; program: string; args: string[]; cwd: string; guardVersion: string;
  /** The agent guard ran it as ('claude', 'codex', 'gemini'); absent for plain supervision and in
   * logs of older guards (read with recordedAgent). */
  agent?: string;
}
export interface ClaudeSessionRecord {
  t: string; type: 'claude_session'; claudeSessionId: string; source: string | null; model: string | null;
}
export interface WindowRecord { t: string; type: 'window'; contextWindow: number; source: string; autoCompactAt: number }
/** A message guard showed in the footer (a warning, a miss, a retry). */
export interface NoticeRecord { t: string; type: 'notice'; text: string }
/** How the program ended: `code` is guard's exit status for it (the program's code, or 128 + n
 * after signal n, as a shell reports it); `signal` names the signal that ended it, null when it
 * exited with a code (so `exit 130` is code 130 with no signal, a SIGINT code 130 and "SIGINT"). */
export interface ExitRecord { t: string; type: 'exit'; code: number; signal: string | null }

/**
 * The agent of a run as a log or a `guard ls` entry records it: the field when present; in logs of
 * guards that did not write it, 'claude' when the program was Claude (then the only agent), else null.
 */
export function recordedAgent(agent: unknown, program: string | null): string | null {
  if (typeof agent === 'string' && agent !== '') return agent;
  return program !== null && isClaudeProgram(program) ? 'claude' : null;
}

export type LogEntry =
  | StartRecord | RequestRecord | CompactionRecord | CheckpointRecord | ClaudeSessionRecord | WindowRecord | NoticeRecord | ExitRecord;
