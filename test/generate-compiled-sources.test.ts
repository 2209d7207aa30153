import fc from 'fast-check';
import * as z from 'zod/mini';
import { beforeAll, describe, expect, it } from 'vitest';
import { COUNT_STEP_MS, SEEDED_EPOCH_MS } from '../src/core/generate.js';
import { validate } from '../src/core/validate.js';
import { findEvent, loadProvider } from '../src/providers/index.js';
import type { BodyCompiler, ProviderDef } from '../src/providers/types.js';
import { putNumber, putString } from '../src/templates/compiled.js';
import { mixSeed } from '../src/templates/random.js';
import { toAscii } from '../src/templates/text.js';
import { compiledBodies, expectWriteBodyIsMake, interpretedBody } from './helpers/compiled-forms.js';

// The compiled events besides the CustomerGlu reward (test/generate-compiled.test.ts): `generate --count` writes their
// bodies straight into the output buffer and checks no schema per delivery, so every body must be the interpreted
// template's, byte for byte. The oracle is JSON.stringify of the interpreted payload (what prepareGenerator sends),
// at random seeds, indices, clocks and --ascii; each compiled body is also parsed and validated with the event's
// schema, and the branches the templates take are counted so that a rare one is not left untested.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** provider, event, its variants (undefined: none), a name for a delivery's branches, and how many combinations exist. */
type Case = [string, string, Array<string | undefined>, (p: Record<string, any>) => string, number];
const CASES: Case[] = [
  ['segment', 'identify', [undefined], (p) => `${p.context.library.name} ${p.userId.length}`, 4 * 4],
  ['segment', 'track', [undefined], (p) => `${p.context.library.name} ${p.event} ${'coupon' in p.properties} ${p.properties.products?.length ?? '-'}`, 2 * 12 + 2 * 11],
  // Action × platform (push token) × cart size; the customer-id form × platform.
  ['clevertap', 'event', ['live', undefined], (p) => `${p.key_values.event_name} ${p.profiles[0].platform} ${p.profiles[0].event_properties.Items ?? '-'} ${p.profiles[0].Identity.length}`, 5 * 2 * 4],
  // Action (an order: coupon or not, 1-3 lines) × platform.
  ['moengage', 'event', ['user-action', undefined], (p) => {
    const e = p.events[0];
    return `${e.event_name} ${e.device_attributes.platform} ${'coupon_code' in e.event_attributes} ${e.event_attributes.product_names?.length ?? '-'}`;
  }, 9 * 2],
  // Two e-mail events on either platform, the platform's push event (its own token form).
  ['moengage', 'event', ['campaign'], (p) => `${p.events[0].event_name} ${p.events[0].device_attributes.platform}`, 2 * 2 + 2],
  // Coupon or not × 1-3 cart lines × the user id's forms.
  ['customerglu-events', 'event', ['purchase', undefined], (p) => `${'coupon_code' in p.event_properties} ${p.event_properties.items.length} ${p.user_id.length > 7 ? p.user_id.length : 'n'}`, 2 * 3 * 3],
  ['customerglu-events', 'event', ['add_to_cart'], (p) => `${p.user_id.length > 7 ? p.user_id.length : 'n'} ${p.event_properties.currency}`, 3 * 9],
  ['customerglu-events', 'event', ['signup'], (p) => `${p.event_properties.signup_method} ${'referral_code' in p.event_properties}`, 3 * 2],
  ['customerglu-events', 'event', ['app_open'], (p) => `${p.event_properties.platform} ${p.user_id.length > 7 ? p.user_id.length : 'n'}`, 2 * 3],
  // The event (an order: coupon or not) × platform.
  ['webengage', 'event', ['custom', undefined], (p) => `${p.event_name} ${p.system_data.sdk} ${'Coupon Code' in p.event_data}`, (2 * 2 + 1 + 1) * 2],
  // Activation now or later × expiring or not × the customer key's three forms × the reward names.
  ['rehook', 'customer.rewarded', ['wallet-reward', undefined], (p) => {
    const r = p.metadata.reward;
    return `${r.activation.is_immediate} ${r.expiration.never_expires} ${/@/.test(p.source_id) ? '@' : /^New_/.test(p.source_id) ? 'new' : '_'} ${r.name}`;
  }, 2 * 2 * 3 * 5],
  ['rehook', 'customer.rewarded', ['webhook-reward'], (p) => {
    const r = p.metadata.reward;
    return `${r.activation.is_immediate} ${r.expiration.never_expires} ${/@/.test(p.source_id) ? '@' : /^New_/.test(p.source_id) ? 'new' : '_'} ${r.name}`;
  }, 2 * 2 * 3 * 4],
  // The discount (type × value) × the code's word × the customer key's three forms.
  ['rehook', 'coupon.created', [undefined], (p) => couponBranch(p), 10 * 5 * 3],
  ['rehook', 'coupon.rewarded', [undefined], (p) => couponBranch(p), 10 * 5 * 3],
  // The discount × the order's amount (the selling amount's cents) × the customer key's three forms.
  ['rehook', 'coupon.redeemed', [undefined], (p) => redemptionBranch(p), 10 * 6 * 3],
  ['rehook', 'coupon.redemption.rollback', [undefined], (p) => redemptionBranch(p), 10 * 6 * 3],
];

function keyForm(sourceId: string): string {
  return /@/.test(sourceId) ? '@' : /^New_/.test(sourceId) ? 'new' : '_';
}
function couponBranch(p: Record<string, any>): string {
  const m = p.metadata;
  return `${m.discount.type} ${m.discount.value} ${m.coupon_code.replace(/\d+$/, '')} ${keyForm(p.source_id)}`;
}
function redemptionBranch(p: Record<string, any>): string {
  const m = p.metadata;
  return `${m.discount.type} ${m.discount.value} ${m.order.original_amount} ${keyForm(p.source_id)}`;
}

const providers = new Map<string, ProviderDef>();
/** Each provider's compiled templates, as `generate --count` loads them (bodyCompilerFor). */
const compilers = new Map<string, BodyCompiler>();
beforeAll(async () => {
  for (const [id] of CASES) if (!providers.has(id)) providers.set(id, await loadProvider(id));
  for (const [id, provider] of providers) compilers.set(id, (await provider.loadBodyCompiler!())!);
});

const interpreted = interpretedBody;
const compiledBody = compiledBodies((provider) => compilers.get(provider.id)!);

describe.each(CASES)('the compiled %s %s %j', (id, event, variants, branch, branches) => {
  it('exists for every variant, with and without --ascii, and only for the provider as it is', async () => {
    const provider = providers.get(id)!;
    const compile = compilers.get(id)!;
    const def = findEvent(provider, event);
    for (const variant of variants) for (const ascii of [false, true]) expect(compile(def, variant, ascii), `${variant} ${ascii}`).toBeDefined();
    const template: ProviderDef['template'] = (e, ctx, v) => ({ ...provider.template(e, ctx, v), extra: true });
    expect(await { ...provider, template }.loadBodyCompiler!()).toBeUndefined();
    expect(compile({ ...def, schema: z.looseObject({}) }, variants[0], false)).toBeUndefined();
  });

  it('writes exactly the UTF-8 of JSON.stringify of the interpreted payload, which the schema accepts', () => {
    const provider = providers.get(id)!;
    const schema = findEvent(provider, event).schema;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.nat({ max: 10_000_000 }),
        fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.double({ min: -1e16, max: 1e16, noNaN: true })),
        fc.constantFrom(...variants),
        fc.boolean(),
        (seed, index, now, variant, ascii) => {
          let want: string;
          try {
            want = interpreted(provider, event, seed, now, index, variant, ascii);
          } catch {
            // A clock Date refuses: the interpreted path throws, the compiled one must leave it to it.
            expect(compiledBody(provider, event, seed, now, index, variant, ascii)).toBeUndefined();
            return;
          }
          const got = compiledBody(provider, event, seed, now, index, variant, ascii);
          if (got === undefined) {
            // Left to the interpreted path: only clocks far from any real delivery's (before 2001, after 2100, a
            // fraction of a millisecond), where a clock would print as Date prints it or break the schema's bounds.
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
    const provider = providers.get(id)!;
    for (const variant of variants) {
      for (const ascii of [false, true]) {
        const seen = new Map<string, number>();
        const seed = mixSeed(`branches-${id}-${event}-${variant}`);
        for (let index = 0; index < 4000; index++) {
          const now = SEEDED_EPOCH_MS + index * COUNT_STEP_MS;
          const got = compiledBody(provider, event, seed, now, index, variant, ascii)!.toString('utf8');
          expect(got).toBe(interpreted(provider, event, seed, now, index, variant, ascii));
          const b = branch(JSON.parse(got));
          seen.set(b, (seen.get(b) ?? 0) + 1);
        }
        // Every combination of the branches named is seen (and compared) in such a run.
        expect(seen.size, JSON.stringify([...seen])).toBe(branches);
      }
    }
  });

  it('is what prepareGenerator writes after its first deliveries, the same bytes as make()', () => {
    const provider = providers.get(id)!;
    for (const variant of variants) expectWriteBodyIsMake(provider, event, compilers.get(id)!, { variant });
  });
});

describe('putString', () => {
  it('writes the UTF-8 of JSON.stringify of any string: ASCII, other scripts, emoji, escapes, lone surrogates', () => {
    const out = Buffer.alloc(4096, 0xff);
    const unit = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
      fc.constantFrom('"', '\\', '\n', '\u0000', '\u007f', 'é', '₹', '’', '🎉', '\ud800', '\udfff', 'Ł'),
    );
    fc.assert(fc.property(fc.string({ unit, maxLength: 60 }), fc.nat({ max: 16 }), (text, at) => {
      out.fill(0xff);
      const end = putString(out, at, text);
      expect(out.subarray(at, end).equals(Buffer.from(JSON.stringify(text), 'utf8'))).toBe(true);
      expect(out[end]).toBe(0xff);
      expect(end - at).toBeLessThanOrEqual(6 * text.length + 2);
    }), { numRuns: RUNS * 25 });
  });

  it('writes a text it has written before the same way again, in either --ascii mode (its literals are cached per mode)', () => {
    const out = Buffer.alloc(256);
    for (const text of ['München', 'Levi’s 511 Slim Jeans', 'say "hi"', 'Spicy Paneer Wrap 🌶️', 'Köln']) {
      for (let round = 0; round < 3; round++) {
        for (const ascii of [false, true, false]) {
          const end = putString(out, 1, text, ascii);
          expect(out.toString('utf8', 1, end), `${text} ${ascii}`).toBe(JSON.stringify(ascii ? toAscii(text) : text));
        }
      }
    }
  });
});

describe('putNumber', () => {
  it('writes amounts to the cent (its own path) and numbers near them as JSON does', () => {
    const out = Buffer.alloc(64, 0xff);
    // Up to 10^13 and beyond it, where a double's spacing passes half a cent (there the cents path must not apply).
    const cents = fc.oneof(fc.integer({ min: -(10 ** 15), max: 10 ** 15 }), fc.double({ min: -1e18, max: 1e18, noNaN: true }).map(Math.round)).map((k) => k / 100);
    const near = fc.tuple(cents, fc.constantFrom(1e-9, -1e-9, 1e-13, 0.001, 0.005, 0.004999)).map(([n, d]) => n + d);
    const special = fc.constantFrom(0.01, -0.01, 0.1, 0.05, -0.5, 9.99, 10.1, 417.95, 1e13 - 0.01, 1e13 + 0.01, 9_999_999_999_999.99, 0.1 + 0.2, 1.005, 2.675 * 100);
    fc.assert(fc.property(fc.oneof(cents, near, special, fc.double({ noNaN: true, noDefaultInfinity: true })), (n) => {
      const end = putNumber(out, 2, n);
      expect(out.toString('latin1', 2, end)).toBe(JSON.stringify(n));
      expect(out[end]).toBe(0xff);
      out.fill(0xff);
    }), { numRuns: RUNS * 25 });
  });
});
