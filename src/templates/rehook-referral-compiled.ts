// Rehook's order_success, the two successful-referral events and customer.leaderboard.awarded compiled to JSON bytes
// (see compiled.ts), as rehook-compiled.ts compiles customer.rewarded. Each mirrors its template in rehook.ts key for
// key (Go's sorted keys) and draw for draw: what is fixed once a small draw is known (a product's texts, a campaign
// name, a rank's reward) is written from fragments made once per --ascii mode, folded as asciiPayload folds the whole
// string. test/generate-compiled-rehook-referral.test.ts compares the bytes with JSON.stringify of the interpreted
// payload.
import * as alphabets from './context.js';
import type { TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import { type CompiledTemplate } from './compiled.js';
import * as clocks from './iso.js';
import * as names from './names.js';
import * as rehook from './rehook.js';
import * as rewarded from './rehook-compiled.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use (rehook-compiled.ts says more).
const { literal, put, putNumber, putString, utf8 } = compiled;
const { ALNUM_CODES } = alphabets;
const { plainClock } = clocks;
const { PRODUCTS } = names;
const { customerKey, ORDER_MODES, REFERRAL_ADVOCATE_PAYLOAD, REFERRAL_FRIEND_PAYLOAD } = rehook;
const { putGoTime } = rewarded;

const f = utf8;
const MS_PER_DAY = 86_400_000;
/** Bodies are under 2 KB: ids of fixed length, at most three cart lines, a customer key and names from short lists. */
const MAX_BYTES = 4096;
/** What every Rehook body ends with, around the customer key (drawn before the metadata, written after it). */
const SOURCE = f('},"source":"rehook","source_id":');
const CLOSE = f('}');

/** Per --ascii mode (0: as typed, 1: folded), fragments made once from what `make` writes for that mode. */
function perMode<T>(make: (ascii: boolean) => T): [T, T] {
  return [make(false), make(true)];
}

// order_success: one to three consecutive products, each line's texts and URLs fixed by its product.
const PRODUCT_LINES = perMode((ascii) =>
  PRODUCTS.map((p, index) => {
    const base = `https://i.dummyjson.com/data/products/${index + 1}`;
    return {
      head: f(`{"brand":${literal(p.brand, ascii)},"category":${literal(p.category, ascii)},"description":${literal(`${p.title} by ${p.brand}`, ascii)},"discountPercentage":`),
      id: f(`,"id":${index + 1},"images":${JSON.stringify([`${base}/1.jpg`, `${base}/2.jpg`, `${base}/thumbnail.jpg`])},"price":${JSON.stringify(p.price)},"quantity":`),
      tail: f(`,"thumbnail":${JSON.stringify(`${base}/thumbnail.jpg`)},"title":${literal(p.title, ascii)}}`),
    };
  }),
);
const ORDER = {
  head: f('{"event_name":"order_success","metadata":{"cart":['),
  rating: f(',"rating":'),
  stock: f(',"selected":false,"stock":'),
  comma: f(','),
  modes: ORDER_MODES.map((mode) => f(`],"mode":${JSON.stringify(mode)},"total":`)),
};

function compileOrderSuccess(ascii: boolean): CompiledTemplate {
  const lines = PRODUCT_LINES[ascii ? 1 : 0];
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    const count = ctx.int(1, 3);
    const first = ctx.int(0, PRODUCTS.length - 1);
    let total = 0;
    let at = put(out, start, ORDER.head);
    for (let i = 0; i < count; i++) {
      const index = (first + i) % PRODUCTS.length;
      const line = lines[index]!;
      const quantity = ctx.int(1, 2);
      total += PRODUCTS[index]!.price * quantity;
      if (i > 0) at = put(out, at, ORDER.comma);
      at = putNumber(out, put(out, at, line.head), ctx.amount(0, 20));
      at = putNumber(out, put(out, at, line.id), quantity);
      at = putNumber(out, put(out, at, ORDER.rating), ctx.amount(3.5, 5));
      at = putNumber(out, put(out, at, ORDER.stock), ctx.int(0, 150));
      at = put(out, at, line.tail);
    }
    const sourceId = customerKey(ctx);
    at = putNumber(out, put(out, at, ORDER.modes[ctx.int(0, ORDER_MODES.length - 1)]!), total);
    at = putString(out, put(out, at, SOURCE), sourceId, ascii);
    return put(out, at, CLOSE);
  };
  return { maxBytes: MAX_BYTES, write };
}

// The successful referral, for the advocate or the friend: the same draws, the same keys; the friend's names no advocate.
const CAMPAIGN_NAMES = ['', '', 'Refer & Earn', 'Invite a Friend', 'Refer & Earn ₹100'];
const REFERRAL_POINTS = [10, 25, 50, 100, 200];
const ID_LENGTH = 21;
/** The friend's customer id, drawn before the campaign and written after it. */
const FRIEND = Buffer.alloc(ID_LENGTH);

function referralFragments(advocate: boolean, ascii: boolean) {
  return {
    head: f(`{"event_name":${JSON.stringify(advocate ? REFERRAL_ADVOCATE_PAYLOAD : REFERRAL_FRIEND_PAYLOAD)},"metadata":{"AdvocateId":${advocate ? '"cust_' : '"NA","CampaignID":"camp_'}`),
    campaignId: f('","CampaignID":"camp_'),
    // The campaign name and what follows it up to the friend's id.
    names: CAMPAIGN_NAMES.map((name) => f(`","CampaignName":${literal(name, ascii)},"CampaignType":"referral","Code":"","ConnectedCustomerId":${advocate ? '"cust_' : '"NA","CustomerId":"cust_'}`)),
    customerId: f('","CustomerId":"cust_'),
    points: REFERRAL_POINTS.map((points) => f(`","PointsRewarded":${points},"RedemptionId":"redm_`)),
    rewardId: f('","RewardId":"rewd_'),
    ruleId: f('","RewardType":"webhook","RuleId":"valr_'),
    type: f(`","Type":${JSON.stringify(advocate ? 'referral_advocate' : 'referral_friend')}`),
  };
}

function compileReferral(advocate: boolean, ascii: boolean): CompiledTemplate {
  const k = referralFragments(advocate, ascii);
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    let at = put(out, start, k.head);
    const advocateAt = at;
    // The advocate's id, written where it is drawn (the friend's event draws it and names no advocate).
    if (advocate) at = ctx.charsInto(ALNUM_CODES, ID_LENGTH, out, at);
    else ctx.skip(ID_LENGTH);
    ctx.charsInto(ALNUM_CODES, ID_LENGTH, FRIEND, 0);
    const sourceId = customerKey(ctx);
    if (advocate) at = put(out, at, k.campaignId);
    at = ctx.charsInto(ALNUM_CODES, ID_LENGTH, out, at);
    at = put(out, at, k.names[ctx.int(0, CAMPAIGN_NAMES.length - 1)]!);
    at = put(out, at, FRIEND);
    if (advocate) {
      at = put(out, at, k.customerId);
      out.copyWithin(at, advocateAt, advocateAt + ID_LENGTH);
      at += ID_LENGTH;
    }
    at = put(out, at, k.points[ctx.int(0, REFERRAL_POINTS.length - 1)]!);
    at = ctx.charsInto(ALNUM_CODES, ID_LENGTH, out, at);
    at = put(out, at, k.rewardId);
    at = ctx.charsInto(ALNUM_CODES, ID_LENGTH, out, at);
    at = put(out, at, k.ruleId);
    at = ctx.charsInto(ALNUM_CODES, ID_LENGTH, out, at);
    at = putString(out, put(out, put(out, at, k.type), SOURCE), sourceId, ascii);
    return put(out, at, CLOSE);
  };
  return { maxBytes: MAX_BYTES, write };
}

// customer.leaderboard.awarded: the rank fixes the reward's points and both of its possible names.
const RANKS = 10;
const PERIOD_DAYS = [7, 30];
const LEADERBOARD = {
  head: f('{"event_name":"customer.leaderboard.awarded","metadata":{"campaign":{"id":"camp_'),
  leaderboardId: f('","type":"leaderboard"},"leaderboard_id":"ldbd_'),
  periodEnd: f('","period_end":'),
  periodStart: f(',"period_start":'),
  rewardId: f('","reward_id":"rewd_'),
  score: f('"},"score":'),
  /** Per mode, per rank (1-10), per reward name: `,"rank":…,"reward":{"name":…,"points":…,"redemption_id":"redm_`. */
  ranks: perMode((ascii) =>
    Array.from({ length: RANKS }, (_, i) => {
      const rank = i + 1;
      const points = [1000, 500, 250][i] ?? 100;
      return [`Leaderboard rank ${rank} reward`, `🏆 Rank ${rank} reward`].map((name) =>
        f(`,"rank":${rank},"reward":{"name":${literal(name, ascii)},"points":${points},"redemption_id":"redm_`),
      );
    }),
  ),
};
/** The earliest clock printed is the period's start, up to 30 days before the delivery. */
const EARLIEST_OFFSET_MS = -30 * MS_PER_DAY;

function compileLeaderboard(ascii: boolean): CompiledTemplate {
  const ranks = LEADERBOARD.ranks[ascii ? 1 : 0];
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    const now = ctx.now;
    if (!(plainClock(now) && plainClock(now + EARLIEST_OFFSET_MS))) return -1;
    const rank = ctx.int(1, RANKS);
    const periodDays = ctx.pick(PERIOD_DAYS);
    const sourceId = customerKey(ctx);
    let at = ctx.charsInto(ALNUM_CODES, ID_LENGTH, out, put(out, start, LEADERBOARD.head));
    at = ctx.charsInto(ALNUM_CODES, ID_LENGTH, out, put(out, at, LEADERBOARD.leaderboardId));
    at = putGoTime(ctx, out, put(out, at, LEADERBOARD.periodEnd), -1000);
    at = putGoTime(ctx, out, put(out, at, LEADERBOARD.periodStart), -periodDays * MS_PER_DAY);
    at = ctx.charsInto(ALNUM_CODES, ID_LENGTH, out, put(out, at, ranks[rank - 1]![ctx.int(0, 1)]!));
    at = ctx.charsInto(ALNUM_CODES, ID_LENGTH, out, put(out, at, LEADERBOARD.rewardId));
    at = putNumber(out, put(out, at, LEADERBOARD.score), Math.max(1, 5000 - rank * ctx.int(100, 400)));
    at = putString(out, put(out, at, SOURCE), sourceId, ascii);
    return put(out, at, CLOSE);
  };
  return { maxBytes: MAX_BYTES, write };
}

/** The compiled form of one of these four events (none of them has variants); undefined for any other. */
export function compileRehookReferral(eventName: string, variant: string | undefined, ascii: boolean): CompiledTemplate | undefined {
  if (variant !== undefined) return undefined;
  switch (eventName) {
    case 'order_success':
      return compileOrderSuccess(ascii);
    case 'customer.referral.successful.advocate':
      return compileReferral(true, ascii);
    case 'customer.referral.successful.friend':
      return compileReferral(false, ascii);
    case 'customer.leaderboard.awarded':
      return compileLeaderboard(ascii);
    default:
      return undefined;
  }
}
