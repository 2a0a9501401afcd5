// guard's own commands behind the prefix key (Ctrl-G, then a command key). The supervisor
// registers the built-in ones (footer toggle, scroll back); later parts add theirs (e.g. the
// checkpoint policy's "c" checkpoint now, "s" skip). Keys are what the terminal sends for the
// key: 'f', '[', '\x1b[5~' (PgUp).
import type { Disposable } from '../lib/disposables.js';

/** The prefix key: Ctrl-G (BEL). Pressed twice, one Ctrl-G goes to the program. */
export const PREFIX_KEY = '\x07';

export interface PrefixCommand {
  /** One line for help and notices, e.g. "toggle the footer". */
  description: string;
  run(): void;
}

export class PrefixCommands {
  private readonly map = new Map<string, PrefixCommand>();

  register(key: string, cmd: PrefixCommand): Disposable {
    if (key === PREFIX_KEY) throw new Error(`prefix command: ${JSON.stringify(key)} is the prefix key itself`);
    if (key.length === 0) throw new Error('prefix command: empty key');
    this.map.set(key, cmd);
    return { dispose: () => { if (this.map.get(key) === cmd) this.map.delete(key); } };
  }

  get(key: string): PrefixCommand | undefined { return this.map.get(key); }

  list(): Array<[string, PrefixCommand]> { return [...this.map.entries()]; }
}
