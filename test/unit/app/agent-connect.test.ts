// An agent run's first half (src/app/agent-connect.ts): connected before the spawn, the receiver
// keeps what arrives until the run binds it (telemetry in order, hooks waiting for their answer),
// and close() stops the receiver and removes the agent's private config, once.
import t from 'tap';
import { connectAgent } from '../../../src/app/agent-connect.js';
import { TOKEN_HEADER } from '../../../src/telemetry/receiver.js';
import { CLAUDE_WINDOW_RULES } from '../../../src/context/window.js';
import type { AgentAdapter, ConnectInput } from '../../../src/agents/agent.js';
import type { TelemetryBatch } from '../../../src/telemetry/records.js';
import { post } from '../telemetry/http-client.js';

function fakeAgent(): { agent: AgentAdapter; connectedWith: ConnectInput[]; disposed: number[] } {
  const connectedWith: ConnectInput[] = [];
  const disposed: number[] = [];
  const agent = {
    name: 'claude',
    displayName: 'Claude',
    setup: () => ({
      env: {}, window: CLAUDE_WINDOW_RULES, forwardsUserTelemetry: false, warnings: [],
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
