import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';
import { PRODUCTS } from './names.js';

/** The payload spelling of the referral events (double l), which differs from Rehook's event table. */
export const REFERRAL_ADVOCATE_PAYLOAD = 'customer.referral.successfull.advocate';
export const REFERRAL_FRIEND_PAYLOAD = 'customer.referral.successfull.friend';

export const CAMPAIGN_TYPES = ['loyalty', 'referral', 'distribution', 'leaderboard'] as const;
export const ORDER_MODES = ['CARD', 'UPI', 'COD', 'WALLET', 'NETBANKING'] as const;

/** The Go zero time: Rehook's documented customer.rewarded wallet carries it in created_at/updated_at. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Rehook's backend is Go: time.Time marshals as RFC 3339 with up to 9 fractional digits, trailing zeros
 * trimmed ("2023-09-21T07:46:56.8421482Z"). The sub-second part is drawn afresh (a clock pinned to a whole
 * second would otherwise print ".000454"), so the instant stays within the delivery's second.
 */
export function goTime(ctx: TemplateContext, offsetMs = 0): string {
  const fraction = `${ctx.int(1, 9)}${ctx.digits(8)}`;
  // Trailing zeros trimmed (the first digit is 1-9, so one is always left).
  let end = fraction.length;
  while (fraction.charCodeAt(end - 1) === 0x30) end--;
  return `${ctx.iso(offsetMs).slice(0, 19)}.${fraction.slice(0, end)}Z`;
}

const id = {
  campaign: (ctx: TemplateContext) => ctx.prefixed('camp_'),
  reward: (ctx: TemplateContext) => ctx.prefixed('rewd_'),
  redemption: (ctx: TemplateContext) => ctx.prefixed('redm_'),
  transaction: (ctx: TemplateContext) => ctx.prefixed('trhi_'),
  customer: (ctx: TemplateContext) => ctx.prefixed('cust_'),
  rule: (ctx: TemplateContext) => ctx.prefixed('valr_'),
  coupon: (ctx: TemplateContext) => ctx.prefixed('coupm_'),
};

/** The merchant's own customer key, in the forms the docs show ("KMN@123", "New_customer24"). */
export function customerKey(ctx: TemplateContext): string {
  const name = ctx.plainFirstName();
  switch (ctx.int(0, 2)) {
    case 0:
      return `${name.slice(0, ctx.int(3, 5)).toUpperCase()}@${ctx.int(100, 999)}`;
    case 1:
      return `New_customer${ctx.int(1, 9999)}`;
    default:
      return `${name.toLowerCase()}_${ctx.digits(5)}`;
  }
}

/**
 * Go's encoding/json sorts map keys, so every documented Rehook payload arrives with sorted keys. The templates
 * write every object's keys in that order (by UTF-16 code unit, which is byte order for these ASCII keys), rather
 * than copying each payload into sorted objects afterwards; test/generate-rehook-order.test.ts checks every event.
 */
function envelope(eventName: string, sourceId: string, metadata: JsonObject): JsonObject {
  return { event_name: eventName, metadata, source: 'rehook', source_id: sourceId };
}

function customerRewarded(ctx: TemplateContext, variant = 'wallet-reward'): JsonObject {
  const sourceId = customerKey(ctx);
  const webhookReward = variant === 'webhook-reward';
  const points = ctx.pick([5, 10, 20, 25, 50, 100, 150, 200, 500]);
  const neverExpires = ctx.chance(0.6);
  const days = ctx.pick([1, 7, 30, 90, 365]);
  const immediate = ctx.chance(0.8);
  const reward: JsonObject = {
    activation: { days: immediate ? 1 : ctx.pick([1, 2, 7]), is_immediate: immediate, start_date: immediate ? null : goTime(ctx, 86_400_000) },
    expiration: { days, expiration_date: neverExpires ? null : goTime(ctx, days * 86_400_000), never_expires: neverExpires },
    // Merchants name rewards in their dashboard, emoji and all.
    name: webhookReward
      ? ctx.pick(['Webhook points', 'webhook points reward', 'Signup bonus points', 'Welcome bonus 🎉'])
      : ctx.pick(['order success reward', 'signup reward', 'first order bonus', 'weekly streak reward', 'Diwali bonus 🪔']),
    redemption_date: goTime(ctx),
    redemption_id: id.redemption(ctx),
    reward_id: id.reward(ctx),
  };
  // A webhook reward leaves crediting to the merchant: its wallet object only says that nothing was credited.
  const wallet: JsonObject = webhookReward
    ? { points: 0 }
    : {
        created_at: GO_ZERO_TIME,
        description: 'Wallet points have been successfully credited to your account.',
        points,
        transaction_id: id.transaction(ctx),
        updated_at: GO_ZERO_TIME,
      };
  return envelope('customer.rewarded', sourceId, {
    campaign: { id: id.campaign(ctx), type: ctx.pick(['loyalty', 'loyalty', 'distribution']) },
    coupon: null,
    custom_fields: null,
    points,
    reward,
    source_id: sourceId,
    wallet,
  });
}

function orderSuccess(ctx: TemplateContext): JsonObject {
  const count = ctx.int(1, 3);
  const first = ctx.int(0, PRODUCTS.length - 1);
  const cart: JsonObject[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const productIndex = (first + i) % PRODUCTS.length;
    const product = PRODUCTS[productIndex]!;
    const productId = productIndex + 1;
    const quantity = ctx.int(1, 2);
    total += product.price * quantity;
    const base = `https://i.dummyjson.com/data/products/${productId}`;
    cart.push({
      brand: product.brand,
      category: product.category,
      description: `${product.title} by ${product.brand}`,
      discountPercentage: ctx.amount(0, 20),
      id: productId,
      images: [`${base}/1.jpg`, `${base}/2.jpg`, `${base}/thumbnail.jpg`],
      price: product.price,
      quantity,
      rating: ctx.amount(3.5, 5),
      selected: false,
      stock: ctx.int(0, 150),
      thumbnail: `${base}/thumbnail.jpg`,
      title: product.title,
    });
  }
  return envelope('order_success', customerKey(ctx), { cart, mode: ctx.pick(ORDER_MODES), total });
}

function contact(ctx: TemplateContext): { Email: string; Name: string; Phone: string } {
  const person = ctx.person();
  return { Email: person.email, Name: person.name, Phone: person.phone };
}

function customerCreated(ctx: TemplateContext): JsonObject {
  return envelope('customer.created', customerKey(ctx), { CustomerID: id.customer(ctx) });
}

// INFERRED: signup, customer.updated and customer.referred mirror customer.created (PascalCase keys).
function signup(ctx: TemplateContext): JsonObject {
  const key = customerKey(ctx);
  const customer = id.customer(ctx);
  const c = contact(ctx);
  return envelope('signup', key, { CustomerID: customer, Email: c.Email, Name: c.Name, Phone: c.Phone });
}

function customerUpdated(ctx: TemplateContext): JsonObject {
  const fields = ctx.pick([['Email'], ['Phone'], ['Name', 'Email'], ['Name']]);
  const key = customerKey(ctx);
  const customer = id.customer(ctx);
  const c = contact(ctx);
  return envelope('customer.updated', key, { CustomerID: customer, Email: c.Email, Name: c.Name, Phone: c.Phone, UpdatedFields: fields });
}

function customerReferred(ctx: TemplateContext): JsonObject {
  // Associated with the friend: CustomerID and source_id are the friend's, AdvocateId the referrer's.
  const friendKey = customerKey(ctx);
  return envelope('customer.referred', friendKey, {
    AdvocateId: id.customer(ctx),
    CampaignID: id.campaign(ctx),
    CampaignType: 'referral',
    CustomerID: id.customer(ctx),
    ReferralCode: `${ctx.plainFirstName().toUpperCase()}${ctx.digits(3)}`,
  });
}

function referral(ctx: TemplateContext, side: 'advocate' | 'friend'): JsonObject {
  const advocate = id.customer(ctx);
  const friend = id.customer(ctx);
  const isAdvocate = side === 'advocate';
  // The friend's event names no advocate: the docs show the literal "NA" in both advocate fields.
  return envelope(isAdvocate ? REFERRAL_ADVOCATE_PAYLOAD : REFERRAL_FRIEND_PAYLOAD, customerKey(ctx), {
    AdvocateId: isAdvocate ? advocate : 'NA',
    CampaignID: id.campaign(ctx),
    CampaignName: ctx.pick(['', '', 'Refer & Earn', 'Invite a Friend', 'Refer & Earn ₹100']),
    CampaignType: 'referral',
    Code: '',
    ConnectedCustomerId: isAdvocate ? friend : 'NA',
    CustomerId: isAdvocate ? advocate : friend,
    PointsRewarded: ctx.pick([10, 25, 50, 100, 200]),
    RedemptionId: id.redemption(ctx),
    RewardId: id.reward(ctx),
    RewardType: 'webhook',
    RuleId: id.rule(ctx),
    Type: isAdvocate ? 'referral_advocate' : 'referral_friend',
  });
}

function wallet(ctx: TemplateContext, type: 'credit' | 'debit'): JsonObject {
  const points = ctx.pick([5, 10, 20, 50, 100, 250, 500]);
  const at = goTime(ctx);
  return envelope(type === 'credit' ? 'wallet.credited' : 'wallet.debited', customerKey(ctx), {
    points,
    wallet: {
      created_at: at,
      description: type === 'credit' ? 'Wallet points have been successfully credited to your account.' : 'Wallet points have been successfully debited from your account.',
      points,
      transaction_id: id.transaction(ctx),
      type,
      updated_at: at,
    },
  });
}

// INFERRED: the coupon events are built from Rehook's coupon API object.
type Coupon = { campaign_id: string; coupon_code: string; coupon_id: string; discount: { type: string; value: number }; valid_from: string; valid_till: string };

// The coupon events' lists, shared with their compiled forms (rehook-coupon-compiled.ts).
export const COUPON_PERCENTAGE_SHARE = 0.6;
export const COUPON_VALID_DAYS = [7, 15, 30, 90];
export const COUPON_CODE_WORDS = ['DIWALI', 'WELCOME', 'SAVE', 'FEST', 'FLAT'];
export const COUPON_PERCENT_OFF = [5, 10, 15, 20, 25];
export const COUPON_FIXED_OFF = [50, 100, 150, 200, 500];
/** valid_from is up to this many days before the delivery. */
export const COUPON_BACKDATED_DAYS = 5;
export const ORDER_AMOUNTS = [299, 499, 799, 999, 1499, 2499];

function coupon(ctx: TemplateContext): Coupon {
  const percentage = ctx.chance(COUPON_PERCENTAGE_SHARE);
  const validDays = ctx.pick(COUPON_VALID_DAYS);
  return {
    campaign_id: id.campaign(ctx),
    coupon_code: `${ctx.pick(COUPON_CODE_WORDS)}${ctx.int(10, 999)}`,
    coupon_id: id.coupon(ctx),
    discount: percentage ? { type: 'percentage', value: ctx.pick(COUPON_PERCENT_OFF) } : { type: 'fixed', value: ctx.pick(COUPON_FIXED_OFF) },
    valid_from: goTime(ctx, -ctx.int(0, COUPON_BACKDATED_DAYS) * 86_400_000),
    valid_till: goTime(ctx, validDays * 86_400_000),
  };
}

/** What an order of `original` costs after the coupon's discount. */
export function sellingAmount(original: number, discount: { type: string; value: number }): number {
  const off = discount.type === 'percentage' ? Math.round(original * discount.value) / 100 : Math.min(discount.value, original);
  return Math.round((original - off) * 100) / 100;
}

function couponCreated(ctx: TemplateContext): JsonObject {
  return envelope('coupon.created', customerKey(ctx), coupon(ctx));
}

function couponRewarded(ctx: TemplateContext): JsonObject {
  const sourceId = customerKey(ctx);
  const c = coupon(ctx);
  return envelope('coupon.rewarded', sourceId, {
    campaign_id: c.campaign_id, coupon_code: c.coupon_code, coupon_id: c.coupon_id, discount: c.discount,
    source_id: sourceId,
    valid_from: c.valid_from, valid_till: c.valid_till,
  });
}

function couponRedemption(ctx: TemplateContext, rollback: boolean): JsonObject {
  const sourceId = customerKey(ctx);
  const c = coupon(ctx);
  const discount = c.discount as { type: string; value: number };
  const original = ctx.pick(ORDER_AMOUNTS);
  return envelope(rollback ? 'coupon.redemption.rollback' : 'coupon.redeemed', sourceId, {
    campaign_id: c.campaign_id, coupon_code: c.coupon_code, coupon_id: c.coupon_id, discount: c.discount,
    order: {
      order_id: `ORD-${ctx.digits(8)}`,
      original_amount: original,
      selling_amount: sellingAmount(original, discount),
      status: rollback ? 'reverted' : 'completed',
    },
    redemption_id: id.redemption(ctx),
    source_id: sourceId,
    valid_from: c.valid_from, valid_till: c.valid_till,
  });
}

/** customer.meta.updated's fields in the order updated_fields lists them (the order they are drawn in). */
const META_FIELDS = ['city', 'preferred_language', 'tier', 'marketing_opt_in'];

// INFERRED: customer.meta.updated carries the customer's free-form metadata and the keys that changed.
function metaUpdated(ctx: TemplateContext): JsonObject {
  const city = ctx.person().city;
  const language = ctx.pick(['en', 'hi', 'ta', 'te']);
  const tier = ctx.pick(['silver', 'gold', 'platinum']);
  const optIn = ctx.chance(0.7);
  const metadata: JsonObject = { city, marketing_opt_in: optIn, preferred_language: language, tier };
  const keys = META_FIELDS;
  const updated = keys.filter(() => ctx.chance(0.5));
  return envelope('customer.meta.updated', customerKey(ctx), {
    customer_id: id.customer(ctx),
    metadata,
    updated_fields: updated.length > 0 ? updated : [ctx.pick(keys)],
  });
}

// INFERRED: segment events name the segment; the customer is the envelope's source_id.
function segment(ctx: TemplateContext, entered: boolean): JsonObject {
  return envelope(entered ? 'customer.segment.entered' : 'customer.segment.left', customerKey(ctx), {
    segment_id: ctx.prefixed('seg_'),
    segment_name: ctx.pick(['High value customers', 'Dormant 30 days', 'First-time buyers', 'Weekend shoppers', 'Gold members', 'Gold members ⭐', 'Café regulars']),
  });
}

// INFERRED: built from Rehook's campaign and reward objects for a leaderboard campaign's period.
function leaderboardAwarded(ctx: TemplateContext): JsonObject {
  const rank = ctx.int(1, 10);
  const periodDays = ctx.pick([7, 30]);
  const points = [1000, 500, 250][rank - 1] ?? 100;
  return envelope('customer.leaderboard.awarded', customerKey(ctx), {
    campaign: { id: id.campaign(ctx), type: 'leaderboard' },
    leaderboard_id: ctx.prefixed('ldbd_'),
    period_end: goTime(ctx, -1000),
    period_start: goTime(ctx, -periodDays * 86_400_000),
    rank,
    reward: {
      name: ctx.pick([`Leaderboard rank ${rank} reward`, `🏆 Rank ${rank} reward`]),
      points,
      redemption_id: id.redemption(ctx),
      reward_id: id.reward(ctx),
    },
    score: Math.max(1, 5000 - rank * ctx.int(100, 400)),
  });
}

export const rehookTemplates = {
  'customer.rewarded': customerRewarded,
  order_success: (ctx: TemplateContext) => orderSuccess(ctx),
  signup: (ctx: TemplateContext) => signup(ctx),
  'coupon.rewarded': (ctx: TemplateContext) => couponRewarded(ctx),
  'coupon.created': (ctx: TemplateContext) => couponCreated(ctx),
  'coupon.redeemed': (ctx: TemplateContext) => couponRedemption(ctx, false),
  'customer.meta.updated': (ctx: TemplateContext) => metaUpdated(ctx),
  'customer.referred': (ctx: TemplateContext) => customerReferred(ctx),
  'customer.referral.successful.advocate': (ctx: TemplateContext) => referral(ctx, 'advocate'),
  'customer.referral.successful.friend': (ctx: TemplateContext) => referral(ctx, 'friend'),
  'customer.leaderboard.awarded': (ctx: TemplateContext) => leaderboardAwarded(ctx),
  'customer.created': (ctx: TemplateContext) => customerCreated(ctx),
  'coupon.redemption.rollback': (ctx: TemplateContext) => couponRedemption(ctx, true),
  'customer.updated': (ctx: TemplateContext) => customerUpdated(ctx),
  'customer.segment.entered': (ctx: TemplateContext) => segment(ctx, true),
  'customer.segment.left': (ctx: TemplateContext) => segment(ctx, false),
  'wallet.credited': (ctx: TemplateContext) => wallet(ctx, 'credit'),
  'wallet.debited': (ctx: TemplateContext) => wallet(ctx, 'debit'),
} satisfies Record<string, (ctx: TemplateContext, variant?: string) => JsonObject>;
