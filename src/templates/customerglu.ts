import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';
import { CAMPAIGN_NAMES, CURRENCIES } from './names.js';
import { money } from './text.js';

export const CAMPAIGN_TYPES = [
  'spinthewheel', 'slotmachine', 'scratchcard', 'direct', 'memorygame', 'quiz', 'referral', 'multistep', 'streak',
  'activity-scratchcard', 'collectthestamps', 'gamechallenge', 'unity', 'tossthecoin', 'rollthedice', 'unitygame',
  'giftbox',
] as const;
export const REWARD_TYPES = [
  'pdr', 'discount', 'deliveryDiscount', 'buyXGetY', 'freebie', 'noReward', 'customReward', 'coupons', 'coins',
  'points', 'cashbacks', 'stamp', 'booster',
] as const;

export type RewardType = (typeof REWARD_TYPES)[number];

// Made once, not per payload (`generate --count` makes hundreds of thousands).
export const PLAYED_REWARD_TYPES = REWARD_TYPES.filter((t) => t !== 'noReward');
export const REFERRAL_REWARD_TYPES = ['points', 'coins', 'cashbacks'] as const;
export const CODE_PREFIXES = ['SAVE', 'GLU', 'WIN', 'FEST', 'LUCKY'];
// The draws' lists, shared with the compiled form of the reward (customerglu-compiled.ts).
export const UNIT_AMOUNTS = [10, 25, 50, 100, 150, 200, 250, 500];
export const DISCOUNT_PERCENTS = [10, 15, 20, 25, 50];
export const OTHER_CASHBACK_AMOUNTS = [5, 10, 15, 20, 50];
export const OTHER_FLAT_AMOUNTS = [5, 10, 20];
export const FREEBIES = ['Free Coffee ☕', 'Free Dessert', 'Free Delivery', 'Free Crème Brûlée'];
export const CUSTOM_REWARDS = ['Movie ticket 🎬', 'Movie ticket'];
export const REWARD_CATEGORIES = ['RM', 'points', 'voucher', 'cashback'];
export const TNC_NONE = 'NA';
export const TNC_ONCE = 'Valid once per user';
export const TNC_ALONE = 'Cannot be combined with other offers';
export const TNC_EXPIRES = 'Expires as shown in the app';
export const tncAbove = (currency: string) => `Valid on orders above ${money(currency, currency === 'INR' ? 499 : 25)}`;

/** Cashback and flat-discount amounts as each market prices them (₹50 is a small Indian cashback, $50 is not). */
export const CASHBACK_AMOUNTS: Record<string, number[]> = {
  INR: [25, 50, 100, 150, 200, 500],
  GHS: [5, 10, 20, 50],
  USD: [1, 2, 5, 10],
  EUR: [1, 2, 5, 10],
  GBP: [1, 2, 5, 10],
  SGD: [2, 5, 10],
};

/** What a reward type draws its face from (an amount, a percentage, a name), or undefined: it draws nothing. */
export function faceChoices(rewardType: RewardType, currency: string): ReadonlyArray<number | string> | undefined {
  switch (rewardType) {
    case 'points':
    case 'coins':
      return UNIT_AMOUNTS;
    case 'cashbacks':
      return CASHBACK_AMOUNTS[currency] ?? OTHER_CASHBACK_AMOUNTS;
    case 'discount':
    case 'deliveryDiscount':
      return DISCOUNT_PERCENTS;
    case 'coupons':
    case 'pdr':
      return CASHBACK_AMOUNTS[currency] ?? OTHER_FLAT_AMOUNTS;
    case 'freebie':
      return FREEBIES;
    case 'customReward':
      return CUSTOM_REWARDS;
    default:
      return undefined;
  }
}

export interface RewardFace {
  rewardName: string;
  rewardAmount: number | undefined;
  body: string;
  code: string | undefined;
}

/**
 * Name, amount, body text and code as CustomerGlu's dashboard would fill them for a reward type, from the drawn
 * `choice` (see faceChoices). Pure: the compiled reward (customerglu-compiled.ts) makes its constant text with it.
 */
export function faceText(rewardType: RewardType, currency: string, code: string, choice: number | string | undefined): RewardFace {
  switch (rewardType) {
    case 'points':
    case 'coins': {
      const n = choice as number;
      const unit = rewardType === 'points' ? 'points' : 'coins';
      return { rewardName: `${n} ${unit}`, rewardAmount: n, body: `You have won ${n} ${unit}`, code: undefined };
    }
    case 'cashbacks': {
      const n = choice as number;
      const name = `${money(currency, n)} cashback`;
      return { rewardName: name, rewardAmount: n, body: `${name} is on its way to your wallet`, code: undefined };
    }
    case 'discount':
    case 'deliveryDiscount': {
      const n = choice as number;
      const what = rewardType === 'discount' ? 'off your next order' : 'off delivery';
      return { rewardName: `${n}% ${what}`, rewardAmount: n, body: `Use code ${code} to get ${n}% ${what}`, code };
    }
    case 'coupons':
    case 'pdr':
      return { rewardName: `Flat ${money(currency, choice as number)} off`, rewardAmount: undefined, body: `Use code ${code} at checkout`, code };
    case 'buyXGetY':
      return { rewardName: 'Buy 1 Get 1 Free', rewardAmount: undefined, body: `Use code ${code} to get one free`, code };
    case 'freebie':
      return { rewardName: choice as string, rewardAmount: undefined, body: `Show code ${code} to claim your freebie`, code };
    case 'stamp':
      return { rewardName: '1 stamp', rewardAmount: 1, body: 'You collected a stamp', code: undefined };
    case 'booster':
      return { rewardName: '2x points booster', rewardAmount: 2, body: 'Your points are doubled for 24 hours', code: undefined };
    case 'noReward':
      return { rewardName: 'Better luck next time', rewardAmount: 0, body: 'Better luck next time', code: undefined };
    case 'customReward':
      return { rewardName: choice as string, rewardAmount: undefined, body: 'You have won a movie ticket', code };
  }
}

/** The code every reward draws (used or not), then the face's own draw. */
export function rewardCode(ctx: TemplateContext): string {
  return `${ctx.pick(CODE_PREFIXES)}${ctx.int(10, 99)}${ctx.alnum(4).toUpperCase()}`;
}

function rewardFace(ctx: TemplateContext, rewardType: RewardType, currency: string): RewardFace {
  const code = rewardCode(ctx);
  const choices = faceChoices(rewardType, currency);
  return faceText(rewardType, currency, code, choices === undefined ? undefined : ctx.pick(choices));
}

function reward(ctx: TemplateContext, variant = 'spinthewheel'): JsonObject {
  const type = variant;
  const userId = ctx.uuid();
  const currency = ctx.pick(CURRENCIES);
  const rewardType: RewardType =
    type === 'referral' ? ctx.pick(REFERRAL_REWARD_TYPES) : ctx.pick(PLAYED_REWARD_TYPES);
  const face = rewardFace(ctx, rewardType, currency);
  const campaignName = type === 'referral' ? 'Refer a Friend' : ctx.pick(CAMPAIGN_NAMES);
  const details: JsonObject = {};
  if (type === 'referral') {
    // The referrer (userA) is rewarded for the friend (userB) they brought in; the payload's userId is userA.
    const a = ctx.person();
    const b = ctx.person();
    details.userBName = b.name;
    details.userBId = ctx.uuid();
    details.userAName = a.name;
    details.userAId = userId;
    details.reward_reason = 'referred_a_friend';
  }
  details.rewardCategory = ctx.pick(REWARD_CATEGORIES);
  details.currency = currency;
  details.campaignName = campaignName;

  const payload: JsonObject = {
    campaignId: ctx.uuid(),
    type,
    rewardType,
    userId,
    rewardId: ctx.uuid(),
    status: 'redeemable-unseen',
    transactionId: ctx.base64url(22),
    rewardName: face.rewardName,
  };
  if (face.rewardAmount !== undefined) payload.rewardAmount = face.rewardAmount;
  payload.rewardExpiry = ctx.chance(0.3) ? -1 : ctx.unix(ctx.int(7, 90) * 86_400_000);
  payload.body = face.body;
  const terms = ctx.int(0, 2);
  payload.tnc =
    terms === 0
      ? [TNC_NONE]
      : terms === 1
        ? [TNC_ONCE, TNC_ALONE]
        : [tncAbove(currency), TNC_EXPIRES];
  if (face.code !== undefined) payload.code = face.code;
  payload.details = details;
  return payload;
}

function nudge(ctx: TemplateContext): JsonObject {
  const campaign = ctx.pick(CAMPAIGN_NAMES);
  const pageType = ctx.pick(['full-default', 'middle-default', 'bottom-default', 'bottom-slider']);
  return {
    client: ctx.uuid(),
    campaignId: ctx.uuid(),
    userId: ctx.uuid(),
    notificationType: ctx.pick(['push', 'in-app']),
    pageType,
    content: {
      // The docs' nudge title is "Scratch card unlocked! 😍": emoji are ordinary in nudge copy.
      title: ctx.pick(['Scratch card unlocked! 😍', `${campaign} is live!`, `${campaign} is live!`, `${campaign} is live!`, `🎉 ${campaign} is live!`, 'Your reward is waiting', "Don't miss out!"]),
      body: ctx.pick(['Play now and win exciting rewards', 'Your reward is waiting, claim it before it expires', 'Only a few hours left to win', 'Only a few hours left to win', 'Win up to ₹500 cashback today', 'Spin the wheel & win assured rewards 🎡']),
      clickAction: `https://app.example.com/rewards/${ctx.lowerAlnum(8)}`,
      image: `https://assets.customerglu.com/nudges/${ctx.lowerAlnum(12)}.png`,
      button: { text: ctx.pick(['Play now', 'Claim', 'Open']), action: 'OPEN_CAMPAIGN' },
    },
    // The docs spell it "timeRemaning" and send both fields as empty strings.
    timeRemaning: '',
    expiry: '',
    webhookType: 'nudge',
  };
}

function rawEvent(ctx: TemplateContext): JsonObject {
  const userId = ctx.uuid();
  const campaignId = ctx.uuid();
  const game = ctx.pick(['spinthewheel', 'scratchcard', 'slotmachine', 'memorygame']);
  const rewardType = ctx.pick(['points', 'coins', 'cashbacks']);
  const amount = ctx.pick([10, 25, 50, 100]);
  return {
    timestamp: ctx.iso(),
    event_name: 'reward_interaction',
    event_properties: {
      page_name: 'GAME_PAGE',
      action: ctx.pick(['PLAYED', 'CLAIMED', 'OPENED']),
      game_name: game,
      state: 'REWARD_WON',
      campaign_id: campaignId,
      reward_user_id: userId,
      user_id: userId,
      status: 'redeemable-unseen',
      selected_slot_index: ctx.int(0, 7),
      reward_name: `${amount} ${rewardType}`,
      reward_type: rewardType,
      code: '',
      reward_amount: amount,
      details: { campaignName: ctx.pick(CAMPAIGN_NAMES) },
    },
    user_id: userId,
  };
}

export const customergluTemplates = {
  reward,
  nudge: (ctx: TemplateContext) => nudge(ctx),
  'raw-event': (ctx: TemplateContext) => rawEvent(ctx),
} satisfies Record<string, (ctx: TemplateContext, variant?: string) => JsonObject>;
