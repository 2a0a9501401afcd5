#!/usr/bin/env node
// The installed entry point (commands `guard` and `agent-guard`): the CLI's first part, one
// CommonJS file built by `npm run build` (scripts/build.ts; `prepack` runs it, so the published
// package has it). This file is CommonJS too (bin/package.json): an ES module entry would have
// Node set up its module loader before guard's first line, ~10 ms before Claude's spawn.
'use strict';
const { main } = require('../dist/guard.cjs');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`guard: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`); process.exitCode = 1; },
);
