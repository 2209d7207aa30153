import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { generate, prepareGenerator, SEEDED_EPOCH_MS } from '../src/core/generate.js';
import { loadAllProviders } from '../src/providers/index.js';
import { validate } from '../src/core/validate.js';
import { TemplateContext } from '../src/templates/context.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('every provider, event and variant', async () => {
  const providers = await loadAllProviders();
  const cases = providers.flatMap((p) =>
    p.events.flatMap((e) =>
      e.variants?.length ? e.variants.filter((v) => !v.fixed).map((v) => [p, e, v.name as string | undefined] as const) : [[p, e, undefined] as const],
    ),
  );

  it.each(cases.map((c) => [`${c[0].id} ${c[1].name}${c[2] ? ` ${c[2]}` : ''}`, ...c]))(
    '%s: 200 seeded generations are valid, unique and compact',
    (_label, provider, event, variant) => {
      const gen = prepareGenerator(provider, event.name, { seed: 'unique-check', variant });
      const bodies = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const d = gen.make(i);
        // Each expect only when its check is off (hundreds of cases × 200 deliveries).
        if (!(Array.isArray(d.issues) && d.issues.length === 0)) expect(d.issues).toEqual([]);
        const text = d.body.toString('utf8');
        // The compact form: what the providers' re-serializing receivers compute.
        const compact = JSON.stringify(JSON.parse(text));
        if (text !== compact) expect(text).toBe(compact);
        bodies.add(text);
      }
      expect(bodies.size).toBe(200);
    },
  );

  it.each(providers.flatMap((p) => p.events.flatMap((e) => (e.fixtures ?? []).map((f) => [p.id, e.name, f, e] as const))))(
    '%s %s: documented fixture %s passes its schema',
    (providerId, _event, file, event) => {
      const text = readFileSync(new URL(`../fixtures/${providerId}/${file}`, import.meta.url), 'utf8');
      expect(validate(event.schema, JSON.parse(text))).toEqual([]);
    },
  );
});

describe('customerglu templates', () => {
  it('1,000 seeded rewards per variant have unique UUID v4 rewardIds and campaignIds', async () => {
    for (const variant of ['spinthewheel', 'referral', 'scratchcard']) {
      const gen = prepareGenerator((await import('../src/providers/customerglu.js')).provider, 'reward', { seed: 9, variant });
      const rewardIds = new Set<string>();
      for (let i = 0; i < 1000; i++) {
        const p = gen.make(i).payload as Record<string, string>;
        expect(p.rewardId).toMatch(UUID_V4);
        expect(p.campaignId).toMatch(UUID_V4);
        rewardIds.add(p.rewardId!);
      }
      expect(rewardIds.size).toBe(1000);
    }
  });

  it('a referral reward names the rewarded user as userA, consistently', async () => {
    const { payload } = await generate('customerglu', 'reward', { variant: 'referral', seed: 3 });
    const p = payload as { userId: string; type: string; details: Record<string, string> };
    expect(p.type).toBe('referral');
    expect(p.details.userAId).toBe(p.userId);
    expect(p.details.userBId).toMatch(UUID_V4);
    expect(p.details.userBId).not.toBe(p.userId);
    expect(p.details.userAName).toMatch(/^\S+ \S+$/);
  });

  it('the nudge keeps the documented spelling timeRemaning', async () => {
    const { payload } = await generate('customerglu', 'nudge', { seed: 1 });
    expect(payload).toMatchObject({ timeRemaning: '', expiry: '', webhookType: 'nudge' });
  });
});

describe('seeds and clocks', () => {
  it('the same seed gives the same bytes; another seed does not', async () => {
    const a = await generate('customerglu', 'reward', { seed: 42 });
    const b = await generate('customerglu', 'reward', { seed: 42 });
    const c = await generate('customerglu', 'reward', { seed: 43 });
    expect(a.body.equals(b.body)).toBe(true);
    expect(a.body.equals(c.body)).toBe(false);
  });

  it('pins the clock to the seeded epoch, or to --now', async () => {
    const seeded = await generate('customerglu', 'raw-event', { seed: 1 });
    expect((seeded.payload as { timestamp: string }).timestamp).toBe(new Date(SEEDED_EPOCH_MS).toISOString());
    const now = Date.UTC(2026, 10, 22, 10, 0, 0);
    const pinned = await generate('customerglu', 'raw-event', { seed: 1, now });
    expect((pinned.payload as { timestamp: string }).timestamp).toBe('2026-11-22T10:00:00.000Z');
  });

  it('without a seed, timestamps are current', async () => {
    const { payload } = await generate('customerglu', 'raw-event');
    expect(Math.abs(Date.parse((payload as { timestamp: string }).timestamp) - Date.now())).toBeLessThan(5000);
  });

  it('ULIDs encode their time and UUIDs are v4', () => {
    const decode = (ulid: string) => [...ulid.slice(0, 10)].reduce((t, c) => t * 32 + '0123456789abcdefghjkmnpqrstvwxyz'.indexOf(c), 0);
    // The documented Reward id we_01jf2wkmvcfw6ts1qmgzya291c encodes 2024-12-14T15:29:18.700Z.
    expect(decode('01jf2wkmvcfw6ts1qmgzya291c')).toBe(Date.UTC(2024, 11, 14, 15, 29, 18, 700));
    const time = Date.UTC(2024, 11, 14, 15, 29, 18, 821);
    const ulid = new TemplateContext(1, time).ulid();
    expect(ulid).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
    expect(decode(ulid)).toBe(time);
    const ctx = new TemplateContext(1, time);
    expect(ctx.uuid()).toMatch(UUID_V4);
    expect(ctx.prefixed('camp_')).toMatch(/^camp_[A-Za-z0-9]{21}$/);
  });
});

describe('overrides', () => {
  it('applies --data, then --set, then --unset, and validates the result', async () => {
    const d = await generate('customerglu', 'reward', {
      seed: 5,
      data: { details: { tier: 'gold' } },
      set: [{ path: 'rewardAmount', value: 250 }, { path: 'details.currency', value: 'INR' }],
      unset: ['code', 'tnc'],
    });
    const p = d.payload as Record<string, unknown>;
    expect(p.rewardAmount).toBe(250);
    expect(p.details).toMatchObject({ currency: 'INR', tier: 'gold' });
    expect(p).not.toHaveProperty('tnc');
  });

  it('rejects a result that breaks the schema (exit 2) unless validation is off', async () => {
    await expect(generate('customerglu', 'reward', { set: [{ path: 'rewardAmount', value: 'lots' }] })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('rewardAmount: expected number, got string "lots"'),
    });
    const d = await generate('customerglu', 'reward', { set: [{ path: 'rewardAmount', value: 'lots' }], validate: false });
    expect(d.issues[0]?.path).toBe('rewardAmount');
  });
});
