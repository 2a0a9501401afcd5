// A program's command name (src/lib/program-name.ts): paths of either kind, case, wrapper extensions.
import t from 'tap';
import { commandName } from '../../../src/lib/program-name.js';

t.test('the last path part, lower case, without a wrapper extension', async (t) => {
  t.equal(commandName('claude'), 'claude');
  t.equal(commandName('/opt/tools/bin/claude'), 'claude');
  t.equal(commandName('./node_modules/.bin/codex.js'), 'codex');
  t.equal(commandName('C:\\Tools\\GEMINI.CMD'), 'gemini');
  t.equal(commandName('claude.exe.js'), 'claude.exe', 'one extension only');
  t.equal(commandName('claudette'), 'claudette');
  t.equal(commandName('notes.txt'), 'notes.txt', 'other extensions stay');
});
