// Issue 9, `guard log --html FILE latest` in a real browser: Debian's headless Chromium driven by
// playwright-core (test/helpers/browser.ts). The log is written by guard's own SessionLog (a
// threshold checkpoint, a missed automatic compaction, a record of an unknown type and a line
// cut mid-write); the page is opened from the file with every network request refused, and the
// test reads the DOM: the chart is drawn, the auto-compact line and the labelled markers sit on
// the right turn, the turn table and the skipped-lines note are there, dark mode changes colours.
// A screenshot of each mode goes to the temp folder (paths in the test output).
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { SessionLog } from '../../src/log/session-log.js';
import { resolvePaths } from '../../src/paths.js';
import { GUARD_BIN } from '../helpers/claude-env.js';
import { browserSkipReason, launchBrowser } from '../helpers/browser.js';

const skip = browserSkipReason();

t.test('the --html page: chart drawn, checkpoint labelled on its turn, table, light and dark', { skip }, async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-html-'));
  t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  const { sessionsDir } = resolvePaths({ env: { GUARD_HOME: home } });
  let now = Date.UTC(2026, 10, 24, 5, 0, 0);
  const log = SessionLog.open({ sessionsDir, now: () => now, flushOnExit: false, start: { pid: 7, program: 'claude', args: [], cwd: '/work/proj', guardVersion: '0.1.0' } });
  const main = (ctx: number) => ({ type: 'request' as const, claudeSessionId: 'c', thread: 'main' as const, querySource: null, model: 'claude-sonnet-4-5',
    inputTokens: 100, outputTokens: 50, cacheReadTokens: ctx - 100, cacheCreationTokens: 0, costUsd: 0.05, durationMs: 900, contextTokens: ctx });
  log.append({ type: 'window', contextWindow: 200_000, source: 'known-model', autoCompactAt: 167_000 });
  const contexts = [20_000, 60_000, 110_000, 140_000, 25_000, 70_000, 120_000, 165_000, 12_000];
  contexts.forEach((ctx, i) => {
    now += 5000;
    log.append(main(ctx));
    if (i === 3) {
      for (const phase of ['armed', 'prompted', 'note-written', 'cleared', 'resumed']) {
        now += 500;
        log.append({ type: 'checkpoint', phase, strategy: 'handoff', contextTokens: ctx, reason: 'threshold' });
      }
    }
    if (i === 7) log.append({ type: 'compaction', claudeSessionId: 'c', trigger: 'auto', success: true, preTokens: 168_000, postTokens: 11_000, error: null, miss: true });
  });
  log.append({ type: 'exit', code: 0, signal: null });
  log.close();
  fs.appendFileSync(log.path, '{"t":"2026-11-24T05:01:00.000Z","type":"from_the_future","x":1}\n{"t": "2026-11-24T05:01:01');

  const file = path.join(home, 'review.html');
  const r = spawnSync(process.execPath, [GUARD_BIN, 'log', '--html', file, 'latest'], { env: { ...process.env, GUARD_HOME: home }, encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /skipped 1 line that was not a whole record .* \(from_the_future ×1\)/, 'what was skipped is said');
  t.equal(fs.statSync(file).mode & 0o777, 0o600, 'the page is private to the user');

  const b = await launchBrowser();
  t.teardown(() => b.close());
  const page = await b.context.newPage();
  const outside: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  await page.goto(`file://${file}`);

  const chart = page.locator('svg#context-chart');
  const box = await chart.boundingBox();
  t.ok(box && box.width > 300 && box.height > 100, `the chart is drawn (${box?.width}×${box?.height})`);
  const points = (await page.locator('#context-line').getAttribute('points'))?.trim().split(/\s+/) ?? [];
  t.equal(points.length, contexts.length, 'one point per turn');
  t.equal(await page.locator('#auto-compact-line').count(), 1, 'the auto-compact line');
  t.match(await page.locator('svg#context-chart text.limit-label').textContent(), 'auto-compact 167k');
  // Higher context is higher on the page: the point of 165k sits above the point of 20k.
  const y = (i: number): number => Number(points[i]!.split(',')[1]);
  t.ok(y(7) < y(0), 'the curve rises with the context');

  const cp = page.locator('svg#context-chart g.marker.checkpoint');
  t.equal(await cp.count(), 1, 'one checkpoint marker');
  t.equal(await cp.locator('text').textContent(), 'checkpoint (threshold)', 'labelled with why');
  t.equal(await cp.getAttribute('data-turn'), '4');
  t.equal(await cp.locator('line').getAttribute('x1'), points[3]!.split(',')[0], 'on the 4th turn\'s point');
  t.ok(await cp.locator('text').isVisible(), 'its label is visible');
  const k = page.locator('svg#context-chart g.marker.compaction');
  t.equal(await k.locator('text').textContent(), 'compaction (missed)');
  t.equal(await k.locator('line').getAttribute('x1'), points[7]!.split(',')[0], 'the compaction on the 8th turn\'s point');

  t.equal(await page.locator('#turns tr.turn').count(), contexts.length, 'a table row per turn');
  const afterFour = page.locator('#turns tr.turn').nth(3).locator('xpath=following-sibling::tr[1]');
  t.match(await afterFour.textContent(), /checkpoint \(threshold\): handoff resumed/, 'the checkpoint row follows turn 4');
  t.match(await page.locator('#skipped').textContent(), /from_the_future ×1/);
  t.match(await page.locator('#totals').textContent(), /checkpoints1.*misses1/s);

  // An expression string: the test's TypeScript has no DOM types.
  const bg = async (): Promise<number[]> => (String(await page.evaluate('getComputedStyle(document.body).backgroundColor')).match(/\d+/g) ?? []).map(Number);
  const light = await bg();
  const lightShot = path.join(os.tmpdir(), 'guard-review-light.png');
  await page.screenshot({ path: lightShot, fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await bg();
  const darkShot = path.join(os.tmpdir(), 'guard-review-dark.png');
  await page.screenshot({ path: darkShot, fullPage: true });
  t.ok(light.slice(0, 3).reduce((a, c) => a + c, 0) > 600, `light background: ${light}`);
  t.ok(dark.slice(0, 3).reduce((a, c) => a + c, 0) < 150, `dark background: ${dark}`);
  t.comment(`screenshots: ${lightShot} ${darkShot}`);
  t.same(outside, [], 'the page fetched nothing');
});
