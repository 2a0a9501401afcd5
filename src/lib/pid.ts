// Whether a process still runs, asked of the kernel by its pid. Part of the shared toolkit
// (src/lib/): imports nothing of guard's. Used by the live registry (an entry of a guard that is
// gone is dropped) and by the sweep of run folders a killed guard left behind (./run-folder.ts).

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EPERM';
  }
}
