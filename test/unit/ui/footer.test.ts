import t from 'tap';
import type { ContextSnapshot } from '../../../src/context/snapshot.js';
import { renderClaudeFooter, renderProgramFooter, type FooterView } from '../../../src/ui/footer.js';
import { displayWidth } from '../../../src/lib/text.js';

function snap(over: Partial<ContextSnapshot> = {}): ContextSnapshot {
  return {
    claudeSessionId: 's1', model: 'claude-sonnet-5', contextTokens: 121_400, lastOutputTokens: 500,
    contextWindow: 200_000, windowSource: 'known-model', autoCompactAt: 167_000, autoCompactSource: 'default',
    growthPerTurn: 8200, growthHigh: 12_000, turnsLeft: 5, costUsd: 1.234, mainRequests: 10, compactions: [], ...over,
  };
}
const armed: FooterView = { snapshot: snap(), state: 'idle', policy: { armed: true, strategy: 'handoff', next: 'handoff at next idle' } };
const plain = (v: FooterView, w: number): string => renderClaudeFooter(v, w, { color: false })[0]!;



t.test('the full footer at 200 columns shows every part', async (t) => {
  const line = plain(armed, 200);
  t.equal(line, 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ +8.2k/turn ~5 turns │ $1.23 │ sonnet-5 200k │ idle · checkpoint armed → handoff at next idle');
});

t.test('narrow widths drop parts in order and never exceed the width', async (t) => {
  const snapshots: Record<number, string> = {
    130: 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ +8.2k/turn ~5 turns │ $1.23 │ idle · checkpoint armed → handoff at next idle',
    120: 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ $1.23 │ idle · checkpoint armed → handoff at next idle',
    100: 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ idle · checkpoint armed → handoff at next idle',
    70: 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ armed → handoff',
    60: 'guard │ ████████████░░░░ 121.4k / 167k 73% │ armed → handoff',
    40: '121.4k / 167k 73% │ armed → handoff',
    20: '73%',
  };
  for (const [w, expected] of Object.entries(snapshots)) t.equal(plain(armed, Number(w)), expected, `width ${w}`);
  const views: FooterView[] = [
    armed,
    { snapshot: snap(), state: 'working', notice: 'Claude compacted on its own — 日本語 notice 🎉' },
    { snapshot: snap({ contextTokens: null, growthPerTurn: null, turnsLeft: null }), state: 'starting' },
    { snapshot: snap({ contextTokens: 190_000, model: null }), state: 'checkpointing', policy: { armed: false, strategy: 'compact', next: 'waiting for the compaction' } },
  ];
  for (const v of views) {
    for (let w = 1; w <= 200; w++) {
      for (const color of [false, true]) {
        const lines = renderClaudeFooter(v, w, { color });
        t.equal(lines.length, 1);
        if (displayWidth(lines[0]!) > w) t.fail(`width ${w} exceeded: ${lines[0]}`);
      }
    }
  }
  // The percentage is the last thing to go.
  for (let w = 3; w <= 200; w++) t.match(plain(armed, w), /73%/, `width ${w} keeps the percentage`);
  // Model goes before cost, cost before tokens.
  for (let w = 20; w <= 200; w++) {
    const line = plain(armed, w);
    if (line.includes('sonnet-5')) t.ok(line.includes('$1.23'), `width ${w}: model shown only with cost`);
    if (line.includes('$1.23')) t.ok(line.includes('121.4k'), `width ${w}: cost shown only with tokens`);
  }
});

t.test('the policy line: what guard does next', async (t) => {
  const v = (policy: FooterView['policy'], state: FooterView['state'] = 'idle'): string => plain({ snapshot: snap(), state, policy }, 200);
  t.match(v({ armed: false, strategy: 'handoff', next: 'handoff at 80%' }), / │ idle · handoff at 80%$/);
  t.match(v({ armed: false, strategy: 'off', next: null }), / │ idle · checkpoints off$/);
  t.match(v({ armed: true, strategy: 'compact' }), / │ idle · checkpoint armed → compact at next idle$/);
  t.match(v({ armed: true, strategy: 'off', next: 'warn at 80%' }), / │ idle · warn at 80%$/);
  t.match(v({ armed: false, strategy: 'handoff', next: 'clearing the context' }, 'checkpointing'), / │ checkpointing: clearing the context$/);
  t.match(v(undefined, 'working'), / │ working$/);
});

t.test('before the first request', async (t) => {
  const line = plain({ snapshot: snap({ contextTokens: null, growthPerTurn: null, turnsLeft: null, costUsd: 0 }), state: 'starting' }, 100);
  t.equal(line, "guard │ waiting for Claude's first request │ $0.00 │ sonnet-5 200k │ starting");
});

t.test("the footer's words name the agent the run is for", async (t) => {
  const waiting = plain({ snapshot: snap({ contextTokens: null, growthPerTurn: null, turnsLeft: null, costUsd: 0 }), state: 'starting', agent: 'Gemini' }, 100);
  t.equal(waiting, "guard │ waiting for Gemini's first request │ $0.00 │ sonnet-5 200k │ starting");
  const silent = plain({ snapshot: snap({ contextTokens: null, growthPerTurn: null, turnsLeft: null, costUsd: 0 }), state: 'starting', agent: 'Codex', noTelemetry: true }, 200);
  t.match(silent, /no telemetry from Codex \(turned off in its settings\?\)/);
});

t.test('a resumed conversation\'s figure is shown; with no telemetry, the footer says so instead', async (t) => {
  const resumed = snap({ contextTokens: 142_995, growthPerTurn: null, turnsLeft: null, costUsd: 0, mainRequests: 0, resumed: true });
  t.match(plain({ snapshot: resumed, state: 'idle' }, 120), /143k \/ 167k 86%/, 'the gauge before any request of the run');
  const silent = plain({ snapshot: resumed, state: 'idle', noTelemetry: true }, 200);
  t.match(silent, /no telemetry from Claude/, 'a figure that would never move again is not shown as a gauge');
  t.notMatch(silent, /143k/);
});

t.test('notice is shown whole when it fits, cut otherwise', async (t) => {
  const v: FooterView = { snapshot: snap(), state: 'working', notice: 'Claude compacted on its own (missed)' };
  t.match(plain(v, 200), /│ Claude compacted on its own \(missed\)$/);
  t.match(plain(v, 200), /sonnet-5 200k/);
  t.equal(plain(v, 80), 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ working │ Claude compacted on …');
  t.notMatch(plain(v, 50), /Claude/);
});

t.test('gauge colour follows the level; no colour at all when disabled', async (t) => {
  const at = (tokens: number): string => renderClaudeFooter({ snapshot: snap({ contextTokens: tokens }), state: 'idle' }, 200, { color: true })[0]!;
  t.match(at(50_000), /\x1b\[32m█/, 'green below 60%');
  t.match(at(110_000), /\x1b\[33m█/, 'yellow from 60%');
  t.match(at(150_000), /\x1b\[31m█/, 'red from 80%');
  t.match(at(200_000), /120%/, 'past the point the percentage says so');
  t.notMatch(plain(armed, 200), /\x1b/);
  t.equal(displayWidth(at(150_000)), displayWidth(plain({ snapshot: snap({ contextTokens: 150_000 }), state: 'idle' }, 200)));
});

t.test('program footer', async (t) => {
  const base = { program: 'sh', startedAt: 1_000_000, now: 1_724_000 };
  t.same(renderProgramFooter({ ...base, state: 'running' }, 80, { color: false }), ['guard │ sh │ 12m04s │ running']);
  t.same(renderProgramFooter({ ...base, state: 'exited', exitCode: 3 }, 80, { color: false }), ['guard │ sh │ 12m04s │ exited 3']);
  t.same(renderProgramFooter({ ...base, state: 'exited', signal: 'SIGTERM' }, 80, { color: false }), ['guard │ sh │ 12m04s │ exited (SIGTERM)']);
  t.same(renderProgramFooter({ ...base, state: 'running' }, 22, { color: false }), ['sh │ 12m04s │ running']);
  t.same(renderProgramFooter({ ...base, state: 'running' }, 10, { color: false }), ['running']);
  t.match(renderProgramFooter({ ...base, state: 'running' }, 80, { color: true })[0], /\x1b\[32mrunning/);
  for (let w = 0; w <= 120; w++) {
    const l = renderProgramFooter({ ...base, program: 'a-very-long-program-名前', state: 'running', notice: 'note 🎉 here' }, w, { color: true })[0]!;
    if (displayWidth(l) > w) t.fail(`width ${w} exceeded`);
  }
  t.throws(() => renderProgramFooter({ ...base, state: 'running' }, -1, { color: false }), /got -1/);
});
