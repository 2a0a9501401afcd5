// The build: bundles guard's entry points from src/ (TypeScript, as written) with esbuild under
// dist/, which is what ships (package.json "files") and what bin/guard.js, the tests and the
// benches run:
//   dist/guard.cjs                  the CLI's first part, one CommonJS file: src/cli/main.ts and
//                                   all it imports statically (for `guard claude`, everything
//                                   before Claude's spawn)
//   dist/chunks/*.js                the second part, ES modules: everything the first part loads
//                                   with import() — each subcommand in src/cli/commands/ (the
//                                   run's second half, run-session, and ls, log, report,
//                                   dashboard, demo, config) and the modules the first part loads
//                                   on demand and calls itself (the OTLP protobuf codec, the config
//                                   store, the Codex and Gemini adapters) — one entry each, split
//                                   among themselves, with their own lazy parts (the display, the
//                                   forwarder …)
//   dist/relay/hook-relay.cjs       the hook relay Claude runs on each hook, one file
//   dist/relay/statusline-relay.cjs the status-line relay, one file
// Why the first part is one CommonJS file: guard's share of the time to Claude's prompt is what
// it does before the spawn, and Node sets up its ES module loader for an ES module entry, then
// resolves, reads, compiles and links every ES module file separately. Measured on this project's
// 2-core machine, time from guard's start to Claude's spawn, median of 40 alternating runs:
// 107.5 ms with the first part as an ES module and its 5 chunks, 90.2 ms as this one file
// (a V8 code cache on top gained 3 ms more: not worth its cache file). CommonJS cannot be split,
// so what the first part loads on demand goes to the second build; it would otherwise be in the
// one file (~850 kB, +20 ms to parse at every start). Both builds then have their own copy of the
// modules they share: the error classes that cross between them answer `instanceof` by a brand
// (src/lib/brand.ts), and otherwise the first part hands the second its objects as values.
// test/unit/bundle.test.ts checks what loads before the spawn.
// The rule for packages: those in package.json `dependencies` are installed with guard and
// imported at run time (the pty package: a native addon; blessed: it reads its own files);
// everything else guard imports is a devDependency, bundled in.
// CommonJS packages inside an ES module bundle call `require` for Node's built-ins: the banner
// gives them one. The first part's `import.meta.url` (it finds the pty package and the relays
// from its own place) is its file's URL. The relays sit in dist/relay/ next to dist/guard.cjs
// because src/claude/settings.ts finds them there.
// Type checking is tsc's job (`npm run typecheck`); this only transpiles and bundles.
// Run: `npm run build` (also `prepack`, `npm test`, `npm run demo`, and tap's `before`).
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');

const ENTRY_POINTS: Record<string, string> = {
  guard: 'src/cli/main.ts',
  'relay/hook-relay': 'src/claude/relay/hook-relay.ts',
  'relay/statusline-relay': 'src/claude/relay/statusline-relay.ts',
};

/** `require` for the CommonJS packages bundled into an ES module. */
const REQUIRE_BANNER = "import { createRequire as __guardCreateRequire } from 'node:module'; const require = __guardCreateRequire(import.meta.url);";
/** The first part's stand-in for `import.meta.url`, which a CommonJS file does not have. */
const META_URL = '__guardModuleUrl';
const FIRST_PART_BANNER = `var ${META_URL} = require('node:url').pathToFileURL(__filename).href;`;

export async function buildBundles(): Promise<void> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  // Nothing stale ships: dist/ holds exactly the bundles.
  await rm(DIST, { recursive: true, force: true });
  const common = {
    absWorkingDir: ROOT,
    outdir: DIST,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // package.json declares Node >= 20.
    target: 'node20',
    external: Object.keys(pkg.dependencies ?? {}),
    banner: { js: REQUIRE_BANNER },
    logLevel: 'warning',
  } as const;
  const entries = (names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, join(ROOT, ENTRY_POINTS[n]!)]));
  // Every import() of one of guard's modules in the first part becomes an entry of the second
  // build, named after its path under src/ (src/cli/commands/ls.ts: chunks/cli-commands-ls.js).
  const second = new Map<string, string>();
  const secondPart: Plugin = {
    name: 'second-part',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const source = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
        const name = relative(join(ROOT, 'src'), source).replace(/\.ts$/, '').split(/[\\/]/).join('-');
        second.set(`chunks/${name}`, source);
        return { path: `./chunks/${name}.js`, external: true };
      });
    },
  };
  await Promise.all([
    build({
      ...common, format: 'cjs', banner: { js: FIRST_PART_BANNER }, define: { 'import.meta.url': META_URL },
      outExtension: { '.js': '.cjs' }, entryPoints: entries(['guard']), plugins: [secondPart],
    }),
    // Each relay in one CommonJS file: a node started on an ES module sets up its module loader
    // first, and the relays start once per hook and per status-line refresh (UserPromptSubmit
    // before each prompt). Measured, median of 20 runs of the hook relay on this machine:
    // 57 ms as an ES module, 51 ms as CommonJS.
    build({ ...common, format: 'cjs', banner: {}, outExtension: { '.js': '.cjs' }, entryPoints: entries(['relay/hook-relay', 'relay/statusline-relay']) }),
  ]);
  // The second part, split where its sources load a module on demand (an ES module bundle hoists
  // every import of an installed package to its start: without the split, `guard ls` would load
  // the terminal emulator, and `guard claude` blessed, which only `guard log` draws with).
  await build({ ...common, entryPoints: Object.fromEntries(second), splitting: true, chunkNames: 'chunks/[name]-[hash]' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildBundles();
