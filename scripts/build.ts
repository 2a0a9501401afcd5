// The build: bundles guard's entry points from src/ (TypeScript, as written) with esbuild into
// one file each under dist/, which is what ships (package.json "files") and what bin/guard.js,
// the tests and the benches run:
//   dist/guard.js                  the CLI (src/cli/main.ts), loaded by bin/guard.js
//   dist/relay/hook-relay.js       the hook relay Claude runs synchronously on each hook
//   dist/relay/statusline-relay.js the status-line relay
// Why: Node resolves and loads every module file separately; one file per process starts
// sooner (the relays run once per hook, while Claude waits). Packages stay external: they are
// installed dependencies, loaded only by the code paths that need them (subcommands are
// dynamic imports, which esbuild keeps lazy inside the bundle). The relays sit in dist/relay/
// next to dist/guard.js because src/claude/settings.ts finds them there.
// Type checking is tsc's job (`npm run typecheck`); this only transpiles and bundles.
// Run: `npm run build` (also `prepack`, `npm test`, `npm run demo`, and tap's `before`).
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');

const ENTRY_POINTS: Record<string, string> = {
  guard: 'src/cli/main.ts',
  'relay/hook-relay': 'src/claude/relay/hook-relay.ts',
  'relay/statusline-relay': 'src/claude/relay/statusline-relay.ts',
};

export async function buildBundles(): Promise<void> {
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
    packages: 'external',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildBundles();
