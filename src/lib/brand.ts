// `instanceof` for error classes whose instances cross from one bundle file to another. Part of
// the shared toolkit (src/lib/): imports nothing of guard's.
//
// Why: guard's first part is one CommonJS file, and the modules it loads on demand (the protobuf
// codec, the config store, the Codex and Gemini adapters) are ES module chunks of the second build
// (scripts/build.ts), each build with its own copy of the modules both use. An error class then
// exists twice, and `err instanceof ConfigError` in run.ts would not recognise a ConfigError thrown
// by the store's copy: the user would get a stack trace instead of `guard: <message>`. A branded
// class answers `instanceof` by a symbol from the runtime-wide registry (Symbol.for), which every
// copy of the class sets and reads alike. Only for classes with no subclasses: a subclass would
// inherit the answer of its base.

/** The symbol that marks instances of the class called `name`, the same in every copy. */
export function brand(name: string): symbol {
  return Symbol.for(`agent-guard.${name}`);
}

/** Marks `obj` (in its class's constructor). */
export function setBrand(obj: object, mark: symbol): void {
  Object.defineProperty(obj, mark, { value: true });
}

/** Whether `v` was marked with `mark` (the class's static Symbol.hasInstance). */
export function hasBrand(v: unknown, mark: symbol): boolean {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[mark] === true;
}
