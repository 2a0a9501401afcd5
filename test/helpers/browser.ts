// A real browser for the review's page tests: Debian's headless Chromium (`apt-get install
// chromium`; `.ci/run` installs it) driven by playwright-core, which never downloads a browser of
// its own. Each launch gets a fresh profile folder and no network beyond what the page asks for
// (the flags below turn off Chromium's own background traffic). Outside CI, a machine without
// Chromium skips these tests with a message; in CI (CI=true) a missing Chromium is a failure.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian (and most distributions) put it; CHROMIUM_PATH overrides. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium', '/usr/bin/google-chrome'];
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

export function chromiumPath(): string | null {
  const given = process.env.CHROMIUM_PATH;
  if (given) return existsSync(given) ? given : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** The reason to skip, or undefined when the tests can run. Throws in CI when Chromium is missing. */
export function browserSkipReason(): string | undefined {
  if (chromiumPath() !== null) return undefined;
  const msg = `no Chromium found (looked at ${CANDIDATES.join(', ')}; set CHROMIUM_PATH): apt-get install chromium`;
  if (process.env.CI) throw new Error(`CI must run the browser tests: ${msg}`);
  return msg;
}

export interface TestBrowser { context: BrowserContext; close(): Promise<void> }

export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new Error('launchBrowser: no Chromium (call browserSkipReason first)');
  const profile = mkdtempSync(join(tmpdir(), 'guard-chromium-'));
  // A persistent context is how playwright takes a profile folder of our choosing (a fresh one).
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: FLAGS });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
