// Placeholder: `guard run` is being built.
export async function runCommand(args: string[]): Promise<number> {
  process.stderr.write(`guard run: not implemented yet (${args.length} args)\n`);
  return 2;
}
