// Keeps what the user or the agent wrote out of the session log. Input: a record about to be
// written. Output: the same without the fields that would carry it. A program's arguments are
// redacted before they reach the log, by the agent's own rules (src/cli/agents.ts loggableArgs).

/** Fields that would carry what the user or Claude wrote; never written to a log. */
const FORBIDDEN_FIELDS = new Set(['prompt', 'response', 'completion', 'content', 'messages']);

export function stripForbiddenFields<T extends object>(record: T): T {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(record)) {
    if (FORBIDDEN_FIELDS.has(key)) {
      out ??= { ...(record as Record<string, unknown>) };
      delete out[key];
    }
  }
  return (out ?? record) as T;
}
