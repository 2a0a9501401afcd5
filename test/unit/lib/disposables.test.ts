// The toolkit's disposables (src/lib/disposables.ts): a Disposables bag tears down in reverse
// order, once, past a part that throws, and disposes at once what comes after; an Emitter calls
// its listeners in order with the value, each once however often it was added, and a listener
// added or removed while an event fires takes effect from the next event.
import t from 'tap';
import { Disposables, Emitter } from '../../../src/lib/disposables.js';

t.test('a Disposables bag: reverse order, once, past a throwing part, late additions at once', async (t) => {
  const bag = new Disposables();
  const order: string[] = [];
  bag.add({ dispose: () => order.push('first') });
  bag.add({ dispose: () => { order.push('thrower'); throw new Error('boom'); } });
  bag.add({ dispose: () => order.push('last') });
  bag.dispose();
  bag.dispose();
  t.same(order, ['last', 'thrower', 'first'], 'reverse order, each once, the throw does not stop the rest');
  bag.add({ dispose: () => order.push('late') });
  t.same(order.at(-1), 'late', 'added after the teardown: disposed at once');
});

t.test('an Emitter calls its listeners in order, each once, with the value', async (t) => {
  const e = new Emitter<number>();
  const got: string[] = [];
  const a = (v: number): void => { got.push(`a${v}`); };
  e.on(a);
  e.on((v) => got.push(`b${v}`));
  const again = e.on(a);
  e.fire(1);
  t.same(got, ['a1', 'b1'], 'in the order added; a listener added twice is called once');
  again.dispose();
  e.fire(2);
  t.same(got, ['a1', 'b1', 'b2'], 'disposing either registration of it removes it');
  again.dispose();
  e.fire(3);
  t.same(got.slice(3), ['b3'], 'a second dispose changes nothing');
});

t.test('a listener added or removed while an event fires takes effect from the next event', async (t) => {
  const e = new Emitter<string>();
  const got: string[] = [];
  let second: { dispose(): void } | null = null;
  e.on((v) => {
    got.push(`first:${v}`);
    if (v === 'one') {
      second?.dispose();
      e.on((w) => got.push(`added:${w}`));
    }
  });
  second = e.on((v) => got.push(`second:${v}`));
  e.fire('one');
  t.same(got, ['first:one', 'second:one'], 'the listener removed during the event still hears it; the one added does not');
  e.fire('two');
  t.same(got.slice(2), ['first:two', 'added:two'], 'from the next event on: the removed one is gone, the added one hears it');
});
