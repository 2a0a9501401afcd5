// Placeholder: `guard ls` is being built.
export async function lsCommand(args: string[]): Promise<number> {
  process.stderr.write(`guard ls: not implemented yet (${args.length} args)\n`);
  return 2;
}
