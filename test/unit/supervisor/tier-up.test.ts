// V8's tier-up thresholds for guard's own code (src/supervisor/tier-up.ts): the flags for each
// V8 version they were checked against that has no Maglev on by default, none for any other; the
// running Node takes them without a word on standard error (an unknown flag would print there,
// on the user's terminal); and with them a function called as often as guard's per-key code is
// stays out of TurboFan, which takes it under V8's defaults (V8's own --trace-opt says which it
// compiled). On a Node guard sets no flags for (23 and later), that last test is skipped.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { slowTierUp, tierUpFlags, TIER_UP_FACTOR } from '../../../src/supervisor/tier-up.js';

t.test('the flags for each checked V8 version without Maglev by default, none for any other', async (t) => {
  t.same(tierUpFlags('11.3.244.8-node.38'), [`--interrupt-budget=${67_584 * TIER_UP_FACTOR}`], 'Node 20');
  for (const v of ['11.8.172.17-node.20', '12.4.254.21-node.21']) {
    t.same(tierUpFlags(v), [`--invocation-count-for-turbofan=${3000 * TIER_UP_FACTOR}`], v);
  }
  for (const v of ['12.9.202.28-node.14', '13.6.233.10-node.28', '14.1.146.11-node.25']) t.same(tierUpFlags(v), [], `Maglev on by default: V8's own thresholds for ${v}`);
  for (const v of ['10.2.154.26-node.26', '11.0.226.19', '11.7.1', '15.0.1', '', 'v8', '12']) t.same(tierUpFlags(v), [], `none for ${JSON.stringify(v)}`);
});

t.test('slowTierUp sets each flag for the version it is given', async (t) => {
  const set: string[] = [];
  t.same(slowTierUp('12.4.254.21-node.21', (f) => set.push(f)), set);
  t.equal(set.length, 1);
  const none: string[] = [];
  t.same(slowTierUp('99.1.1', (f) => none.push(f)), []);
  t.same(none, [], 'nothing set for an unknown V8');
});

/**
 * A child Node that optionally sets `flags` first (as slowTierUp does, after V8 has started),
 * then calls a small function 20,000 times with --trace-opt on. Under V8's defaults that is
 * enough for TurboFan (after ~4,500 calls on Node 20, 3,000 on Node 21 and 22); with the
 * thresholds 64x higher it is not (checked on Node 20, 21 and 22).
 */
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
    env: { ...process.env, TIER_UP_FLAGS: JSON.stringify(flags) }, encoding: 'utf8', timeout: 30_000,
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
