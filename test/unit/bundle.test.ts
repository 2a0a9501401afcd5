// What `guard claude` loads before it spawns Claude (start-up, issue 10), read from the build
// (dist/, made by tap's `before`: scripts/build.ts): dist/guard.js and whatever it imports
// statically, as Node loads them before guard's first line runs. Those few files hold the run's
// first half (src/cli/commands/run.ts: options, config, the agent's connection, the launch) and
// none of the second (the recording, the agent run's wiring, the supervisor, the display, the
// decoders), which load with import() from dist/chunks/ once Claude runs. And no file of the CLI
// bundle ES-imports node:http (see src/lib/lazy-builtin.ts: on Node 22 that alone costs ~40 ms).
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const DIST = join(import.meta.dirname, '..', '..', 'dist');
/** guard.js and its 5 chunks today; one build with code splitting made 15. */
const MAX_FILES_BEFORE_SPAWN = 6;

/** The file and every file it imports statically (import … from, export … from, bare import). */
function staticClosure(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)"|^import\s*"(\.[^"]+)"/gm)) {
      visit(normalize(join(dirname(file), (m[1] ?? m[2])!)));
    }
  };
  visit(entry);
  return seen;
}

const closure = staticClosure(join(DIST, 'guard.js'));
const before = [...closure.values()].join('\n');
const all = [join(DIST, 'guard.js'), ...readdirSync(join(DIST, 'chunks')).map((f) => join(DIST, 'chunks', f))];
const everything = all.map((f) => readFileSync(f, 'utf8')).join('\n');

t.test('before the spawn guard loads the run\'s first half only', async (t) => {
  // guard.js and the chunks it shares with what it loads on demand and calls itself (the codec,
  // the config store, the other agents' adapters, esbuild's helpers): Node resolves, reads and
  // links each file on its own, ~1.5 ms apiece here (scripts/build.ts).
  t.ok(closure.size <= MAX_FILES_BEFORE_SPAWN, `${closure.size} files before the spawn (at most ${MAX_FILES_BEFORE_SPAWN}): ${[...closure.keys()].map((f) => f.slice(DIST.length + 1)).join(', ')}`);
  t.match(before, 'import("./chunks/cli-commands-run-session.js")', 'the second half is an import() away');
  for (const first of ['function connectAgent', 'function launchProgram', 'function parseRunArgs', 'function startReceiver']) {
    t.match(before, first, `${first}: loaded before the spawn`);
  }
  for (const second of ['function startAgentRun', 'var CheckpointController', 'function runSupervised', 'var PaneUi', 'function startRunRecording', 'function decodeProtobufLogs']) {
    t.notMatch(before, second, `${second}: not loaded before the spawn`);
    t.match(everything, second, `${second}: in a chunk loaded later (so the check above means something)`);
  }
});

t.test('no file of the CLI bundle ES-imports node:http', async (t) => {
  for (const f of all) t.notMatch(readFileSync(f, 'utf8'), /from\s*"node:http"|import\s*"node:http"/, f.slice(DIST.length + 1));
});
