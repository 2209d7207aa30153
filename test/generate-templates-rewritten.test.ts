import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateContext } from '../src/templates/context.js';
import { CITIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, NATIVE_NAME_SHARE, NATIVE_NAMES, PRODUCTS } from '../src/templates/names.js';
import { goTime } from '../src/templates/rehook.js';
import { cartLine, customerUserId, shopper } from '../src/templates/sources.js';
import { toAscii } from '../src/templates/text.js';

// Wave 7 rewrote the hottest template helpers for `generate --count` (a person's names made once per name, no
// closures per customer id, SKU prefixes made once per brand, Go fractions trimmed without a regular expression).
// Each is held here to the code it replaced, kept verbatim as the oracle: the same values and the same draws after
// (the next draw of both contexts is compared), for any seed, stream, clock and mode.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

function personBefore(ctx: TemplateContext) {
  const native = ctx.chance(NATIVE_NAME_SHARE) ? ctx.pick(NATIVE_NAMES) : undefined;
  const first = ctx.pick(FIRST_NAMES);
  const last = ctx.pick(LAST_NAMES);
  const plain = native ? { ...native.romanized } : { first: toAscii(first), last: toAscii(last) };
  let shown: { first: string; last: string; name: string };
  if (ctx.ascii) shown = { ...plain, name: `${plain.first} ${plain.last}` };
  else if (native) shown = { first: native.first, last: native.last, name: native.name };
  else shown = { first, last, name: `${first} ${last}` };
  const local = `${plain.first}.${plain.last}`.toLowerCase().replace(/[^a-z.]/g, '');
  return {
    ...shown,
    plain,
    email: `${local}${ctx.int(1, 99)}@${ctx.pick(EMAIL_DOMAINS)}`,
    phone: `+91${ctx.int(6, 9)}${ctx.digits(9)}`,
    city: ctx.text(ctx.pick(CITIES)),
  };
}

const customerUserIdBefore = (ctx: TemplateContext): string =>
  ctx.pick([() => ctx.uuid(), () => `usr_${ctx.lowerAlnum(12)}`, () => String(ctx.int(100000, 9999999))])();

function goTimeBefore(ctx: TemplateContext, offsetMs = 0): string {
  const fraction = `${ctx.int(1, 9)}${ctx.digits(8)}`.replace(/0+$/, '');
  return `${new Date(ctx.now + offsetMs).toISOString().slice(0, 19)}.${fraction}Z`;
}

const skuBefore = (brand: string) => brand.replace(/[^A-Za-z]/g, '').slice(0, 3).toUpperCase();

const contexts = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  stream: fc.nat({ max: 10_000_000 }),
  now: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  ascii: fc.boolean(),
});
const twins = ({ seed, stream, now, ascii }: { seed: number; stream: number; now: number; ascii: boolean }) =>
  [new TemplateContext(seed, now, stream, { ascii }), new TemplateContext(seed, now, stream, { ascii })] as const;

describe('rewritten template helpers', () => {
  it('person(): the same person (every field, in the same key order) and the same draws after', () => {
    fc.assert(
      fc.property(contexts, fc.integer({ min: 1, max: 40 }), (c, n) => {
        const [a, b] = twins(c);
        // Drawn in the same interleaving as before (a, then b, n times); compared in one expect.
        const got: string[] = [];
        const want: string[] = [];
        for (let i = 0; i < n; i++) {
          got.push(JSON.stringify(a.person()));
          want.push(JSON.stringify(personBefore(b)));
        }
        expect(got).toEqual(want);
        expect(a.float()).toBe(b.float());
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('every name pair, native and not, in both modes', () => {
    // Drawn until every native name and many first × last pairs have been seen.
    for (const ascii of [false, true]) {
      const seen = new Set<string>();
      for (let stream = 0; stream < 6000; stream++) {
        const a = new TemplateContext(99, 0, stream, { ascii });
        const b = new TemplateContext(99, 0, stream, { ascii });
        const got = a.person();
        expect(JSON.stringify(got)).toBe(JSON.stringify(personBefore(b)));
        seen.add(got.plain.first + got.plain.last);
      }
      for (const n of NATIVE_NAMES) expect(seen).toContain(n.romanized.first + n.romanized.last);
      expect(seen.size).toBeGreaterThan(1000);
    }
  });

  it('customerUserId, goTime and cart lines: the same values and draws after', () => {
    fc.assert(
      fc.property(contexts, fc.integer({ min: -400, max: 400 }), (c, days) => {
        const [a, b] = twins(c);
        expect(customerUserId(a)).toBe(customerUserIdBefore(b));
        expect(goTime(a, days * 86_400_000)).toBe(goTimeBefore(b, days * 86_400_000));
        expect(goTime(a)).toBe(goTimeBefore(b));
        const who = shopper(a);
        shopper(b);
        const line = cartLine(a, who);
        const p = PRODUCTS.find((x) => x.title === line.name)!;
        b.pick(PRODUCTS);
        b.digits(7);
        expect(line.sku).toBe(`${skuBefore(p.brand)}-${b.digits(5)}`);
        b.pick([1, 1, 1, 2, 3]);
        expect(a.float()).toBe(b.float());
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
