import fc from 'fast-check';
import * as z from 'zod/mini';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAssert, explainAssert, type Assert } from '../src/core/assert-compile.js';
import { prepareGenerator } from '../src/core/generate.js';
import { validate, validateOften, withoutNoOpChecks } from '../src/core/validate.js';
import { loadAllProviders } from '../src/providers/index.js';
import type { EventDef, ProviderDef } from '../src/providers/types.js';
import { paths, type Path } from './helpers/json-paths.js';

// Our generated validator (src/core/assert-compile.ts) answers the listener's schema check before zod does. A wrong
// "true" would report a payload as valid that zod rejects, so soundness (ours true => zod true) is checked without
// exception; agreement both ways is what makes the fast path taken, and is checked too.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** Events whose root we hand wholly to zod, and why. */
const NOT_COMPILED: Record<string, string> = {
  'segment track': 'a refinement at the root (userId or anonymousId)',
  'segment identify': 'a refinement at the root (userId or anonymousId)',
};

interface Case {
  label: string;
  provider: ProviderDef;
  event: EventDef;
  variants: Array<string | undefined>;
  schema: z.ZodMiniType;
  zod: z.ZodMiniType;
  ours: Assert | undefined;
  payloads: unknown[];
}
let cases: Case[];

beforeAll(async () => {
  cases = (await loadAllProviders()).flatMap((provider) =>
    provider.events.map((event) => {
      const schema = withoutNoOpChecks(event.schema) as z.ZodMiniType;
      const variants = event.variants?.length ? event.variants.map((v) => v.name) : [undefined];
      const payloads = variants.flatMap((variant) => {
        const gen = prepareGenerator(provider, event.name, { seed: `assert ${variant ?? ''}`, variant });
        return Array.from({ length: 12 }, (_, i) => gen.makeText(i).payload);
      });
      return { label: `${provider.id} ${event.name}`, provider, event, variants, schema, zod: z.compile(schema), ours: compileAssert(schema), payloads };
    }),
  );
});

const zodSays = (c: { zod: z.ZodMiniType }, v: unknown) => z.validate(c.zod, v);

/** Compiled again inside each test that uses them, so that mutation testing (per-test coverage) sees what they run. */
function compileCases() {
  for (const c of cases) c.ours = compileAssert(c.schema);
}

describe('compileAssert on the catalog', () => {
  it('compiles every event zod compiles, but those listed with their reason', () => {
    compileCases();
    const missing = cases.filter((c) => c.ours === undefined).map((c) => c.label);
    expect(missing.sort()).toEqual(Object.keys(NOT_COMPILED).sort());
    for (const c of cases) if (c.ours === undefined) expect(c.zod, c.label).not.toBe(c.schema); // zod's compiler does take them
    // The bench's event, and those without refinements, are ours from root to leaf: nothing handed to zod.
    const wholly = cases.filter((c) => explainAssert(c.schema)?.handedToZod.length === 0).map((c) => c.label);
    expect(wholly).toContain('customerglu reward');
    expect(wholly.length).toBeGreaterThanOrEqual(30);
  });

  it('accepts every generated payload of every event (the fast path is taken)', () => {
    compileCases();
    for (const c of cases) {
      if (c.ours === undefined) continue;
      for (const p of c.payloads) {
        expect(zodSays(c, p), c.label).toBe(true);
        expect(c.ours(p), c.label).toBe(true);
      }
    }
  });
});

type How = 'set' | 'delete' | 'add' | 'null' | 'stringify' | 'lengthen' | 'shorten' | 'nest' | 'retype';
const HOWS: How[] = ['set', 'delete', 'add', 'null', 'stringify', 'lengthen', 'shorten', 'nest', 'retype'];

/** The value at a place, changed one way. */
function changed(old: unknown, how: How, value: unknown): unknown {
  switch (how) {
    case 'null':
      return null;
    case 'stringify':
      return JSON.stringify(old) ?? 'undefined';
    case 'lengthen':
      return typeof old === 'string' ? old + old + '\u{1F600}' : Array.isArray(old) ? [...old, ...old, value] : typeof old === 'number' ? old * 1e21 : old;
    case 'shorten':
      return typeof old === 'string' ? old.slice(0, Math.floor(old.length / 2)) : Array.isArray(old) ? old.slice(1) : typeof old === 'number' ? -old : old;
    case 'nest':
      return [old];
    case 'retype':
      return typeof old === 'string' ? Number(old) || old.length : typeof old === 'number' ? String(old) : typeof old === 'boolean' ? Number(old) : Array.isArray(old) ? { ...old } : typeof old === 'object' && old !== null ? Object.values(old) : value;
    default:
      return value;
  }
}

/** The payload with one change at `path`. */
function broken(payload: unknown, path: Path, how: How, value: unknown): unknown {
  const copy = structuredClone(payload);
  if (path.length === 0) return how === 'delete' || how === 'add' ? value : changed(copy, how, value);
  let node = copy as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (how === 'delete') {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else if (how === 'add') {
    if (Array.isArray(node)) node.push(value);
    else node[`${String(last)}_extra`] = value;
  } else node[last] = changed(node[last], how, value);
  return copy;
}

const oddValues = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.constantFrom(-0, 0, -1, 1, 1.5, 1e21, -1e21, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e308, '', 'x', 'é', '\u{1F600}', '\uD800', '\u{1F600}\u{1F600}', 'camp_!', '2026-13-01T00:00:00Z', '2026-01-01T00:00:00Z', 'a@b.co', null, true, false, [], {}, [[]], -1),
);

describe('compileAssert against zod, on broken payloads', () => {
  it('never says true where zod says false, and agrees with zod both ways', () => {
    compileCases();
    let disagreements = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.nat({ max: 10_000 }), fc.nat(), fc.constantFrom(...HOWS), oddValues, fc.nat({ max: 3 }), (pick, at, where, how, value, times) => {
        const c = cases[pick % cases.length]!;
        if (c.ours === undefined) return;
        let subject = c.payloads[at % c.payloads.length];
        for (let n = 0; n <= times % 2; n++) {
          const all = paths(subject);
          subject = broken(subject, all[(where + n * 7) % all.length]!, how, value);
        }
        const ours = c.ours(subject);
        const theirs = zodSays(c, subject);
        if (ours) expect(theirs, `${c.label}: ours accepts what zod rejects: ${JSON.stringify(subject)}`).toBe(true);
        if (ours !== theirs) disagreements++;
        if (!theirs) rejected++;
      }),
      { numRuns: RUNS * 40 },
    );
    expect(disagreements).toBe(0);
    expect(rejected).toBeGreaterThan(RUNS * 4); // the breakage does break: a good share of the payloads are invalid
  });

  it('gives validateOften the issues of the ordinary parser on the same broken payloads', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.nat({ max: 10_000 }), fc.nat(), fc.constantFrom(...HOWS), oddValues, (pick, at, where, how, value) => {
        const c = cases[pick % cases.length]!;
        const payload = c.payloads[at % c.payloads.length];
        const all = paths(payload);
        const subject = broken(payload, all[where % all.length]!, how, value);
        expect(validateOften(c.event.schema, subject)).toEqual(validate(c.event.schema, subject));
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

// Small schemas, one construct each, against values that sit on zod's edges. Every pair must agree with zod.
const schemas: Record<string, z.ZodMiniType> = {
  minLength1: z.string().check(z.minLength(1)),
  minLength3: z.string().check(z.minLength(3)),
  maxLength2: z.string().check(z.maxLength(2)),
  length2: z.string().check(z.length(2)),
  regex: z.string().check(z.regex(/^[a-z]+$/)),
  regexGlobal: z.string().check(z.regex(/^a/g)),
  datetime: z.iso.datetime(),
  email: z.email(),
  uuid: z.uuid(),
  ip: z.union([z.ipv4(), z.ipv6()]),
  number: z.number(),
  int: z.int(),
  positive: z.number().check(z.positive()),
  nonnegative: z.number().check(z.nonnegative()),
  lt: z.number().check(z.lt(10), z.gte(-5)),
  boolean: z.boolean(),
  enumStrings: z.enum(['a', 'b']),
  enumNumbers: z.enum({ zero: 0, one: 1 }),
  literalString: z.literal('x'),
  literalNumbers: z.literal([0, -1]),
  literalNull: z.literal(null),
  nullable: z.nullable(z.string()),
  optionalAlone: z.optional(z.number()),
  object: z.object({ a: z.string(), b: z.optional(z.number()) }),
  strict: z.strictObject({ a: z.string() }),
  loose: z.looseObject({ a: z.unknown() }),
  nullableOptional: z.object({ a: z.nullable(z.optional(z.string())) }),
  optionalUnion: z.object({ a: z.union([z.optional(z.string()), z.number()]) }),
  // optional on the way in, yet a present undefined is refused: the key's presence decides, not its value
  exactInNullable: z.object({ a: z.nullable(z.exactOptional(z.string())) }),
  array: z.array(z.number()),
  arrayBounds: z.array(z.string()).check(z.minLength(1), z.maxLength(2)),
  arrayMin: z.array(z.number()).check(z.minLength(1), z.length(1)),
  literalNaN: z.literal(NaN),
  literalMany: z.literal(Array.from({ length: 40 }, (_, i) => i)),
  catchallAny: z.catchall(z.object({ a: z.string() }), z.any()),
  any: z.any(),
  record: z.record(z.string(), z.unknown()),
  recordNumbers: z.record(z.string(), z.number()),
  recordLooseString: z.looseRecord(z.string(), z.number()),
  recordPartialString: z.partialRecord(z.string(), z.number()),
  union: z.union([z.object({ kind: z.literal('a'), n: z.number() }), z.object({ kind: z.literal('b') }), z.null()]),
  emptyUnion: z.union([]),
  refined: z.object({ n: z.number().check(z.refine((n) => n % 2 === 0)), inner: z.optional(z.object({ a: z.string() }).check(z.refine((o) => o.a !== 'no'))) }),
};

const show = (v: unknown) => {
  try {
    return typeof v === 'symbol' ? 'a symbol' : typeof v === 'bigint' ? `${v}n` : String(JSON.stringify(v));
  } catch {
    return String(typeof v);
  }
};
/** zod's answer, or 'throws' (ours must then not say true). */
const zodAnswer = (compiled: z.ZodMiniType, v: unknown): boolean | 'throws' => {
  try {
    return z.validate(compiled, v);
  } catch {
    return 'throws';
  }
};

class Thing {
  a = 'x';
}
const withSymbol = { a: 'x', [Symbol('s')]: 1 };
const inherited = Object.create({ a: 'x', extra: 1 }) as object;
const getter = { get a() { return 'x'; } };
const edgeValues: unknown[] = [
  undefined, null, true, 0, -0, 1, -1, 1.5, 2 ** 53, 1e21, NaN, Infinity, -Infinity, 10, -5, -6, 10n,
  '', 'x', 'a', 'ab', 'abc', 'é', '\u{1F600}', '\u{1F600}\u{1F600}', 'a\u{1F600}', '\uD800', '\uD800\uD800', 'ab\u{1F600}', 'no', 'AB',
  '2026-01-01T00:00:00Z', '2026-13-01T00:00:00Z', 'a@b.co', '123e4567-e89b-12d3-a456-426614174000', '1.2.3.4', '::1', '::1\n', '999.1.1.1',
  Symbol('x'), [], [0], [1], [1, 2, 3], { ab: 1 }, { a: 1, b: 2 }, { a: 'x', kind: 'a' }, ['a'], ['a', 'b', 'c'], [, 1], {}, { a: 'x' }, { a: 1 }, { a: undefined }, { a: 'x', b: undefined }, { a: 'x', b: 1 },
  { a: 'x', b: 'y' }, { a: 'x', c: 1 }, { a: null }, { kind: 'a', n: 1 }, { kind: 'b' }, { kind: 'c' }, { n: 2 }, { n: 3 }, { n: 2, inner: { a: 'no' } }, { n: 2, inner: { a: 'ok' } },
  JSON.parse('{"a":"x","__proto__":1}'), JSON.parse('{"__proto__":"x"}'), Object.create(null), new Thing(), withSymbol, inherited, getter, new Date(0), new Map(), () => 1,
];

describe('compileAssert on each construct', () => {
  it('agrees with zod on every edge value, for every construct', () => {
    const wrong: string[] = [];
    for (const [name, schema] of Object.entries(schemas)) {
      const ours = compileAssert(schema);
      expect(ours, name).toBeDefined();
      const compiled = z.compile(schema);
      for (const value of edgeValues) {
        const theirs = zodAnswer(compiled, value);
        const said = ours!(value);
        if (said) expect(theirs, `${name} accepts ${show(value)} that zod rejects`).toBe(true);
        if (said !== theirs) wrong.push(`${name}: ${show(value)} ours ${said}, zod ${theirs}`);
      }
    }
    expect(wrong).toEqual([]);
    // each is ours from root to leaf (a refusal wrongly made would pass unnoticed above: zod's answer is exact)
    for (const [name, schema] of Object.entries(schemas)) if (name !== 'refined' && name !== 'exactInNullable') expect(explainAssert(schema)!.handedToZod, name).toEqual([]);
  });

  // What it does not model, inside an object so that the root is ours: the node goes to zod, and the answer is zod's.
  const handed: Record<string, z.ZodMiniType> = {
    coerce: z.coerce.string(),
    customFormat: z.stringFormat('even', (s) => s.length % 2 === 0),
    lowercase: z.string().check(z.lowercase()),
    lengthWhen: z.string().check(z.minLength(2, { when: () => true } as never)),
    numberWhen: z.number().check(z.gt(0, { when: () => true } as never)), // zod runs it; its types leave `when` out here
    int32: z.int32(),
    notFinite: z.string().check(z.maxLength(Infinity)),
    numberNotFinite: z.number().check(z.gt(-Infinity)),
    symbolKey: z.object({ [Symbol.for('k')]: z.string() }),
    protoKey: z.object({ ['__proto__']: z.string() }),
    defaultKey: z.object({ a: z._default(z.string(), 'x') }),
    transformKey: z.object({ a: z.pipe(z.transform((v: unknown) => v), z.string()) }),
    catchallString: z.catchall(z.object({}), z.string()),
    recordMinKey: z.record(z.string().check(z.minLength(2)), z.number()),
    recordEmailKey: z.record(z.email(), z.number()),
    recordEnumKey: z.record(z.enum(['a', 'b']), z.number()),
    recordPartial: z.partialRecord(z.enum(['a', 'b']), z.number()),
    recordLoose: z.looseRecord(z.string().check(z.minLength(2)), z.number()),
    recordChecked: z.record(z.string(), z.number()).check(z.refine(() => true)),
    discriminated: z.discriminatedUnion('kind', [z.object({ kind: z.literal('a') }), z.object({ kind: z.literal('b'), n: z.number() })]),
    xor: z.xor([z.string(), z.string().check(z.minLength(1))]),
    exactOptional: z.object({ a: z.exactOptional(z.string()) }),
    optionalDefaultKey: z.object({ a: z.optional(z._default(z.string(), 'x')) }),
    optionalDefaultItem: z.array(z.optional(z._default(z.string(), 'x'))),
    optionalChecked: z.optional(z.string()).check(z.refine(() => true)),
    tuple: z.tuple([z.string()]),
  };

  it('hands to zod what it does not model, and agrees with zod there too', () => {
    const wrong: string[] = [];
    for (const [name, inner] of Object.entries(handed)) {
      const schema = z.object({ a: inner });
      const explained = explainAssert(schema)!;
      expect(explained?.handedToZod, name).toHaveLength(1);
      const compiled = z.compile(schema);
      for (const value of [{}, ...edgeValues.map((a) => ({ a }))]) {
        const theirs = zodAnswer(compiled, value);
        let said: boolean | 'throws';
        try {
          said = explained.assert(value);
        } catch {
          said = 'throws'; // zod's own check of the node, throwing as zod does
        }
        if (said !== theirs) wrong.push(`${name}: ${show(value)} ours ${said}, zod ${theirs}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('checks a required key for presence only where its schema could take undefined', () => {
    const schema = z.object({
      s: z.string(), n: z.number(), b: z.boolean(), z: z.null(), o: z.object({}), a: z.array(z.string()), r: z.record(z.string(), z.unknown()),
      e: z.enum(['x']), l: z.literal('x'), nl: z.nullable(z.string()), un: z.union([z.string(), z.number()]),
      k: z.unknown(), uk: z.union([z.string(), z.unknown()]), lu: z.literal([undefined, 'x']), nk: z.nullable(z.unknown()), c: z.coerce.number(),
    });
    const present = [...compileAssert(schema)!.toString().matchAll(/"(\w+)" in value/g)].map((m) => m[1]);
    expect(present).toEqual(['k', 'uk', 'lu', 'nk', 'c']);
  });

  it('shares one argument between equal constants, and gives up on a schema too big to be worth one function', () => {
    const twice = compileAssert(z.object({ a: z.enum(['x', 'y']), b: z.enum(['x', 'y']) }))!.toString();
    expect(twice).toContain('c1');
    expect(twice).not.toContain('c2');
    const wide = z.object(Object.fromEntries(Array.from({ length: 12_000 }, (_, i) => [`k${i}`, z.string()])));
    expect(compileAssert(wide)).toBeUndefined();
    const fits = z.object(Object.fromEntries(Array.from({ length: 9000 }, (_, i) => [`k${i}`, z.string()])));
    expect(compileAssert(fits)).toBeDefined();
  });

  it('hands to zod the nodes it does not model, and gives no function when that is the root', () => {
    expect(explainAssert(schemas.refined!)?.handedToZod).toHaveLength(2);
    expect(compileAssert(z.lazy(() => z.string()))).toBeUndefined();
    expect(compileAssert(z.string().check(z.refine((s) => s.length > 0)))).toBeUndefined();
    const Node: z.ZodMiniType = z.object({ get children() { return z.array(Node); } });
    expect(compileAssert(Node)).toBeUndefined(); // a cycle is never walked twice
    expect(explainAssert(z.object({ a: z.pipe(z.string(), z.transform((s) => s.length)) }))?.handedToZod).toHaveLength(1);
    expect(explainAssert(z.object({ a: z.string().check(z.trim()) }))?.handedToZod).toHaveLength(1);
    // a node handed to zod whole lists only itself, not the children it had written before giving up
    const catchall = z.catchall(z.object({ n: z.number().check(z.refine((n) => n > 0)) }), z.string());
    expect(explainAssert(z.object({ o: catchall }))?.handedToZod).toEqual(['a catchall schema']);
  });

  it('writes names and strings as data, never as code (a key or a literal that looks like code)', () => {
    const evil = '"]; throw new Error("ran"); //';
    const schema = z.object({ [evil]: z.literal(evil), '\u2028': z.string() });
    const ours = compileAssert(schema)!;
    expect(ours({ [evil]: evil, '\u2028': '' })).toBe(true);
    expect(ours({ [evil]: 'x', '\u2028': '' })).toBe(false);
  });
});
