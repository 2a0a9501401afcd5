// The build: bundles guard's entry points from src/ (TypeScript, as written) with esbuild under
// dist/, which is what ships (package.json "files") and what bin/guard.js, the tests and the
// benches run:
//   dist/guard.js + a few chunks    the CLI's first part: src/cli/main.ts and all it imports
//                                   statically (for `guard claude`, everything before Claude's
//                                   spawn), split only where it loads a module on demand that it
//                                   calls itself (the OTLP codec, the config store, the Codex and
//                                   Gemini adapters: the modules they share with it go to a chunk)
//   dist/chunks/cli-commands-*.js   the second part: each subcommand in src/cli/commands/ that the
//                                   first part loads with import() (the run's second half,
//                                   run-session, and ls, log, report, dashboard, demo, config),
//                                   built separately and split among themselves, with their own
//                                   lazy parts (the display, the forwarder …)
//   dist/relay/hook-relay.cjs       the hook relay Claude runs on each hook, one file
//   dist/relay/statusline-relay.cjs the status-line relay, one file
// Why two builds: Node resolves, reads, compiles and links every ES module file separately, and
// guard's share of the time to Claude's prompt is what it does before the spawn. In one build,
// code splitting put every module the first part shares with a subcommand in a chunk of its own:
// 15 files before the spawn. Measured on this project's 2-core machine, importing the first part
// (median of 20): 34 ms as those 15 files, 21 ms as guard.js and its 5 chunks, against 14 ms for
// all of it in one file. One file would need the codec, the store and the adapters in the second
// build, whose copies of the shared modules (each build has its own) would throw errors the first
// part cannot recognise by `instanceof`. The second part has no such crossing: it gets the first
// part's objects (the agent's connection, the launched pty) as values and catches only its own
// errors. The price is that a module both parts import is in both (compiled again after the
// spawn). test/unit/bundle.test.ts checks what loads before the spawn.
// The rule for packages: those in package.json `dependencies` are installed with guard and
// imported at run time (the pty package: a native addon; blessed: it reads its own files);
// everything else guard imports is a devDependency, bundled in.
// CommonJS packages inside an ES module bundle call `require` for Node's built-ins: the banner
// gives them one. The relays sit in dist/relay/ next to dist/guard.js because
// src/claude/settings.ts finds them there.
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
  // The run's second half and the other subcommands (src/cli/commands/): every import() of
  // them in the first part becomes an entry of the second build.
  const second = new Map<string, string>();
  const commandsDir = join(ROOT, 'src', 'cli', 'commands');
  const secondPart: Plugin = {
    name: 'second-part',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'dynamic-import' || !args.path.startsWith('.')) return undefined;
        const source = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
        if (dirname(source) !== commandsDir) return undefined;
        const name = relative(join(ROOT, 'src'), source).replace(/\.ts$/, '').split(/[\\/]/).join('-');
        second.set(`chunks/${name}`, source);
        return { path: `./chunks/${name}.js`, external: true };
      });
    },
  };
  await Promise.all([
    build({ ...common, entryPoints: entries(['guard']), plugins: [secondPart], splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
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
