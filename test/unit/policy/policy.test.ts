import t from 'tap';
import type { ContextSnapshot } from '../../../src/context/snapshot.js';
import type { HookEvent } from '../../../src/claude/hooks.js';
import { CLAUDE_COMMANDS, makePolicyConfig, type AgentCommands, type PolicyConfig } from '../../../src/policy/config.js';
import type { GateRefusal } from '../../../src/policy/injector.js';
import {
  CLEAR_SETTLE_MS, CLEAR_TIMEOUT_MS, COMPACT_TIMEOUT_MS, HANDOFF_ROOM_TOKENS, PROACTIVE_SLACK_TOKENS, autoCompactHold, initialPolicyState, isCheckpointing, nextWakeAt, stepPolicy,
  type PolicyAction, type PolicyInput, type PolicyState,
} from '../../../src/policy/policy.js';
import { policyView } from '../../../src/policy/view.js';

// 200k window, auto-compact point 167,000; the 80% threshold is 133,600.
const POINT = 167_000;

function snap(contextTokens: number | null, extra: Partial<ContextSnapshot> = {}): ContextSnapshot {
  return {
    claudeSessionId: 's1', model: 'claude-sonnet-5', contextTokens, lastOutputTokens: 0, contextWindow: 200_000,
    windowSource: 'known-model', autoCompactAt: POINT, autoCompactSource: 'default', growthPerTurn: null, growthHigh: null,
    turnsLeft: null, costUsd: 0, mainRequests: 1, compactions: [], ...extra,
  };
}

type Untimed = PolicyInput extends infer I ? (I extends PolicyInput ? Omit<I, 't'> & { t?: number } : never) : never;

class Sim {
  s: PolicyState;
  t = 1_000_000;
  actions: PolicyAction[] = [];
  constructor(config: Partial<PolicyConfig> = {}, commands?: AgentCommands) {
    this.s = initialPolicyState(makePolicyConfig(config), commands);
  }
  send(input: Untimed): PolicyAction[] {
    if (input.t !== undefined) this.t = input.t;
    const r = stepPolicy(this.s, { ...input, t: this.t } as PolicyInput);
    this.s = r.state;
    this.actions.push(...r.actions);
    return r.actions;
  }
  advance(ms: number): this { this.t += ms; return this; }
  context(tokens: number | null, extra: Partial<ContextSnapshot> = {}): PolicyAction[] { return this.send({ type: 'context', snapshot: snap(tokens, extra) }); }
  idle(): PolicyAction[] { return this.send({ type: 'activity', activity: 'idle', hasUnsentInput: false }); }
  working(): PolicyAction[] { return this.send({ type: 'activity', activity: 'working', hasUnsentInput: false }); }
  hook(hook: HookEvent): PolicyAction[] { return this.send({ type: 'hook', hook }); }
  stop(): PolicyAction[] { return this.hook({ type: 'Stop', sessionId: 's1', promptId: null, stopHookActive: false, runningSubagents: 0 }); }
  sessionStart(source: string): PolicyAction[] { return this.hook({ type: 'SessionStart', sessionId: 's2', transcriptPath: null, cwd: null, source, model: null }); }
  /** Carries out a `type` action the way the caller does: answer the policy with `typed`. */
  typed(ok = true): PolicyAction[] { return this.send({ type: 'typed', ok, ...(ok ? {} : { reason: 'unsent-input' }) }); }
  phases(): string[] { return this.actions.flatMap((a) => (a.type === 'log' ? [a.record.phase] : [])); }
}

const typedTexts = (as: PolicyAction[]): string[] => as.flatMap((a) => (a.type === 'type' ? [a.text] : []));

t.test('config checks name the bad value', async (t) => {
  t.throws(() => makePolicyConfig({ strategy: 'nope' as never }), { message: /strategy must be one of handoff, compact, off; got "nope"/ });
  t.throws(() => makePolicyConfig({ thresholdPct: 0 }), { message: /got 0/ });
  t.throws(() => makePolicyConfig({ thresholdPct: 101 }), { message: /got 101/ });
  t.throws(() => makePolicyConfig({ handoffTemplate: 'no placeholder' }), { message: /must contain \{path\}/ });
  t.throws(() => makePolicyConfig({ notePath: 'notes/a b.md' }), { message: /"notes\/a b.md"/ });
  t.equal(makePolicyConfig({ thresholdPct: undefined }).thresholdPct, 80, 'undefined means default');
  t.throws(() => makePolicyConfig({ compactInstructions: 'keep '.repeat(200) }), { message: /compact instructions is too long to type into Claude \(1008 characters, at most 800\)/ });
  t.throws(() => makePolicyConfig({ resumeTemplate: `{path} ${'x'.repeat(800)}` }), { message: /resume template is too long/ });
});

t.test('the default handoff prompt has the phrase the API stand-in recognises', async (t) => {
  const sim = new Sim();
  sim.context(140_000);
  const [text] = typedTexts(sim.idle());
  t.match(text, /^Write a checkpoint note to \.guard\/checkpoints\/\S+\.md /);
  const m = /write (?:a )?checkpoint note to (\S+\.md)/i.exec(text!);
  t.ok(m);
  t.equal(m![1], sim.s.notePath);
  t.match(text, /goal.*done.*remains.*key files.*decisions.*next step/);
  t.notMatch(text, /[\r\n]/);
});

t.test('arms at the threshold, not below', async (t) => {
  const sim = new Sim();
  sim.context(133_000);
  t.equal(sim.s.phase, 'watching');
  t.same(sim.actions, []);
  sim.context(133_700);
  t.equal(sim.s.phase, 'armed');
  t.equal(sim.s.armReason, 'threshold');
  t.same(sim.phases(), ['armed']);
  t.match(policyView(sim.s, sim.t), { armed: true, strategy: 'handoff', next: 'handoff at next idle', armAt: 133_600 });
});

t.test('the last output counts toward the threshold, like Claude counts it', async (t) => {
  const sim = new Sim();
  sim.context(133_000, { lastOutputTokens: 700 });
  t.equal(sim.s.phase, 'armed');
});

t.test('arms early when the forecast says the next turn crosses the auto-compact point', async (t) => {
  const sim = new Sim();
  sim.context(110_000, { growthHigh: 60_000 });
  t.equal(sim.s.phase, 'armed');
  t.equal(sim.s.armReason, 'forecast');
  const off = new Sim({ forecast: false });
  off.context(110_000, { growthHigh: 60_000 });
  t.equal(off.s.phase, 'watching');
  const small = new Sim();
  small.context(100_000, { growthHigh: 20_000 });
  t.equal(small.s.phase, 'watching');
  const early = new Sim();
  early.context(20_000, { growthHigh: 150_000 });
  t.equal(early.s.phase, 'watching', 'not below the re-arm level, whatever the forecast');
});

t.test('never fires while Claude works or the user has unsent input', async (t) => {
  const sim = new Sim();
  sim.context(150_000);
  t.same(typedTexts(sim.working()), []);
  t.same(typedTexts(sim.send({ type: 'activity', activity: 'idle', hasUnsentInput: true })), []);
  t.equal(policyView(sim.s, sim.t).next, 'handoff once your input is sent');
  t.same(typedTexts(sim.send({ type: 'activity', activity: 'starting', hasUnsentInput: false })), []);
  t.equal(sim.s.phase, 'armed');
  t.equal(typedTexts(sim.idle()).length, 1, 'fires at the next idle moment');
});

t.test('handoff: the full sequence', async (t) => {
  const sim = new Sim();
  sim.context(150_000);
  const [prompt] = typedTexts(sim.idle());
  t.ok(prompt);
  const path = sim.s.notePath!;
  t.match(path, /^\.guard\/checkpoints\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.md$/);
  t.equal(sim.s.phase, 'armed', 'nothing moves until the injector answers');
  sim.typed();
  t.equal(sim.s.phase, 'note-requested');
  t.ok(isCheckpointing(sim.s));
  // Claude works on the note; a stale idle judgement must not trigger the check before the Stop.
  t.same(sim.idle(), []);
  sim.working();
  sim.advance(20_000).stop();
  t.same(sim.actions.filter((a) => a.type === 'checkNote'), []);
  const check = sim.idle();
  t.same(check, [{ type: 'checkNote', path }]);
  t.equal(sim.s.phase, 'checking-note');
  const clear = sim.send({ type: 'noteChecked', path, ok: true, bytes: 900 });
  t.same(typedTexts(clear), ['/clear']);
  sim.typed();
  t.equal(sim.s.phase, 'clearing');
  sim.advance(800).sessionStart('clear');
  t.equal(sim.s.phase, 'resume-pending');
  sim.context(null, { claudeSessionId: 's2', mainRequests: 0 });
  const [resume] = typedTexts(sim.idle());
  t.equal(resume, `Continue from the checkpoint note in ${path}: read it first, then carry on with the next step it names.`);
  sim.typed();
  t.equal(sim.s.phase, 'watching');
  t.same(sim.phases(), ['armed', 'prompted', 'note-written', 'cleared', 'resumed']);
  const logs = sim.actions.flatMap((a) => (a.type === 'log' ? [a.record] : []));
  t.ok(logs.every((r) => r.type === 'checkpoint' && r.strategy === 'handoff' && /^\d{4}-.*Z$/.test(r.t)));
  t.equal(logs[1]!.notePath, path);
  t.equal(logs[1]!.contextTokens, 150_000);
});

t.test('handoff: a missing note falls back to compact', async (t) => {
  const sim = new Sim();
  sim.context(150_000);
  sim.idle(); sim.typed(); sim.working(); sim.stop();
  const [check] = sim.idle();
  t.equal(check?.type, 'checkNote');
  const path = sim.s.notePath!;
  const acts = sim.send({ type: 'noteChecked', path, ok: false });
  t.match(typedTexts(acts), [/^\/compact Keep the goal/], 'already idle: /compact typed at once');
  sim.typed();
  t.equal(sim.s.phase, 'compacting');
  sim.send({ type: 'compaction', trigger: 'manual', success: true });
  t.equal(sim.s.phase, 'watching');
  t.same(sim.phases(), ['armed', 'prompted', 'fallback', 'compact-sent', 'compacted']);
  const logs = sim.actions.flatMap((a) => (a.type === 'log' ? [a.record] : []));
  t.equal(logs[2]!.strategy, 'handoff', 'the handoff is what fell back');
  t.equal(logs[3]!.strategy, 'compact');
});

t.test('compact: success on the manual compaction event, or on SessionStart(compact)', async (t) => {
  for (const how of ['event', 'hook'] as const) {
    const sim = new Sim({ strategy: 'compact', compactInstructions: 'keep\nthe tests' });
    sim.context(150_000);
    t.same(typedTexts(sim.idle()), ['/compact keep the tests'], 'instructions typed as one line');
    sim.typed();
    if (how === 'event') sim.send({ type: 'compaction', trigger: 'manual', success: true });
    else sim.sessionStart('compact');
    t.same(sim.phases(), ['armed', 'compact-sent', 'compacted'], how);
    t.equal(sim.s.phase, 'watching');
  }
});

t.test('compact: a failure is retried once at the next idle, then guard warns', async (t) => {
  const sim = new Sim({ strategy: 'compact' });
  sim.context(150_000);
  sim.idle(); sim.typed();
  sim.send({ type: 'compaction', trigger: 'manual', success: false, error: 'Not enough messages to compact.' });
  t.equal(sim.s.phase, 'compact-pending');
  t.same(typedTexts(sim.working()), [], 'not while working');
  t.equal(typedTexts(sim.idle()).length, 1, 'retried at the next idle');
  sim.typed();
  sim.send({ type: 'compaction', trigger: 'manual', success: false, error: 'Not enough messages to compact.' });
  t.equal(sim.s.phase, 'watching');
  t.same(sim.phases(), ['armed', 'compact-sent', 'failed', 'compact-sent', 'failed']);
  t.match(sim.actions.filter((a) => a.type === 'notice'), [{ text: /failed twice.*Not enough messages/ }]);
  t.same(typedTexts(sim.idle()), [], 'no third try in this fill-up');
});

t.test('compact: no result in time counts as a failure', async (t) => {
  const sim = new Sim({ strategy: 'compact' });
  sim.context(150_000);
  sim.idle(); sim.typed(); sim.working();
  t.equal(nextWakeAt(sim.s), sim.t + COMPACT_TIMEOUT_MS);
  sim.advance(COMPACT_TIMEOUT_MS).send({ type: 'tick' });
  t.equal(sim.s.phase, 'compact-pending');
});

t.test('once per fill-up: no re-arm until the context dropped well below', async (t) => {
  const sim = new Sim({ strategy: 'compact', coolDownMs: 0 });
  sim.context(150_000);
  sim.idle(); sim.typed();
  sim.send({ type: 'compaction', trigger: 'manual', success: false });
  sim.idle(); sim.typed();
  sim.send({ type: 'compaction', trigger: 'manual', success: false });
  t.equal(sim.s.phase, 'watching');
  sim.context(155_000);
  t.equal(sim.s.phase, 'watching', 'still the same fill-up');
  sim.context(100_000);
  sim.context(140_000);
  t.equal(sim.s.phase, 'watching', 'dropped, but not below the re-arm level');
  sim.context(60_000);
  sim.context(140_000);
  t.equal(sim.s.phase, 'armed', 'a new fill-up arms again');
});

t.test('cool-down: armed again right after a checkpoint, fires only after it', async (t) => {
  const sim = new Sim({ strategy: 'compact', coolDownMs: 60_000 });
  sim.context(150_000);
  sim.idle(); sim.typed();
  sim.send({ type: 'compaction', trigger: 'manual', success: true });
  sim.context(20_000);
  sim.advance(10_000).context(150_000);
  t.equal(sim.s.phase, 'armed');
  t.same(typedTexts(sim.idle()), [], 'inside the cool-down');
  t.equal(policyView(sim.s, sim.t).next, 'compact after cool-down');
  t.equal(nextWakeAt(sim.s), sim.t + 50_000);
  sim.advance(50_000);
  t.equal(typedTexts(sim.send({ type: 'tick' })).length, 1, 'fires when the cool-down ends');
});

t.test('"checkpoint now" fires at the next idle whatever the context; "skip" drops an armed one', async (t) => {
  const sim = new Sim();
  sim.context(10_000);
  sim.working();
  sim.send({ type: 'command', command: 'now' });
  t.equal(sim.s.phase, 'armed');
  t.equal(sim.s.armReason, 'manual');
  t.match(typedTexts(sim.idle()), [/^Write a checkpoint note to /]);

  const sk = new Sim();
  sk.context(150_000);
  sk.send({ type: 'command', command: 'skip' });
  t.equal(sk.s.phase, 'watching');
  t.same(sk.phases(), ['armed', 'skipped']);
  t.same(typedTexts(sk.idle()), []);
  sk.context(160_000);
  t.equal(sk.s.phase, 'watching', 'skipped for this fill-up');
});

t.test('"skip" ahead of time skips the next arming; "now" with strategy off runs a handoff', async (t) => {
  const sim = new Sim();
  sim.context(10_000);
  sim.send({ type: 'command', command: 'skip' });
  t.equal(policyView(sim.s, sim.t).next, 'next checkpoint skipped');
  sim.context(150_000);
  t.equal(sim.s.phase, 'watching');
  t.same(sim.phases(), ['skipped']);

  const off = new Sim({ strategy: 'off' });
  off.send({ type: 'command', command: 'now' });
  t.match(typedTexts(off.idle()), [/^Write a checkpoint note/]);
});

t.test('strategy off: a warning once per fill-up, never typing', async (t) => {
  const sim = new Sim({ strategy: 'off' });
  sim.context(150_000);
  sim.idle();
  sim.context(160_000);
  sim.idle();
  t.same(typedTexts(sim.actions), []);
  t.same(sim.phases(), ['warned']);
  t.equal(sim.actions.filter((a) => a.type === 'notice').length, 1);
});

t.test('an automatic compaction is a miss, judged from the telemetry event, not the PreCompact hook', async (t) => {
  const sim = new Sim();
  sim.context(150_000);
  sim.working();
  sim.hook({ type: 'PreCompact', sessionId: 's1', trigger: 'auto', customInstructions: null });
  sim.advance(5_000).send({ type: 'compaction', trigger: 'auto', success: true });
  t.same(sim.phases(), ['armed', 'miss']);
  t.equal(sim.s.phase, 'watching', 'the compaction ended this fill-up');
  t.equal(sim.actions.filter((a) => a.type === 'notice').length, 1);
  sim.advance(120_000).send({ type: 'compaction', trigger: 'auto', success: true });
  t.same(sim.phases(), ['armed', 'miss', 'miss'], 'a later one is a new miss');
});

t.test('what the policy says and logs names the agent its adapter names (Claude by default)', async (t) => {
  const codex = new Sim({}, { ...CLAUDE_COMMANDS, clear: null, agentName: 'Codex' });
  codex.context(150_000);
  codex.working();
  codex.advance(5_000).send({ type: 'compaction', trigger: 'auto', success: true });
  const said = (sim: Sim): string[] => sim.actions.flatMap((a) => (a.type === 'notice' ? [a.text] : a.type === 'log' ? [a.record.detail ?? ''] : []));
  t.match(said(codex), [/^context at 90%/, /^Codex compacted on its own/, /^guard: Codex compacted on its own/]);
  t.notMatch(said(codex).join('\n'), /Claude/, 'no word of Claude in a Codex run');
  const claude = new Sim();
  claude.context(150_000);
  claude.working();
  claude.advance(5_000).send({ type: 'compaction', trigger: 'auto', success: true });
  t.match(said(claude), [/^context at 90%/, /^Claude compacted on its own/, /^guard: Claude compacted on its own/]);
});

t.test('a refused injection changes nothing but the log (once per reason) and is retried at the next idle', async (t) => {
  const sim = new Sim();
  sim.context(150_000);
  sim.idle();
  sim.typed(false);
  t.equal(sim.s.phase, 'armed');
  t.equal(sim.s.notePath, null);
  t.same(sim.phases(), ['armed', 'refused'], 'the refusal is logged');
  const refused = sim.actions.flatMap((a) => (a.type === 'log' && a.record.phase === 'refused' ? [a.record] : []));
  t.match(refused[0]?.detail, /did not type the checkpoint prompt: unsent-input/);
  t.equal(typedTexts(sim.idle()).length, 1);
  sim.typed(false);
  t.same(sim.phases(), ['armed', 'refused'], 'the same refusal again is not logged twice');
  t.equal(typedTexts(sim.idle()).length, 1);
  sim.send({ type: 'typed', ok: false, reason: 'keys-and-screen-disagree' });
  t.same(sim.phases(), ['armed', 'refused', 'refused'], 'a new reason is');
});

t.test('a checkpoint disarmed by a dropped context forgets its refusals: the next one logs its own', async (t) => {
  const sim = new Sim();
  sim.context(150_000);
  sim.idle();
  sim.typed(false);
  sim.context(20_000);
  t.equal(sim.s.phase, 'watching');
  t.same(sim.phases(), ['armed', 'refused', 'disarmed']);
  sim.context(150_000);
  t.equal(typedTexts(sim.idle()).length, 1);
  sim.typed(false);
  t.same(sim.phases(), ['armed', 'refused', 'disarmed', 'armed', 'refused'], 'the same reason, for a new checkpoint, is logged again');
});

t.test('the footer says what in the prompt box keeps guard from typing', async (t) => {
  const sim = new Sim();
  sim.context(150_000);
  const next = (reason?: GateRefusal): string | null => {
    sim.send({ type: 'activity', activity: 'working', hasUnsentInput: true, ...(reason ? { unsentReason: reason } : {}) });
    return policyView(sim.s, sim.t).next;
  };
  t.equal(next(), 'handoff once your input is sent');
  t.equal(next('unsent-input'), 'handoff once your input is sent');
  t.equal(next('view-open'), 'handoff once Claude\'s prompt is back');
  t.equal(next('prompt-not-visible'), 'handoff once Claude\'s prompt is back');
  t.equal(next('prompt-not-empty'), 'handoff once the prompt box is empty');
  t.equal(next('vim-normal-mode'), 'handoff once you press i (vim NORMAL mode)');
  t.equal(next('keys-and-screen-disagree'), 'handoff waits: the prompt box shows text guard did not see typed');
});

t.test('no SessionStart after /clear: the checkpoint fails after a timeout', async (t) => {
  const sim = new Sim();
  sim.context(150_000);
  sim.idle(); sim.typed(); sim.working(); sim.stop(); sim.idle();
  sim.send({ type: 'noteChecked', path: sim.s.notePath!, ok: true });
  sim.typed();
  t.equal(sim.s.phase, 'clearing');
  t.equal(nextWakeAt(sim.s), sim.t + CLEAR_TIMEOUT_MS);
  sim.advance(CLEAR_TIMEOUT_MS).send({ type: 'tick' });
  t.equal(sim.s.phase, 'watching');
  t.same(sim.phases().slice(-1), ['failed']);
});

t.test('clearReady idle (Codex): after /new the resume prompt waits for an idle, empty box and the settle time, not for a hook', async (t) => {
  const codexLike: AgentCommands = { compact: '/compact', compactTakesInstructions: false, clear: '/new', clearReady: 'idle', agentName: 'Codex' };
  const sim = new Sim({}, codexLike);
  sim.context(150_000);
  sim.idle(); sim.typed(); sim.working(); sim.stop(); sim.idle();
  t.same(typedTexts(sim.send({ type: 'noteChecked', path: sim.s.notePath!, ok: true })), ['/new']);
  sim.typed();
  t.equal(sim.s.phase, 'clearing');
  const since = sim.t;
  t.equal(nextWakeAt(sim.s, sim.t), since + CLEAR_SETTLE_MS, 'a tick at the end of the settle time');
  t.same(typedTexts(sim.advance(200).idle()), [], 'idle, but within the settle time: nothing typed');
  sim.advance(CLEAR_SETTLE_MS);
  sim.send({ type: 'activity', activity: 'working', hasUnsentInput: true, unsentReason: 'unsent-input' });
  t.same(typedTexts(sim.send({ type: 'tick' })), [], 'the user typed into the fresh box: nothing typed');
  t.equal(nextWakeAt(sim.s, sim.t), since + CLEAR_TIMEOUT_MS, 'past the settle time the timeout is the next wake');
  const resumed = typedTexts(sim.idle());
  t.equal(resumed.length, 1);
  t.ok(resumed[0]?.includes(sim.s.notePath!), `the resume prompt names the note: ${resumed[0]}`);
  t.equal(sim.s.phase, 'resume-pending');
  sim.typed();
  t.equal(sim.s.phase, 'watching');
  t.same(sim.phases(), ['armed', 'prompted', 'note-written', 'cleared', 'resumed']);
});

t.test('clearReady idle: no idle prompt after /new within the timeout fails the checkpoint', async (t) => {
  const sim = new Sim({}, { ...CLAUDE_COMMANDS, clear: '/new', clearReady: 'idle' });
  sim.context(150_000);
  sim.idle(); sim.typed(); sim.working(); sim.stop(); sim.idle();
  sim.send({ type: 'noteChecked', path: sim.s.notePath!, ok: true });
  sim.typed();
  sim.advance(CLEAR_TIMEOUT_MS).send({ type: 'tick' });
  t.equal(sim.s.phase, 'watching');
  t.match(sim.actions.filter((a) => a.type === 'log').at(-1), { record: { phase: 'failed', detail: 'no idle prompt after /new' } });
});

t.test('an armed checkpoint is dropped when the user clears or compacts first', async (t) => {
  const sim = new Sim();
  sim.context(150_000);
  sim.working();
  sim.context(null, { claudeSessionId: 's2' });
  t.equal(sim.s.phase, 'watching');
  t.same(sim.phases(), ['armed', 'disarmed']);
  t.same(typedTexts(sim.idle()), []);
  sim.context(140_000);
  t.equal(sim.s.phase, 'armed', 'a new fill-up arms again');
  const manual = new Sim();
  manual.context(10_000);
  manual.send({ type: 'command', command: 'now' });
  manual.context(5_000);
  t.equal(manual.s.phase, 'armed', '"checkpoint now" stays armed whatever the context');
});

t.test('stepPolicy does not modify the state it is given', async (t) => {
  const s0 = initialPolicyState(makePolicyConfig());
  const before = JSON.stringify(s0);
  stepPolicy(s0, { type: 'context', t: 1, snapshot: snap(150_000) });
  t.equal(JSON.stringify(s0), before);
});

// ---- holding Claude's own automatic compaction (issue 7) ----------------------------------------

// A 1M window (auto-compact point 967,000) where one turn jumped past the point: 973,767 tokens.
const ONE_M = { contextWindow: 1_000_000, autoCompactAt: 967_000 };
const answers = (as: PolicyAction[]): Array<{ hold: boolean; reason: string }> =>
  as.flatMap((a) => (a.type === 'compactAnswer' ? [{ hold: a.hold, reason: a.reason }] : []));

/** A session at `tokens` on a 1M window, armed and with the handoff prompt typed (note requested). */
function handingOver(config: Partial<PolicyConfig> = {}, tokens = 973_767): Sim {
  const sim = new Sim(config);
  sim.context(tokens, { ...ONE_M, contextAt: 5_000 });
  sim.idle();
  sim.typed();
  return sim;
}

t.test('hold: an automatic compaction while guard hands over, with room for the handoff turn', async (t) => {
  const sim = handingOver();
  t.equal(sim.s.phase, 'note-requested');
  t.match(autoCompactHold(sim.s), { hold: true });
  const as = sim.send({ type: 'autoCompact' });
  t.match(answers(as), [{ hold: true, reason: /handing over/ }]);
  t.same(sim.phases(), ['armed', 'prompted', 'held']);
  t.match(as.find((a) => a.type === 'log'), { record: { phase: 'held', strategy: 'handoff', contextTokens: 973_767, detail: /973767 tokens of 1000000/ } });
  t.match(as.filter((a) => a.type === 'notice'), [{ text: /holding Claude's auto-compact: handing over/ }], 'the footer says so');
  t.equal(sim.s.phase, 'note-requested', 'the handoff goes on');
  // Claude sent the prompt with the full context: the note turn goes on, held again if asked again.
  t.match(answers(sim.send({ type: 'autoCompact' })), [{ hold: true }]);
});

t.test('hold: also while armed for a handoff (Claude compacts before guard could type)', async (t) => {
  const sim = new Sim();
  sim.context(973_767, { ...ONE_M, contextAt: 5_000 });
  sim.working();
  t.equal(sim.s.phase, 'armed');
  t.match(answers(sim.send({ type: 'autoCompact' })), [{ hold: true }]);
  for (const phase of ['checking-note', 'note-ready', 'clearing'] as const) {
    t.match(autoCompactHold({ ...sim.s, phase }), { hold: true }, phase);
  }
});

t.test('no hold: not handing over, or a strategy or config that says so', async (t) => {
  const watching = new Sim();
  watching.context(100_000, { ...ONE_M, contextAt: 5_000 });
  t.match(autoCompactHold(watching.s), { hold: false, why: /not handing over/ }, 'watching');
  for (const phase of ['resume-pending', 'compact-pending', 'compacting'] as const) {
    t.match(autoCompactHold({ ...handingOver().s, phase }), { hold: false }, phase);
  }
  const compact = new Sim({ strategy: 'compact' });
  compact.context(973_767, { ...ONE_M, contextAt: 5_000 });
  t.equal(compact.s.phase, 'armed');
  t.match(autoCompactHold(compact.s), { hold: false, why: /not handing over/ }, 'armed for /compact: Claude\'s compaction is as good');
  const off = new Sim({ strategy: 'off' });
  off.context(973_767, { ...ONE_M, contextAt: 5_000 });
  off.send({ type: 'command', command: 'now' });
  t.match(autoCompactHold(off.s), { hold: false, why: /strategy off/ }, 'strategy off, even when the user asked for a checkpoint');
  const sim = handingOver({ holdAutoCompact: false });
  t.match(answers(sim.send({ type: 'autoCompact' })), [{ hold: false, reason: /holdAutoCompact is off/ }], 'config holdAutoCompact false');
  t.notOk(sim.phases().includes('held'));
  t.same(sim.actions.filter((a) => a.type === 'notice'), [], 'nothing shown when Claude compacts as usual');
});

t.test('no hold: no room in the window for the handoff turn (margin HANDOFF_ROOM_TOKENS)', async (t) => {
  t.match(autoCompactHold(handingOver({}, 1_000_000 - HANDOFF_ROOM_TOKENS).s), { hold: true }, 'exactly the room');
  t.match(autoCompactHold(handingOver({}, 1_000_000 - HANDOFF_ROOM_TOKENS + 1).s), { hold: false, why: /no room for the handoff turn/ });
  // The output of the newest request counts too: it joins the context with the next one.
  const sim = new Sim();
  sim.context(975_000, { ...ONE_M, contextAt: 5_000, lastOutputTokens: 6_000 });
  t.match(autoCompactHold(sim.s), { hold: false, why: /981000 \+ 20000 > 1000000/ });
});

t.test('no hold: the recovery compaction after the API refused a prompt as too long', async (t) => {
  const sim = handingOver();
  // The refusal's api_error came after the newest main request (Claude's times).
  sim.send({ type: 'apiError', at: 6_000 });
  const as = sim.send({ type: 'autoCompact' });
  t.match(answers(as), [{ hold: false, reason: /refused/ }]);
  t.notOk(sim.phases().includes('held'));
  // Once a request succeeds again (a newer main request), an old error no longer counts.
  sim.context(973_800, { ...ONE_M, contextAt: 7_000 });
  t.match(autoCompactHold(sim.s), { hold: true });
  // An error older than the newest request was a different one.
  sim.send({ type: 'apiError', at: 6_500 });
  t.match(autoCompactHold(sim.s), { hold: true });
});

t.test('no hold: a compaction set off from well below Claude\'s point (a refusal or an unmeasured addition)', async (t) => {
  // 200k window that 2.1.330 does not compact ahead of: the context is below the point, so an
  // automatic compaction must be Claude's recovery from a refused prompt.
  const sim = new Sim();
  sim.context(150_000, { contextAt: 5_000 });
  sim.working();
  t.equal(sim.s.phase, 'armed');
  t.match(autoCompactHold(sim.s), { hold: false, why: /below Claude's auto-compact point/ });
  t.match(autoCompactHold(handingOver({}, 967_000 - PROACTIVE_SLACK_TOKENS).s), { hold: true }, 'within the slack: guard\'s own prompt set it off');
  t.match(autoCompactHold(handingOver({}, 967_000 - PROACTIVE_SLACK_TOKENS - 1).s), { hold: false });
  const unknown = new Sim();
  unknown.send({ type: 'command', command: 'now' });
  t.match(autoCompactHold(unknown.s), { hold: false, why: /not known/ }, 'no context seen yet');
});

t.test('a miss drops the checkpoint where a handoff makes no sense any more', async (t) => {
  for (const [phase, dropped] of [
    ['armed', true], ['note-requested', true], ['checking-note', true], ['compact-pending', true],
    ['note-ready', false], ['clearing', false], ['resume-pending', false], ['compacting', false],
  ] as const) {
    const sim = handingOver();
    sim.s = { ...sim.s, phase };
    const as = sim.send({ type: 'compaction', trigger: 'auto', success: true });
    t.match(as.find((a) => a.type === 'log'), { record: { phase: 'miss' } }, `${phase}: a miss`);
    t.equal(sim.s.phase, dropped ? 'watching' : phase, `${phase}: ${dropped ? 'dropped' : 'carries on'}`);
    if (dropped) t.ok(sim.s.spent, `${phase}: this fill-up is over`);
  }
  // After a dropped handoff, the small context does not arm again, and nothing is typed.
  const sim = handingOver();
  sim.send({ type: 'compaction', trigger: 'auto', success: true });
  sim.context(30_000, { ...ONE_M, contextAt: 9_000 });
  sim.stop();
  sim.idle();
  t.same(typedTexts(sim.actions).length, 1, 'only the handoff prompt typed before the miss');
  t.equal(sim.s.phase, 'watching');
  // A failed automatic compaction is no miss and changes nothing.
  const failed = handingOver();
  failed.send({ type: 'compaction', trigger: 'auto', success: false, error: 'Not enough messages to compact.' });
  t.equal(failed.s.phase, 'note-requested');
  t.notOk(failed.phases().includes('miss'));
});

t.test('holdAutoCompact: on by default, a boolean', async (t) => {
  t.equal(makePolicyConfig().holdAutoCompact, true);
  t.equal(makePolicyConfig({ holdAutoCompact: false }).holdAutoCompact, false);
});

t.test('the user\'s own /compact while guard is armed disarms it at once, and nothing is typed after it', async (t) => {
  const sim = new Sim();
  sim.context(150_000);
  sim.working();
  t.equal(sim.s.phase, 'armed');
  sim.hook({ type: 'PreCompact', sessionId: 's1', trigger: 'manual', customInstructions: 'keep the tests' });
  sim.sessionStart('compact');
  t.same(sim.phases(), ['armed', 'disarmed']);
  t.equal(sim.s.phase, 'watching');
  // The telemetry (and its lower context) arrives later; the stale figure does not re-arm it.
  sim.idle();
  sim.context(150_000);
  sim.idle();
  t.same(typedTexts(sim.actions), [], 'no handoff over the compacted context');
  sim.send({ type: 'compaction', trigger: 'manual', success: true });
  sim.context(150_000, { compactedSinceRequest: true });
  sim.context(25_000);
  t.equal(sim.s.spent, false, 'the next fill-up arms again');
  sim.context(150_000);
  t.same(sim.phases(), ['armed', 'disarmed', 'armed']);
});

t.test('an automatic compaction\'s SessionStart is the miss, told at once: an armed guard types nothing over the compacted context while the telemetry is on its way', async (t) => {
  const autoPreCompact = { type: 'PreCompact', sessionId: 's1', trigger: 'auto', customInstructions: null } as const;
  const sim = new Sim();
  sim.context(150_000);
  sim.working();
  sim.hook(autoPreCompact);
  sim.sessionStart('compact');
  t.same(sim.phases(), ['armed', 'miss']);
  t.equal(sim.s.phase, 'watching', 'the armed checkpoint is dropped');
  // The case seen in CI: the retried request is answered and Claude is idle before the export.
  sim.stop();
  sim.idle();
  t.same(typedTexts(sim.actions), [], 'no handoff over the compacted context');
  sim.advance(800).send({ type: 'compaction', trigger: 'auto', success: true });
  t.same(sim.phases(), ['armed', 'miss'], 'the telemetry event of the same compaction is no second miss');
  t.equal(sim.actions.filter((a) => a.type === 'notice').length, 1, 'one notice');

  // The other order: the telemetry first, then the hook; still one miss per compaction.
  const late = new Sim();
  late.context(150_000);
  late.working();
  late.hook(autoPreCompact);
  late.send({ type: 'compaction', trigger: 'auto', success: true });
  late.sessionStart('compact');
  t.same(late.phases(), ['armed', 'miss']);

  // A witness that loses one: the other still tells the next compaction, once.
  const lossy = new Sim();
  lossy.hook(autoPreCompact);
  lossy.send({ type: 'compaction', trigger: 'auto', success: true });
  t.same(lossy.phases(), ['miss'], 'telemetry alone (no hook)');
  lossy.hook(autoPreCompact);
  lossy.sessionStart('compact');
  t.same(lossy.phases(), ['miss'], 'its hook came late: the same compaction');
  lossy.hook(autoPreCompact);
  lossy.sessionStart('compact');
  t.same(lossy.phases(), ['miss', 'miss'], 'the next compaction, by its hook');
  lossy.send({ type: 'compaction', trigger: 'auto', success: true });
  lossy.send({ type: 'compaction', trigger: 'auto', success: true });
  t.same(lossy.phases(), ['miss', 'miss', 'miss'], 'two telemetry events: the one paired with the hook, and a new one');

  // A SessionStart `compact` after a held PreCompact does not come (the agent did not compact);
  // one after a manual PreCompact is the user's /compact (above), never a miss.
  const manual = new Sim();
  manual.hook({ ...autoPreCompact, trigger: 'manual' });
  manual.sessionStart('compact');
  t.same(manual.phases(), [], 'the user\'s /compact while watching: nothing logged');
});

t.test('a resumed conversation\'s figure from the status line arms nothing; the run\'s first request does', async (t) => {
  const sim = new Sim();
  sim.context(150_000, { resumed: true, mainRequests: 0 });
  t.same(typedTexts(sim.idle()), [], 'shown, not acted on: nothing typed at the idle prompt');
  t.same(sim.phases(), [], 'not armed');
  t.equal(sim.s.contextTokens, null, 'unknown to the policy');
  sim.working();
  sim.context(150_100, { mainRequests: 1 });
  sim.stop();
  t.match(typedTexts(sim.idle())[0], /^Write a checkpoint note/, 'the first request of the run arms it, and guard hands over at the idle after');
});
