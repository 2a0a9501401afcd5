// Where an administrator's managed settings for Claude Code live, and in what order they are read.
// Input: the platform, and a way to list a folder. Output: the files, lowest precedence first.
// Read by the settings (./settings.ts: do they stop guard's hooks?) and by the settings `env`
// (./settings-env.ts: what they put in Claude's environment, over every other source).
import { join } from 'node:path';

/**
 * Where Claude Code 2.1.330 reads managed settings, per platform (from the binary; it offers no
 * variable to move them).
 */
export function managedSettingsDir(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return '/Library/Application Support/ClaudeCode';
  if (platform === 'win32') return 'C:\\Program Files\\ClaudeCode';
  return '/etc/claude-code';
}

/**
 * The managed settings files, lowest precedence first: managed-settings.json, then the drop-ins
 * of managed-settings.d/ in name order (a later one over an earlier one, as drop-in folders go;
 * which of two drop-ins setting one key differently wins was not checked on the binary).
 */
export function managedSettingsFiles(dir: string, listDir: (dir: string) => string[]): string[] {
  const dropIns = join(dir, 'managed-settings.d');
  let names: string[];
  try {
    names = listDir(dropIns).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  } catch {
    names = [];
  }
  return [join(dir, 'managed-settings.json'), ...names.map((n) => join(dropIns, n))];
}
