import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProvider } from '../src/providers/index.js';
import type { ProviderDef } from '../src/providers/types.js';
import { TemplateContext } from '../src/templates/context.js';

// Rehook's backend is Go, whose encoding/json writes map keys sorted. The Rehook templates write every object's keys
// in that order themselves (no pass that copies each payload into sorted objects): this holds each event, variant
// and mode to it, against a plain recursive sort of the template's own payload (the oracle the templates used to run).

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sorted((value as Record<string, unknown>)[key]);
  return out;
}

let rehook: ProviderDef;
let cases: Array<[string, string | undefined]>;
beforeAll(async () => {
  rehook = await loadProvider('rehook');
  cases = rehook.events.flatMap((e): Array<[string, string | undefined]> => (e.variants?.length ? e.variants.map((v) => [e.name, v.name]) : [[e.name, undefined]]));
});

describe('Rehook payloads', () => {
  it('carry every object key in sorted order, as Go writes them (every event, variant and mode)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.nat({ max: 1_000_000 }), fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.boolean(), (seed, index, now, ascii) => {
        for (const [event, variant] of cases) {
          const payload = rehook.template(event, new TemplateContext(seed, now, index, { ascii }), variant);
          expect(JSON.stringify(payload), `${event} ${variant ?? ''}`).toBe(JSON.stringify(sorted(payload)));
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
