// The build: bundles guard's entry points from src/ (TypeScript, as written) with esbuild under
// dist/, which is what ships (package.json "files") and what bin/guard.js, the tests and the
// benches run:
//   dist/guard.js + dist/chunks/   the CLI (src/cli/main.ts), loaded by bin/guard.js; a chunk per
//                                  part the sources load on demand (the display, the forwarder …)
//   dist/relay/hook-relay.cjs       the hook relay Claude runs on each hook, one file
//   dist/relay/statusline-relay.cjs the status-line relay, one file
// Why: Node resolves, reads and compiles every module file separately; few files start sooner
// (measured under load: `guard --version` 0.35-0.74 s with the packages bundled in, 1.2-2.1 s with
// them left as imports, which ESM hoists to the bundle's start so that every run loaded undici,
// conf, protobufjs and xterm). For the same reason guard.js holds every command (src/cli/main.ts
// imports them): each further file on the way to Claude's spawn costs Node a resolve, a read, a
// compile and a link (measured under load, `guard claude` to its spawn: ~160 ms of CPU through
// the 14 small files that loading the commands on demand split the CLI into, ~120 ms from one).
// The rule for packages: those in package.json `dependencies` are installed with guard and
// imported at run time (the pty package: a native addon; blessed: it reads its own files);
// everything else guard imports is a devDependency, bundled in.
// CommonJS packages inside an ESM bundle call `require` for Node's built-ins: the banner gives
// them one. The relays sit in dist/relay/ next to dist/guard.js because src/claude/settings.ts
// finds them there.
// Type checking is tsc's job (`npm run typecheck`); this only transpiles and bundles.
// Run: `npm run build` (also `prepack`, `npm test`, `npm run demo`, and tap's `before`).
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
  await Promise.all([
    // The CLI, split where the sources load a module on demand (`await import(…)`): an ES module
    // bundle hoists every import of an installed package to its start, so without the split
    // `guard claude` would load blessed and blessed-contrib, which only `guard log` draws with,
    // and the terminal emulator before it spawns Claude.
    build({ ...common, entryPoints: entries(['guard']), splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
    // Each relay in one CommonJS file: a node started on an ES module sets up its module loader
    // first, and the relays start once per hook and per status-line refresh (UserPromptSubmit
    // before each prompt). Measured, median of 20 runs of the hook relay on this machine:
    // 57 ms as an ES module, 51 ms as CommonJS.
    build({ ...common, format: 'cjs', banner: {}, outExtension: { '.js': '.cjs' }, entryPoints: entries(['relay/hook-relay', 'relay/statusline-relay']) }),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildBundles();
