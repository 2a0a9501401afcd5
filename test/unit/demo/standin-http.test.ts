// The stand-ins' shared request log (src/demo/standin-http.ts RequestLog): a wait finds a request
// already served or the next matching one, times out with the stand-in's name and the count seen,
// survives a test predicate that throws, and close() ends the pending waits and delays.
import t from 'tap';
import { RequestLog } from '../../../src/demo/standin-http.js';

t.test('a wait finds a past request or the next matching one', async (t) => {
  const log = new RequestLog<{ n: number }>('test standin');
  log.record({ n: 1 });
  t.same(await log.waitForRequest((r) => r.n === 1), { n: 1 }, 'already served');
  const next = log.waitForRequest((r) => r.n === 3);
  log.record({ n: 2 });
  log.record({ n: 3 });
  t.same(await next, { n: 3 }, 'the first later match');
  t.same(log.requests.map((r) => r.n), [1, 2, 3], 'all recorded, in order');
  log.close();
});

t.test('a wait times out naming the stand-in and what it saw; a throwing predicate is no match', async (t) => {
  const log = new RequestLog<{ n: number }>('test standin');
  const late = log.waitForRequest(() => { throw new Error('test bug'); }, 50);
  t.doesNotThrow(() => log.record({ n: 1 }), 'the server goes on');
  await t.rejects(late, /^test standin: no matching request within 50 ms \(1 seen\)$/);
  log.close();
});

t.test('close() ends pending waits and delays: none of them settles', async (t) => {
  const log = new RequestLog<{ n: number }>('test standin');
  let settled = false;
  void log.waitForRequest(() => true, 60_000).then(() => { settled = true; }, () => { settled = true; });
  void log.delay(20).then(() => { settled = true; });
  log.close();
  log.record({ n: 1 });
  await new Promise((r) => setTimeout(r, 60));
  t.equal(settled, false);
});
