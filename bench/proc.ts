// What a process costs, read from Linux's /proc: CPU seconds used and resident memory. Shared by
// the benches that measure guard at rest.
import { readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
export const CLOCK_TICKS = 100;

/** utime + stime of a process, in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** cutime + cstime of a process: the CPU of its children that ended and were waited for, in ticks. */
export function childCpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The direct children of a process (Linux 3.5+ with CONFIG_PROC_CHILDREN; [] elsewhere). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU use of each pid over `seconds`, as a percentage of one core. */
export async function cpuPercent(pids: number[], seconds: number): Promise<number[]> {
  const t0 = pids.map(cpuTicks);
  const w0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const wall = (Date.now() - w0) / 1000;
  return pids.map((pid, i) => (100 * (cpuTicks(pid) - (t0[i] ?? 0)) / CLOCK_TICKS) / wall);
}
