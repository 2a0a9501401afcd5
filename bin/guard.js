#!/usr/bin/env node
// The installed entry point (commands `guard` and `agent-guard`): the CLI bundled into one file by
// `npm run build` (scripts/build.ts; `prepack` runs it, so the published package has it).
import { main } from '../dist/guard.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`guard: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`); process.exitCode = 1; },
);
