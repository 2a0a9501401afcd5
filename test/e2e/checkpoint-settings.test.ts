// Issue 4, the user's own `--settings`, end to end: the real Claude Code 2.1.330 under
// `bin/guard.js claude --settings <file>` against the stand-in API. guard adds its hooks through
// `--settings` too; it must merge with the user's, not replace them. The user's Stop and
// UserPromptSubmit hooks append lines to a file; after each turn the file has them, AND guard still
// sees Claude idle (its footer) and still checkpoints.
import t from 'tap';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { shellQuote } from '../../src/lib/shell.js';
import { waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession } from '../helpers/claude-session.js';
import { AUTO_COMPACT_200K, answeredTurn, debugRequests, watchFooter } from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

const THRESHOLD = 0.8 * AUTO_COMPACT_200K;

async function lines(file: string): Promise<string[]> {
  try { return (await readFile(file, 'utf8')).split('\n').filter((l) => l !== ''); } catch { return []; }
}

t.test('the user\'s --settings hooks still run, and guard still sees idle and checkpoints', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'guard-user-settings-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const hookLog = join(dir, 'user-hooks.log');
  const settingsFile = join(dir, 'my-settings.json');
  const append = (word: string) => ({ matcher: '', hooks: [{ type: 'command', command: `echo ${word} >> ${shellQuote(hookLog)}` }] });
  await writeFile(settingsFile, JSON.stringify({ hooks: { Stop: [append('user-stop')], UserPromptSubmit: [append('user-prompt')] } }));

  const s = await startClaudeSession({ guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL, '--settings', settingsFile] });
  const { api, term } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });

  await answeredTurn(s, 'hello with my own hooks');
  // guard's footer says idle only once its own Stop hook arrived (src/policy/idle.ts).
  await until(() => /\bidle\b/.test(footer.now()), 10_000, 'guard\'s footer to say idle');
  t.match(footer.now(), /\bidle\b/, 'guard saw the turn end: footer idle');
  let got: string[] = [];
  await until(async () => (got = await lines(hookLog)).includes('user-stop'), 5_000, 'the user\'s Stop hook line').catch(() => undefined);
  t.same(got, ['user-prompt', 'user-stop'], 'the user\'s UserPromptSubmit and Stop hooks ran once each');

  // guard's checkpoint still works alongside them.
  const big = await answeredTurn(s, 'PAD:120000 big read');
  t.ok((big.contextTokens ?? 0) >= THRESHOLD, `past the threshold: ${big.contextTokens}`);
  const asked = await api.waitForRequest((r) => r.thread === 'main' && NOTE_RE.test(r.prompt), 20_000);
  const resume = await api.waitForRequest((r) => r.thread === 'main' && /^Continue from the checkpoint note/.test(r.prompt), 45_000);
  t.ok(resume.seq > asked.seq, 'guard checkpointed (note, /clear, resume)');
  await term.waitFor(new RegExp(`Reply ${resume.seq}:`), 20_000);
  await until(() => /\bidle\b/.test(footer.now()) && !/checkpointing/.test(footer.now()), 10_000, 'the footer back to idle');
  await waitForIdle(term);
  got = await lines(hookLog);
  t.ok(got.filter((l) => l === 'user-stop').length >= 4, `the user's Stop hook ran for every turn: ${got.join(', ')}`);
});
