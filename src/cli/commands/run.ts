// `guard [guard options] <program> [program args…]`: reads guard's own options (they stand
// before the program's name; everything after it is the program's, untouched) and runs the
// program supervised. --strategy, --threshold and --window are checked here and handed on in
// RunOptions for the Claude integration, which is wired in by `runWith` hooks later.
import { runSupervised, type SupervisedOptions } from '../../supervisor/supervise.js';

export type Strategy = 'handoff' | 'compact' | 'off';
const STRATEGIES: readonly Strategy[] = ['handoff', 'compact', 'off'];

export interface RunOptions {
  program: string;
  args: string[];
  footer: boolean;
  strategy?: Strategy;
  /** Percent of the auto-compact point at which the checkpoint arms. */
  threshold?: number;
  /** Context window override, in tokens. */
  window?: number;
}

export class UsageError extends Error {}

/** Pure: argv → RunOptions, or a UsageError naming the bad value. */
export function parseRunArgs(argv: string[]): RunOptions {
  const o: RunOptions = { program: '', args: [], footer: true };
  let i = 0;
  const value = (flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    i += 2;
    return v;
  };
  while (i < argv.length) {
    const a = argv[i] as string;
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    let flag = a, inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { flag = a.slice(0, eq); inline = a.slice(eq + 1); }
    const take = (): string => { if (inline !== undefined) { i++; return inline; } return value(flag); };
    switch (flag) {
      case '--no-footer': o.footer = false; i++; break;
      case '--strategy': {
        const v = take();
        if (!(STRATEGIES as readonly string[]).includes(v)) throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(v)}`);
        o.strategy = v as Strategy;
        break;
      }
      case '--threshold': {
        const v = take();
        const n = Number(v.replace(/%$/, ''));
        if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 100) throw new UsageError(`--threshold must be a percentage above 0 and at most 100, got ${JSON.stringify(v)}`);
        o.threshold = n;
        break;
      }
      case '--window': {
        const v = take();
        const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(v.trim());
        const n = m ? Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1) : NaN;
        if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--window must be a whole number of tokens (e.g. 200000 or 200k), got ${JSON.stringify(v)}`);
        o.window = n;
        break;
      }
      default:
        throw new UsageError(`unknown option ${JSON.stringify(a)} (guard's options go before the program's name)`);
    }
  }
  const program = argv[i];
  if (program === undefined) throw new UsageError('no program to run');
  o.program = program;
  o.args = argv.slice(i + 1);
  return o;
}

/**
 * SEAM for the Claude integration: given the parsed options, return extra SupervisedOptions
 * (footerSource, extraEnv, onStart …) or null for a plain program. Set by whoever wires claude.
 */
export type Integration = (o: RunOptions) => Promise<Partial<SupervisedOptions> | null>;
let integration: Integration | null = null;
export function setIntegration(fn: Integration | null): void { integration = fn; }

export async function runCommand(argv: string[]): Promise<number> {
  let o: RunOptions;
  try {
    o = parseRunArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`guard: ${err.message}\n`);
    return 2;
  }
  const extra = integration ? await integration(o) : null;
  return runSupervised({ ...extra, program: o.program, args: o.args, footer: o.footer });
}
