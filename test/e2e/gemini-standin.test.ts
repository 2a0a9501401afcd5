// The real Gemini CLI (0.61.0, pinned devDependency) in a pty against the project's Gemini
// stand-in, offline, without guard: it starts, answers a prompt with the stand-in's words, the
// context grows by the padding, and nothing it started outlives the test.
import t from 'tap';
import { startGeminiSession } from '../helpers/gemini-session.js';
import { alive, gone } from '../helpers/faults.js';
import { until } from '../helpers/until.js';

t.test('Gemini CLI answers from the stand-in, offline, and is gone after', async (t) => {
  const s = await startGeminiSession();
  t.teardown(() => s.dispose());
  const first = await s.turn('say hi please');
  const r1 = s.api.lastMain();
  t.ok(r1, 'a main request reached the stand-in');
  t.equal(r1?.prompt, 'say hi please');
  t.match(r1?.path, /^\/v1beta\/models\/standin-model:streamGenerateContent$/);
  t.equal(r1?.search, '?alt=sse');
  t.match(first, `Reply ${r1?.seq}: context about ${r1?.usage?.promptTokenCount} tokens.`, 'the answer is on screen');
  await s.turn('PAD:50000 big read');
  const r2 = s.api.lastMain();
  t.equal(r2?.padding, 50_000);
  t.ok((r2?.usage?.promptTokenCount ?? 0) > (r1?.usage?.promptTokenCount ?? 0) + 50_000, 'the context grew by the padding and the history');
  t.same(s.api.requests.filter((r) => r.status === 404), [], 'nothing asked of the stand-in that it does not serve');
  const pid = s.term.proc.pid;
  await s.dispose();
  t.ok(await gone(pid), 'gemini is gone');
  // Gemini relaunches itself in a child node; both, and anything they started, were in the pty's process group.
  const groupAlive = (): boolean => { try { process.kill(-pid, 0); return true; } catch { return false; } };
  await until(() => !groupAlive(), 10_000, 'its process group to be gone');
  t.notOk(groupAlive(), 'nothing of its process group is left');
  t.notOk(alive(pid));
});
