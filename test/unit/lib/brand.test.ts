// The error classes that cross from guard's first part to the modules it loads on demand
// (src/lib/brand.ts): an instance made by a second copy of the module (as the second build's
// chunks hold) is `instanceof` the first copy's class, and nothing else is.
import t from 'tap';
import { brand, hasBrand, setBrand } from '../../../src/lib/brand.js';

/** A second, separate instance of a module, as another bundle file would hold it. */
async function secondCopy<T>(relative: string): Promise<T> {
  return (await import(`${new URL(relative, import.meta.url).href}?copy=${Math.random()}`)) as T;
}

t.test('a branded error from another copy of its module is instanceof this copy\'s class', async (t) => {
  const cases: Array<[string, string, (m: any) => Error, (m: any) => Error]> = [
    ['../../../src/config/settings.ts', 'ConfigError', (m) => new m.ConfigError('bad value'), (m) => new m.ConfigError('x')],
    ['../../../src/paths.ts', 'GuardPathError', (m) => new m.GuardPathError('/p', 'EACCES', 'write'), (m) => new m.GuardPathError('/q', undefined, 'read')],
    ['../../../src/agents/agent.ts', 'AgentSetupError', (m) => new m.AgentSetupError('bad settings'), (m) => new m.AgentSetupError('y')],
    ['../../../src/telemetry/decode-common.ts', 'OtlpDecodeError', (m) => new m.OtlpDecodeError('bad body'), (m) => new m.OtlpDecodeError('z')],
  ];
  for (const [file, name, makeA, makeB] of cases) {
    const a = await import(new URL(file, import.meta.url).href) as Record<string, Function>;
    const b = await secondCopy<Record<string, Function>>(file);
    t.not(a[name], b[name], `${name}: two copies of the class`);
    t.ok(makeB(b) instanceof (a[name] as any), `${name} from the other copy is instanceof this one`);
    t.ok(makeA(a) instanceof (b[name] as any), `${name}: and the other way round`);
    t.notOk(new Error('plain') instanceof (a[name] as any), `${name}: a plain Error is not`);
    t.notOk(({ name, message: 'look-alike' }) instanceof (a[name] as any), `${name}: an object that only looks like one is not`);
    t.notOk((null as unknown as object) instanceof (a[name] as any), `${name}: null is not`);
  }
});

t.test('brand, setBrand, hasBrand', async (t) => {
  t.equal(brand('X'), brand('X'), 'one symbol per name, runtime-wide');
  t.not(brand('X'), brand('Y'));
  const o = {};
  t.notOk(hasBrand(o, brand('X')));
  setBrand(o, brand('X'));
  t.ok(hasBrand(o, brand('X')));
  t.notOk(hasBrand(o, brand('Y')), 'another brand is not this one');
  t.same(Object.keys(o), [], 'the mark is not an enumerable key (JSON and logs do not show it)');
  t.notOk(hasBrand('X', brand('X')), 'a primitive has no brand');
});
