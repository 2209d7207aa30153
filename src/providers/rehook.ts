import * as z from 'zod/mini';
import {
  CAMPAIGN_TYPES,
  REFERRAL_ADVOCATE_PAYLOAD,
  REFERRAL_FRIEND_PAYLOAD,
  rehookTemplates,
} from '../templates/rehook.js';
import { isObject, templateFor } from './helpers.js';
import type { EventDef, ProviderDef } from './types.js';

/** Rehook ids: a type prefix and 21 alphanumerics (`camp_0pe3HDtdFYgf1P5vryaXk`). */
const rid = (prefix: string) => z.string().check(z.regex(new RegExp(`^${prefix}[A-Za-z0-9]{21}$`)));
const campaignId = rid('camp_');
const rewardId = rid('rewd_');
const redemptionId = rid('redm_');
const transactionId = rid('trhi_');
const customerId = rid('cust_');
const ruleId = rid('valr_');
const couponId = rid('coupm_');

/** Go's RFC 3339 with 0–9 fractional digits; the docs also show the zero time "0001-01-01T00:00:00Z". */
const goTime = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/));
const sourceId = z.string().check(z.minLength(1));

function envelope<M extends z.ZodMiniType>(eventNames: readonly [string, ...string[]], metadata: M) {
  return z.object({
    event_name: z.enum(eventNames),
    metadata,
    source: z.literal('rehook'),
    source_id: sourceId,
  });
}

const walletShape = {
  created_at: goTime,
  description: z.string(),
  points: z.number(),
  transaction_id: transactionId,
  updated_at: goTime,
};
// The wallet.* events add `type`; customer.rewarded's wallet has none.
const walletObject = z.looseObject(walletShape);
const walletTransaction = z.looseObject({ ...walletShape, type: z.enum(['credit', 'debit']) });

// Both documented forms: a wallet reward fills `wallet`; a webhook reward sends only {points: 0}.
const rewardedWallet = z.union([walletObject, z.looseObject({ points: z.literal(0) })]);

const customerRewarded = envelope(
  ['customer.rewarded'],
  z.looseObject({
    campaign: z.looseObject({ id: campaignId, type: z.enum(CAMPAIGN_TYPES) }),
    coupon: z.nullable(z.string()),
    custom_fields: z.nullable(z.record(z.string(), z.unknown())),
    points: z.number(),
    reward: z.looseObject({
      activation: z.looseObject({ days: z.optional(z.int()), is_immediate: z.boolean(), start_date: z.nullable(goTime) }),
      expiration: z.looseObject({ days: z.optional(z.int()), expiration_date: z.nullable(goTime), never_expires: z.boolean() }),
      name: z.string(),
      redemption_date: goTime,
      redemption_id: redemptionId,
      reward_id: rewardId,
    }),
    source_id: sourceId,
    wallet: rewardedWallet,
  }),
);

const product = z.looseObject({
  brand: z.string(),
  category: z.string(),
  description: z.string(),
  discountPercentage: z.number(),
  id: z.int(),
  images: z.array(z.string()),
  price: z.number(),
  quantity: z.int().check(z.positive()),
  rating: z.number(),
  selected: z.boolean(),
  stock: z.int(),
  thumbnail: z.string(),
  title: z.string(),
});

const orderSuccess = envelope(
  ['order_success'],
  z.looseObject({ cart: z.array(product), mode: z.string().check(z.minLength(1)), total: z.number() }),
);

const contact = {
  Email: z.optional(z.string()),
  Name: z.optional(z.string()),
  Phone: z.optional(z.string()),
};

const customerCreated = envelope(['customer.created'], z.looseObject({ CustomerID: customerId }));
const signup = envelope(['signup'], z.looseObject({ CustomerID: customerId, ...contact }));
const customerUpdated = envelope(
  ['customer.updated'],
  z.looseObject({ CustomerID: customerId, ...contact, UpdatedFields: z.optional(z.array(z.string())) }),
);
const customerReferred = envelope(
  ['customer.referred'],
  z.looseObject({
    AdvocateId: customerId,
    CampaignID: campaignId,
    CampaignType: z.optional(z.literal('referral')),
    CustomerID: customerId,
    ReferralCode: z.optional(z.string()),
  }),
);

// The friend's event carries the literal "NA" where the advocate's ids would be.
const customerOrNA = z.union([z.literal('NA'), customerId]);
function referralMetadata(type: 'referral_advocate' | 'referral_friend') {
  return z.looseObject({
    AdvocateId: customerOrNA,
    CampaignID: campaignId,
    CampaignName: z.string(),
    CampaignType: z.literal('referral'),
    Code: z.string(),
    ConnectedCustomerId: customerOrNA,
    CustomerId: customerId,
    PointsRewarded: z.number(),
    RedemptionId: redemptionId,
    RewardId: rewardId,
    RewardType: z.string(),
    RuleId: ruleId,
    Type: z.literal(type),
  });
}
const ADVOCATE = 'customer.referral.successful.advocate';
const FRIEND = 'customer.referral.successful.friend';
const referralAdvocate = envelope([REFERRAL_ADVOCATE_PAYLOAD, ADVOCATE], referralMetadata('referral_advocate'));
const referralFriend = envelope([REFERRAL_FRIEND_PAYLOAD, FRIEND], referralMetadata('referral_friend'));

const walletEvent = (name: string) => envelope([name], z.looseObject({ points: z.number(), wallet: walletTransaction }));

const coupon = {
  campaign_id: campaignId,
  coupon_code: z.string().check(z.minLength(1)),
  coupon_id: couponId,
  discount: z.looseObject({ type: z.enum(['percentage', 'fixed']), value: z.number().check(z.positive()) }),
  valid_from: goTime,
  valid_till: goTime,
};
const couponCreated = envelope(['coupon.created'], z.looseObject(coupon));
const couponRewarded = envelope(['coupon.rewarded'], z.looseObject({ ...coupon, source_id: sourceId }));
const redemption = (status: 'completed' | 'reverted') =>
  z.looseObject({
    ...coupon,
    source_id: sourceId,
    redemption_id: redemptionId,
    order: z.looseObject({
      order_id: z.string().check(z.minLength(1)),
      status: z.literal(status),
      original_amount: z.number(),
      selling_amount: z.number(),
    }),
  });
const couponRedeemed = envelope(['coupon.redeemed'], redemption('completed'));
const couponRollback = envelope(['coupon.redemption.rollback'], redemption('reverted'));

const metaUpdated = envelope(
  ['customer.meta.updated'],
  z.looseObject({ customer_id: customerId, metadata: z.record(z.string(), z.unknown()), updated_fields: z.array(z.string()) }),
);
const segmentEvent = (name: string) =>
  envelope([name], z.looseObject({ segment_id: z.string().check(z.minLength(1)), segment_name: z.string() }));

const leaderboardAwarded = envelope(
  ['customer.leaderboard.awarded'],
  z.looseObject({
    campaign: z.looseObject({ id: campaignId, type: z.literal('leaderboard') }),
    leaderboard_id: z.string().check(z.minLength(1)),
    rank: z.int().check(z.positive()),
    score: z.number(),
    reward: z.looseObject({
      name: z.string(),
      points: z.optional(z.number()),
      redemption_id: z.optional(redemptionId),
      reward_id: rewardId,
    }),
    period_start: goTime,
    period_end: goTime,
  }),
);

const events: EventDef[] = [
  {
    name: 'customer.rewarded',
    description: 'A customer was rewarded: points already in the Rehook wallet, or (webhook reward) for you to credit',
    origin: 'DOC',
    variants: [
      { name: 'wallet-reward', description: 'Rehook credited its wallet: `wallet` is filled, nothing to do' },
      { name: 'webhook-reward', description: 'you credit your own wallet: `wallet` is {"points":0}, `metadata.points` is what to credit' },
    ],
    schema: customerRewarded,
    fixtures: ['customer.rewarded.json', 'customer.rewarded.webhook-reward.json'],
  },
  { name: 'order_success', description: 'A customer placed an order (cart, payment mode, total)', origin: 'DOC', schema: orderSuccess, fixtures: ['order_success.json'] },
  { name: 'signup', description: 'A user signed up', origin: 'INFERRED', schema: signup },
  { name: 'coupon.rewarded', description: 'A coupon was assigned to a customer', origin: 'INFERRED', schema: couponRewarded },
  { name: 'coupon.created', description: 'A coupon was created', origin: 'INFERRED', schema: couponCreated },
  { name: 'coupon.redeemed', description: 'A customer redeemed a coupon code on an order', origin: 'INFERRED', schema: couponRedeemed },
  { name: 'customer.meta.updated', description: "A customer's properties (metadata) changed", origin: 'INFERRED', schema: metaUpdated },
  { name: 'customer.referred', description: "A friend logged in with an advocate's referral code (sent for the friend)", origin: 'INFERRED', schema: customerReferred },
  {
    name: ADVOCATE,
    description: 'The referred friend completed the action: the advocate earned the reward (payload spells it "successfull")',
    origin: 'DOC',
    aliases: [REFERRAL_ADVOCATE_PAYLOAD],
    schema: referralAdvocate,
    fixtures: [`${ADVOCATE}.json`],
  },
  {
    name: FRIEND,
    description: 'The referred friend completed the action and earned the reward (payload spells it "successfull")',
    origin: 'DOC',
    aliases: [REFERRAL_FRIEND_PAYLOAD],
    schema: referralFriend,
    fixtures: [`${FRIEND}.json`],
  },
  { name: 'customer.leaderboard.awarded', description: 'A leaderboard period ended and its participants were rewarded', origin: 'INFERRED', schema: leaderboardAwarded },
  { name: 'customer.created', description: 'A new customer was created', origin: 'DOC', schema: customerCreated, fixtures: ['customer.created.json'] },
  { name: 'coupon.redemption.rollback', description: 'A coupon redemption was rolled back (order reverted)', origin: 'INFERRED', schema: couponRollback },
  { name: 'customer.updated', description: "A customer's details changed", origin: 'INFERRED', schema: customerUpdated },
  { name: 'customer.segment.entered', description: 'A customer became eligible for a segment', origin: 'INFERRED', schema: segmentEvent('customer.segment.entered') },
  { name: 'customer.segment.left', description: 'A customer left a segment', origin: 'INFERRED', schema: segmentEvent('customer.segment.left') },
  { name: 'wallet.credited', description: "Points were credited to the customer's wallet", origin: 'DOC', schema: walletEvent('wallet.credited'), fixtures: ['wallet.credited.json'] },
  // The documented wallet.debited example repeats the credit's `type` and description: kept as documented.
  { name: 'wallet.debited', description: "Points were debited from the customer's wallet", origin: 'DOC', schema: walletEvent('wallet.debited'), fixtures: ['wallet.debited.json'] },
];

/** event_name as delivered (either referral spelling) → the event name users type. */
const EVENT_BY_NAME = new Map<string, string>();
for (const e of events) for (const n of [e.name, ...(e.aliases ?? [])]) EVENT_BY_NAME.set(n, e.name);

function path(body: Record<string, unknown>, ...keys: string[]): unknown {
  let node: unknown = body;
  for (const key of keys) node = isObject(node) ? node[key] : undefined;
  return node;
}

/** Kept: the compiled events (templates/rehook-*compiled.ts) apply only while the provider uses it. */
const template = templateFor(rehookTemplates);

export const provider: ProviderDef = {
  id: 'rehook',
  name: 'Rehook',
  description: 'Reward, referral, coupon, customer and wallet webhooks that Rehook sends to your server',
  kind: 'webhook',
  signing: {
    scheme: 'basic',
    secretRequired: false,
    description: 'No signature: optional HTTP Basic auth (user id + password) and custom headers, both set in the dashboard',
  },
  headers: { 'Content-Type': 'application/json' },
  retry: { attempts: 1, delaysMs: [0], success: '2xx', origin: 'NONE', description: 'No retry policy documented (the dashboard Test button expects 200 OK)' },
  events,
  template,
  async loadBodyCompiler() {
    if (this.template !== template) return undefined;
    const [{ compileRehook }, { compileRehookReferral }, { compileRehookCoupon }] = await Promise.all([
      import('../templates/rehook-compiled.js'),
      import('../templates/rehook-referral-compiled.js'),
      import('../templates/rehook-coupon-compiled.js'),
    ]);
    // Each event only with its own schema: a replaced one may not hold what the compiled form writes.
    return (event, variant, ascii) => {
      if (event.schema !== events.find((e) => e.name === event.name)?.schema) return undefined;
      if (event.schema === customerRewarded) return compileRehook(event.name, variant, ascii);
      return event.name.startsWith('coupon.') ? compileRehookCoupon(event.name, variant, ascii) : compileRehookReferral(event.name, variant, ascii);
    };
  },
  eventOf(body) {
    if (!isObject(body) || body.source !== 'rehook' || typeof body.event_name !== 'string') return undefined;
    return EVENT_BY_NAME.get(body.event_name);
  },
  // One id per delivery where the payload has one; entity ids (customers, coupons) are scoped by event.
  dedupKey(body) {
    if (!isObject(body)) return undefined;
    const event = this.eventOf(body);
    if (event === undefined) return undefined;
    const pick = (...keys: string[]) => {
      const value = path(body, 'metadata', ...keys);
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const scoped = (value: string | undefined) => (value === undefined ? undefined : `${event}:${value}`);
    switch (event) {
      case 'customer.rewarded':
      case 'customer.leaderboard.awarded':
        return pick('reward', 'redemption_id');
      case ADVOCATE:
      case FRIEND:
        return pick('RedemptionId');
      case 'wallet.credited':
      case 'wallet.debited':
        return pick('wallet', 'transaction_id');
      case 'coupon.redeemed':
      case 'coupon.redemption.rollback':
        return scoped(pick('redemption_id'));
      case 'coupon.created':
        return scoped(pick('coupon_id'));
      case 'coupon.rewarded': {
        const id = pick('coupon_id');
        return id === undefined ? undefined : `${event}:${id}:${String(body.source_id)}`;
      }
      case 'customer.created':
      case 'signup':
      case 'customer.referred':
        return scoped(pick('CustomerID'));
      default:
        // Updates, segment moves and orders carry no per-delivery id: two identical bodies may be two real events.
        return undefined;
    }
  },
  detect(_req, body) {
    if (this.eventOf(body) !== undefined) return 0.9;
    if (isObject(body) && body.source === 'rehook' && typeof body.event_name === 'string') return 0.7;
    return 0;
  },
};
