import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { prepareGenerator } from '../src/core/generate.js';
import { loadProvider } from '../src/providers/index.js';
import { convert, eventSchema, standalone } from '../src/schema/json-schema.js';
import { schema } from '../src/schema/index.js';
import { refinementInJsonSchema } from '../src/schema/refinement.js';
import { eventCases, makeAjv } from './helpers/schema.js';

// The exported JSON Schema must accept exactly what `listen` accepts (the zod schema): checked with ajv, an
// independent JSON Schema 2020-12 implementation, on generated payloads, documented examples and mutations of them.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const cases = await eventCases();
const ajv = makeAjv();
const label = (c: (typeof cases)[number]) => `${c.provider.id} ${c.event.name}`;
const compiled = new Map(cases.map((c) => [c.event, ajv.compile(standalone(eventSchema(c.provider, c.event).schema))]));

function ajvErrors(c: (typeof cases)[number], payload: unknown): string {
  const validate = compiled.get(c.event)!;
  return validate(payload) ? '' : ajv.errorsText(validate.errors);
}

describe('every event converts faithfully', () => {
  it.each(cases.map((c) => [label(c), c] as const))('%s: valid 2020-12, no refinement left undescribed', (_, c) => {
    const converted = eventSchema(c.provider, c.event);
    expect(converted.conversion.undescribed).toEqual([]);
    expect(ajv.validateSchema(standalone(converted.schema))).toBe(true);
    expect(JSON.stringify(converted.schema)).not.toContain('cg-hooks:refinement');
  });

  it('an undescribed refinement is reported, a described one is not', () => {
    const bare = z.object({ a: z.number() }).check(z.refine((o) => o.a > 1));
    expect(convert(bare).undescribed).toEqual(['#/']);
    const described = z.object({ a: z.number() }).check(z.refine((o) => o.a > 1), refinementInJsonSchema({ schema: { properties: { a: { exclusiveMinimum: 1 } } } }));
    expect(convert(described).undescribed).toEqual([]);
  });
});

describe('every generated payload validates against its exported JSON Schema', () => {
  const variantCases = cases.flatMap((c) => c.variants.map((v) => [`${label(c)}${v ? ` (${v})` : ''}`, c, v] as const));
  it.each(variantCases)('%s', (_, c, variant) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const { payload } = prepareGenerator(c.provider, c.event.name, { seed, ...(variant ? { variant } : {}) }).make(0);
        expect(ajvErrors(c, payload)).toBe('');
      }),
      { numRuns: Math.max(5, Math.round(RUNS / 6)) },
    );
  });

  const fixtures = cases.flatMap((c) => (c.event.fixtures ?? []).map((f) => [`${c.provider.id}/${f}`, c, f] as const));
  it.each(fixtures)('documented example %s', (_, c, file) => {
    const payload: unknown = JSON.parse(readFileSync(new URL(`../fixtures/${c.provider.id}/${file}`, import.meta.url), 'utf8'));
    expect(ajvErrors(c, payload)).toBe('');
  });
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

function nodes(value: Json, path: Path = [], out: Array<{ path: Path; value: Json }> = []) {
  out.push({ path, value });
  if (Array.isArray(value)) value.forEach((v, i) => nodes(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) nodes(v, [...path, k], out);
  return out;
}

function parentOf(root: Json, path: Path): Record<string | number, Json> {
  let node = root as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, Json>;
  return node;
}

/** Edge values, plus the payload's own values moved elsewhere (a tier name in another tier's place, a number as another). */
const edgeValue = fc.oneof(
  fc.constantFrom<Json>(null, '', 0, -1, 1, 1.5, 0.999, 10_000_000_000, 'x', 'NA', true, false, [], {}, 'Zoë 😀', '2026-01-01T00:00:00Z', '2026-02-30T10:00:00Z'),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);
const mutation = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  variant: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'move', 'move', 'add'),
  target: fc.nat(),
  source: fc.nat(),
  value: edgeValue,
});

/** The JSON pointer of a node's schema (`#/properties/data`) as the payload path it governs (`['data']`). */
const pathOfPointer = (at: string) => at.replace(/^#\/?/, '').split('/').filter((s) => s !== '' && s !== 'properties' && s !== 'items');

describe('zod and the JSON Schema agree on mutated payloads', () => {
  it.each(cases.map((c) => [label(c), c] as const))('%s', (_, c) => {
    // Only what refinement.ts lets a provider state in words may be looser in JSON Schema, and only there.
    const unstated = eventSchema(c.provider, c.event).conversion.unstated.map((u) => pathOfPointer(u.at));
    let rejected = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        const variant = c.variants[m.variant % c.variants.length];
        const payload = prepareGenerator(c.provider, c.event.name, { seed: m.seed, ...(variant ? { variant } : {}) }).make(0).payload as Json;
        const all = nodes(payload);
        const target = all[1 + (m.target % (all.length - 1))]!;
        const parent = parentOf(payload, target.path);
        const last = target.path[target.path.length - 1]!;
        if (m.op === 'delete') {
          if (Array.isArray(parent)) parent.splice(last as number, 1);
          else delete parent[last];
        } else if (m.op === 'replace') parent[last] = m.value;
        else if (m.op === 'move') parent[last] = structuredClone(all[m.source % all.length]!.value);
        else if (target.value !== null && typeof target.value === 'object' && !Array.isArray(target.value)) target.value.unexpected_key = m.value;
        const zodResult = c.event.schema.safeParse(payload);
        const jsonErrors = ajvErrors(c, payload);
        if (!zodResult.success) rejected++;
        if (zodResult.success) {
          expect(jsonErrors, 'the JSON Schema rejects what zod accepts').toBe('');
        } else if (jsonErrors === '') {
          const issues = zodResult.error.issues;
          const explained = issues.every((i) => i.code === 'custom' && unstated.some((p) => p.every((seg, k) => String(i.path[k]) === seg)));
          expect(explained, `the JSON Schema accepts what zod rejects: ${JSON.stringify(issues.map((i) => [i.path, i.message]))}`).toBe(true);
        }
      }),
      // A fixed seed: the count below must not depend on the run's luck (a loose event rejects few mutations).
      { numRuns: RUNS, seed: 20261128 },
    );
    // The mutations must reach the schemas' rules, or the agreement above would be empty.
    expect(rejected).toBeGreaterThan(RUNS / 20);
  });
});

describe('hand-described refinements', () => {
  const mgpass = cases.find((c) => c.provider.id === 'mgpass' && c.event.name === 'rewards.tier_promoted')!;
  const segment = cases.find((c) => c.provider.id === 'segment' && c.event.name === 'track')!;
  const promoted = (data: Record<string, unknown>) => ({ event_type: 'rewards.tier_promoted', timestamp: '2026-01-01T00:00:00Z', data: { user_id: 'u1', ...data } });
  const both = (c: typeof mgpass, body: unknown) => [c.event.schema.safeParse(body).success, ajvErrors(c, body) === ''];

  it.each([
    ['silver from bronze', { previous_tier: 'bronze', new_tier: 'silver', lifetime_earned: 1000, multiplier: 1.5 }, true],
    ['platinum from silver', { previous_tier: 'silver', new_tier: 'platinum', lifetime_earned: 25000, multiplier: 3 }, true],
    ['a demotion', { previous_tier: 'gold', new_tier: 'silver', lifetime_earned: 6000, multiplier: 1.5 }, false],
    ['the same tier', { previous_tier: 'gold', new_tier: 'gold', lifetime_earned: 6000, multiplier: 2 }, false],
    ["another tier's multiplier", { previous_tier: 'bronze', new_tier: 'gold', lifetime_earned: 6000, multiplier: 1.5 }, false],
    ['below the threshold', { previous_tier: 'silver', new_tier: 'gold', lifetime_earned: 4999, multiplier: 2 }, false],
    ['bronze (nothing is below it)', { previous_tier: 'bronze', new_tier: 'bronze', lifetime_earned: 0, multiplier: 1 }, false],
  ])('mgpass tier promotion: %s', (_, data, ok) => {
    expect(both(mgpass, promoted(data))).toEqual([ok, ok]);
  });

  it.each([
    ['userId', { userId: 'u1' }, true],
    ['anonymousId', { anonymousId: 'a1' }, true],
    ['userId null, anonymousId set', { userId: null, anonymousId: 'a1' }, true],
    ['neither', {}, false],
    ['both empty', { userId: '', anonymousId: '' }, false],
    ['both null', { userId: null, anonymousId: null }, false],
  ])('segment identity: %s', (_, ids, ok) => {
    expect(both(segment, { type: 'track', event: 'Order Completed', ...ids })).toEqual([ok, ok]);
  });

  it('cashback arithmetic, which JSON Schema cannot state, is in the description', async () => {
    const mg = await loadProvider('mgpass');
    const converted = eventSchema(mg, mg.events.find((e) => e.name === 'cashback.processed')!);
    expect(converted.conversion.unstated.map((u) => u.at)).toEqual(['#/properties/data']);
    expect((converted.schema.properties as Record<string, { description?: string }>).data!.description).toMatch(/gross_amount equals points × rate/);
  });
});

describe('documents', () => {
  it('a provider bundles its events under $defs, and the bundle accepts any of them', async () => {
    const { document } = await schema({ provider: 'rehook' });
    const doc = document as { $defs: Record<string, unknown> };
    const rehook = cases.filter((c) => c.provider.id === 'rehook');
    expect(Object.keys(doc.$defs)).toHaveLength(rehook.length);
    const validate = makeAjv().compile(doc);
    for (const c of rehook) expect(validate(prepareGenerator(c.provider, c.event.name, { seed: 7 }).make(0).payload)).toBe(true);
    expect(validate({ event_name: 'customer.rewarded' })).toBe(false);
  });

  it('an event alias finds the event', async () => {
    const { document } = await schema({ provider: 'rehook', event: 'customer.referral.successfull.advocate' });
    expect((document as { title: string }).title).toBe('RehookCustomerReferralSuccessfulAdvocate');
  });
});
