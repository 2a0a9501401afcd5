// The V8 flags guard sets on itself for a run (src/supervisor/v8-flags.ts). Tier-up: the flags
// for each V8 version they were checked against that has no Maglev on by default, none for any
// other; the running Node takes them without a word on standard error (an unknown flag would
// print there, on the user's terminal); and with them a function called as often as guard's
// per-key code is stays out of TurboFan, which takes it under V8's defaults (V8's own --trace-opt
// says which it compiled). The memory reducer: the flag for the versions checked, none for others;
// and in a child Node whose heap grows as guard's does at start, V8's memory reducer collects
// ~8 s in under the defaults (V8 told to favour memory, so that its load-dependent allocation-rate
// estimate does not decide) and not at all with the flag set at run time (--trace-gc says which).
// On a Node guard sets no flags for, the tests of the running Node are skipped and say why.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import { setSessionV8Flags, tierUpFlags, memoryReducerFlags, sessionV8Flags, TIER_UP_FACTOR } from '../../../src/supervisor/v8-flags.js';

t.test('the flags for each checked V8 version without Maglev by default, none for any other', async (t) => {
  t.same(tierUpFlags('11.3.244.8-node.38'), [`--interrupt-budget=${67_584 * TIER_UP_FACTOR}`], 'Node 20');
  for (const v of ['11.8.172.17-node.20', '12.4.254.21-node.21']) {
    t.same(tierUpFlags(v), [`--invocation-count-for-turbofan=${3000 * TIER_UP_FACTOR}`], v);
  }
  for (const v of ['12.9.202.28-node.14', '13.6.233.10-node.28', '14.1.146.11-node.25']) t.same(tierUpFlags(v), [], `Maglev on by default: V8's own thresholds for ${v}`);
  for (const v of ['10.2.154.26-node.26', '11.0.226.19', '11.7.1', '15.0.1', '', 'v8', '12']) t.same(tierUpFlags(v), [], `none for ${JSON.stringify(v)}`);
  t.same(tierUpFlags('11.3.244.8-node.38', 1), ['--interrupt-budget=67584'], 'factor 1: V8\'s own threshold (the latency bench puts it back so)');
  t.same(tierUpFlags('12.4.254.21-node.21', 1), ['--invocation-count-for-turbofan=3000']);
  for (const f of [0, 0.5, -2, NaN]) t.throws(() => tierUpFlags('11.3.244.8-node.38', f), new RegExp(`factor must be a whole number from 1, got ${f}`));
});

t.test('the memory reducer\'s flag for each V8 version checked, none for any other', async (t) => {
  for (const v of ['11.3.244.8-node.38', '11.8.172.17-node.20', '12.4.254.21-node.21']) t.same(memoryReducerFlags(v), ['--no-memory-reducer-for-small-heaps'], v);
  for (const v of ['12.9.202.28-node.14', '13.6.233.10-node.28', '10.2.154.26-node.26', '11.3', '', 'v8']) t.same(memoryReducerFlags(v), [], `none for ${JSON.stringify(v)}`);
  t.same(sessionV8Flags('11.3.244.8-node.38'), [...tierUpFlags('11.3.244.8-node.38'), '--no-memory-reducer-for-small-heaps'], 'a run\'s flags: both, tier-up first');
});

t.test('setSessionV8Flags sets each flag for the version it is given', async (t) => {
  const set: string[] = [];
  t.same(setSessionV8Flags('12.4.254.21-node.21', (f) => set.push(f)), set);
  t.same(set, sessionV8Flags('12.4.254.21-node.21'));
  t.equal(set.length, 2);
  const none: string[] = [];
  t.same(setSessionV8Flags('99.1.1', (f) => none.push(f)), []);
  t.same(none, [], 'nothing set for an unknown V8');
});

/**
 * A child Node that optionally sets `flags` first (as slowTierUp does, after V8 has started),
 * then calls a small function 20,000 times with --trace-opt on. Under V8's defaults that is
 * enough for TurboFan (after ~4,500 calls on Node 20, 3,000 on Node 21 and 22); with the
 * thresholds 64x higher it is not (checked on Node 20, 21 and 22).
 */
/** The child's environment: this one's, less what could make Node print (NODE_OPTIONS, NODE_EXTRA_CA_CERTS). */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS']) delete env[name];
  return env;
}

function hotFunctionRun(flags: string[]): { stderr: string; stdout: string; status: number | null } {
  const script = `
    const v8 = require('node:v8');
    for (const f of JSON.parse(process.env.TIER_UP_FLAGS)) v8.setFlagsFromString(f);
    function perKey(i) { return (i * 31 + 7) % 1009; }
    let s = 0;
    for (let k = 0; k < 20000; k++) s += perKey(k);
    process.stdout.write('done ' + s + '\\n');
  `;
  const r = spawnSync(process.execPath, ['--trace-opt', '--no-always-turbofan', '-e', script], {
    env: childEnv({ TIER_UP_FLAGS: JSON.stringify(flags) }), encoding: 'utf8', timeout: 30_000,
  });
  return { stderr: r.stderr, stdout: r.stdout, status: r.status };
}

const runningFlags = tierUpFlags(process.versions.v8);
t.test('the running Node takes the flags silently, and they keep per-key code out of TurboFan', {
  skip: runningFlags.length === 0 ? `guard sets no flags on this Node's V8 (${process.versions.v8})` : false,
}, async (t) => {
  const defaults = hotFunctionRun([]);
  t.equal(defaults.status, 0);
  t.match(defaults.stdout, /perKey.*TURBOFAN/, 'V8\'s defaults: TurboFan takes it');
  const slowed = hotFunctionRun(runningFlags);
  t.equal(slowed.status, 0);
  t.equal(slowed.stderr, '', 'nothing on standard error (an unknown flag prints "unrecognized flag")');
  t.match(slowed.stdout, /^done \d+$/m, 'the script ran to its end');
  t.notMatch(slowed.stdout, /perKey/, 'with the flags: never marked or compiled for TurboFan');
});

/**
 * A child Node that sets `flags` first (as guard does, after V8 has started), then holds ~10 MB
 * and replaces a little of it every 100 ms for RUN_S seconds, printing V8's collections
 * (--trace-gc). Its old generation grows past V8's trigger at start, as guard's does while it
 * loads; ~8 s later V8's memory reducer decides whether to run its "Mark-Compact (reduce)".
 * Resolves to the number of those. The child runs with --optimize-for-size so that V8 decides
 * yes on any machine: otherwise the decision rests on V8's allocation-rate estimate, and under
 * the tests' load on two CPUs that read "high alloc" (--trace-gc-verbose) in eight of eight
 * children: four like this one, and four that allocated nothing after their start. So the
 * control found no collection in two full unit runs. With it, two children under the same load collected at 8.4 s; the
 * flag under test stopped both (its small-heap check comes before that decision).
 */
const RUN_S = 12;
function reducerCollections(flags: string[]): Promise<{ reduce: number; status: number | null; stderr: string }> {
  const script = `
    const v8 = require('node:v8');
    for (const f of JSON.parse(process.env.GUARD_V8_FLAGS)) v8.setFlagsFromString(f);
    const keep = [];
    for (let i = 0; i < 60000; i++) keep.push({ i, s: 'k' + i, a: [i, i] });
    let ticks = 0;
    const t = setInterval(() => { for (let i = 0; i < 200; i++) keep[i] = { i, s: 'z' + i }; if (++ticks >= ${RUN_S * 10}) clearInterval(t); }, 100);
  `;
  return new Promise((resolve, reject) => {
    // Through sh, which drops NODE_OPTIONS: tap puts its process-tracking loader there for every
    // Node a test spawns, and that loader runs in a thread of its own whose heap, grown before the
    // child's first line, has its own memory reducer (its "(reduce)" lines would count here).
    const child = spawn('/bin/sh', ['-c', 'unset NODE_OPTIONS; exec "$0" "$@"', process.execPath, '--trace-gc', '--optimize-for-size', '-e', script], {
      env: childEnv({ GUARD_V8_FLAGS: JSON.stringify(flags) }),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ reduce: out.split('\n').filter((l) => l.includes('Mark-Compact (reduce)')).length, status, stderr: err }));
  });
}

const runningReducerFlags = memoryReducerFlags(process.versions.v8);
t.test('the running Node: V8\'s memory reducer collects under the defaults, and not with the flag', {
  skip: runningReducerFlags.length === 0 ? `guard leaves the memory reducer alone on this Node's V8 (${process.versions.v8})` : false,
  timeout: (RUN_S + 30) * 1000,
}, async (t) => {
  const [defaults, flagged] = await Promise.all([reducerCollections([]), reducerCollections(runningReducerFlags)]);
  t.equal(defaults.status, 0);
  t.ok(defaults.reduce >= 1, `V8's defaults: the memory reducer collected (${defaults.reduce} times)`);
  t.equal(flagged.status, 0);
  t.equal(flagged.stderr, '', 'nothing on standard error');
  t.equal(flagged.reduce, 0, 'with the flag: no memory-reducer collection');
});
