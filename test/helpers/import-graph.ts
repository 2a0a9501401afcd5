// The import graph of guard's own sources, for the architecture test. Input: the TypeScript
// program of tsconfig.json (src/), read through TypeScript's own API (the compiler's list of each
// file's imports: static, type-only, re-exports and dynamic import() alike). Output: file → files
// it imports (relative imports only; packages and node: built-ins are not part of the picture),
// the same graph folded onto the top-level folders of src/, and the cycles in either.
import { resolve, dirname, relative, sep } from 'node:path';
import { API } from 'typescript/unstable/sync';

export type Graph = Map<string, Set<string>>;

/** src/-relative file → src/-relative files it imports. */
export function sourceImportGraph(root: string): Graph {
  const src = resolve(root, 'src');
  const api = new API({ cwd: root });
  try {
    const project = api.updateSnapshot({ openProjects: [resolve(root, 'tsconfig.json')] }).getProjects()[0];
    if (project === undefined) throw new Error(`sourceImportGraph: no project for ${resolve(root, 'tsconfig.json')}`);
    const files = project.program.getSourceFileNames().filter((f) => f.startsWith(src + sep));
    const known = new Set(files);
    const graph: Graph = new Map();
    for (const file of files) {
      const sf = project.program.getSourceFile(file);
      if (sf === undefined) throw new Error(`sourceImportGraph: TypeScript has no source for ${file}`);
      const to = new Set<string>();
      for (const spec of sf.imports) {
        const text = (spec as { text?: unknown }).text;
        if (typeof text !== 'string' || !text.startsWith('.')) continue;
        const target = resolve(dirname(file), text).replace(/\.js$/, '.ts');
        if (!known.has(target)) throw new Error(`sourceImportGraph: ${relative(src, file)} imports ${text}, which is not a file of src/`);
        to.add(relative(src, target));
      }
      graph.set(relative(src, file), to);
    }
    return graph;
  } finally {
    api.close();
  }
}

/** A file's top-level folder of src/ ('.' for the files directly in src/). */
export function folderOf(file: string): string {
  const i = file.indexOf('/');
  return i < 0 ? '.' : file.slice(0, i);
}

/** The graph between top-level folders: an edge wherever a file of one imports a file of another. */
export function folderGraph(files: Graph): Graph {
  const g: Graph = new Map();
  for (const [from, tos] of files) {
    const f = folderOf(from);
    if (!g.has(f)) g.set(f, new Set());
    for (const to of tos) if (folderOf(to) !== f) g.get(f)!.add(folderOf(to));
  }
  return g;
}

/**
 * One cycle per strongly connected component that has one (Tarjan), each as a path that comes
 * back to its start: ['a', 'b', 'a']. Sorted, so a failure reads the same every run.
 */
export function findCycles(g: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); c.push(w); } while (w !== v);
      if (c.length > 1 || g.get(v)?.has(v)) components.push(c);
    }
  };
  for (const v of [...g.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((c) => cycleWithin(g, new Set(c))).sort((a, b) => a.join().localeCompare(b.join()));
}

/** A shortest way from the component's first node (by name) back to itself, inside the component. */
function cycleWithin(g: Graph, members: Set<string>): string[] {
  const start = [...members].sort()[0]!;
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...(g.get(v) ?? [])].sort()) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = from.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!from.has(w)) { from.set(w, v); queue.push(w); }
    }
  }
  return [start, start];
}
