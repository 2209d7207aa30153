import fc from 'fast-check';
import * as z from 'zod/mini';
import { beforeAll, describe, expect, it } from 'vitest';
import { COUNT_STEP_MS, SEEDED_EPOCH_MS } from '../src/core/generate.js';
import { validate } from '../src/core/validate.js';
import { findEvent, loadProvider } from '../src/providers/index.js';
import type { BodyCompiler, ProviderDef } from '../src/providers/types.js';
import { mixSeed } from '../src/templates/random.js';
import { compiledBodies, expectWriteBodyIsMake, interpretedBody } from './helpers/compiled-forms.js';

// mgPass's compiled identity events (src/templates/mgpass-identity-compiled.ts), held to the interpreted template as
// test/generate-compiled-sources.test.ts holds the others: `generate --count` writes their bodies straight into the
// output and checks no schema per delivery, so every body must be JSON.stringify of the interpreted payload, byte for
// byte, at random seeds, indices, clocks and --ascii, and valid. Each delivery's branches are named as features
// (the client's kind, the IP's family, the reason…): every one must be seen, and compared, in a --count run.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
/** The schema's last unix second is 10^11 - 1; a session expires up to 30 days on: clocks from here are left alone. */
const LAST_CLOCK_MS = 1e14 - 30 * 86_400_000;

/** The client's kind, from its user agent (client() in mgpass-identity.ts). */
function client(ua: string): string {
  if (ua.startsWith('Mozilla')) return ua.includes('Chrome') ? 'chrome' : 'safari';
  return ua.includes('okhttp') ? 'android' : ua.includes('CFNetwork/1335') ? 'old-ios' : 'ios';
}
const ipFamily = (ip: string) => (ip.includes(':') ? 'v6' : 'v4');

/** event, a delivery's features, and how many features a run must show. */
type Case = [string, (p: Record<string, any>) => string[], number];
const CASES: Case[] = [
  // 4 methods, mfa both ways (password only), 2 IP families, 5 clients.
  ['user.login.success', ({ data: d }) => [d.method, `mfa ${d.mfa}`, ipFamily(d.ip), client(d.user_agent)], 4 + 2 + 2 + 5],
  // 5 reasons (user_id null for user_not_found), phone or e-mail, 2 IP families, 5 clients, locked or not.
  ['user.login.failed', ({ data: d }) => [`${d.reason} ${d.user_id === null}`, d.identifier.startsWith('+233') ? 'phone' : 'email', ipFamily(d.ip), client(d.user_agent), `attempt ${d.attempt === 5}`], 5 + 2 + 2 + 5 + 2],
  // 3 methods (verified or not), a referral code or none, 3 networks, 2 IP families, 5 clients.
  ['user.register', ({ data: d }) => [`${d.method} ${d.email_verified}`, `referral ${d.referral_code === null}`, `net ${d.phone_number.slice(4, 6)}`, ipFamily(d.ip), client(d.user_agent)], 3 + 2 + 12 + 2 + 5],
  // 4 reasons, 2 IP families, 3 durations.
  ['user.impersonated', ({ created_at: t, data: d }) => [d.reason.replace(/\d+/, '#'), ipFamily(d.ip), `minutes ${(d.expires_at - t) / 60}`], 4 + 2 + 3],
  // 3 lifetimes, 2 IP families, 5 clients.
  ['session.created', ({ created_at: t, data: d }) => [`days ${(d.expires_at - t) / 86_400}`, ipFamily(d.ip), client(d.user_agent)], 3 + 2 + 5],
];

let provider: ProviderDef;
/** mgPass's compiled templates, as `generate --count` loads them (bodyCompilerFor). */
let compile: BodyCompiler;
beforeAll(async () => {
  provider = await loadProvider('mgpass');
  compile = (await provider.loadBodyCompiler!())!;
});

const compiledBodyOf = compiledBodies(() => compile);
const interpreted = (event: string, seed: number, now: number, index: number, ascii: boolean) => interpretedBody(provider, event, seed, now, index, undefined, ascii);
const compiledBody = (event: string, seed: number, now: number, index: number, ascii: boolean) => compiledBodyOf(provider, event, seed, now, index, undefined, ascii);

describe.each(CASES)('the compiled mgpass %s', (event, features, count) => {
  it('exists with and without --ascii, and only for the provider as it is', async () => {
    const def = findEvent(provider, event);
    for (const ascii of [false, true]) expect(compile(def, undefined, ascii), `${ascii}`).toBeDefined();
    expect(compile(def, 'some-variant', false)).toBeUndefined();
    const template: ProviderDef['template'] = (e, ctx, v) => ({ ...provider.template(e, ctx, v), extra: true });
    expect(await { ...provider, template }.loadBodyCompiler!()).toBeUndefined();
    expect(compile({ ...def, schema: z.looseObject({}) }, undefined, false)).toBeUndefined();
    expect(compile({ ...def, name: 'user.deleted' }, undefined, false)).toBeUndefined();
  });

  it('writes exactly the UTF-8 of JSON.stringify of the interpreted payload, which the schema accepts', () => {
    const schema = findEvent(provider, event).schema;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.nat({ max: 10_000_000 }),
        fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.double({ min: -1e16, max: 1e16, noNaN: true }), fc.double({ min: -1e4, max: 1e4 })),
        fc.boolean(),
        (seed, index, now, ascii) => {
          const want = interpreted(event, seed, now, index, ascii);
          const got = compiledBody(event, seed, now, index, ascii);
          if (got === undefined) {
            // Left to the interpreted path (and its schema check) only before 1970, from where a time would pass
            // the schema's last unix second, and for a clock that is not a number.
            expect(now >= 0 && now < LAST_CLOCK_MS).toBe(false);
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

  it('leaves clocks before 1970 and past the schema to the interpreted path, and writes those just inside', () => {
    const def = findEvent(provider, event);
    for (const now of [-1, -0.5, -86_400_000 * 365 * 30, LAST_CLOCK_MS, 1e14, 8.64e15, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(compiledBody(event, 7, now, 3, false), `${now}`).toBeUndefined();
    }
    for (const now of [0, -0, 0.5, 999, LAST_CLOCK_MS - 1, LAST_CLOCK_MS - 0.5]) {
      for (const ascii of [false, true]) {
        const want = interpreted(event, 7, now, 3, ascii);
        expect(compiledBody(event, 7, now, 3, ascii)?.toString('utf8'), `${now}`).toBe(want);
        expect(validate(def.schema, JSON.parse(want))).toEqual([]);
      }
    }
  });

  it('matches on every branch the template takes, in a run as --count makes it', () => {
    for (const ascii of [false, true]) {
      const seen = new Map<string, number>();
      const seed = mixSeed(`branches-mgpass-${event}`);
      for (let index = 0; index < 4000; index++) {
        const now = SEEDED_EPOCH_MS + index * COUNT_STEP_MS;
        const got = compiledBody(event, seed, now, index, ascii)!.toString('utf8');
        expect(got).toBe(interpreted(event, seed, now, index, ascii));
        for (const feature of features(JSON.parse(got))) seen.set(feature, (seen.get(feature) ?? 0) + 1);
      }
      expect(seen.size, JSON.stringify([...seen])).toBe(count);
    }
  });

  it('is what prepareGenerator writes after its first deliveries, the same bytes as make()', () => {
    for (const ascii of [false, true]) expectWriteBodyIsMake(provider, event, compile, { ascii });
  });
});
