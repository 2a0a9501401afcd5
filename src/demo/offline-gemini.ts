// An isolated, offline world for the real Gemini CLI: a HOME whose ~/.gemini/settings.json skips
// the first-run screens (auth choice, update check, usage statistics) and the environment that
// points Gemini at the local stand-in (src/demo/gemini-standin.ts). Used by the end-to-end tests.
//
// Seen on @google/gemini-cli 0.61.0 (Node 20, 100x30 pty): with the settings and variables below
// it goes straight to its prompt, sends nothing anywhere but the stand-in, and needs no login.
// GEMINI_CLI_TRUST_WORKSPACE=true skips the folder-trust question. `general.enableAutoUpdate`
// is the current name (`disableAutoUpdate` is migrated to it, with a rewrite of the file).
// Start-up to the prompt box: 4-15 s on this busy 2-core machine.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A model name the CLI does not know: it assumes the 1,048,576-token window of Gemini models. */
export const OFFLINE_GEMINI_MODEL = 'standin-model';
/** Any string works with the stand-in. */
export const OFFLINE_GEMINI_KEY = 'gemini-standin-key';

/** Writes `<home>/.gemini/settings.json` (0600) with `extra` merged over the offline settings. */
export async function writeOfflineGeminiHome(home: string, extra: Record<string, unknown> = {}): Promise<void> {
  await mkdir(join(home, '.gemini'), { recursive: true, mode: 0o700 });
  const settings = {
    security: { auth: { selectedType: 'gemini-api-key' } },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    privacy: { usageStatisticsEnabled: false },
    ui: { footer: { hideContextPercentage: false } },
    ...extra,
  };
  await writeFile(join(home, '.gemini', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}

/** The variables that keep Gemini offline and on the stand-in. */
export function offlineGeminiEnv(apiUrl: string, home: string): Record<string, string> {
  return {
    HOME: home,
    GEMINI_API_KEY: OFFLINE_GEMINI_KEY,
    GOOGLE_GEMINI_BASE_URL: apiUrl,
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
  };
}
