// The shape of src/ (docs/architecture.md): no import cycle between files, none between the
// top-level folders, the shared toolkit (src/lib/) imports nothing of guard's, and the stages every
// agent shares import nothing of any one agent. The graph is
// read with TypeScript's own API (test/helpers/import-graph.ts): type-only imports count, since a
// type shared both ways ties two stages together as much as a value does.
import t from 'tap';
import { join } from 'node:path';
import { findCycles, folderGraph, folderOf, sourceImportGraph, type Graph } from '../helpers/import-graph.js';

const ROOT = join(import.meta.dirname, '..', '..');
const files = sourceImportGraph(ROOT);
const show = (cycles: string[][]): string => cycles.map((c) => c.join(' → ')).join('\n');
const graphOf = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

t.test('the cycle finder names every cycle, and only cycles', async (t) => {
  const g = graphOf({
    'config/load.ts': ['config/store.ts', 'config/settings.ts'],
    'config/store.ts': ['config/load.ts'],
    'config/settings.ts': [],
    'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts', 'd.ts'], 'd.ts': ['d.ts'],
  });
  t.equal(show(findCycles(g)), 'a.ts → b.ts → c.ts → a.ts\nconfig/load.ts → config/store.ts → config/load.ts\nd.ts → d.ts');
  t.equal(show(findCycles(graphOf({ 'x.ts': ['y.ts'], 'y.ts': ['z.ts'], 'z.ts': [] }))), '', 'a chain is no cycle');
  const folders = folderGraph(graphOf({
    'claude/events.ts': ['log/records.ts'], 'log/records.ts': [], 'log/from-events.ts': ['claude/events.ts'], 'paths.ts': [],
  }));
  t.equal(show(findCycles(folders)), 'claude → log → claude', 'files without a cycle can still tie two folders into one');
  t.equal(folderOf('paths.ts'), '.');
});

t.test('src/ has no import cycle, between files or between folders', async (t) => {
  t.ok(files.get('writer/writer.ts')?.has('lib/disposables.ts'), 'the graph is read (the writer imports the toolkit)');
  t.ok(files.get('log/records.ts')?.has('events/events.ts'), 'type-only imports are in it');
  t.ok(files.get('cli/main.ts')?.has('cli/commands/ls.ts'), 'dynamic imports are in it (the subcommands load on demand)');
  t.equal(show(findCycles(files)), '', 'no cycle between files of src/');
  t.equal(show(findCycles(folderGraph(files))), '', 'no cycle between the top-level folders of src/');
});

t.test('the shared toolkit (src/lib/) imports nothing of the rest of src/', async (t) => {
  const upward = [...files].flatMap(([from, tos]) => (folderOf(from) === 'lib' ? [...tos].filter((to) => folderOf(to) !== 'lib').map((to) => `${from} → ${to}`) : []));
  t.same(upward, []);
  t.ok([...files.keys()].some((f) => folderOf(f) === 'lib'), 'the toolkit is there');
});

// What is an agent's own lives with its adapter (agents/, and the knowledge it points at in
// claude/, codex/, gemini/); the stages every agent shares take it through the adapter's
// interface, so a new agent changes none of them (docs/architecture.md, "A new agent").
const AGENT_FOLDERS = new Set(['agents', 'claude', 'codex', 'gemini']);
const SHARED_STAGES = ['context', 'policy', 'ui', 'registry', 'writer', 'input', 'screen', 'telemetry', 'events', 'review', 'prometheus'];

t.test('the stages every agent shares import nothing of any one agent', async (t) => {
  const agentSpecific = [...files].flatMap(([from, tos]) => (SHARED_STAGES.includes(folderOf(from))
    ? [...tos].filter((to) => AGENT_FOLDERS.has(folderOf(to))).map((to) => `${from} → ${to}`)
    : []));
  t.same(agentSpecific, []);
  for (const stage of SHARED_STAGES) t.ok([...files.keys()].some((f) => folderOf(f) === stage), `${stage}/ is in the graph`);
  t.ok(files.get('agents/claude/adapter.ts')?.has('claude/window.ts'), 'the Claude adapter gives the tracker Claude\'s window rules');
});
