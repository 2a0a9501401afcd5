// Placeholder: `guard demo` is being built.
export async function demoCommand(args: string[]): Promise<number> {
  process.stderr.write(`guard demo: not implemented yet (${args.length} args)\n`);
  return 2;
}
