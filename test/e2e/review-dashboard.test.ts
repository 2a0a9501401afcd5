// Issue 9, `guard dashboard` live: the real Claude Code 2.1.330 under `bin/guard.js claude`
// against the stand-in API, and `bin/guard.js dashboard` on the same GUARD_HOME, opened in
// Debian's headless Chromium (playwright-core). The page shows the running session's card; after
// a padded turn its context changes on the page without a reload (server-sent events); when
// Claude exits the card goes and the history lists the session.
import t from 'tap';
import { spawn } from 'node:child_process';
import { formatTokens } from '../../src/lib/text.js';
import { GUARD_BIN, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import { answeredTurn, exitClaude } from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';
import { browserSkipReason, launchBrowser } from '../helpers/browser.js';

const skip = browserSkipReason();
const PAD = 30_000;

t.test('the dashboard shows a running guard claude session and follows its context without a reload', { skip }, async (t) => {
  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL] });
  t.teardown(() => s.dispose());
  const hello = await answeredTurn(s, 'hello');

  const dash = spawn(process.execPath, [GUARD_BIN, 'dashboard'], { env: s.env.env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { if (dash.exitCode === null) dash.kill('SIGTERM'); });
  let out = '';
  dash.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from guard dashboard: ${out}`)), 15_000);
    dash.stdout.on('data', () => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
  });
  t.pass(`the dashboard printed its URL: ${url.replace(/token=.*/, 'token=…')}`);

  const b = await launchBrowser();
  t.teardown(() => b.close());
  const page = await b.context.newPage();
  await page.goto(url);
  const card = page.locator('#live .card');
  await card.first().waitFor({ timeout: 10_000 });
  t.equal(await card.count(), 1, 'one running session');
  t.match(await card.locator('h3').textContent(), /^claude · /);
  const context = (): Promise<string | null> => card.locator('.context').textContent();
  await until(async () => (await context())?.startsWith(`${formatTokens(hello.contextTokens!)} / 167k`) ?? false, 10_000, 'the first context on the page');
  t.match(await context(), `${formatTokens(hello.contextTokens!)} / 167k (`, 'its context against the auto-compact point, as the API reported it');
  t.match(await card.locator('.state').textContent(), /idle|working/);
  t.match(await card.locator('.next').textContent(), /handoff at 80%/, 'what guard is about to do');
  // Expression strings: the test's TypeScript has no DOM types. A reload would lose this.
  await page.evaluate('window.noReload = true');

  const padded = await answeredTurn(s, `PAD:${PAD} grow`);
  t.ok(padded.contextTokens! > hello.contextTokens! + PAD / 2, `the context grew: ${hello.contextTokens} → ${padded.contextTokens}`);
  const want = `${formatTokens(padded.contextTokens!)} / 167k`;
  await until(async () => (await context())?.startsWith(want) ?? false, 10_000, `the page to show ${want}`);
  t.match(await context(), want, 'the page shows the new context');
  t.equal(await page.evaluate('window.noReload'), true, 'without a reload');
  t.match(await page.locator('#history tbody').textContent(), /\(running\)/, 'the history lists the running session');

  t.equal((await exitClaude(s)).exitCode, 0);
  await page.locator('#live .empty').waitFor({ timeout: 10_000 });
  t.match(await page.locator('#live').textContent(), /No guarded session is running/, 'the card goes when the session ends');
  await until(async () => !/\(running\)/.test(await page.locator('#history tbody').textContent() ?? ''), 10_000, 'the history to show the session ended');
  t.pass('the history shows it ended');

  dash.kill('SIGTERM');
  const code = await new Promise((r) => dash.once('exit', (c) => r(c)));
  t.equal(code, 0, 'the dashboard stops cleanly on SIGTERM');
});
