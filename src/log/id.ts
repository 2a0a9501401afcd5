// Run ids: one per guard run, shared by its session log (`sessions/<id>.jsonl`) and its live
// registry entry (`live/<id>.json`). Sortable by time as plain strings (UTC, second precision),
// with a random tail so two runs started in the same second do not collide.
import { randomBytes } from '../lib/lazy-builtin.js';

/** Four hex digits: 65,536 tails per second is plenty for one user's machine. */
const RANDOM_BYTES = 2;
export const SESSION_ID_RE = /^\d{8}-\d{6}-[0-9a-f]{4,}$/;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** e.g. `20261124-044512-ab12` for 2026-11-24T04:45:12Z. */
export function newSessionId(nowMs: number, random: () => string = () => randomBytes(RANDOM_BYTES).toString('hex')): string {
  const d = new Date(nowMs);
  if (Number.isNaN(d.getTime())) throw new RangeError(`session id: bad time ${String(nowMs)}`);
  const day = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `${day}-${time}-${random()}`;
}
