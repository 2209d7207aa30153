import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';
import { toAscii } from './text.js';

export const TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
export type Tier = (typeof TIERS)[number];
/** Lifetime points needed for each tier, and its earning multiplier (providers.md). */
export const TIER_THRESHOLDS: Record<Tier, number> = { bronze: 0, silver: 1000, gold: 5000, platinum: 20000 };
export const TIER_MULTIPLIERS: Record<Tier, number> = { bronze: 1.0, silver: 1.5, gold: 2.0, platinum: 3.0 };

export const NETWORKS = ['mtn', 'telecel', 'airteltigo'] as const;
export type Network = (typeof NETWORKS)[number];
/** Ghanaian mobile prefixes (after +233) per mobile-money network. */
export const NETWORK_PREFIXES: Record<Network, readonly string[]> = {
  mtn: ['24', '54', '55', '59', '25', '53'],
  telecel: ['20', '50'],
  airteltigo: ['26', '56', '27', '57'],
};

// INFERRED: cashback value per point by tier (GHS) and the payout fee; mgPass documents neither.
export const CASHBACK_RATES: Record<Tier, number> = { bronze: 0.01, silver: 0.012, gold: 0.015, platinum: 0.02 };
export const CASHBACK_FEE_RATE = 0.02;

export const EARNING_EVENTS = ['purchase', 'article_read', 'video_watch', 'daily_login', 'referral', 'quiz_completed', 'share', 'signup'] as const;
export const FREQUENCIES = ['once', 'daily', 'weekly', 'monthly', 'unlimited'] as const;
export const FULFILLMENT_TYPES = ['digital', 'physical', 'experience'] as const;
/** MG Digital properties that award points ("3news" is the documented one). */
export const PLATFORMS = ['3news', 'onua', '3fm', 'akoma', 'connectfm', '3music'];

export const userId = (ctx: TemplateContext) => `usr_${ctx.lowerAlnum(12)}`;

function envelope(ctx: TemplateContext, eventType: string, data: JsonObject): JsonObject {
  return { event_type: eventType, data, timestamp: ctx.iso() };
}

function pointsAwarded(ctx: TemplateContext): JsonObject {
  // DOC: exactly the documented data fields.
  const eventType = ctx.pick(EARNING_EVENTS);
  const base = eventType === 'purchase' ? ctx.pick([50, 100, 150, 200, 300]) : ctx.pick([5, 10, 20, 25]);
  return envelope(ctx, 'rewards.points_awarded', {
    user_id: userId(ctx),
    points: Math.round(base * TIER_MULTIPLIERS[ctx.pick(TIERS)]),
    event_type: eventType,
    platform: ctx.pick(PLATFORMS),
  });
}

// INFERRED: tier promotion from the documented thresholds and multipliers.
function tierPromoted(ctx: TemplateContext): JsonObject {
  const to = ctx.int(1, TIERS.length - 1);
  const from = ctx.int(0, to - 1);
  const newTier = TIERS[to]!;
  const next = TIERS[to + 1];
  const ceiling = next ? TIER_THRESHOLDS[next] - 1 : TIER_THRESHOLDS[newTier] + 5000;
  return envelope(ctx, 'rewards.tier_promoted', {
    user_id: userId(ctx),
    previous_tier: TIERS[from]!,
    new_tier: newTier,
    lifetime_earned: ctx.int(TIER_THRESHOLDS[newTier], Math.min(ceiling, TIER_THRESHOLDS[newTier] + 400)),
    multiplier: TIER_MULTIPLIERS[newTier],
  });
}

const CATALOG: ReadonlyArray<{ name: string; points: number; fulfillment: (typeof FULFILLMENT_TYPES)[number] }> = [
  // Ghanaian apps print cedi amounts as "GH₵10".
  { name: 'GH₵10 airtime', points: 1000, fulfillment: 'digital' },
  { name: 'GH₵50 Melcom voucher', points: 5000, fulfillment: 'digital' },
  { name: '5GB data bundle', points: 1500, fulfillment: 'digital' },
  { name: 'GH₵20 data bundle', points: 2000, fulfillment: 'digital' },
  { name: '3Music Awards ticket 🎤', points: 8000, fulfillment: 'experience' },
  { name: 'Branded 3news mug', points: 2500, fulfillment: 'physical' },
  { name: 'Showmax 1-month voucher', points: 4000, fulfillment: 'digital' },
  { name: 'Studio tour at TV3', points: 12000, fulfillment: 'experience' },
  { name: 'Onua FM T-shirt', points: 3000, fulfillment: 'physical' },
  { name: 'Dinner for two at Café Kwae 🍽️', points: 9000, fulfillment: 'experience' },
  { name: 'GH₵30 Bolt ride credit', points: 3000, fulfillment: 'digital' },
  { name: 'GH₵100 Shoprite voucher', points: 10000, fulfillment: 'digital' },
];

// INFERRED: a catalog redemption names the item and the points spent.
function redeemed(ctx: TemplateContext): JsonObject {
  const item = ctx.pick(CATALOG);
  const quantity = item.fulfillment === 'digital' ? ctx.int(1, 2) : 1;
  return envelope(ctx, 'rewards.redeemed', {
    user_id: userId(ctx),
    redemption_id: `rdm_${ctx.lowerAlnum(12)}`,
    reward_id: `rwd_${ctx.lowerAlnum(12)}`,
    reward_name: item.name,
    quantity,
    points_spent: item.points * quantity,
    fulfillment_type: item.fulfillment,
    status: item.fulfillment === 'digital' ? 'fulfilled' : 'pending',
  });
}

export function phone(ctx: TemplateContext, network: Network): string {
  return `+233${ctx.pick(NETWORK_PREFIXES[network])}${ctx.digits(7)}`;
}

// In the docs' order; the status each event leaves the redemption in is INFERRED.
export const CASHBACK_STATUS = {
  'cashback.redeemed': 'pending',
  'cashback.processed': 'completed',
  'cashback.rejected': 'failed',
  'cashback.redemption_completed': 'approved',
  'cashback.redemption_cancelled': 'cancelled',
} as const;
export type CashbackEvent = keyof typeof CASHBACK_STATUS;
export const CASHBACK_EVENTS = Object.keys(CASHBACK_STATUS) as CashbackEvent[];

// INFERRED: the documented cashback object; amounts in GHS, worked in pesewas so that
// gross = points × rate and net = gross − fee hold exactly to the pesewa.
function cashback(ctx: TemplateContext, eventType: CashbackEvent): JsonObject {
  const tier = ctx.pick(TIERS);
  const rate = CASHBACK_RATES[tier];
  const points = ctx.int(5, 200) * 100;
  const gross = Math.round(points * rate * 100);
  const fee = Math.round(gross * CASHBACK_FEE_RATE);
  const network = ctx.pick(NETWORKS);
  const data: JsonObject = {
    redemption_id: `rdm_${ctx.lowerAlnum(12)}`,
    user_id: userId(ctx),
    status: CASHBACK_STATUS[eventType],
    points,
    tier,
    rate,
    currency: 'GHS',
    gross_amount: gross / 100,
    fee_rate: CASHBACK_FEE_RATE,
    fee_amount: fee / 100,
    net_amount: (gross - fee) / 100,
    phone_number: phone(ctx, network),
    network,
  };
  if (eventType === 'cashback.processed') data.transaction_reference = `MP${ctx.digits(6)}.${ctx.digits(4)}.${ctx.alnum(6).toUpperCase()}`;
  if (eventType === 'cashback.rejected') {
    data.failure_reason = ctx.pick(['Recipient wallet not found', 'Mobile money provider timeout', 'Recipient name mismatch', 'Recipient wallet balance limit of GH₵10,000 reached']);
    data.points_refunded = points;
  }
  if (eventType === 'cashback.redemption_cancelled') data.reason = ctx.pick(['Suspected duplicate account', 'Phone number not verified', 'Monthly cashback limit reached', 'Monthly cashback limit of GH₵500 reached']);
  return envelope(ctx, eventType, data);
}

// INFERRED: the documented rule fields.
function ruleCreated(ctx: TemplateContext): JsonObject {
  const eventType = ctx.pick(EARNING_EVENTS);
  const frequency = eventType === 'signup' ? 'once' : ctx.pick(FREQUENCIES.filter((f) => f !== 'once'));
  const points = eventType === 'purchase' ? ctx.pick([50, 100, 200]) : ctx.pick([5, 10, 20, 50]);
  const dailyCap = frequency === 'once' ? points : points * ctx.pick([3, 5, 10]);
  return envelope(ctx, 'rewards.rule_created', {
    rule_id: `rul_${ctx.lowerAlnum(12)}`,
    event_type: eventType,
    points,
    platform: ctx.pick(PLATFORMS),
    daily_cap: dailyCap,
    monthly_cap: frequency === 'once' ? points : dailyCap * ctx.pick([10, 20, 30]),
    frequency,
  });
}

// INFERRED: the documented catalog item fields.
function catalogCreated(ctx: TemplateContext): JsonObject {
  const item = ctx.pick(CATALOG);
  const from = ctx.int(0, 2);
  return envelope(ctx, 'rewards.catalog_created', {
    reward_id: `rwd_${ctx.lowerAlnum(12)}`,
    name: item.name,
    points_cost: item.points,
    fulfillment_type: item.fulfillment,
    eligible_tiers: TIERS.slice(item.fulfillment === 'experience' ? Math.max(from, 2) : from),
    stock: item.fulfillment === 'digital' ? ctx.pick([500, 1000, 5000]) : ctx.int(10, 200),
  });
}

const PARTNERS = [
  { name: 'Melcom', category: 'retail' },
  { name: 'Papaye', category: 'food' },
  { name: 'Palace Hypermarket', category: 'retail' },
  { name: 'Silverbird Cinemas', category: 'entertainment' },
  { name: 'Marwako', category: 'food' },
  { name: 'Café Kwae', category: 'food' },
  { name: 'Crêpes & Cream Osu', category: 'food' },
  { name: 'Shell Ghana', category: 'fuel' },
  { name: 'Africa World Airlines', category: 'travel' },
];

// INFERRED: a partner object (id, name, category, contact, status).
function partnerCreated(ctx: TemplateContext): JsonObject {
  const partner = ctx.pick(PARTNERS);
  const slug = toAscii(partner.name).toLowerCase().replace(/[^a-z]+/g, '');
  return envelope(ctx, 'rewards.partner_created', {
    partner_id: `ptn_${ctx.lowerAlnum(12)}`,
    name: partner.name,
    category: partner.category,
    contact_email: `partnerships@${slug}.com.gh`,
    points_per_ghs: ctx.pick([1, 2, 5, 10]),
    status: 'active',
  });
}

export const mgpassTemplates = {
  'rewards.points_awarded': (ctx: TemplateContext) => pointsAwarded(ctx),
  'rewards.tier_promoted': (ctx: TemplateContext) => tierPromoted(ctx),
  'rewards.redeemed': (ctx: TemplateContext) => redeemed(ctx),
  'cashback.redeemed': (ctx: TemplateContext) => cashback(ctx, 'cashback.redeemed'),
  'cashback.processed': (ctx: TemplateContext) => cashback(ctx, 'cashback.processed'),
  'cashback.rejected': (ctx: TemplateContext) => cashback(ctx, 'cashback.rejected'),
  'cashback.redemption_completed': (ctx: TemplateContext) => cashback(ctx, 'cashback.redemption_completed'),
  'cashback.redemption_cancelled': (ctx: TemplateContext) => cashback(ctx, 'cashback.redemption_cancelled'),
  'rewards.rule_created': (ctx: TemplateContext) => ruleCreated(ctx),
  'rewards.catalog_created': (ctx: TemplateContext) => catalogCreated(ctx),
  'rewards.partner_created': (ctx: TemplateContext) => partnerCreated(ctx),
} satisfies Record<string, (ctx: TemplateContext, variant?: string) => JsonObject>;
