// An isolated, offline world for the real Claude Code: a HOME whose ~/.claude.json skips every
// first-run screen (onboarding, the API-key question, the trust dialog) and the environment that
// points Claude at a local stand-in API. Used by `guard demo`, and by the end-to-end tests.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The model the demo, the end-to-end tests and the benches run: a current model with a
 * 200,000-token window that Claude Code itself does not compact ahead of, so that guard must.
 * (claude-sonnet-4-5 retires on 2026-11-30; the evidence for this choice is in
 * test/helpers/claude-env.ts.)
 */
export const OFFLINE_MODEL = 'claude-haiku-4-5';

/** Any string works with the stand-in; Claude remembers the approval by its last 20 characters. */
export const OFFLINE_API_KEY = 'sk-ant-guard-offline-0000000000000000000000';

/** Writes `<home>/.claude.json` so that Claude goes straight to its prompt in `cwd`. */
export async function writeOfflineClaudeHome(home: string, cwd: string, extra: Record<string, unknown> = {}, apiKey = OFFLINE_API_KEY): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const claudeJson = {
    hasCompletedOnboarding: true,
    customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] },
    projects: { [cwd]: { hasTrustDialogAccepted: true, allowedTools: [] } },
    ...extra,
  };
  await writeFile(join(home, '.claude.json'), JSON.stringify(claudeJson, null, 2), { mode: 0o600 });
}

/** The variables that keep Claude offline and on the stand-in API. */
export function offlineClaudeEnv(apiUrl: string, home: string, apiKey = OFFLINE_API_KEY): Record<string, string> {
  return {
    HOME: home,
    ANTHROPIC_BASE_URL: apiUrl,
    ANTHROPIC_API_KEY: apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
}

/**
 * Variables of the user's that would reach past the throw-away HOME: Claude's config folder and
 * settings (CLAUDE_*), their account, gateway and model choice (ANTHROPIC_*), their telemetry
 * collector (OTEL_*), and a cloud provider switch (e.g. CLAUDE_CODE_USE_BEDROCK).
 */
const USER_CLAUDE_VARS = /^(?:ANTHROPIC_|CLAUDE_|OTEL_)/;

/** The user's environment (PATH, TERM, locale, GUARD_HOME …) without their Claude, Anthropic and
 * OpenTelemetry variables, plus the offline ones: Claude then sees only the throw-away HOME. */
export function isolatedClaudeEnv(userEnv: NodeJS.ProcessEnv, apiUrl: string, home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(userEnv)) if (v !== undefined && !USER_CLAUDE_VARS.test(k)) env[k] = v;
  return { ...env, ...offlineClaudeEnv(apiUrl, home) };
}
