// The OTLP attribute readers every agent's event mapper uses: numbers and booleans sent as
// strings (older Claude Code versions), empty and foreign values, and the event time's sources.
import t from 'tap';
import { bool, eventTime, num, str } from '../../../src/telemetry/attributes.js';

t.test('number and boolean coercion', async (t) => {
  t.equal(num('12'), 12);
  t.equal(num(' 0.5 '), 0.5);
  t.equal(num(''), null);
  t.equal(num('abc'), null);
  t.equal(num(Number.NaN), null);
  t.equal(num(true), null);
  t.equal(bool('TRUE'), true);
  t.equal(bool('false'), false);
  t.equal(bool('yes'), null);
  t.equal(bool(false), false);
});

t.test('strings: empty is none, numbers and booleans are spelled out, other kinds are none', async (t) => {
  t.equal(str('main'), 'main');
  t.equal(str(''), null);
  t.equal(str(7), '7');
  t.equal(str(false), 'false');
  t.equal(str(null), null);
  t.equal(str(undefined), null);
  t.equal(str(['a']), null);
});

t.test('event time: event.timestamp first, then the record time, then the observed time', async (t) => {
  t.equal(eventTime('2026-12-02T03:00:00.250Z', '1795493707124000000', '1'), Date.parse('2026-12-02T03:00:00.250Z'));
  t.equal(eventTime(1_700_000_000_123, '1795493707124000000', '1'), 1_700_000_000_123);
  t.equal(eventTime('not a date', '1795493707124999999', '1'), 1_795_493_707_124);
  t.equal(eventTime(undefined, '0', '1795493707125000000'), 1_795_493_707_125);
  t.equal(eventTime(undefined, 'x', 'y'), 0);
});
