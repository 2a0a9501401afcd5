// `guard config get|set|unset|list|path`: reads and writes guard's config file (src/config/store.ts,
// over conf) in the config folder (GUARD_HOME when set). Values typed here are parsed and checked
// against the schema in src/config/settings.ts; a refused value changes nothing and the message
// names the key, what it allows and the bad value. Output: values on stdout, errors on stderr.
import { resolvePaths, GuardPathError } from '../../paths.js';
import { configFilePath } from '../../config/file.js';
import {
  ConfigError, allowed, checkValue, configKeys, parseConfigPath, parseValueText, type ConfigKey, type GuardConfig,
} from '../../config/settings.js';
import { table } from '../../log/format.js';
import { truncateToWidth } from '../../lib/text.js';
import { processIo, type CommandIo } from './log.js';

const HELP = `usage: guard config <command>
  get KEY            the value in force (the default when the file does not set it)
  set KEY VALUE      check and store a value (windows.MODEL sets one model's window)
  unset KEY          remove a key from the file: it takes its default again
  list [--json]      every key: value, default or set, and what it accepts
  path               the config file's path
keys: ${configKeys().map((k) => k.key).join(', ')}
`;

/** `list` shows this much of a value (the templates are long); `get` shows it whole. */
const LIST_VALUE_WIDTH = 40;

/** How a value is printed: strings as they are, everything else as JSON. */
function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export async function configCommand(args: string[], io: CommandIo = processIo()): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    (sub === undefined ? io.stderr : io.stdout)(HELP);
    return sub === undefined ? 2 : 0;
  }
  const usage = (why: string): number => { io.stderr(`guard config: ${why}\n${HELP}`); return 2; };
  try {
    const { configDir } = resolvePaths({ env: io.env });
    // conf (and its validator) only for the commands that read or write the file.
    const open = async (): Promise<import('../../config/store.js').ConfigStore> => (await import('../../config/store.js')).openConfig(configDir);
    switch (sub) {
      case 'path':
        if (rest.length > 0) return usage(`path takes no arguments, got ${JSON.stringify(rest.join(' '))}`);
        io.stdout(`${configFilePath(configDir)}\n`);
        return 0;
      case 'get': {
        if (rest.length !== 1) return usage('get needs one KEY');
        const p = parseConfigPath(rest[0] as string);
        const cfg = (await open()).load();
        const value = p.model !== undefined ? cfg.windows[p.model] ?? null : cfg[p.key];
        io.stdout(`${show(value)}\n`);
        return 0;
      }
      case 'set': {
        if (rest.length !== 2) return usage('set needs a KEY and a VALUE');
        const p = parseConfigPath(rest[0] as string);
        const store = await open();
        const typed = parseValueText(p, rest[1] as string);
        if (p.model !== undefined) {
          const windows = { ...store.load().windows, [p.model]: typed as number };
          store.set('windows', checkValue('windows', windows) as GuardConfig['windows']);
        } else {
          store.set(p.key, checkValue(p.key, typed) as GuardConfig[ConfigKey]);
        }
        return 0;
      }
      case 'unset': {
        if (rest.length !== 1) return usage('unset needs one KEY');
        const p = parseConfigPath(rest[0] as string);
        const store = await open();
        if (p.model !== undefined) {
          const { [p.model]: _gone, ...windows } = store.load().windows;
          if (Object.keys(windows).length === 0) store.reset('windows');
          else store.set('windows', windows);
        } else {
          store.reset(p.key);
        }
        return 0;
      }
      case 'list': {
        const json = rest.includes('--json');
        const other = rest.find((a) => a !== '--json');
        if (other !== undefined) return usage(`unknown argument ${JSON.stringify(other)}`);
        const store = await open();
        const cfg = store.load();
        const set = store.stored();
        if (json) {
          io.stdout(`${JSON.stringify(cfg, null, 2)}\n`);
          return 0;
        }
        io.stdout(table(['KEY', 'VALUE', '', 'ACCEPTS'], configKeys().map(({ key }) => [
          key, truncateToWidth(show(cfg[key]), LIST_VALUE_WIDTH), Object.hasOwn(set, key) ? 'set' : 'default', allowed(key),
        ])));
        return 0;
      }
      default:
        return usage(`unknown command ${JSON.stringify(sub)}`);
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof GuardPathError) {
      io.stderr(`${err.message}\n`);
      return err instanceof ConfigError ? 2 : 1;
    }
    throw err;
  }
}
