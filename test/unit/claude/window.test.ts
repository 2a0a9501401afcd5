// The window's sources in order, the table of known models, and the auto-compact point under the
// user's environment settings.
import t from 'tap';
import { inferWindow, knownModelWindow, autoCompactPoint, parseShare, parseTokenCount, windowFromCompaction } from '../../../src/claude/window.js';

t.test('sources, best first', async (t) => {
  const all = { userOverride: 300_000, statuslineWindow: 1_000_000, suffixModelId: 'claude-opus-4-8[1m]', modelIds: ['claude-opus-4-8'], observedAutoPreTokens: 190_000 };
  t.same(inferWindow(all), { window: 300_000, source: 'user' });
  t.same(inferWindow({ ...all, userOverride: null }), { window: 1_000_000, source: 'statusline' });
  t.same(inferWindow({ ...all, userOverride: null, statuslineWindow: null }), { window: 1_000_000, source: 'model-suffix' });
  t.same(inferWindow({ modelIds: ['claude-opus-4-8'], observedAutoPreTokens: 190_000 }), { window: 200_000, source: 'known-model' });
  t.same(inferWindow({ modelIds: ['claude-new-model'], observedAutoPreTokens: 190_000 }), { window: 200_000, source: 'observed-compaction' });
  t.same(inferWindow({ modelIds: ['claude-new-model'] }), { window: 200_000, source: 'default' });
  t.same(inferWindow({}), { window: 200_000, source: 'default' });
});

t.test('a compaction larger than the table window proves the table wrong', async (t) => {
  t.same(inferWindow({ modelIds: ['claude-sonnet-5'], observedAutoPreTokens: 967_128 }), { window: 1_000_000, source: 'observed-compaction' });
  t.equal(windowFromCompaction(171_028), 200_000);
  t.equal(windowFromCompaction(200_000), 200_000);
  t.equal(windowFromCompaction(967_128), 1_000_000);
});

t.test('the [1m] suffix applies only while the main conversation runs that model', async (t) => {
  t.equal(inferWindow({ suffixModelId: 'claude-opus-4-8[1m]', modelIds: ['claude-opus-4-8'] }).source, 'model-suffix');
  t.equal(inferWindow({ suffixModelId: 'claude-opus-4-8[1M]', modelIds: [] }).source, 'model-suffix');
  t.same(inferWindow({ suffixModelId: 'claude-opus-4-8[1m]', modelIds: ['claude-sonnet-4-5'] }), { window: 200_000, source: 'known-model' });
  t.same(inferWindow({ suffixModelId: 'claude-sonnet-5', modelIds: [null, 'claude-sonnet-5'] }), { window: 200_000, source: 'known-model' });
});

t.test('the table of known models: exact ids and dated ids, no prefix confusion', async (t) => {
  t.equal(knownModelWindow('claude-sonnet-5'), 200_000);
  t.equal(knownModelWindow('claude-sonnet-5-5'), 1_000_000, 'not claude-sonnet-5 by prefix');
  t.equal(knownModelWindow('claude-sonnet-4-5'), 200_000);
  t.equal(knownModelWindow('claude-sonnet-4-5-20250929'), 200_000);
  t.equal(knownModelWindow('Claude-Sonnet-5'), 200_000);
  for (const name of ['constructor', 'toString', '__proto__', 'valueOf-20250929']) t.equal(knownModelWindow(name), null, `${name}: no window of Object's`);
  t.equal(knownModelWindow('claude-sonnet-5-9'), null);
  t.equal(knownModelWindow('gpt-x'), null);
});

t.test('auto-compact point: default window − 33,000', async (t) => {
  t.same(autoCompactPoint(200_000, {}), { at: 167_000, source: 'default' });
  t.same(autoCompactPoint(1_000_000, {}), { at: 967_000, source: 'default' });
});

t.test('CLAUDE_CODE_AUTO_COMPACT_WINDOW caps the window used for the point', async (t) => {
  t.same(autoCompactPoint(1_000_000, { CLAUDE_CODE_AUTO_COMPACT_WINDOW: '400000' }), { at: 367_000, source: 'env-window' });
  t.same(autoCompactPoint(1_000_000, { CLAUDE_CODE_AUTO_COMPACT_WINDOW: '400k' }), { at: 367_000, source: 'env-window' });
  t.same(autoCompactPoint(200_000, { CLAUDE_CODE_AUTO_COMPACT_WINDOW: '500000' }), { at: 167_000, source: 'default' }, 'never raises it');
  t.same(autoCompactPoint(200_000, { CLAUDE_CODE_AUTO_COMPACT_WINDOW: 'lots' }), { at: 167_000, source: 'default' }, 'unusable: ignored');
});

t.test('CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: fraction or percentage of (window − 20,000), lowers only', async (t) => {
  t.same(autoCompactPoint(200_000, { CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '0.5' }), { at: 90_000, source: 'env-pct' });
  t.same(autoCompactPoint(200_000, { CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '50' }), { at: 90_000, source: 'env-pct' });
  t.same(autoCompactPoint(200_000, { CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '95' }), { at: 167_000, source: 'default' }, '171,000 would raise it');
  t.same(autoCompactPoint(1_000_000, { CLAUDE_CODE_AUTO_COMPACT_WINDOW: '400000', CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '0.8' }), { at: 304_000, source: 'env-pct' });
  t.same(autoCompactPoint(200_000, { CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '0' }), { at: 167_000, source: 'default' });
  t.same(autoCompactPoint(200_000, { CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '150' }), { at: 167_000, source: 'default' });
  t.equal(parseShare('0.8'), 0.8);
  t.equal(parseShare('80'), 0.8);
  t.equal(parseShare('1'), 1);
  t.equal(parseShare('abc'), null);
  t.equal(parseShare(undefined), null);
});

t.test('DISABLE_AUTO_COMPACT: the point is the window', async (t) => {
  t.same(autoCompactPoint(200_000, { DISABLE_AUTO_COMPACT: '1' }), { at: 200_000, source: 'disabled' });
  t.same(autoCompactPoint(200_000, { DISABLE_AUTO_COMPACT: 'true', CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '50' }), { at: 200_000, source: 'disabled' });
  t.same(autoCompactPoint(200_000, { DISABLE_AUTO_COMPACT: '0' }), { at: 167_000, source: 'default' });
  t.same(autoCompactPoint(200_000, { DISABLE_AUTO_COMPACT: '' }), { at: 167_000, source: 'default' });
});

t.test('an observed automatic compaction lowers the point, never raises it', async (t) => {
  t.same(autoCompactPoint(200_000, {}, 150_000), { at: 150_000, source: 'observed-compaction' });
  t.same(autoCompactPoint(200_000, {}, 171_028), { at: 167_000, source: 'default' });
  t.same(autoCompactPoint(200_000, { CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '50' }, 150_000), { at: 90_000, source: 'env-pct' });
});

t.test('token counts', async (t) => {
  t.equal(parseTokenCount('150000'), 150_000);
  t.equal(parseTokenCount('1m'), 1_000_000);
  t.equal(parseTokenCount(' 1.5M '), 1_500_000);
  t.equal(parseTokenCount('0'), null);
  t.equal(parseTokenCount('-5'), null);
  t.equal(parseTokenCount(undefined), null);
});
