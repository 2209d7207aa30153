// What the listener's verify path memoises (wave 8) against what it replaced, made afresh on every call:
// carriesScheme's header names for a provider's own choice (the oracle: the scheme's reads(), asked each time) and
// the "<header> matches" reason of a valid HMAC signature (the oracle: the header's name and " matches").
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadAllProviders } from '../src/providers/index.js';
import { carriesScheme, profileOf, schemeFor, type SchemeChoice } from '../src/signing/registry.js';
import { verifyHmac } from '../src/signing/schemes/hmac-scheme.js';
import { SCHEMES } from '../src/signing/registry.js';

const providers = await loadAllProviders();
const choices: SchemeChoice[] = providers.map((p) => schemeFor(p.signing)).filter((c): c is SchemeChoice => c !== undefined);
/** Every name any scheme reads, and a few that none does. */
const names = [...new Set([...choices.flatMap((c) => c.scheme.reads(c.own)), ...SCHEMES.flatMap((s) => s.reads()), 'x-other', 'content-type'])];

describe('carriesScheme with its names kept per choice', () => {
  it('answers as the scheme read afresh does, whatever the headers and the order of the questions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: choices.length - 1 }), fc.subarray(names)), { minLength: 1, maxLength: 30 }), (questions) => {
        for (const [i, present] of questions) {
          const choice = choices[i]!;
          const headers = Object.fromEntries(present.map((n) => [n, 'v']));
          expect(carriesScheme(choice, headers)).toBe(choice.scheme.reads(choice.own).some((n) => headers[n] !== undefined));
        }
      }),
      { numRuns: 200 },
    );
  });

});

// Every HMAC profile a provider or scheme has, with the names its signature may come under.
const profiles = [...new Set([...providers.map((p) => profileOf(p.signing.scheme, p.signing)), ...SCHEMES.map((s) => profileOf(s.id))])].filter(
  (p): p is NonNullable<typeof p> => p !== undefined && p.content === 'body' && p.list === undefined,
);

describe('a valid signature\'s reason, one string per header name', () => {
  it('names the header it was found under, main or older', () => {
    expect(profiles.length).toBeGreaterThan(1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: profiles.length - 1 }), fc.nat(), fc.uint8Array({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 20 }), (pi, ni, body, secret) => {
        const profile = profiles[pi]!;
        const all = [profile.header, ...profile.altHeaders];
        const name = all[ni % all.length]!;
        const mac = createHmac(profile.algorithm, secret).update(body).digest(profile.encoding);
        const r = verifyHmac(profile, { headers: { [name.toLowerCase()]: `${profile.prefix}${mac}` }, body }, { secrets: [secret] });
        expect(r.status).toBe('valid');
        expect(r.header).toBe(name);
        expect(r.reason).toBe(`${name} matches`);
        // Given the signature directly (verify --signature), it is reported under the profile's header.
        const given = verifyHmac(profile, { headers: {}, body }, { secrets: [secret], signature: `${profile.prefix}${mac}` });
        expect(given.reason).toBe(`${profile.header} matches`);
      }),
      { numRuns: 300 },
    );
  });
});
