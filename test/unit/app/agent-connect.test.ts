// An agent run's first half (src/app/agent-connect.ts): connected before the spawn, the receiver
// keeps what arrives until the run binds it (telemetry in order, hooks waiting for their answer),
// and close() stops the receiver and removes the agent's private config, once. The hook folder
// (hooks written as files) keeps its hooks until bind the same way.
import t from 'tap';
import { connectAgent } from '../../../src/app/agent-connect.js';
import { TOKEN_HEADER } from '../../../src/telemetry/receiver.js';
import { CLAUDE_WINDOW_RULES } from '../../../src/claude/window.js';
import type { AgentAdapter, ConnectInput } from '../../../src/agents/agent.js';
import type { TelemetryBatch } from '../../../src/telemetry/records.js';
import { post } from '../telemetry/http-client.js';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { hookSpoolCommand } from '../../../src/telemetry/hook-spool.js';
import { until } from '../../helpers/until.js';

function fakeAgent(usesHookFolder = false): { agent: AgentAdapter; connectedWith: ConnectInput[]; disposed: number[] } {
  const connectedWith: ConnectInput[] = [];
  const disposed: number[] = [];
  const agent = {
    name: 'claude',
    displayName: 'Claude',
    setup: () => ({
      env: {}, window: CLAUDE_WINDOW_RULES, forwardsUserTelemetry: false, warnings: [], usesHookFolder,
      connect: (to: ConnectInput) => {
        connectedWith.push(to);
        return { args: ['--settings', 'x.json'], extraEnv: { RECEIVER: to.receiverUrl }, warnings: [], dispose: () => { disposed.push(1); } };
      },
    }),
  } as unknown as AgentAdapter;
  return { agent, connectedWith, disposed };
}

const logsBody = (name: string): string => JSON.stringify({
  resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1', body: { stringValue: name }, attributes: [{ key: 'event.name', value: { stringValue: name } }] }] }] }],
});

t.test('before bind the receiver keeps telemetry in order and holds hooks; bind delivers both', async (t) => {
  const { agent, connectedWith, disposed } = fakeAgent();
  const c = await connectAgent(agent, { args: [], cwd: '/', env: {} });
  t.teardown(() => c.close());
  t.equal(connectedWith.length, 1);
  t.equal(connectedWith[0]?.receiverUrl, c.receiver.url, 'the agent is told where the receiver listens');
  t.equal(connectedWith[0]?.token, c.token);
  t.same(c.connection.args, ['--settings', 'x.json']);
  const headers = { [TOKEN_HEADER]: c.token, 'content-type': 'application/json' };
  for (const name of ['first', 'second']) {
    const res = await post(c.receiver.url, '/v1/logs', { headers, body: logsBody(name) });
    t.equal(res.status, 200, `${name}: accepted before the run is wired`);
  }
  let hookAnswered = false;
  const hook = post(c.receiver.url, '/guard/hook/PreCompact', { headers, body: '{"trigger":"auto"}' }).then((r) => { hookAnswered = true; return r; });
  await new Promise((r) => setTimeout(r, 200));
  t.notOk(hookAnswered, 'a hook waits for the run');

  const seen: string[] = [];
  c.bind({
    onTelemetry: (b: TelemetryBatch) => { if (b.signal === 'logs') for (const r of b.records) seen.push(String(r.body)); },
    onHook: (event) => ({ decision: 'block', reason: `held by ${event}` }),
    onError: () => {},
  });
  t.same(seen, ['first', 'second'], 'the kept batches, in order, at bind');
  const answer = await hook;
  t.equal(answer.status, 200);
  t.same(JSON.parse(answer.text), { decision: 'block', reason: 'held by PreCompact' }, 'the hook gets the run\'s answer');
  t.throws(() => c.bind({ onTelemetry: () => {}, onHook: () => undefined, onError: () => {} }), /already bound/);

  await Promise.all([c.close(), c.close()]);
  t.same(disposed, [1], 'the private config is removed once');
  await t.rejects(post(c.receiver.url, '/v1/logs', { headers, body: logsBody('late') }), 'the receiver is closed');
});

t.test('the hook folder: given to the agent, its hooks wait for bind like posted ones, and it goes at close', async (t) => {
  const { agent, connectedWith } = fakeAgent(true);
  const c = await connectAgent(agent, { args: [], cwd: '/', env: {} });
  t.teardown(() => c.close());
  const dir = connectedWith[0]?.hookSpool;
  if (typeof dir !== 'string') { t.fail('the agent was given a hook folder'); return; }
  t.equal(statSync(dir).mode & 0o777, 0o700, 'a private folder');
  const run = (event: string, json: string): void => { spawnSync('sh', ['-c', hookSpoolCommand(dir, event)], { input: json }); };
  run('SessionStart', '{"source":"startup"}');
  await new Promise((r) => setTimeout(r, 200));
  const seen: string[] = [];
  const errors: string[] = [];
  c.bind({
    onTelemetry: () => {},
    onHook: (event, payload) => { seen.push(`${event} ${JSON.stringify(payload)}`); if (event === 'Stop') throw new Error('the run failed'); return undefined; },
    onError: (err) => { errors.push(err.message); },
  });
  await until(() => seen.length === 1, 5000, 'the hook kept until bind');
  t.same(seen, ['SessionStart {"source":"startup"}']);
  run('Stop', '{"n":2}');
  await until(() => errors.length === 1, 5000, 'the run\'s error');
  t.same(seen, ['SessionStart {"source":"startup"}', 'Stop {"n":2}'], 'after bind, delivered at once');
  t.same(errors, ['the run failed'], 'a fault of the run\'s is reported, not thrown at the folder');
  await c.close();
  t.notOk(existsSync(dir), 'the folder is removed at close');
});

t.test('an agent that does not use a hook folder gets none', async (t) => {
  const { agent, connectedWith } = fakeAgent(false);
  const c = await connectAgent(agent, { args: [], cwd: '/', env: {} });
  t.teardown(() => c.close());
  t.equal(connectedWith[0]?.hookSpool, null);
});
