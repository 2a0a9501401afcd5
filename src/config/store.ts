// Reads and writes guard's config file. The one module that imports `conf`. Input: the config
// folder from src/paths.ts (GUARD_HOME when set). Output: a validated GuardConfig (defaults for
// what the file leaves out). The file is `config.json`, 0600, in a 0700 folder; `conf` is given
// that folder through its `cwd` option, so it never picks a path of its own.
import Conf from 'conf';
import * as fs from 'node:fs';
import { FILE_MODE, GuardPathError, ensurePrivateDir, ensurePrivateFile } from '../paths.js';
import { CONFIG_NAME, configFilePath } from './file.js';
import { ConfigError, DEFAULT_CONFIG, checkValue, validateConfig, type ConfigKey, type GuardConfig } from './settings.js';


export interface ConfigStore {
  readonly path: string;
  /** The whole config, defaults filled in; throws ConfigError for a bad file. */
  load(): GuardConfig;
  /** The keys the file sets (checked like load()); {} when there is no file. */
  stored(): Partial<GuardConfig>;
  /** Checks and stores one value (the file then holds it even if it equals the default). */
  set<K extends ConfigKey>(key: K, value: GuardConfig[K]): void;
  /** Removes a key from the file: it takes its default again. */
  reset(key: ConfigKey): void;
}

/** Opens (without creating) the config in `configDir`; the folder is made 0700 on first write. */
export function openConfig(configDir: string): ConfigStore {
  const file = configFilePath(configDir);
  let conf: Conf<Record<string, unknown>> | null = null;
  // Reading tightens the folder and file when it can; a read-only GUARD_HOME is still read (the
  // run goes on without records, it must not fail on its config). Writing requires both.
  let tightened = false;
  const tighten = (forWrite: boolean): void => {
    if (tightened) return;
    try {
      ensurePrivateDir(configDir);
      if (conf) ensurePrivateFile(file);
      tightened = conf !== null;
    } catch (err) {
      if (forWrite || !(err instanceof GuardPathError)) throw err;
    }
  };
  const store = (forWrite = true): Conf<Record<string, unknown>> => {
    if (conf) { tighten(forWrite); return conf; }
    tighten(forWrite);
    try {
      // No defaults handed to conf: a file holds only what the user set, so a changed default
      // in a later guard reaches everyone who did not set that key.
      // Keys are taken as written (a model id in `windows` may hold a dot), never as paths.
      conf = new Conf<Record<string, unknown>>({
        cwd: configDir, configName: CONFIG_NAME, configFileMode: FILE_MODE, clearInvalidConfig: false, accessPropertiesByDotNotation: false,
      });
    } catch (err) {
      throw new ConfigError(`cannot read: ${err instanceof Error ? err.message : String(err)}`, null, file);
    }
    tighten(forWrite);
    return conf;
  };
  const raw = (): Record<string, unknown> => {
    try {
      return store(false).store;
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(`cannot read: ${err instanceof Error ? err.message : String(err)}`, null, file);
    }
  };
  return {
    path: file,
    load() {
      return validateConfig(raw(), file);
    },
    stored() {
      if (!defaultExists(file)) return {};
      const r = raw();
      const full = validateConfig(r, file);
      return Object.fromEntries(Object.keys(r).map((k) => [k, full[k as ConfigKey]])) as Partial<GuardConfig>;
    },
    set(key, value) {
      checkValue(key, value, file);
      validateConfig({ ...store().store, [key]: value }, file);
      store().set(key, value);
      ensurePrivateFile(file);
    },
    reset(key) {
      store().delete(key);
    },
  };
}

/** The config in `configDir`, or the defaults when there is no file yet (nothing is created). */
export function loadConfig(configDir: string, exists: (p: string) => boolean = defaultExists): GuardConfig {
  if (!exists(configFilePath(configDir))) return { ...DEFAULT_CONFIG };
  return openConfig(configDir).load();
}

function defaultExists(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
