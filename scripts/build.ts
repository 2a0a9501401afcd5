// The build: bundles guard's entry points from src/ (TypeScript, as written) with esbuild into
// one file each under dist/, which is what ships (package.json "files") and what bin/guard.js,
// the tests and the benches run:
//   dist/guard.js                  the CLI (src/cli/main.ts), loaded by bin/guard.js
//   dist/relay/hook-relay.js       the hook relay Claude runs synchronously on each hook
//   dist/relay/statusline-relay.js the status-line relay
// Why: Node resolves, reads and compiles every module file separately; one file per process
// starts sooner (measured under load: `guard --version` 0.35-0.74 s with the packages bundled in,
// 1.2-2.1 s with them left as imports, which ESM hoists to the bundle's start so that every run
// loaded undici, conf, protobufjs and xterm; the relays run on Claude's hooks).
// The rule for packages: those in package.json `dependencies` are installed with guard and
// imported at run time (the pty package: a native addon; blessed: it reads its own files);
// everything else guard imports is a devDependency, bundled in. esbuild keeps dynamic imports
// (subcommands, the forwarder, the config store) lazy inside the bundle, packages included.
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
  await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([out, src]) => [out, join(ROOT, src)])),
    outdir: DIST,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // package.json declares Node >= 20.
    target: 'node20',
    external: Object.keys(pkg.dependencies ?? {}),
    banner: { js: REQUIRE_BANNER },
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildBundles();
