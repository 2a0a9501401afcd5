// What guard says Claude (or the supervised program) is doing right now.
// Derived from hooks and pty output (src/claude/idle.ts) and the checkpoint policy;
// read by the footer, the live registry (`guard ls`) and the session log.
export type GuardState = 'starting' | 'working' | 'idle' | 'checkpointing' | 'exited';
