// guard's config `windows` (one model's window) in the window inference and the tracker:
// per model beats the window for all, which beats what guard infers; the id matches as Claude
// reports it, without a "[1m]" suffix, or without a date suffix.
import t from 'tap';
import { inferWindow } from '../../../src/claude/window.js';
import { userModelWindow } from '../../../src/context/window.js';
import { ClaudeTracker } from '../../helpers/claude-tracker.js';

t.test('userModelWindow: exact id (any case), then without [1m], then without a date', async (t) => {
  const table = { 'claude-opus-4-8': 500_000, 'Claude-Sonnet-4-5': 300_000, 'claude-haiku-4-5[1m]': 1_000_000 };
  t.equal(userModelWindow(table, ['claude-opus-4-8'], null), 500_000);
  t.equal(userModelWindow(table, ['claude-sonnet-4-5'], null), 300_000, 'case does not matter');
  t.equal(userModelWindow(table, ['claude-opus-4-8-20260101'], null), 500_000, 'a dated id');
  t.equal(userModelWindow(table, ['claude-opus-4-8'], 'claude-opus-4-8[1m]'), 500_000, 'the suffixed id falls back to the plain key');
  t.equal(userModelWindow(table, ['claude-haiku-4-5'], 'claude-haiku-4-5[1m]'), 1_000_000, 'a [1m] key matches the suffixed id (hooks, metrics)');
  t.equal(userModelWindow(table, ['claude-haiku-4-5'], null), null, 'but not the plain one');
  t.equal(userModelWindow(table, ['claude-sonnet-5'], 'claude-haiku-4-5[1m]'), null, 'a stale suffixed id of another model is not used');
  t.equal(userModelWindow({}, ['claude-opus-4-8'], null), null);
});

t.test('inferWindow: per model, then for all, then the status line', async (t) => {
  t.same(inferWindow({ userModelWindows: { 'claude-opus-4-8': 500_000 }, userOverride: 300_000, statuslineWindow: 1_000_000, modelIds: ['claude-opus-4-8'] }), { window: 500_000, source: 'user' });
  t.same(inferWindow({ userModelWindows: { 'claude-opus-4-8': 500_000 }, userOverride: 300_000, statuslineWindow: 1_000_000, modelIds: ['claude-sonnet-4-5'] }), { window: 300_000, source: 'user' });
  t.same(inferWindow({ userModelWindows: { 'claude-opus-4-8': 500_000 }, statuslineWindow: 1_000_000, modelIds: ['claude-sonnet-4-5'] }), { window: 1_000_000, source: 'statusline' });
});

t.test('the tracker applies the window of the model in use, and its auto-compact point', async (t) => {
  const tracker = new ClaudeTracker({ env: {}, modelWindows: { 'claude-opus-4-8': 500_000 } });
  tracker.onHook('SessionStart', { session_id: 's', model: 'claude-opus-4-8' });
  t.match(tracker.snapshot(), { contextWindow: 500_000, windowSource: 'user', autoCompactAt: 467_000 });
  tracker.onHook('statusline', { session_id: 's', model: { id: 'claude-sonnet-4-5' }, context_window: { context_window_size: 200_000 } });
  t.match(tracker.snapshot(), { contextWindow: 200_000, windowSource: 'statusline' }, 'after /model to another model: what Claude says');
  t.throws(() => new ClaudeTracker({ env: {}, modelWindows: { x: -1 } }), /modelWindows.x must be a positive integer, got -1/);
});
