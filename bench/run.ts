// `npm run bench` entry: runs every bench module in this folder. Convention: a bench is a file
// `bench/<name>.bench.ts` whose default export is `() => Promise<void> | void`; it prints its own
// figures (no assertions). Add a file, and this runner picks it up. `npm run bench -- <word>` runs
// only the modules whose name contains <word>.

import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const BENCH_SUFFIX = '.bench.ts';

type BenchModule = { default?: () => unknown };

async function main(filters: string[]): Promise<number> {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(BENCH_SUFFIX))
    .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`no bench modules matched ${filters.join(' ') || '(all)'} in ${dir}\n`);
    return 1;
  }
  process.stdout.write(`node ${process.version}, ${process.platform}/${process.arch}\n`);
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
    if (typeof mod.default !== 'function') {
      process.stderr.write(`${file}: no default export function, skipped\n`);
      continue;
    }
    process.stdout.write(`\n== ${file.slice(0, -BENCH_SUFFIX.length)}\n`);
    await mod.default();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
