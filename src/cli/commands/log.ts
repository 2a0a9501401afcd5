// Placeholder: `guard log` is being built.
export async function logCommand(args: string[]): Promise<number> {
  process.stderr.write(`guard log: not implemented yet (${args.length} args)\n`);
  return 2;
}
