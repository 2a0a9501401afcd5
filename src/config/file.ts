// Where guard's config file lives: `config.json` in the config folder (src/paths.ts). Shared by
// the loader a run uses (./load.ts, which must not load `conf`) and the store (./store.ts).
import * as path from 'node:path';

export const CONFIG_NAME = 'config';

export function configFilePath(configDir: string): string {
  return path.join(configDir, `${CONFIG_NAME}.json`);
}
