import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { validate } from '../src/core/validate.js';
import { findEvent, loadAllProviders } from '../src/providers/index.js';
import { provider as mgpass } from '../src/providers/mgpass.js';
import { provider as rehook } from '../src/providers/rehook.js';
import { provider as reward, ulidTime } from '../src/providers/reward.js';
import type { IncomingRequest, ProviderDef } from '../src/providers/types.js';
import { TemplateContext } from '../src/templates/context.js';
import { IDENTITY_EVENTS } from '../src/templates/mgpass-identity.js';

const PROVIDERS = [rehook, mgpass, reward];
const RUNS = 1000;

function get(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/** The id that names one delivery (or the thing it creates); undefined where the payload has none. */
const PRIMARY_ID: Record<string, Record<string, string | undefined>> = {
  rehook: {
    'customer.rewarded': 'metadata.reward.redemption_id',
    order_success: undefined,
    signup: 'metadata.CustomerID',
    'customer.created': 'metadata.CustomerID',
    'customer.updated': 'metadata.CustomerID',
    'customer.referred': 'metadata.CustomerID',
    'coupon.created': 'metadata.coupon_id',
    'coupon.rewarded': 'metadata.coupon_id',
    'coupon.redeemed': 'metadata.redemption_id',
    'coupon.redemption.rollback': 'metadata.redemption_id',
    'customer.meta.updated': 'metadata.customer_id',
    'customer.referral.successful.advocate': 'metadata.RedemptionId',
    'customer.referral.successful.friend': 'metadata.RedemptionId',
    'customer.leaderboard.awarded': 'metadata.reward.redemption_id',
    'customer.segment.entered': 'metadata.segment_id',
    'customer.segment.left': 'metadata.segment_id',
    'wallet.credited': 'metadata.wallet.transaction_id',
    'wallet.debited': 'metadata.wallet.transaction_id',
  },
  mgpass: {
    'rewards.points_awarded': 'data.user_id',
    'rewards.tier_promoted': 'data.user_id',
    'rewards.redeemed': 'data.redemption_id',
    'cashback.redeemed': 'data.redemption_id',
    'cashback.processed': 'data.redemption_id',
    'cashback.rejected': 'data.redemption_id',
    'cashback.redemption_completed': 'data.redemption_id',
    'cashback.redemption_cancelled': 'data.redemption_id',
    'rewards.rule_created': 'data.rule_id',
    'rewards.catalog_created': 'data.reward_id',
    'rewards.partner_created': 'data.partner_id',
    ...Object.fromEntries(IDENTITY_EVENTS.map((name) => [name, 'id'])),
  },
  reward: { 'trigger_event.created': 'id', 'balance.credit_points_issued': 'id' },
};

const cases = PROVIDERS.flatMap((p) =>
  p.events.flatMap((e) => (e.variants?.length ? e.variants.map((v) => v.name) : [undefined]).map((variant) => ({ p, e, variant }))),
);
const label = (c: (typeof cases)[number]) => `${c.p.id} ${c.e.name}${c.variant ? ` (${c.variant})` : ''}`;

function request(body: Buffer, headers: Record<string, string> = {}): IncomingRequest {
  return { method: 'POST', path: '/webhook', query: {}, headers: { 'content-type': 'application/json', ...headers }, body };
}

describe('event lists', () => {
  it('Rehook has the 17 table events plus wallet.credited and wallet.debited (18 in all)', () => {
    expect(rehook.events).toHaveLength(18);
    expect(rehook.events.map((e) => e.name)).toEqual(expect.arrayContaining(['customer.referral.successful.advocate', 'wallet.credited', 'wallet.debited', 'customer.segment.left']));
  });
  it('mgPass has 11 rewards events and 13 identity events, Reward 2', () => {
    expect(mgpass.events).toHaveLength(24);
    expect(mgpass.events.filter((e) => e.group === 'rewards')).toHaveLength(11);
    expect(mgpass.events.filter((e) => e.group === 'identity').map((e) => e.name)).toEqual(
      'user.login.success user.login.failed user.register user.suspended user.unsuspended user.deleted session.created session.revoked token.issued token.refreshed role.assigned role.removed user.impersonated'.split(' '),
    );
    expect(reward.events.map((e) => e.name)).toEqual(['trigger_event.created', 'balance.credit_points_issued']);
  });
  it('every event has a template and a primary-id entry', () => {
    for (const { p, e, variant } of cases) {
      expect(() => p.template(e.name, new TemplateContext(1, Date.now()), variant)).not.toThrow();
      expect(Object.keys(PRIMARY_ID[p.id]!)).toContain(e.name);
    }
  });
});

describe.each(cases)('$p.id $e.name $variant', (c) => {
  const { p, e, variant } = c;

  it('template output passes its schema and is recognised as this event', () => {
    const payload = p.template(e.name, new TemplateContext(7, Date.now()), variant);
    expect(validate(e.schema, payload)).toEqual([]);
    expect(p.eventOf(payload)).toBe(e.name);
  });

  it(`${RUNS} seeded generations are valid, with unique primary ids and dedup keys`, () => {
    const gen = prepareGenerator(p, e.name, { seed: `providers-a:${label(c)}`, variant });
    const ids = new Set<string>();
    const keys = new Set<string>();
    const bodies = new Set<string>();
    const idPath = PRIMARY_ID[p.id]![e.name];
    for (let i = 0; i < RUNS; i++) {
      const d = gen.make(i); // throws when the payload fails its schema
      // The expects only when something is off: 1,000 deliveries an event, two expects each, cost more than making them.
      if (!(Array.isArray(d.issues) && d.issues.length === 0)) expect(d.issues).toEqual([]);
      bodies.add(d.body.toString('utf8'));
      if (idPath !== undefined) {
        const id = get(d.payload, idPath);
        if (typeof id !== 'string') expect(typeof id).toBe('string');
        ids.add(id as string);
      }
      const key = p.dedupKey?.(d.payload);
      if (key !== undefined) keys.add(key);
    }
    expect(bodies.size).toBe(RUNS);
    if (idPath !== undefined) expect(ids.size).toBe(RUNS);
    if (keys.size > 0) expect(keys.size).toBe(RUNS);
  });

  it('the same seed gives identical bytes; another seed does not', () => {
    const a = prepareGenerator(p, e.name, { seed: 12345, variant });
    const b = prepareGenerator(p, e.name, { seed: 12345, variant });
    const other = prepareGenerator(p, e.name, { seed: 54321, variant });
    for (let i = 0; i < 5; i++) {
      expect(b.make(i).body.equals(a.make(i).body)).toBe(true);
      expect(other.make(i).body.equals(a.make(i).body)).toBe(false);
    }
  });

  it('detect() ranks this provider highest for its own payloads', async () => {
    const all = await loadAllProviders();
    const body = prepareGenerator(p, e.name, { seed: 3, variant }).make(0).body;
    const headers: Record<string, string> = p.id === 'mgpass' ? { 'x-webhook-signature': 'ab'.repeat(32) } : {};
    for (const req of [request(body, headers), request(body)]) {
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      const scores = all.map((q) => ({ id: q.id, score: q.detect(req, parsed) }));
      const own = scores.find((s) => s.id === p.id)!.score;
      expect(own).toBeGreaterThanOrEqual(0.5);
      for (const s of scores) if (s.id !== p.id) expect(s.score, `${s.id} vs ${p.id}`).toBeLessThan(own);
    }
  });
});

const fixtureCases = PROVIDERS.flatMap((p) => p.events.flatMap((e) => (e.fixtures ?? []).map((file) => ({ p, e, file }))));

function readFixture(p: ProviderDef, file: string): { text: string; body: unknown } {
  const text = readFileSync(new URL(`../fixtures/${p.id}/${file}`, import.meta.url), 'utf8');
  return { text, body: JSON.parse(text) };
}

describe('fixtures', () => {
  it('lists the documented examples', () => {
    expect(fixtureCases.map((f) => `${f.p.id}/${f.file}`)).toEqual([
      'rehook/customer.rewarded.json',
      'rehook/customer.rewarded.webhook-reward.json',
      'rehook/order_success.json',
      'rehook/customer.referral.successful.advocate.json',
      'rehook/customer.referral.successful.friend.json',
      'rehook/customer.created.json',
      'rehook/wallet.credited.json',
      'rehook/wallet.debited.json',
      'mgpass/rewards.points_awarded.json',
      'reward/trigger_event.created.json',
    ]);
  });

  it.each(fixtureCases)('$p.id/$file passes its schema and is recognised as $e.name', ({ p, e, file }) => {
    const { body } = readFixture(p, file);
    expect(validate(e.schema, body)).toEqual([]);
    expect(p.eventOf(body)).toBe(e.name);
  });

  it('Rehook fixtures are the docs pretty-printed with 2 spaces; mgPass and Reward ones are compact', () => {
    for (const { p, file } of fixtureCases) {
      const { text, body } = readFixture(p, file);
      if (p.id === 'rehook') expect(text).toBe(`${JSON.stringify(body, null, 2)}\n`);
      else expect(text).toBe(JSON.stringify(body));
    }
  });

  it('dedup keys of the documented examples', () => {
    expect(rehook.dedupKey!(readFixture(rehook, 'customer.rewarded.json').body)).toBe('redm_4RAUHTR8mGqoWn3QmtTqS');
    expect(rehook.dedupKey!(readFixture(rehook, 'customer.referral.successful.advocate.json').body)).toBe('redm_TqOJroirusQu8W7f6YxAB');
    expect(rehook.dedupKey!(readFixture(rehook, 'wallet.credited.json').body)).toBe('trhi_JfW8QKvD5SxfOfIqWRSe3');
    expect(rehook.dedupKey!(readFixture(rehook, 'customer.created.json').body)).toBe('customer.created:cust_rQgkYNzPVgye5RKUy9l30');
    expect(rehook.dedupKey!(readFixture(rehook, 'order_success.json').body)).toBeUndefined();
    expect(mgpass.dedupKey!(readFixture(mgpass, 'rewards.points_awarded.json').body)).toBe('rewards.points_awarded:usr_abc123:2025-01-15T10:30:00.000Z');
    expect(reward.dedupKey!(readFixture(reward, 'trigger_event.created.json').body)).toBe('we_01jf2wkmvcfw6ts1qmgzya291c');
  });
});

describe('rehook specifics', () => {
  const make = (event: string, variant?: string, i = 0) => prepareGenerator(rehook, event, { seed: 99, variant }).make(i).payload as Record<string, any>;

  it('customer.rewarded variants: a filled wallet by default, {points:0} for a webhook reward', () => {
    for (let i = 0; i < 20; i++) {
      const wallet = make('customer.rewarded', undefined, i);
      expect(wallet.metadata.wallet.points).toBe(wallet.metadata.points);
      expect(wallet.metadata.wallet.transaction_id).toMatch(/^trhi_[A-Za-z0-9]{21}$/);
      expect(wallet.metadata.source_id).toBe(wallet.source_id);
      const hook = make('customer.rewarded', 'webhook-reward', i);
      expect(hook.metadata.wallet).toEqual({ points: 0 });
      expect(hook.metadata.points).toBeGreaterThan(0);
    }
  });

  it('referral events emit the payload spelling and accept both spellings on input', () => {
    const adv = make('customer.referral.successful.advocate');
    expect(adv.event_name).toBe('customer.referral.successfull.advocate');
    expect(adv.metadata.CustomerId).toBe(adv.metadata.AdvocateId);
    expect(adv.metadata.ConnectedCustomerId).not.toBe(adv.metadata.CustomerId);
    const friend = make('customer.referral.successfull.friend');
    expect(friend.event_name).toBe('customer.referral.successfull.friend');
    expect(friend.metadata.AdvocateId).toBe('NA');
    expect(findEvent(rehook, 'customer.referral.successfull.advocate').name).toBe('customer.referral.successful.advocate');
    expect(rehook.eventOf({ ...adv, event_name: 'customer.referral.successful.advocate' })).toBe('customer.referral.successful.advocate');
  });

  it('ids carry their prefix + 21 alphanumerics, timestamps are Go RFC 3339 with 7-9 fraction digits, keys sorted', () => {
    const m = make('customer.rewarded').metadata;
    expect(m.campaign.id).toMatch(/^camp_[A-Za-z0-9]{21}$/);
    expect(m.reward.reward_id).toMatch(/^rewd_[A-Za-z0-9]{21}$/);
    expect(m.reward.redemption_id).toMatch(/^redm_[A-Za-z0-9]{21}$/);
    for (let i = 0; i < 50; i++) {
      const w = make('wallet.credited', undefined, i);
      expect(w.metadata.wallet.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
      expect(w.metadata.wallet.created_at).not.toMatch(/\.\d*0Z$/); // Go trims trailing zeros
    }
    const sorted = (v: unknown): boolean =>
      Array.isArray(v) ? v.every(sorted) : typeof v !== 'object' || v === null || (Object.keys(v).join() === Object.keys(v).sort().join() && Object.values(v).every(sorted));
    for (const e of rehook.events) expect(sorted(make(e.name)), e.name).toBe(true);
  });

  it('coupon redemption amounts and status are consistent', () => {
    const r = make('coupon.redeemed').metadata;
    expect(r.order.status).toBe('completed');
    expect(r.order.selling_amount).toBeLessThanOrEqual(r.order.original_amount);
    expect(make('coupon.redemption.rollback').metadata.order.status).toBe('reverted');
  });

  it('schemas reject wrong ids and a foreign source', () => {
    const body = make('wallet.credited');
    expect(validate(rehook.events.find((e) => e.name === 'wallet.credited')!.schema, { ...body, source: 'other' })).not.toEqual([]);
    const bad = structuredClone(body);
    bad.metadata.wallet.transaction_id = 'trhi_short';
    expect(validate(rehook.events.find((e) => e.name === 'wallet.credited')!.schema, bad).map((i) => i.path)).toEqual(['metadata.wallet.transaction_id']);
  });
});

describe('mgpass specifics', () => {
  const schemaOf = (name: string) => mgpass.events.find((e) => e.name === name)!.schema;

  it('cashback amounts: gross = points × rate, net = gross − fee, Ghana numbers on the right network', () => {
    const prefixes: Record<string, string[]> = { mtn: ['24', '54', '55', '59', '25', '53'], telecel: ['20', '50'], airteltigo: ['26', '56', '27', '57'] };
    const gen = prepareGenerator(mgpass, 'cashback.processed', { seed: 5 });
    for (let i = 0; i < 200; i++) {
      const d = (gen.make(i).payload as Record<string, any>).data;
      expect(Math.round(d.gross_amount * 100)).toBe(Math.round(d.points * d.rate * 100));
      expect(Math.round(d.net_amount * 100)).toBe(Math.round(d.gross_amount * 100) - Math.round(d.fee_amount * 100));
      expect(prefixes[d.network]).toContain(d.phone_number.slice(4, 6));
      expect(d.redemption_id).toMatch(/^rdm_/);
    }
  });

  it('schemas catch inconsistent amounts and tiers', () => {
    const cb = prepareGenerator(mgpass, 'cashback.redeemed', { seed: 1 }).make(0).payload as Record<string, any>;
    cb.data.net_amount = cb.data.gross_amount;
    expect(validate(schemaOf('cashback.redeemed'), cb).map((i) => i.path)).toContain('data.net_amount');
    const tp = prepareGenerator(mgpass, 'rewards.tier_promoted', { seed: 1 }).make(0).payload as Record<string, any>;
    tp.data.previous_tier = 'platinum';
    expect(validate(schemaOf('rewards.tier_promoted'), tp).map((i) => i.path)).toContain('data.new_tier');
  });

  it('detect: the signature header is high confidence, the bare body shape medium', () => {
    const body = readFileSync(new URL('../fixtures/mgpass/rewards.points_awarded.json', import.meta.url));
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    const signed = mgpass.detect(request(body, { 'x-webhook-signature': 'ab'.repeat(32) }), parsed);
    const bare = mgpass.detect(request(body), parsed);
    expect(signed).toBeGreaterThanOrEqual(0.9);
    expect(bare).toBeGreaterThan(0.3);
    expect(bare).toBeLessThan(signed);
    expect(mgpass.detect(request(Buffer.from('{}')), { event_type: 'unknown.event', data: {}, timestamp: 'x' })).toBe(0);
  });
});

describe('reward specifics', () => {
  it("the documented id's ULID decodes to 121 ms before its time", () => {
    expect(ulidTime('we_01jf2wkmvcfw6ts1qmgzya291c')).toBe(Date.parse('2024-12-14T15:29:18.700Z'));
    expect(ulidTime('evt_01jf2wkmvcfw6ts1qmgzya291c')).toBeUndefined();
  });

  it('every generated id is we_ + a lowercase ULID minted 0-500 ms before `time`, as in the docs (121 ms)', () => {
    const leads = new Set<number>();
    for (const event of ['trigger_event.created', 'balance.credit_points_issued']) {
      const gen = prepareGenerator(reward, event, { seed: 8, now: Date.UTC(2025, 5, 1, 12, 0, 0, 123) });
      for (let i = 0; i < RUNS; i++) {
        const p = gen.make(i).payload as { id: string; time: string };
        expect(p.id).toMatch(/^we_[0-9a-hjkmnp-tv-z]{26}$/);
        const lead = Date.parse(p.time) - ulidTime(p.id)!;
        expect(lead).toBeGreaterThanOrEqual(0);
        expect(lead).toBeLessThanOrEqual(500);
        leads.add(lead);
      }
    }
    // Spread over the window, not pinned to one value.
    expect(leads.size).toBeGreaterThan(300);
  });

  it('retry policy: 6 attempts with exponential backoff', () => {
    expect(reward.retry.attempts).toBe(6);
    expect(reward.retry.delaysMs).toEqual([0, 1000, 2000, 4000, 8000, 16000]);
    expect(mgpass.retry.delaysMs).toEqual([0, 1000, 5000, 25000]);
  });
});
