import fc from 'fast-check';
import * as z from 'zod/mini';
import { beforeAll, describe, expect, it } from 'vitest';
import { validate, validateOften, withoutNoOpChecks } from '../src/core/validate.js';
import { loadAllProviders } from '../src/providers/index.js';
import type { EventDef, ProviderDef } from '../src/providers/types.js';
import { TemplateContext } from '../src/templates/context.js';
import { paths, type Path } from './helpers/json-paths.js';

// validateOften (the listener, `generate --count`) compiles each schema with its no-op checks (z.meta, z.describe)
// left out, so that zod's compiler takes the whole schema. That must change no verdict and no issue: every event's
// own payloads, and the same payloads broken at a random place, get exactly what the ordinary parser (`validate`, on
// the schema as written) says.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
let events: Array<{ provider: ProviderDef; event: EventDef; variant?: string }>;
beforeAll(async () => {
  events = (await loadAllProviders()).flatMap((provider) =>
    provider.events.flatMap((event) => (event.variants?.length ? event.variants.map((v) => ({ provider, event, variant: v.name })) : [{ provider, event }])),
  );
});

/** The payload with one change at `path`: a new value, the key removed, or an unknown key added beside it. */
function broken(payload: unknown, path: Path, how: 'set' | 'delete' | 'add', value: unknown): unknown {
  const copy = structuredClone(payload);
  if (path.length === 0) return how === 'set' ? value : copy;
  let node = copy as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (how === 'set') node[last] = value;
  else if (how === 'delete') delete node[last];
  else if (!Array.isArray(node)) node[`${String(last)}_extra`] = value;
  return copy;
}

const oddValues = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(-1, 0, 1.5, 1e21, '', 'x', 'camp_!', '2026-13-01T00:00:00Z', null, true, [], {}));

describe('validateOften', () => {
  it('finds no-op checks where the catalog has them, and leaves none in the copy it compiles', () => {
    const noOps = (s: z.core.$ZodType, seen = new Set<unknown>()): number => {
      if (seen.has(s)) return 0;
      seen.add(s);
      const def = s._zod.def as unknown as Record<string, unknown>;
      let n = ((def.checks as Array<{ _zod: { def: { check: string } } }> | undefined) ?? []).filter((c) => ['meta', 'describe'].includes(c._zod.def.check)).length;
      for (const v of Object.values(def)) {
        const kids = Array.isArray(v) ? v : v && typeof v === 'object' && !('_zod' in v) ? Object.values(v) : [v];
        for (const k of kids) if (k && typeof k === 'object' && '_zod' in k) n += noOps(k as z.core.$ZodType, seen);
      }
      return n;
    };
    const withNoOps = events.filter(({ event }) => noOps(event.schema) > 0).map(({ provider, event }) => `${provider.id} ${event.name}`);
    expect(withNoOps).toContain('segment track');
    expect(withNoOps).toContain('mgpass cashback.redeemed');
    for (const { event } of events) expect(noOps(withoutNoOpChecks(event.schema))).toBe(0);
    // A schema without any is returned as it is.
    const plain = events.find(({ event }) => noOps(event.schema) === 0)!.event.schema;
    expect(withoutNoOpChecks(plain)).toBe(plain);
  });

  it('gives every event the verdict and issues of the ordinary parser, on its own payloads and broken ones', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.nat(),
        fc.constantFrom('set' as const, 'delete' as const, 'add' as const),
        oddValues,
        fc.boolean(),
        (pick, seed, where, how, value, intact) => {
          const { provider, event, variant } = events[pick % events.length]!;
          const payload = provider.template(event.name, new TemplateContext(seed, 1_767_225_600_000 + (seed % 1000) * 1000, pick), variant);
          const all = paths(payload);
          const subject = intact ? payload : broken(payload, all[where % all.length]!, how, value);
          expect(validateOften(event.schema, subject), `${provider.id} ${event.name}`).toEqual(validate(event.schema, subject));
          if (intact) expect(validateOften(event.schema, subject)).toEqual([]);
        },
      ),
      { numRuns: RUNS * 25 },
    );
  });
});

describe('validate on values JSON cannot write', () => {
  it('names a cyclic or bigint value by its type instead of throwing (a library caller may pass one)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const schema = z.object({ amount: z.number() });
    expect(validate(schema, { amount: cyclic })).toEqual([{ path: 'amount', message: 'expected number, got object (a value JSON cannot write)' }]);
    expect(validateOften(schema, { amount: cyclic })).toEqual(validate(schema, { amount: cyclic }));
    expect(validate(schema, { amount: 10n })[0]!.message).toMatch(/^expected number, got bigint/);
  });
});
