// What guard says the agent (or the supervised program) is doing right now: a word every stage
// that shows or records it shares. Derived from hooks and pty output (src/policy/idle.ts) and the
// checkpoint policy; read by the footer, the live registry (`guard ls`) and the session log.
// Types only.
export type GuardState = 'starting' | 'working' | 'idle' | 'checkpointing' | 'exited';
