// Issue 4, the user's own settings, end to end: the real Claude Code 2.1.330 under `bin/guard.js
// claude` against the stand-in API. guard adds its hooks through `--settings` too; it must merge
// with the user's `--settings <file>`, not replace them. The user's Stop and UserPromptSubmit hooks
// append lines to a file; after each turn the file has them, AND guard still sees Claude idle (its
// footer) and still checkpoints. A status line of the user's own, five rows tall, stays on screen
// and does not hide the prompt box from guard.
import t, { type Test } from 'tap';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOTE_RE } from '../../src/demo/standin-script.js';
import { shellQuote } from '../../src/lib/shell.js';
import { waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession, type ClaudeSession } from '../helpers/claude-session.js';
import { AUTO_COMPACT_200K, answeredTurn, debugRequests, watchFooter, type FooterWatch } from '../helpers/checkpoint.js';
import { until } from '../helpers/until.js';

const THRESHOLD = 0.8 * AUTO_COMPACT_200K;

async function lines(file: string): Promise<string[]> {
  try { return (await readFile(file, 'utf8')).split('\n').filter((l) => l !== ''); } catch { return []; }
}

/** A padded turn past the threshold; guard asks for the note, clears and resumes, and the footer is back to idle. */
async function bigTurnHandedOver(t: Test, s: ClaudeSession, footer: FooterWatch): Promise<void> {
  const big = await answeredTurn(s, 'PAD:120000 big read');
  t.ok((big.contextTokens ?? 0) >= THRESHOLD, `past the threshold: ${big.contextTokens}`);
  const asked = await s.api.waitForRequest((r) => r.thread === 'main' && NOTE_RE.test(r.prompt), 20_000);
  const resume = await s.api.waitForRequest((r) => r.thread === 'main' && /^Continue from the checkpoint note/.test(r.prompt), 45_000);
  t.ok(resume.seq > asked.seq, 'guard checkpointed (note, /clear, resume)');
  await s.term.waitFor(new RegExp(`Reply ${resume.seq}:`), 20_000);
  await until(() => /\bidle\b/.test(footer.now()) && !/checkpointing/.test(footer.now()), 10_000, 'the footer back to idle');
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
  await bigTurnHandedOver(t, s, footer);
  await waitForIdle(term);
  got = await lines(hookLog);
  t.ok(got.filter((l) => l === 'user-stop').length >= 4, `the user's Stop hook ran for every turn: ${got.join(', ')}`);
});

// The user's own status line (their ~/.claude/settings.json) prints five rows: Claude shows them
// between the prompt box and the mode hint. guard's box reader allowed four rows under the box, so
// a user with a tall status line was never typed into and never got a checkpoint.
t.test('a status line of five rows: shown in full under guard, and guard still checkpoints', async (t) => {
  const rows = [1, 2, 3, 4, 5].map((i) => `my status row ${i}`);
  const s = await startClaudeSession({
    guardArgs: [], claudeArgs: ['--model', OFFLINE_MODEL],
    beforeStart: async (env) => {
      await mkdir(join(env.home, '.claude'), { recursive: true });
      await writeFile(join(env.home, '.claude', 'settings.json'), JSON.stringify({ statusLine: { type: 'command', command: `printf '${rows.join('\\n')}\\n'` } }));
    },
  });
  const { api, term } = s;
  const footer = watchFooter(term);
  t.teardown(async () => { footer.stop(); debugRequests(t, api, footer); await s.dispose(); });
  await answeredTurn(s, 'hello with my status line');
  const screen = await term.waitFor((x) => rows.every((r) => x.includes(r)), 10_000);
  const lines = screen.split('\n');
  const last = lines.findIndex((l) => l.includes(rows[4] ?? ''));
  t.ok(last > 0 && lines.slice(last - 6, last).some((l) => /^─{10,}$/.test(l)), 'the five rows sit right under the prompt box');
  await bigTurnHandedOver(t, s, footer);
  t.ok(rows.every((r) => term.screen().includes(r)), 'the status line is still shown');
});
