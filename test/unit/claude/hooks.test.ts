import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseHook, type HookEvent } from '../../../src/claude/hooks.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures');

function load(version: string): { name: string; event: string; hook: HookEvent }[] {
  const dir = join(FIXTURES, `claude-code-${version}`, 'hooks');
  return readdirSync(dir).sort().map((name) => {
    const event = name.replace(/^\d+-/, '').replace(/\.json$/, '');
    return { name, event, hook: parseHook(event, JSON.parse(readFileSync(join(dir, name), 'utf8'))) };
  });
}

t.test('every captured hook payload parses to its own type, none unknown', async (t) => {
  for (const version of ['2.1.197', '2.1.330']) {
    for (const { name, event, hook } of load(version)) {
      t.equal(hook.type, event, `${version} ${name}`);
    }
  }
});

t.test('2.1.330 fields: SessionStart, prompts, Stop, PreCompact, SessionEnd, status line', async (t) => {
  const hooks = load('2.1.330');
  const by = (name: string): HookEvent => hooks.find((h) => h.name === name)!.hook;
  t.same(by('000-SessionStart.json'), {
    type: 'SessionStart', sessionId: '26923332-ab1b-4011-89c6-bc7d2d56e689',
    transcriptPath: '/home/user/.claude/projects/-home-user-project/26923332-ab1b-4011-89c6-bc7d2d56e689.jsonl',
    cwd: '/home/user/project', source: 'startup', model: 'claude-sonnet-5-5',
  });
  t.match(by('014-SessionStart.json'), { type: 'SessionStart', source: 'compact' });
  t.match(by('002-UserPromptSubmit.json'), { type: 'UserPromptSubmit', prompt: 'hello', promptId: '6a239313-a834-4114-86a2-74b63217933f' });
  t.match(by('003-Stop.json'), { type: 'Stop', stopHookActive: false, runningSubagents: 0 });
  t.match(by('009-Stop.json'), { type: 'Stop', runningSubagents: 1 }, 'a running background sub-agent is counted');
  t.match(by('013-PreCompact.json'), { type: 'PreCompact', trigger: 'manual', customInstructions: 'keep the tests' });
  t.match(by('020-PreCompact.json'), { type: 'PreCompact', trigger: 'auto', customInstructions: null });
  t.match(by('024-SessionEnd.json'), { type: 'SessionEnd', reason: 'other' });
  t.same(by('001-statusline.json'), {
    type: 'statusline', sessionId: '26923332-ab1b-4011-89c6-bc7d2d56e689', version: '2.1.330',
    modelId: 'claude-sonnet-5-5', modelName: 'Sonnet 5.5', contextWindowSize: 1_000_000, currentUsage: null,
    usedPercentage: null, costUsd: 0, rateLimits: null,
  });
  t.match(by('018-statusline.json'), {
    type: 'statusline', contextWindowSize: 1_000_000, usedPercentage: 97, costUsd: 0.6084289,
    currentUsage: { inputTokens: 48355, outputTokens: 40, cacheCreationTokens: 145063, cacheReadTokens: 773669 },
  });
});

t.test('2.1.197: PreCompact triggers and the model without a window suffix', async (t) => {
  const hooks = load('2.1.197');
  t.match(hooks[0]!.hook, { type: 'SessionStart', source: 'startup', model: 'claude-sonnet-5' });
  t.same(hooks.filter((h) => h.hook.type === 'PreCompact').map((h) => (h.hook as { trigger: unknown }).trigger), ['manual', 'auto']);
});

t.test('junk never throws and comes back unknown', async (t) => {
  const junk: [string, unknown][] = [
    ['Stop', null], ['Stop', 42], ['Stop', 'not json{'], ['Stop', [1, 2]], ['Nope', { session_id: 'x' }],
    ['Stop', { hook_event_name: 'SessionStart', session_id: 'x' }],
  ];
  for (const [event, payload] of junk) {
    const h = parseHook(event, payload);
    t.equal(h.type, 'unknown', `${event} ${JSON.stringify(payload)}`);
  }
});

t.test('raw text and odd field types', async (t) => {
  t.match(parseHook('Stop', '{"session_id":"s","stop_hook_active":true}'), { type: 'Stop', sessionId: 's', stopHookActive: true });
  t.match(parseHook('Stop', Buffer.from('{"session_id":"s"}')), { type: 'Stop', sessionId: 's', runningSubagents: 0 });
  t.match(parseHook('PreCompact', { trigger: 'weird', session_id: 5 }), { type: 'PreCompact', trigger: null, sessionId: null });
  t.match(parseHook('statusline', { context_window: { context_window_size: '200000', current_usage: 'x' }, cost: null }),
    { type: 'statusline', contextWindowSize: 200000, currentUsage: null, costUsd: null, modelId: null });
});
