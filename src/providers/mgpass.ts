import * as z from 'zod/mini';
import {
  CASHBACK_EVENTS,
  CASHBACK_STATUS,
  FREQUENCIES,
  FULFILLMENT_TYPES,
  NETWORKS,
  TIER_MULTIPLIERS,
  TIER_THRESHOLDS,
  TIERS,
  mgpassTemplates,
  type CashbackEvent,
} from '../templates/mgpass.js';
import { refinementInJsonSchema } from '../schema/refinement.js';
import { identityTemplates } from '../templates/mgpass-identity.js';
import { isObject, templateFor } from './helpers.js';
import { IDENTITY_GROUP, identityEventOf, identityEvents } from './mgpass-identity.js';
import type { EventDef, ProviderDef } from './types.js';

const userId = z.string().check(z.minLength(1));
const tier = z.enum(TIERS);
const money = z.number().check(z.nonnegative());
const nonEmpty = z.string().check(z.minLength(1));
const prefixedId = (prefix: string) => z.string().check(z.regex(new RegExp(`^${prefix}[A-Za-z0-9]+$`)));

function envelope<D extends z.ZodMiniType>(eventType: string, data: D) {
  return z.object({ event_type: z.literal(eventType), data, timestamp: z.iso.datetime() });
}

const pointsAwarded = envelope(
  'rewards.points_awarded',
  z.object({ user_id: userId, points: z.number(), event_type: nonEmpty, platform: nonEmpty }),
);

const rank = (t: (typeof TIERS)[number]) => TIERS.indexOf(t);
const tierPromoted = envelope(
  'rewards.tier_promoted',
  z
    .object({
      user_id: userId,
      previous_tier: tier,
      new_tier: tier,
      lifetime_earned: z.number().check(z.nonnegative()),
      multiplier: z.number(),
    })
    .check(
      z.refine((d) => rank(d.new_tier) > rank(d.previous_tier), { message: 'new_tier must be above previous_tier', path: ['new_tier'] }),
      z.refine((d) => d.multiplier === TIER_MULTIPLIERS[d.new_tier], { message: 'multiplier must be the new tier\'s (bronze 1, silver 1.5, gold 2, platinum 3)', path: ['multiplier'] }),
      z.refine((d) => d.lifetime_earned >= TIER_THRESHOLDS[d.new_tier], { message: 'lifetime_earned is below the new tier\'s threshold (0/1000/5000/20000)', path: ['lifetime_earned'] }),
      // The same three rules for JSON Schema: one branch per tier a user can be promoted to.
      refinementInJsonSchema({
        schema: {
          anyOf: TIERS.slice(1).map((t, i) => ({
            properties: {
              new_tier: { const: t },
              previous_tier: { enum: TIERS.slice(0, i + 1) },
              multiplier: { const: TIER_MULTIPLIERS[t] },
              lifetime_earned: { type: 'number', minimum: TIER_THRESHOLDS[t] },
            },
            required: ['new_tier', 'previous_tier', 'multiplier', 'lifetime_earned'],
          })),
        },
      }),
    ),
);

const redeemed = envelope(
  'rewards.redeemed',
  z.object({
    user_id: userId,
    redemption_id: prefixedId('rdm_'),
    reward_id: prefixedId('rwd_'),
    reward_name: nonEmpty,
    quantity: z.int().check(z.positive()),
    points_spent: z.number().check(z.positive()),
    fulfillment_type: z.enum(FULFILLMENT_TYPES),
    status: z.enum(['pending', 'fulfilled']),
  }),
);

const pesewas = (n: number) => Math.round(n * 100);
const cashbackData = (status: string) =>
  z
    .object({
      redemption_id: prefixedId('rdm_'),
      user_id: userId,
      status: z.literal(status),
      points: z.int().check(z.positive()),
      tier,
      rate: z.number().check(z.positive()),
      currency: z.optional(z.literal('GHS')),
      gross_amount: money,
      fee_rate: z.number().check(z.nonnegative(), z.lt(1)),
      fee_amount: money,
      net_amount: money,
      phone_number: z.string().check(z.regex(/^\+233\d{9}$/)),
      network: z.enum(NETWORKS),
      transaction_reference: z.optional(nonEmpty),
      failure_reason: z.optional(nonEmpty),
      points_refunded: z.optional(z.int()),
      reason: z.optional(nonEmpty),
    })
    .check(
      z.refine((d) => pesewas(d.gross_amount) === pesewas(d.points * d.rate), { message: 'gross_amount must equal points × rate', path: ['gross_amount'] }),
      z.refine((d) => pesewas(d.net_amount) === pesewas(d.gross_amount) - pesewas(d.fee_amount), { message: 'net_amount must equal gross_amount − fee_amount', path: ['net_amount'] }),
      refinementInJsonSchema({ words: 'gross_amount equals points × rate, and net_amount equals gross_amount − fee_amount, to the pesewa.' }),
    );
const cashback = (event: CashbackEvent) => envelope(event, cashbackData(CASHBACK_STATUS[event]));

const ruleCreated = envelope(
  'rewards.rule_created',
  z.object({
    rule_id: nonEmpty,
    event_type: nonEmpty,
    points: z.number().check(z.positive()),
    platform: nonEmpty,
    daily_cap: z.nullable(z.number().check(z.nonnegative())),
    monthly_cap: z.nullable(z.number().check(z.nonnegative())),
    frequency: z.enum(FREQUENCIES),
  }),
);

const catalogCreated = envelope(
  'rewards.catalog_created',
  z.object({
    reward_id: prefixedId('rwd_'),
    name: nonEmpty,
    points_cost: z.number().check(z.positive()),
    fulfillment_type: z.enum(FULFILLMENT_TYPES),
    eligible_tiers: z.array(tier),
    stock: z.int().check(z.nonnegative()),
  }),
);

const partnerCreated = envelope(
  'rewards.partner_created',
  z.object({
    partner_id: nonEmpty,
    name: nonEmpty,
    category: z.optional(z.string()),
    contact_email: z.optional(z.email()),
    points_per_ghs: z.optional(z.number()),
    status: z.optional(z.string()),
  }),
);

const CASHBACK_DESCRIPTIONS: Record<CashbackEvent, string> = {
  'cashback.redeemed': 'Cashback redemption initiated (points → GHS to mobile money)',
  'cashback.processed': 'Cashback payment delivered to the mobile-money wallet',
  'cashback.rejected': 'Cashback payment failed, points refunded',
  'cashback.redemption_completed': 'Admin approved a cashback redemption',
  'cashback.redemption_cancelled': 'Admin rejected a cashback redemption',
};

const REWARDS_GROUP = 'rewards';
const rewardsEvents: EventDef[] = [
  {
    name: 'rewards.points_awarded',
    description: 'Points credited to a user',
    origin: 'DOC',
    schema: pointsAwarded,
    fixtures: ['rewards.points_awarded.json'],
  },
  { name: 'rewards.tier_promoted', description: 'User promoted to a higher tier (bronze → silver → gold → platinum)', origin: 'INFERRED', schema: tierPromoted },
  { name: 'rewards.redeemed', description: 'Catalog item redeemed', origin: 'INFERRED', schema: redeemed },
  ...CASHBACK_EVENTS.map((name): EventDef => ({ name, description: CASHBACK_DESCRIPTIONS[name], origin: 'INFERRED', schema: cashback(name) })),
  { name: 'rewards.rule_created', description: 'Points rule created', origin: 'INFERRED', schema: ruleCreated },
  { name: 'rewards.catalog_created', description: 'Catalog item added', origin: 'INFERRED', schema: catalogCreated },
  { name: 'rewards.partner_created', description: 'New partner onboarded', origin: 'INFERRED', schema: partnerCreated },
];
const EVENT_TYPES = new Set(rewardsEvents.map((e) => e.name));
const template = templateFor({ ...mgpassTemplates, ...identityTemplates });
const events: EventDef[] = [...rewardsEvents.map((e) => ({ ...e, group: REWARDS_GROUP })), ...identityEvents];

export const provider: ProviderDef = {
  id: 'mgpass',
  name: 'mgPass',
  description: "Rewards, cashback, management and identity webhooks from MG Digital's mgPass",
  kind: 'webhook',
  signing: {
    scheme: 'mgpass',
    header: 'X-Webhook-Signature',
    algorithm: 'sha256',
    encoding: 'hex',
    secretRequired: true,
    description: 'X-Webhook-Signature: hex HMAC-SHA256 of the body with your webhook secret, on every delivery',
  },
  headers: { 'Content-Type': 'application/json' },
  retry: {
    attempts: 4,
    delaysMs: [0, 1000, 5000, 25000],
    success: '2xx',
    origin: 'DOC',
    description: '4 attempts: immediately, then after 1 s, 5 s and 25 s; any 2xx is success, then marked failed',
  },
  events,
  groups: [
    { name: REWARDS_GROUP, title: 'Rewards, cashback and management webhooks', description: '{"event_type", "data", "timestamp": ISO-8601}' },
    { name: IDENTITY_GROUP, title: 'Identity webhooks', description: '{"id": "evt_…", "type", "created_at": unix seconds, "data"}; data shapes inferred' },
  ],
  template,
  async loadBodyCompiler() {
    if (this.template !== template) return undefined;
    const { compileMgpassIdentity } = await import('../templates/mgpass-identity-compiled.js');
    return (event, variant, ascii) => (event.schema === identityEvents.find((e) => e.name === event.name)?.schema ? compileMgpassIdentity(event.name, variant, ascii) : undefined);
  },
  // Two envelopes: rewards events name themselves in `event_type`, identity events in `type` beside an evt_ id.
  eventOf(body) {
    const identity = identityEventOf(body);
    if (identity !== undefined) return identity;
    if (!isObject(body) || typeof body.event_type !== 'string' || !isObject(body.data)) return undefined;
    return EVENT_TYPES.has(body.event_type) ? body.event_type : undefined;
  },
  // Rewards events: the documented idempotency key, event_type + data.user_id + timestamp. Identity events: their id.
  dedupKey(body) {
    if (identityEventOf(body) !== undefined) return isObject(body) && typeof body.id === 'string' && body.id !== '' ? body.id : undefined;
    if (!isObject(body) || typeof body.event_type !== 'string' || typeof body.timestamp !== 'string' || !isObject(body.data)) return undefined;
    const user = typeof body.data.user_id === 'string' ? body.data.user_id : '';
    return `${body.event_type}:${user}:${body.timestamp}`;
  },
  detect(req, body) {
    if (req.headers['x-webhook-signature'] !== undefined) return 0.95;
    if (this.eventOf(body, req) !== undefined && isObject(body) && ('timestamp' in body || 'created_at' in body)) return 0.6;
    return 0;
  },
};
