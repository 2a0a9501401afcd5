// What `guard claude` loads before it spawns Claude (start-up, issue 10), read from the build
// (dist/, made by tap's `before`: scripts/build.ts): bin/guard.js, CommonJS, and the one CommonJS
// file it requires, dist/guard.cjs. That file holds the run's first half (src/cli/commands/run.ts:
// options, config, the agent's connection, the launch) and none of the second (the recording, the
// agent run's wiring, the supervisor, the display, the decoders), which load with import() from
// dist/chunks/ once Claude runs; so do the modules the first part calls on demand (the protobuf
// codec, the config store, the other agents' adapters). And no file of the CLI bundle ES-imports
// or requires node:http at its start (see src/lib/lazy-builtin.ts: on Node 22 that alone costs ~40 ms).
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const FIRST = join(DIST, 'guard.cjs');
const first = readFileSync(FIRST, 'utf8');
const chunks = readdirSync(join(DIST, 'chunks')).map((f) => join(DIST, 'chunks', f));
const everything = chunks.map((f) => readFileSync(f, 'utf8')).join('\n');

t.test('bin/guard.js and the first part are CommonJS: no ES module loader set up before the spawn', async (t) => {
  t.same(JSON.parse(readFileSync(join(ROOT, 'bin', 'package.json'), 'utf8')), { type: 'commonjs' }, 'bin/package.json makes bin/guard.js CommonJS');
  const bin = readFileSync(join(ROOT, 'bin', 'guard.js'), 'utf8');
  t.match(bin, "require('../dist/guard.cjs')", 'bin/guard.js requires the first part');
  t.notMatch(bin, /^\s*import\s/m, 'and imports nothing');
  t.notMatch(first, /^(?:import|export)\s/m, 'dist/guard.cjs has no ES import or export');
  t.notMatch(first, /require\("\.\.?\//, 'nor requires another file of the build: it is the whole first part');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  for (const f of ['bin/guard.js', 'bin/package.json', 'dist/guard.cjs']) t.ok(pkg.files.includes(f), `package.json files ships ${f}`);
});

t.test('before the spawn guard loads the run\'s first half only', async (t) => {
  t.match(first, 'import("./chunks/cli-commands-run-session.js")', 'the second half is an import() away');
  for (const name of ['function connectAgent', 'function launchProgram', 'function parseRunArgs', 'function startReceiver']) {
    t.match(first, name, `${name}: loaded before the spawn`);
  }
  const later = ['function startAgentRun', 'var CheckpointController', 'function runSupervised', 'var PaneUi', 'function startRunRecording',
    'function decodeProtobufLogs', 'function loadConfig(', 'var codexAdapter', 'function createGeminiAdapter'];
  for (const name of later) {
    t.notMatch(first, name, `${name}: not loaded before the spawn`);
    t.match(everything, name, `${name}: in a chunk loaded later (so the check above means something)`);
  }
});

t.test('every import() of the first part names a file of the build', async (t) => {
  const targets = [...first.matchAll(/import\("(\.[^"]+)"\)/g)].map((m) => m[1]!);
  t.ok(targets.length >= 10, `the subcommands and the on-demand modules: ${targets.join(', ')}`);
  for (const target of targets) t.ok(existsSync(join(DIST, target)), `${target} exists`);
  for (const lazy of ['./chunks/telemetry-codec.js', './chunks/config-store.js', './chunks/agents-codex-adapter.js', './chunks/agents-gemini-adapter.js']) {
    t.ok(targets.includes(lazy), `${lazy}: loaded on demand`);
  }
});

t.test('no file of the CLI bundle loads node:http at its start', async (t) => {
  t.notMatch(first, /require\("node:http"\)|require\("http"\)/, 'guard.cjs');
  for (const f of chunks) t.notMatch(readFileSync(f, 'utf8'), /from\s*"node:http"|import\s*"node:http"/, f.slice(DIST.length + 1));
});
