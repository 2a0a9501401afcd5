// Reads guard's config for a run without loading `conf` (and its validator) when there is no
// config file, which is the common case: every run of guard pays for what it imports at start.
import * as fs from 'node:fs';
import { DEFAULT_CONFIG, type GuardConfig } from './settings.js';
import { configFilePath } from './file.js';

/** The config in `configDir`, or the defaults when there is no file yet (nothing is created). */
export async function loadConfigForRun(configDir: string): Promise<GuardConfig> {
  if (!fs.existsSync(configFilePath(configDir))) return { ...DEFAULT_CONFIG };
  const { loadConfig } = await import('./store.js');
  return loadConfig(configDir);
}
