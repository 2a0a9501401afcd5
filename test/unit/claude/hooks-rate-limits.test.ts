// The subscription limits on Claude's status line (`rate_limits.five_hour` / `seven_day`), from
// the parser through the tracker's snapshot to the footer. The stand-in API cannot make Claude
// produce them (they come with a Claude.ai login), so the fixture statusline-rate-limits.json is
// the real 2.1.330 capture fixtures/claude-code-2.1.330/hooks/007-statusline.json with the
// documented `rate_limits` object added: `used_percentage` and `resets_at` in Unix seconds, as
// 2.1.330's status-line code builds it (it compares resets_at with Date.parse(…)/1000).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHook } from '../../../src/claude/hooks.js';
import { ClaudeTracker } from '../../helpers/claude-tracker.js';
import { renderClaudeFooter, type FooterView } from '../../../src/ui/footer.js';
import { displayWidth, formatCountdown } from '../../../src/lib/text.js';

const FIXTURE = JSON.parse(readFileSync(join(import.meta.dirname, 'statusline-rate-limits.json'), 'utf8')) as Record<string, unknown>;
const CAPTURE = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'claude-code-2.1.330', 'hooks', '007-statusline.json'), 'utf8')) as Record<string, unknown>;
const FIVE_HOUR_RESET = 1_795_500_000_000;
const SEVEN_DAY_RESET = 1_795_800_000_000;
/** 1 h 26 min before the five-hour window resets. */
const NOW = FIVE_HOUR_RESET - (86 * 60_000);

t.test('the parser reads both windows; the rest of the status line is as captured', async (t) => {
  const h = parseHook('statusline', FIXTURE);
  t.match(h, {
    type: 'statusline', version: '2.1.330', contextWindowSize: 1_000_000, costUsd: 0.0238071,
    rateLimits: { fiveHour: { usedPercentage: 42, resetsAt: FIVE_HOUR_RESET }, sevenDay: { usedPercentage: 87.5, resetsAt: SEVEN_DAY_RESET } },
  });
  t.equal(parseHook('statusline', CAPTURE).type === 'statusline' && (parseHook('statusline', CAPTURE) as { rateLimits: unknown }).rateLimits, null, 'the capture itself (an API key) has none');
});

t.test('the parser takes what the documented shapes allow and nothing else', async (t) => {
  const rl = (rate_limits: unknown): unknown => { const h = parseHook('statusline', { ...CAPTURE, rate_limits }); return h.type === 'statusline' ? h.rateLimits : 'not a status line'; };
  t.same(rl({ five_hour: { used_percentage: 10, resets_at: '2026-03-28T15:00:00Z' } }), { fiveHour: { usedPercentage: 10, resetsAt: Date.parse('2026-03-28T15:00:00Z') }, sevenDay: null }, 'an ISO time, as some reports show');
  t.same(rl({ seven_day: { used_percentage: '15', resets_at: 1_795_800_000_000 } }), { fiveHour: null, sevenDay: { usedPercentage: 15, resetsAt: SEVEN_DAY_RESET } }, 'milliseconds and a numeric string');
  t.same(rl({ five_hour: { used_percentage: 5 } }), { fiveHour: { usedPercentage: 5, resetsAt: null }, sevenDay: null }, 'no reset time');
  t.same(rl({ five_hour: { used_percentage: 130, resets_at: 'soon' } }), { fiveHour: { usedPercentage: 100, resetsAt: null }, sevenDay: null }, 'capped at 100; a bad time is dropped');
  t.equal(rl({ five_hour: { resets_at: 1 } }), null, 'no percentage: no window');
  t.equal(rl({ five_hour: { used_percentage: -1 } }), null);
  t.equal(rl({}), null);
  t.equal(rl(null), null);
  t.equal(rl([1]), null);
  t.equal(rl('x'), null);
});

t.test('the tracker carries the newest limits into its snapshot, across conversations', async (t) => {
  const tracker = new ClaudeTracker({ env: {} });
  tracker.onHook('statusline', CAPTURE);
  t.equal(tracker.snapshot().rateLimits, undefined, 'none before a status line carries them');
  tracker.onHook('statusline', FIXTURE);
  t.same(tracker.snapshot().rateLimits, { fiveHour: { usedPercentage: 42, resetsAt: FIVE_HOUR_RESET }, sevenDay: { usedPercentage: 87.5, resetsAt: SEVEN_DAY_RESET } });
  tracker.onHook('statusline', CAPTURE);
  t.equal(tracker.snapshot().rateLimits?.fiveHour?.usedPercentage, 42, 'a status line without them (before a new conversation\'s first request) keeps the last');
  tracker.onHook('SessionStart', { session_id: 'after-clear', source: 'clear' });
  t.equal(tracker.snapshot().claudeSessionId, 'after-clear');
  t.equal(tracker.snapshot().rateLimits?.sevenDay?.usedPercentage, 87.5, 'the account\'s limits outlive /clear');
  tracker.onHook('statusline', { ...CAPTURE, rate_limits: { five_hour: { used_percentage: 43, resets_at: 1_795_500_000 } } });
  t.same(tracker.snapshot().rateLimits, { fiveHour: { usedPercentage: 43, resetsAt: FIVE_HOUR_RESET }, sevenDay: null }, 'the newest replaces them');
});

t.test('the footer shows them, and gives them up in order as the terminal narrows', async (t) => {
  const tracker = new ClaudeTracker({ env: {}, windowOverride: 200_000 });
  tracker.onHook('statusline', FIXTURE);
  const snapshot = { ...tracker.snapshot(), contextTokens: 121_400, growthPerTurn: 8200, turnsLeft: 5, costUsd: 1.234, model: 'claude-sonnet-5' };
  const view: FooterView = { snapshot, state: 'idle', now: NOW };
  const plain = (v: FooterView, w: number): string => renderClaudeFooter(v, w, { color: false })[0]!;
  const at: Record<number, string> = {
    200: 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ +8.2k/turn ~5 turns │ $1.23 │ 5h 42% ↻1h26m · 7d 88% ↻3d12h │ sonnet-5 200k │ idle',
    120: 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ +8.2k/turn ~5 turns │ $1.23 │ 5h 42% ↻1h26m · 7d 88% ↻3d12h │ idle',
    100: 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ $1.23 │ 5h 42% ↻1h26m · 7d 88% ↻3d12h │ idle',
    80: 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ $1.23 │ 5h 42% · 7d 88% │ idle',
    71: 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ 5h 42% · 7d 88% │ idle',
    70: 'guard │ ███████████████░░░░░ 121.4k / 167k 73% │ idle',
    50: 'guard │ ████████████░░░░ 121.4k / 167k 73% │ idle',
  };
  for (const [w, expected] of Object.entries(at)) t.equal(plain(view, Number(w)), expected, `width ${w}`);
  t.equal(plain({ ...view, now: undefined }, 200).includes('5h 42% · 7d 88%'), true, 'no clock: no countdowns');
  t.match(plain({ ...view, now: SEVEN_DAY_RESET + 1 }, 200), /5h 42% ↻now · 7d 88% ↻now/, 'a passed reset says so');
  const coloured = renderClaudeFooter(view, 200, { color: true })[0]!;
  t.match(coloured, /5h \x1b\[32m42%\x1b\[0m/, 'under 60%: green like the gauge');
  t.match(coloured, /7d \x1b\[31m88%\x1b\[0m/, 'from 80%: red');
  for (let w = 1; w <= 200; w++) {
    for (const color of [false, true]) {
      const line = renderClaudeFooter(view, w, { color })[0]!;
      if (displayWidth(line) > w) t.fail(`width ${w} exceeded: ${line}`);
    }
    const line = plain(view, w);
    if (line.includes('↻')) t.ok(line.includes('$1.23'), `width ${w}: countdowns go before the cost`);
    if (line.includes('$1.23')) t.ok(line.includes('5h 42%'), `width ${w}: the cost goes before the limits`);
  }
  t.equal(formatCountdown(59_000), '1m');
  t.equal(formatCountdown(3 * 3_600_000 + 5 * 60_000), '3h05m');
  t.equal(formatCountdown(2 * 86_400_000 + 7 * 3_600_000), '2d07h');
  t.equal(formatCountdown(0), 'now');
});
