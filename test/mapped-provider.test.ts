// The provider a tenant mapping makes (src/core/mapped-provider.ts): it takes the mapped reward deliveries and
// nothing that belongs to another provider, in auto-detection, signed or not.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { mappedProvider, mappingsFor, withMapping } from '../src/core/mapped-provider.js';
import { parseMapping } from '../src/core/mapping.js';
import { detectProvider } from '../src/http/inspect.js';
import { loadAllProviders } from '../src/providers/index.js';
import type { IncomingRequest, ProviderDef } from '../src/providers/types.js';
import { signRequest } from '../src/signing/index.js';

const mappingOf = (name: string) => parseMapping(readFileSync(new URL(`../fixtures/customerglu/mappings/${name}`, import.meta.url), 'utf8'), name);
const CREDS = { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', apiKey: 'k', user: 'u:p', licenseCode: '~2024c5d1' };

let providers: ProviderDef[];
beforeAll(async () => {
  providers = await loadAllProviders();
});

function request(p: ProviderDef, event: string, body: Buffer, signed: boolean): IncomingRequest {
  const headers: Record<string, string> = {};
  let query: Record<string, string> = {};
  if (signed) {
    const s = signRequest(p.signing, body, { ...CREDS, eventType: event });
    for (const [k, v] of Object.entries({ ...p.headers, ...s.headers })) headers[k.toLowerCase()] = v;
    query = s.query;
  }
  return { method: 'POST', path: '/', query, headers, body };
}

describe.each(['flat-wallet.json', 'nested-loyalty.json'])('auto-detection with %s', (name) => {
  it("every other provider's deliveries are detected as without the mapping, signed or not", () => {
    const mapped = withMapping(providers, mappingOf(name));
    for (const p of providers) {
      for (const e of p.events) {
        if (e.tenantMapping) continue;
        const gen = prepareGenerator(p, e.name, { seed: `${name}:${p.id}:${e.name}` });
        for (let i = 0; i < 5; i++) {
          const d = gen.make(i);
          const parsed = JSON.parse(d.body.toString('utf8'));
          for (const signed of [true, false]) {
            const req = request(p, e.name, d.body, signed);
            const before = detectProvider(providers, req, parsed).provider?.id;
            expect(detectProvider(mapped, req, parsed).provider?.id, `${p.id} ${e.name} signed=${signed}`).toBe(before);
          }
        }
      }
    }
  });

  it('a mapped reward is CustomerGlu, event reward, signed or not; its key is the mapped id', () => {
    const mapping = mappingOf(name);
    const mapped = withMapping(providers, mapping);
    const cg = mapped.find((p) => p.id === 'customerglu')!;
    const gen = prepareGenerator(cg, 'reward', { seed: name, mapping });
    for (let i = 0; i < 20; i++) {
      const d = gen.make(i);
      const parsed = JSON.parse(d.body.toString('utf8'));
      for (const signed of [true, false]) {
        const found = detectProvider(mapped, request(cg, 'reward', d.body, signed), parsed).provider!;
        expect(found.id).toBe('customerglu');
        expect(found.eventOf(parsed)).toBe('reward');
      }
      expect(cg.dedupKey!(parsed)).toBe(name === 'flat-wallet.json' ? parsed.id : parsed.reward.id);
    }
  });
});

describe('where a mapping applies', () => {
  it('only to providers with a mappable event; an --event selection must keep it', () => {
    const mgpass = providers.find((p) => p.id === 'mgpass')!;
    const cg = providers.find((p) => p.id === 'customerglu')!;
    expect(() => mappingsFor(mgpass, mappingOf('flat-wallet.json'))).toThrow(/mgPass \(mgpass\) deliveries have a fixed shape; tenant payload mappings apply to CustomerGlu reward webhooks/);
    expect(() => mappingsFor(cg, mappingOf('flat-wallet.json'), ['nudge'])).toThrow(/reshapes customerglu reward, which --event leaves out/);
    expect([...mappingsFor(cg, mappingOf('flat-wallet.json')).keys()]).toEqual(['reward']);
    expect(() => withMapping(providers, mappingOf('flat-wallet.json'), 'segment')).toThrow(/Segment \(segment\) deliveries have a fixed shape/);
    expect(() => withMapping([mgpass], { id: '$rewardId' })).toThrow(/none of the listener's providers takes a tenant payload mapping/);
  });

  it("the nudge and raw-event schemas are CustomerGlu's own; the reward's is the mapped shape", () => {
    const cg = mappedProvider(providers.find((p) => p.id === 'customerglu')!, { id: '$rewardId' });
    const own = providers.find((p) => p.id === 'customerglu')!;
    expect(cg.events.find((e) => e.name === 'nudge')!.schema).toBe(own.events.find((e) => e.name === 'nudge')!.schema);
    const reward = cg.events.find((e) => e.name === 'reward')!;
    expect(reward.schema.safeParse({ id: 'r1' }).success).toBe(true);
    expect(reward.schema.safeParse({ rewardId: 'r1' }).success).toBe(false);
  });
});
