// Fresh ids and timestamps for every request: for every provider, event and form, the processor's refresh keeps
// the delivery valid for its schema, changes every id (and the provider's de-duplication key), replaces every
// occurrence of an id by the same new value, and moves every time by the same amount.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { corpusEntries, schemaSafe, type CorpusEntry } from '../src/load/artillery/corpus.js';
import { processorRuntime } from '../src/load/artillery/processor-runtime.js';
import { findTokens, isoMs, ulidMs } from '../src/load/artillery/tokens.js';
import { validate } from '../src/core/validate.js';
import { findEvent, loadAllProviders } from '../src/providers/index.js';

const runtime: Record<string, any> = {};
processorRuntime(runtime, createRequire(import.meta.url), '.', {}, { signing: { kind: 'none', credential: 'none' }, secretEnv: 'X', corpus: '', dupRatio: 0, headers: {}, success: '2xx' });
const { templateOf, refresh } = runtime.cgHooks;

const DAY = 24 * 3600 * 1000;
const IDS = new Set(['uuid', 'ulid', 'chars', 'hex']);

function refreshed(entry: CorpusEntry, delta: number) {
  const { text, headers } = refresh(templateOf(entry), entry.clock + delta);
  // Every kind keeps its length, so the new values sit at the old offsets.
  expect(text.length).toBe(entry.body.length);
  const pairs = entry.tokens.map(([o, l, kind]) => ({ kind, old: entry.body.slice(o, o + l), now: text.slice(o, o + l) }));
  return { text, headers, pairs };
}

describe('every provider, event and form: a refreshed delivery is a new, valid delivery', async () => {
  for (const provider of await loadAllProviders()) {
    for (const event of provider.events) {
      it(`${provider.id} ${event.name}`, () => {
        const forms = Math.max(1, (event.variants ?? []).filter((v) => !v.fixed).length);
        const entries = [...corpusEntries({ provider, events: [event.name], size: Math.min(2 * forms, 40) + 4, seed: 'corpus-test' })];
        for (const entry of entries) {
          // The shapes alone find the right tokens: the schema guard drops nothing for the built-in providers.
          expect(schemaSafe(event, { ...entry, tokens: findTokens(entry.body, entry.clock) })).toEqual(entry.tokens);
          const delta = 37 * DAY + 4321;
          const { text, headers, pairs } = refreshed(entry, delta);
          const payload = JSON.parse(text);
          expect(validate(event.schema, payload), text).toEqual([]);

          const original = JSON.parse(entry.body);
          const key = provider.dedupKey?.(original);
          if (key !== undefined) expect(provider.dedupKey!(payload), `${provider.id} de-duplication key`).not.toBe(key);
          if (provider.deliveryHeaders) expect(headers).toEqual(provider.deliveryHeaders(payload));

          const byOld = new Map<string, string>();
          for (const p of pairs) {
            if (IDS.has(p.kind)) {
              expect(p.now, `${p.kind} ${p.old}`).not.toBe(p.old);
              expect(text.includes(p.old), `old id ${p.old} left in the body`).toBe(false);
            }
            // Every occurrence of an id (or a time) becomes the same new value.
            if (byOld.has(p.old)) expect(p.now).toBe(byOld.get(p.old));
            byOld.set(p.old, p.now);
            if (p.kind === 'iso') expect(Math.abs(isoMs(p.now) - isoMs(p.old) - delta)).toBeLessThan(1000);
            if (p.kind === 'unix') expect(Number(p.now) - Number(p.old)).toBe(Math.floor((Number(p.old) * 1000 + delta) / 1000) - Number(p.old));
            if (p.kind === 'ms') expect(Number(p.now) - Number(p.old)).toBe(delta);
            if (p.kind === 'ulid') expect(ulidMs(p.now) - ulidMs(p.old)).toBe(delta);
          }
          // Distinct ids stay distinct.
          const ids = pairs.filter((p) => IDS.has(p.kind));
          expect(new Set(ids.map((p) => p.now)).size).toBe(new Set(ids.map((p) => p.old)).size);
        }
      });
    }
  }
});

describe('findTokens', () => {
  const clock = Date.UTC(2026, 0, 1);
  const kinds = (json: unknown) => {
    const text = JSON.stringify(json);
    return findTokens(text, clock).map(([o, l, k]) => `${k}:${text.slice(o, o + l)}`);
  };

  it('finds ids by shape, whatever the field is called', () => {
    expect(kinds({ a: 'b9bec211-a61d-45b4-a657-9e45a0edc2a3', b: 'camp_ndpvmO8UId0n5Dljsnk6X', c: 'usr_xr16uko785yy', d: 'fT1k1agGK3zSdjj9QiaamA' })).toEqual([
      'uuid:b9bec211-a61d-45b4-a657-9e45a0edc2a3',
      'chars:ndpvmO8UId0n5Dljsnk6X',
      'chars:xr16uko785yy',
      'chars:fT1k1agGK3zSdjj9QiaamA',
    ]);
    expect(kinds({ id: 'we_01kdvdna00x3w4j6xt7mra1d1w', key: '00070641cd01ab6fa57b157b' })).toEqual(['ulid:01kdvdna00x3w4j6xt7mra1d1w', 'hex:00070641cd01ab6fa57b157b']);
  });

  it('finds times inside other text (Segment messageId) and as numbers, and leaves far ones alone', () => {
    expect(kinds({ messageId: 'ajs-next-1767225600000-b9bec211-a61d-45b4-a657-9e45a0edc2a3', t: 1767225600, at: '2026-01-01T00:00:01.227353584Z' })).toEqual([
      'ms:1767225600000',
      'uuid:b9bec211-a61d-45b4-a657-9e45a0edc2a3',
      'unix:1767225600',
      'iso:2026-01-01T00:00:01.227353584Z',
    ]);
    expect(kinds({ created_at: '0001-01-01T00:00:00Z', amount: 1767, phone: '+14156577451', n: 12345678901 })).toEqual([]);
    expect(kinds({ local: '2025-12-31T23:59:59+0000' })).toEqual(['iso:2025-12-31T23:59:59+0000']);
  });

  it('leaves words alone: enum values, camelCase, snake_case', () => {
    expect(kinds({ a: 'OPEN_CAMPAIGN', b: 'deliveryDiscount', c: 'first_purchase', d: 'USER_ACTION_EVENT', e: 'reward_interaction', f: 'redeemable-unseen' })).toEqual([]);
  });
});

describe('schemaSafe', () => {
  it('drops a token whose refreshing would break the schema', async () => {
    const [provider] = (await loadAllProviders()).filter((p) => p.id === 'customerglu');
    const event = findEvent(provider!, 'reward');
    const [entry] = [...corpusEntries({ provider: provider!, events: ['reward'], size: 1, seed: 1 })];
    // rewardType is an enum: a random value of its shape is not one of them.
    const at = entry!.body.indexOf('"rewardType":"') + '"rewardType":"'.length;
    const bogus: [number, number, 'chars'] = [at, entry!.body.indexOf('"', at) - at, 'chars'];
    const tokens = [...entry!.tokens, bogus].sort((a, b) => a[0] - b[0]);
    expect(schemaSafe(event, { ...entry!, tokens })).toEqual(entry!.tokens);
  });
});
