// The context tracker: what each conversation of a guard run holds right now. Input: typed events
// (src/events/events.ts, from the agent's adapter), metric points and hook payloads, in whatever
// order the receiver delivers them. What is the agent's own comes from its adapter with the
// options: the window rules, which query source is the main conversation's, and how its metric
// points read (src/agents/; Claude's in src/claude/). Output: ContextSnapshot for the footer, the
// policy, `guard ls` and the session log. Pure: no clock, no I/O; everything it knows came
// through its three inputs.
//
// The rules (CLAUDE-CODE.md, "Context and auto-compaction"):
// - context in use = input + cache read + cache creation of the NEWEST main request of the
//   session, newest by event.sequence (then time, then arrival), never by arrival alone: log
//   batches can arrive out of order. Sub-agent, side (title) and compact requests never move it.
//   Before the run's first main request of a resumed conversation, the status line's
//   current_usage (the same figure, for the conversation's newest main request) stands in, for
//   the footer and `guard ls` only (ContextSnapshot.resumed).
// - a request without query_source is "guessed main" (Claude's classifyRequest, src/claude/events.ts). It moves the gauge
//   only when it is plausibly main: the session has no main request yet, or it is the first
//   request after a compaction, or it is at least as large as the newest main context. The main
//   conversation only grows between compactions, while titles and sub-agents start from small
//   contexts, so a title or sub-agent request never moves the gauge by this rule; at worst the
//   compaction call itself is taken as main for a moment (it is about the size of the main
//   context) until the compaction and the next request arrive. Rejected guesses count as side.
// - cost = sum of cost_usd over every request (each counted once per session and sequence).
// - one state per session id (the agent's conversation id); snapshot() shows the one on screen: the newest SessionStart
//   hook's session, else the session with the newest event.
// - guard's hooks run only in the Claude guard started (they come with its --settings), so a
//   session named by a hook is one of its conversations (a /clear starts another). Telemetry of
//   any other session is foreign: a `claude` started from Claude's own shell tool inherits the
//   telemetry variables and reports here too. Foreign sessions are kept apart and never inform
//   the followed conversation (isFollowed; the window and auto-compact point learned from them).
//   Before any hook arrived (or with hooks disabled) every session counts as followed.
// - an agent whose children run guard's hooks too (childrenShareHooks: Gemini, whose private
//   home is in the environment its shell tool hands on) starts fresh once: after the run's first
//   conversation, a SessionStart with source `startup` names another copy of the agent (`gemini
//   -p …` run by the agent itself). Its session is foreign, and so is every later hook of it
//   (isForeign): it takes neither the screen nor the gauge. The run's own later conversations
//   start with `clear` or `resume`.

import type { AgentEvent, ApiRequestEvent, CompactionEvent } from '../events/events.js';
import type { HookFact, RateLimits } from '../events/hook-facts.js';
import type { MetricPoint } from '../telemetry/records.js';
import type { CompactionSeen, ContextSnapshot } from './snapshot.js';
import type { Env, WindowResult, WindowRules } from './window.js';
import { forecastFromGrowths, turnGrowths, RECENT_TURNS, type TimelineMark } from './forecast.js';
import { MetricCounters, type MetricReader } from './metrics.js';

/** Bucket for records that carry no session id. */
const NO_SESSION = '';
/**
 * Turns of timeline kept per session: the forecast reads only the last RECENT_TURNS growths, and
 * twice that leaves room for turns without a main request (/compact). Older marks are dropped so
 * a snapshot costs the same in a session's 1,000th turn as in its 10th.
 */
const TURNS_KEPT = RECENT_TURNS * 2;

export interface ContextTrackerOptions {
  /** The environment the agent runs with (its window rules read auto-compact settings from it). */
  env: Env;
  /** guard's own window setting; beats every other source. */
  windowOverride?: number | null;
  /** guard's config windows for given models (model id → tokens); beat windowOverride for that model. */
  modelWindows?: Readonly<Record<string, number>>;
  /** The agent's window and auto-compact rules (its adapter's, src/agents/). */
  windowRules: WindowRules;
  /** Whether an API error's query source is the main conversation's (the adapter's). */
  isMainQuery: (querySource: string | null) => boolean;
  /** How the agent's metric points read as token and cost counters (the adapter's); none: not counted. */
  readMetric?: MetricReader;
  /** Copies of the agent that it starts itself run guard's hooks too (the adapter's; see the header). */
  childrenShareHooks?: boolean;
}

/** Order of events within one session: sequence, then time, then arrival. */
interface OrderKey { seq: number | null; t: number; arrival: number }

function before(a: OrderKey, b: OrderKey): boolean {
  if (a.seq !== null && b.seq !== null && a.seq !== b.seq) return a.seq < b.seq;
  if (a.t !== b.t) return a.t < b.t;
  return a.arrival < b.arrival;
}

interface MainRequest { key: OrderKey; context: number; output: number; model: string | null }

interface SessionState {
  id: string;
  /** Newest event time and arrival, to pick the session on screen without a SessionStart. */
  lastT: number;
  lastArrival: number;
  newestMain: MainRequest | null;
  /**
   * The context a resumed conversation had, from the status line before this run's first main
   * request of it (see onHookFact); the gauge's figure until that request.
   */
  resumed: { context: number; output: number } | null;
  /** This conversation was resumed (SessionStart source `resume`): only then does `resumed` count. */
  resumedStart: boolean;
  mainRequests: number;
  costUsd: number;
  seenSequences: Set<number>;
  timeline: { key: OrderKey; mark: TimelineMark }[];
  /** Prompt marks in the timeline, and whether older ones were dropped. */
  promptMarks: number;
  pruned: boolean;
  /** turnGrowths(timeline), kept until the timeline changes: snapshots are frequent. */
  growths: number[] | null;
  compactions: { key: OrderKey; seen: CompactionSeen }[];
  newestCompactionKey: OrderKey | null;
  statuslineWindow: number | null;
  /** Newest model id from a hook or a metric (may carry "[1m]"). */
  suffixModelId: string | null;
  hookModel: string | null;
  maxAutoPreTokens: number | null;
  /** Newest API error of the main conversation (a refused prompt: "prompt is too long"). */
  newestMainErrorKey: OrderKey | null;
  /** Lowest pre_tokens of this session's successful auto compactions, per window they happened under. */
  lowestAutoPre: Map<number, number>;
  metrics: MetricCounters | null;
}

export interface EventOutcome {
  /** Seen before (same session and event.sequence): ignored. */
  duplicate: boolean;
  /** A request that moved (or could move) the main gauge. */
  countedAsMain: boolean;
}
const DUPLICATE: EventOutcome = Object.freeze({ duplicate: true, countedAsMain: false });
const NOT_A_REQUEST: EventOutcome = Object.freeze({ duplicate: false, countedAsMain: false });

export class ContextTracker {
  private readonly env: Env;
  private readonly windowOverride: number | null;
  private readonly modelWindows: Readonly<Record<string, number>> | null;
  private readonly rules: WindowRules;
  private readonly isMainQuery: (querySource: string | null) => boolean;
  private readonly readMetric: MetricReader | null;
  private readonly childrenShareHooks: boolean;
  /** Sessions of other copies of the agent that ran guard's hooks (childrenShareHooks). */
  private readonly foreign = new Set<string>();
  private readonly sessions = new Map<string, SessionState>();
  private onScreen: string | null = null;
  /** Every session a guard hook named: the conversations of the Claude guard started. */
  private readonly hooked = new Set<string>();
  private arrival = 0;
  /** The account's limits from the newest status line that carried them. */
  private rateLimits: RateLimits | null = null;

  constructor(opts: ContextTrackerOptions) {
    if (opts === null || typeof opts !== 'object') throw new TypeError(`ContextTracker: options must be an object, got ${String(opts)}`);
    if (opts.env === null || typeof opts.env !== 'object') throw new TypeError(`ContextTracker: env must be an object, got ${String(opts.env)}`);
    const w = opts.windowOverride;
    if (w !== undefined && w !== null && !(Number.isInteger(w) && w > 0)) {
      throw new RangeError(`ContextTracker: windowOverride must be a positive integer, got ${String(w)}`);
    }
    this.env = opts.env;
    if (opts.windowRules === null || typeof opts.windowRules !== 'object') throw new TypeError(`ContextTracker: windowRules must be the agent's rules, got ${String(opts.windowRules)}`);
    if (typeof opts.isMainQuery !== 'function') throw new TypeError(`ContextTracker: isMainQuery must be a function, got ${String(opts.isMainQuery)}`);
    if (opts.readMetric !== undefined && typeof opts.readMetric !== 'function') throw new TypeError(`ContextTracker: readMetric must be a function, got ${String(opts.readMetric)}`);
    this.rules = opts.windowRules;
    this.isMainQuery = opts.isMainQuery;
    this.readMetric = opts.readMetric ?? null;
    this.childrenShareHooks = opts.childrenShareHooks === true;
    this.windowOverride = w ?? null;
    for (const [model, n] of Object.entries(opts.modelWindows ?? {})) {
      if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`ContextTracker: modelWindows.${model} must be a positive integer, got ${String(n)}`);
    }
    this.modelWindows = opts.modelWindows && Object.keys(opts.modelWindows).length > 0 ? { ...opts.modelWindows } : null;
  }

  /**
   * Takes one event. Says whether it was new (an exporter retry is not) and, for a request,
   * whether it now counts as the main conversation's, so the session log records the same
   * thread the gauge used.
   */
  onEvent(e: AgentEvent): EventOutcome {
    const arrival = ++this.arrival;
    const s = this.session(e.sessionId ?? NO_SESSION);
    if (e.sequence !== null) {
      if (s.seenSequences.has(e.sequence)) return DUPLICATE; // an exporter retry: already counted
      s.seenSequences.add(e.sequence);
    }
    const key: OrderKey = { seq: e.sequence, t: e.t, arrival };
    if (e.t > s.lastT || (e.t === s.lastT && arrival > s.lastArrival)) {
      s.lastT = e.t;
      s.lastArrival = arrival;
    }
    if (e.type === 'api_request') return { duplicate: false, countedAsMain: this.onRequest(s, e, key) };
    if (e.type === 'compaction') this.onCompaction(s, e, key);
    else if (e.type === 'user_prompt') this.mark(s, key, { kind: 'prompt' });
    else if (e.type === 'api_error' && this.isMainQuery(e.querySource)) {
      if (s.newestMainErrorKey === null || before(s.newestMainErrorKey, key)) s.newestMainErrorKey = key;
    }
    return NOT_A_REQUEST;
  }

  /** A metric point: counted when the agent's reader names a token or cost counter for it. */
  onMetric(p: MetricPoint): void {
    const r = this.readMetric?.(p) ?? null;
    if (r === null) return;
    const s = this.session(r.sessionId ?? NO_SESSION);
    s.metrics ??= new MetricCounters();
    s.metrics.add(p, r.counter);
    if (r.mainModel !== null) s.suffixModelId = r.mainModel;
  }

  /** A hook fact from the agent's adapter: it names a conversation of the agent guard started. */
  onHookFact(h: HookFact): void {
    if (h.type === 'unknown' || h.sessionId === null || h.sessionId === '') return;
    const sessionId = h.sessionId;
    if (this.foreign.has(sessionId)) return;
    if (this.childrenShareHooks && h.type === 'SessionStart' && h.source === 'startup' && this.hooked.size > 0 && !this.hooked.has(sessionId)) {
      this.foreign.add(sessionId);
      return;
    }
    const s = this.session(sessionId);
    this.hooked.add(sessionId);
    if (h.type === 'SessionStart') {
      this.onScreen = sessionId;
      if (h.source === 'resume') s.resumedStart = true;
      if (h.model !== null && h.model !== '') {
        s.hookModel = h.model;
        s.suffixModelId = h.model;
      }
    } else if (h.type === 'statusline') {
      if (h.rateLimits !== null) this.rateLimits = h.rateLimits;
      // A conversation resumed (`claude --continue`, `--resume`, `/resume`): before this run sent
      // anything of it, Claude's status line carries the usage of its newest main request, read
      // from the transcript: the gauge's own figure, exact (2.1.330: 53,044 and 72,925 resumed, as
      // the stand-in had counted them). A fresh or cleared conversation shows none (null), nor does
      // one resumed after a compaction, so nothing stale is carried over. The snapshot shows it
      // only for a conversation a SessionStart named resumed, and only until this run's first main
      // request of it; it is marked (`resumed`), and the policy acts on none of it.
      const u = h.currentUsage;
      if (u !== null) {
        const context = u.inputTokens + u.cacheReadTokens + u.cacheCreationTokens;
        if (Number.isInteger(context) && context > 0) s.resumed = { context, output: Number.isInteger(u.outputTokens) && u.outputTokens > 0 ? u.outputTokens : 0 };
      }
      const n = h.contextWindowSize;
      if (n !== null && Number.isInteger(n) && n > 0) s.statuslineWindow = n;
      if (h.modelId !== null && h.modelId !== '') {
        s.hookModel = h.modelId;
        s.suffixModelId = h.modelId;
      }
    }
  }

  /** The conversation now on screen. */
  snapshot(): ContextSnapshot {
    return this.snapshotFor(this.onScreenId());
  }

  /** The Claude session id now on screen; null before anything arrived. */
  onScreenId(): string | null {
    if (this.onScreen !== null) return this.onScreen;
    let best: SessionState | null = null;
    for (const s of this.sessions.values()) {
      if (!this.isFollowed(s.id)) continue;
      if (best === null || s.lastT > best.lastT || (s.lastT === best.lastT && s.lastArrival > best.lastArrival)) best = s;
    }
    return best === null || best.id === NO_SESSION ? null : best.id;
  }

  /**
   * Whether events of this session belong to the Claude guard started (see the header): a session
   * a guard hook named, or any session while no hook has named one. Events without a session id
   * (older Claude versions) count as followed.
   */
  /** A session of another copy of the agent that ran guard's hooks (see the header): none of its hooks count. */
  isForeign(sessionId: string | null): boolean {
    return sessionId !== null && this.foreign.has(sessionId);
  }

  isFollowed(sessionId: string | null): boolean {
    return sessionId === null || sessionId === NO_SESSION || this.hooked.size === 0 || this.hooked.has(sessionId);
  }

  sessionIds(): string[] {
    return [...this.sessions.keys()].filter((id) => id !== NO_SESSION);
  }

  /** Sum of cost_usd over every request of every session of the run. */
  runCostUsd(): number {
    let sum = 0;
    for (const s of this.sessions.values()) sum += s.costUsd;
    return sum;
  }

  snapshotFor(sessionId: string | null): ContextSnapshot {
    const s = this.sessions.get(sessionId ?? NO_SESSION) ?? null;
    const win = this.windowOf(s);
    const point = this.rules.autoCompactPoint(win.window, this.env, this.lowestAutoPreFor(win.window));
    const main = s?.newestMain ?? null;
    const resumed = main === null && s?.resumedStart === true ? s.resumed : null;
    const contextTokens = main?.context ?? resumed?.context ?? null;
    const fc = forecastFromGrowths(s === null ? [] : this.growthsOf(s), contextTokens, point.at);
    const snap: ContextSnapshot = {
      claudeSessionId: sessionId,
      model: main?.model ?? s?.hookModel ?? null,
      contextTokens,
      lastOutputTokens: main?.output ?? resumed?.output ?? 0,
      contextWindow: win.window,
      windowSource: win.source,
      autoCompactAt: point.at,
      autoCompactSource: point.source,
      growthPerTurn: fc.growthPerTurn,
      growthHigh: fc.growthHigh,
      turnsLeft: fc.turnsLeft,
      costUsd: this.runCostUsd(),
      mainRequests: s?.mainRequests ?? 0,
      compactions: s?.compactions.map((c) => copyCompaction(c.seen)) ?? [],
      sessionCostUsd: s?.costUsd ?? 0,
      contextAt: main?.key.t ?? null,
      compactedSinceRequest: s !== null && s.newestCompactionKey !== null && (main === null || before(main.key, s.newestCompactionKey)),
    };
    if (resumed !== null) snap.resumed = true;
    if (s?.metrics) snap.metricTotals = s.metrics.totals();
    if (this.rateLimits) snap.rateLimits = copyRateLimits(this.rateLimits);
    return snap;
  }

  private onRequest(s: SessionState, e: ApiRequestEvent, key: OrderKey): boolean {
    s.costUsd += e.costUsd;
    if (e.thread !== 'main') return false;
    const context = e.inputTokens + e.cacheReadTokens + e.cacheCreationTokens;
    if (e.threadGuessed && !this.plausiblyMain(s, context, key)) return false;
    s.mainRequests += 1;
    this.mark(s, key, { kind: 'main', context });
    if (s.newestMain === null || before(s.newestMain.key, key)) {
      s.newestMain = { key, context, output: e.outputTokens, model: e.model };
    }
    return true;
  }

  private plausiblyMain(s: SessionState, context: number, key: OrderKey): boolean {
    const main = s.newestMain;
    if (main === null) return true;
    if (before(key, main.key)) return false; // older than what the gauge shows: cannot move it
    if (s.newestCompactionKey !== null && before(main.key, s.newestCompactionKey) && before(s.newestCompactionKey, key)) return true;
    return context >= main.context;
  }

  private onCompaction(s: SessionState, e: CompactionEvent, key: OrderKey): void {
    const seen: CompactionSeen = {
      t: e.t, trigger: e.trigger, success: e.success, preTokens: e.preTokens, postTokens: e.postTokens, error: e.error,
    };
    insertSorted(s.compactions, { key, seen });
    if (!e.success) return;
    this.mark(s, key, { kind: 'compaction' });
    if (s.newestCompactionKey === null || before(s.newestCompactionKey, key)) s.newestCompactionKey = key;
    // Claude's recovery from a refused prompt (an API error since the newest main request) was set
    // off by the window, not by its auto-compact point: its pre_tokens say nothing of either.
    const err = s.newestMainErrorKey;
    const recovery = err !== null && before(err, key) && (s.newestMain === null || before(s.newestMain.key, err));
    if (e.trigger === 'auto' && !recovery && e.preTokens !== null && e.preTokens > 0) {
      // The window in force when it happened, before this compaction informs it.
      const window = this.windowOf(s).window;
      s.maxAutoPreTokens = Math.max(s.maxAutoPreTokens ?? 0, e.preTokens);
      const low = s.lowestAutoPre.get(window);
      if (low === undefined || e.preTokens < low) s.lowestAutoPre.set(window, e.preTokens);
    }
  }

  /** Lowest pre_tokens of an auto compaction under `window` in the followed sessions of the run. */
  private lowestAutoPreFor(window: number): number | undefined {
    let low: number | undefined;
    for (const s of this.sessions.values()) {
      if (!this.isFollowed(s.id)) continue;
      const v = s.lowestAutoPre.get(window);
      if (v !== undefined && (low === undefined || v < low)) low = v;
    }
    return low;
  }

  private growthsOf(s: SessionState): number[] {
    s.growths ??= turnGrowths(s.timeline.map((m) => m.mark));
    return s.growths;
  }

  private mark(s: SessionState, key: OrderKey, mark: TimelineMark): void {
    const first = s.timeline[0];
    if (s.pruned && first !== undefined && before(key, first.key)) return; // older than what is kept
    insertSorted(s.timeline, { key, mark });
    s.growths = null;
    if (mark.kind !== 'prompt') return;
    s.promptMarks += 1;
    if (s.promptMarks <= TURNS_KEPT) return;
    // Drop the oldest turn: everything before the second prompt mark.
    const second = s.timeline.findIndex((m, i) => i > 0 && m.mark.kind === 'prompt');
    const drop = s.timeline[0]?.mark.kind === 'prompt' ? second : s.timeline.findIndex((m) => m.mark.kind === 'prompt');
    if (drop > 0) {
      s.promptMarks -= s.timeline.slice(0, drop).filter((m) => m.mark.kind === 'prompt').length;
      s.timeline.splice(0, drop);
      s.pruned = true;
    }
  }

  private windowOf(s: SessionState | null): WindowResult {
    const own = this.ownWindowOf(s);
    if (own.source !== 'default') return own;
    // A conversation started by /clear knows nothing of its own yet: it runs on the same model
    // as the ones before it, so the newest window the run learned still holds.
    const known = [...this.sessions.values()].reverse().filter((o) => o !== s && this.isFollowed(o.id)).map((o) => this.ownWindowOf(o)).find((w) => w.source !== 'default');
    return known ?? own;
  }

  private ownWindowOf(s: SessionState | null): WindowResult {
    return this.rules.window({
      userOverride: this.windowOverride,
      userModelWindows: this.modelWindows,
      statuslineWindow: s?.statuslineWindow ?? null,
      suffixModelId: s?.suffixModelId ?? null,
      modelIds: [s?.newestMain?.model, s?.hookModel, s?.suffixModelId],
      observedAutoPreTokens: s?.maxAutoPreTokens ?? null,
    });
  }

  private session(id: string): SessionState {
    let s = this.sessions.get(id);
    if (s === undefined) {
      s = {
        id, lastT: -Infinity, lastArrival: 0, newestMain: null, mainRequests: 0, costUsd: 0,
        resumed: null, resumedStart: false, seenSequences: new Set(), timeline: [], promptMarks: 0, pruned: false, growths: null, compactions: [], newestCompactionKey: null,
        statuslineWindow: null, suffixModelId: null, hookModel: null, maxAutoPreTokens: null, newestMainErrorKey: null, lowestAutoPre: new Map(), metrics: null,
      };
      this.sessions.set(id, s);
    }
    return s;
  }
}

/** Keeps a list ordered by key; events mostly arrive in order, so search from the end. */
function insertSorted<T extends { key: OrderKey }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && before(item.key, (list[i - 1] as T).key)) i--;
  list.splice(i, 0, item);
}

function copyRateLimits(r: RateLimits): RateLimits {
  return { fiveHour: r.fiveHour && { ...r.fiveHour }, sevenDay: r.sevenDay && { ...r.sevenDay } };
}

function copyCompaction(c: CompactionSeen): CompactionSeen {
  return { t: c.t, trigger: c.trigger, success: c.success, preTokens: c.preTokens, postTokens: c.postTokens, error: c.error };
}
