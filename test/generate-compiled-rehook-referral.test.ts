import fc from 'fast-check';
import * as z from 'zod/mini';
import { beforeAll, describe, expect, it } from 'vitest';
import { COUNT_STEP_MS, SEEDED_EPOCH_MS } from '../src/core/generate.js';
import { validate } from '../src/core/validate.js';
import { findEvent, loadProvider } from '../src/providers/index.js';
import type { BodyCompiler, ProviderDef } from '../src/providers/types.js';
import { mixSeed } from '../src/templates/random.js';
import { compiledBodies, expectWriteBodyIsMake, interpretedBody } from './helpers/compiled-forms.js';

// Rehook's order_success, successful-referral and leaderboard events, compiled (src/templates/rehook-referral-compiled.ts):
// as test/generate-compiled-sources.test.ts holds the other compiled events, every body must be the interpreted
// template's, byte for byte: the oracle is JSON.stringify of the interpreted payload, at random seeds, indices, clocks
// and --ascii; each body is also validated with the event's schema, and the branches taken are counted so that a rare
// one is not left untested.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** The customer key's three forms (rehook.ts customerKey). */
const keyForm = (key: string) => (/@/.test(key) ? '@' : /^New_/.test(key) ? 'new' : '_');
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z, from where Date writes a six-digit year. */
const YEAR_10000_MS = 253_402_300_800_000;

/** event, a name for a delivery's branches, and how many combinations exist. */
type Case = [string, (p: Record<string, any>) => string, number];
const CASES: Case[] = [
  // Cart size (1-3 consecutive products; 2 and 3 may wrap past the last one) × payment mode × the key's form.
  ['order_success', (p) => {
    const ids: number[] = p.metadata.cart.map((l: { id: number }) => l.id);
    return `${ids.length} ${ids.some((id, i) => i > 0 && id < ids[i - 1]!)} ${p.metadata.mode} ${keyForm(p.source_id)}`;
  }, (1 + 2 + 2) * 5 * 3],
  // Every product (its texts folded under --ascii) first in the cart.
  ['order_success', (p) => p.metadata.cart[0].title, 18],
  // The campaign names ('' twice) × the points × the key's form.
  ['customer.referral.successful.advocate', (p) => `${p.metadata.CampaignName} ${p.metadata.PointsRewarded} ${keyForm(p.source_id)}`, 4 * 5 * 3],
  ['customer.referral.successful.friend', (p) => `${p.metadata.CampaignName} ${p.metadata.PointsRewarded} ${keyForm(p.source_id)}`, 4 * 5 * 3],
  // Rank × period (7 or 30 days) × the reward name's two forms × the key's form.
  ['customer.leaderboard.awarded', (p) => {
    const m = p.metadata;
    const days = Math.round((Date.parse(m.period_end) - Date.parse(m.period_start)) / DAY_MS);
    return `${m.rank} ${days} ${/^Leaderboard/.test(m.reward.name)} ${keyForm(p.source_id)}`;
  }, 10 * 2 * 2 * 3],
];

let provider: ProviderDef;
/** Rehook's compiled templates, as `generate --count` loads them (bodyCompilerFor). */
let compile: BodyCompiler;
beforeAll(async () => {
  provider = await loadProvider('rehook');
  compile = (await provider.loadBodyCompiler!())!;
});

const compiledBodyOf = compiledBodies(() => compile);
const interpreted = (event: string, seed: number, now: number, index: number, ascii: boolean) => interpretedBody(provider, event, seed, now, index, undefined, ascii);
const compiledBody = (event: string, seed: number, now: number, index: number, ascii: boolean) => compiledBodyOf(provider, event, seed, now, index, undefined, ascii);

describe.each(CASES)('the compiled rehook %s', (event, branch, branches) => {
  it('exists with and without --ascii, and only for the provider and the event as they are', async () => {
    const def = findEvent(provider, event);
    for (const ascii of [false, true]) expect(compile(def, undefined, ascii), `${ascii}`).toBeDefined();
    const template: ProviderDef['template'] = (e, ctx, v) => ({ ...provider.template(e, ctx, v), extra: true });
    expect(await { ...provider, template }.loadBodyCompiler!()).toBeUndefined();
    expect(compile({ ...def, schema: z.looseObject({}) }, undefined, false)).toBeUndefined();
    expect(compile(def, 'some-variant', false)).toBeUndefined();
  });

  it('writes exactly the UTF-8 of JSON.stringify of the interpreted payload, which the schema accepts', () => {
    const schema = findEvent(provider, event).schema;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.nat({ max: 10_000_000 }),
        fc.oneof(
          fc.integer({ min: 0, max: 4_102_444_800_000 }),
          fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
          fc.double({ min: -1e16, max: 1e16, noNaN: true }),
          // Where a clock the leaderboard prints (up to 30 days before the delivery's) leaves what isoInto writes.
          fc.integer({ min: -40 * DAY_MS, max: 40 * DAY_MS }),
          fc.integer({ min: YEAR_10000_MS - 40 * DAY_MS, max: YEAR_10000_MS + 40 * DAY_MS }),
        ),
        fc.boolean(),
        (seed, index, now, ascii) => {
          let want: string;
          try {
            want = interpreted(event, seed, now, index, ascii);
          } catch {
            // A clock Date refuses: the interpreted path throws, the compiled one must leave it to it.
            expect(compiledBody(event, seed, now, index, ascii)).toBeUndefined();
            return;
          }
          const got = compiledBody(event, seed, now, index, ascii);
          if (got === undefined) {
            // Left to the interpreted path: only clocks far from any real delivery's.
            expect(Number.isInteger(now) && now >= 1_000_000_000_000 && now <= 4_102_444_800_000).toBe(false);
            return;
          }
          expect(got.toString('utf8')).toBe(want);
          expect(got.equals(Buffer.from(want, 'utf8'))).toBe(true);
          expect(validate(schema, JSON.parse(want))).toEqual([]);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it('matches on every branch the template takes, in a run as --count makes it', () => {
    for (const ascii of [false, true]) {
      const seen = new Map<string, number>();
      const seed = mixSeed(`branches-rehook-${event}`);
      for (let index = 0; index < 4000; index++) {
        const now = SEEDED_EPOCH_MS + index * COUNT_STEP_MS;
        const got = compiledBody(event, seed, now, index, ascii)!.toString('utf8');
        expect(got).toBe(interpreted(event, seed, now, index, ascii));
        const b = branch(JSON.parse(got));
        seen.set(b, (seen.get(b) ?? 0) + 1);
      }
      // Every combination of the branches named is seen (and compared) in such a run.
      expect(seen.size, JSON.stringify([...seen])).toBe(branches);
    }
  });

  it('is what prepareGenerator writes after its first deliveries, the same bytes as make()', () => {
    expectWriteBodyIsMake(provider, event, compile, {});
  });
});
