// Rehook's customer.rewarded (both variants) compiled to JSON bytes (see compiled.ts): three Go clocks and four
// prefixed ids a delivery, and the event earlier benchmark runs report beside the reward. This mirrors rehook.ts
// `customerRewarded` and `goTime` key for key (Go's sorted keys) and draw for draw; the customer key comes from the
// same helper (customerKey). test/generate-compiled-sources.test.ts compares the bytes with JSON.stringify of the
// interpreted payload.
import * as alphabets from './context.js';
import type { TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import { type CompiledTemplate } from './compiled.js';
import * as clocks from './iso.js';
import * as rehook from './rehook.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make hundreds per delivery).
const { put, putBoolean, putNumber, putString, utf8 } = compiled;
const { ALNUM_CODES, DIGIT_CODES } = alphabets;
const { isoInto, plainClock } = clocks;
const { customerKey, GO_ZERO_TIME } = rehook;

const POINTS = [5, 10, 20, 25, 50, 100, 150, 200, 500];
const DAYS = [1, 7, 30, 90, 365];
const ACTIVATION_DAYS = [1, 2, 7];
const WEBHOOK_NAMES = ['Webhook points', 'webhook points reward', 'Signup bonus points', 'Welcome bonus 🎉'];
const WALLET_NAMES = ['order success reward', 'signup reward', 'first order bonus', 'weekly streak reward', 'Diwali bonus 🪔'];
const CAMPAIGN_TYPES = ['loyalty', 'loyalty', 'distribution'];
const MS_PER_DAY = 86_400_000;
/** The latest clock printed is an expiry 365 days on: up to there isoInto writes every one. */
const LATEST_OFFSET_MS = 366 * MS_PER_DAY;
/** The campaign (drawn last, written first) goes before the rest: the rest is written this far on, then moved. */
const HEAD_ROOM = 256;
/** Bodies are under 1 KB: ids of fixed length, three clocks, a customer key and a reward name from short lists. */
const MAX_BYTES = 4096;

const f = utf8;
const K = {
  head: f('{"event_name":"customer.rewarded","metadata":{"campaign":{"id":"camp_'),
  type: f('","type":'),
  points: f('},"coupon":null,"custom_fields":null,"points":'),
  activation: f(',"reward":{"activation":{"days":'),
  isImmediate: f(',"is_immediate":'),
  startDate: f(',"start_date":'),
  expiration: f('},"expiration":{"days":'),
  expirationDate: f(',"expiration_date":'),
  neverExpires: f(',"never_expires":'),
  name: f('},"name":'),
  redemptionDate: f(',"redemption_date":'),
  redemptionId: f(',"redemption_id":"redm_'),
  rewardId: f('","reward_id":"rewd_'),
  sourceId: f('"},"source_id":'),
  walletPoints: f(',"wallet":{"points":0}},"source":"rehook","source_id":'),
  walletCreated: f(`,"wallet":{"created_at":${JSON.stringify(GO_ZERO_TIME)},"description":"Wallet points have been successfully credited to your account.","points":`),
  transactionId: f(',"transaction_id":"trhi_'),
  updatedAt: f(`","updated_at":${JSON.stringify(GO_ZERO_TIME)}}},"source":"rehook","source_id":`),
  nil: f('null'),
  close: f('}'),
} as const;

/** goTime(ctx, offsetMs) as its JSON string: the clock to the second, 1-9 fractional digits (zeros trimmed), Z. */
export function putGoTime(ctx: TemplateContext, out: Buffer, at: number, offsetMs: number): number {
  const first = ctx.int(1, 9);
  out[at] = 0x22;
  isoInto(out, at + 1, ctx.now + offsetMs); // its ".mmmZ" is overwritten
  out[at + 21] = 0x30 + first;
  let end = ctx.charsInto(DIGIT_CODES, 8, out, at + 22);
  while (out[end - 1] === 0x30) end--; // the first digit is 1-9: one is always left
  out[end] = 0x5a;
  out[end + 1] = 0x22;
  return end + 2;
}

function compileRewarded(webhookReward: boolean, ascii: boolean): CompiledTemplate {
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    const now = ctx.now;
    if (!(plainClock(now) && plainClock(now + LATEST_OFFSET_MS))) return -1;
    const sourceId = customerKey(ctx);
    const points = ctx.pick(POINTS);
    const neverExpires = ctx.chance(0.6);
    const days = ctx.pick(DAYS);
    const immediate = ctx.chance(0.8);
    const from = start + HEAD_ROOM;
    let at = put(out, from, K.activation);
    at = putNumber(out, at, immediate ? 1 : ctx.pick(ACTIVATION_DAYS));
    at = put(out, at, K.isImmediate);
    at = putBoolean(out, at, immediate);
    at = put(out, at, K.startDate);
    at = immediate ? put(out, at, K.nil) : putGoTime(ctx, out, at, MS_PER_DAY);
    at = put(out, at, K.expiration);
    at = putNumber(out, at, days);
    at = put(out, at, K.expirationDate);
    at = neverExpires ? put(out, at, K.nil) : putGoTime(ctx, out, at, days * MS_PER_DAY);
    at = put(out, at, K.neverExpires);
    at = putBoolean(out, at, neverExpires);
    at = put(out, at, K.name);
    at = putString(out, at, ctx.pick(webhookReward ? WEBHOOK_NAMES : WALLET_NAMES), ascii);
    at = put(out, at, K.redemptionDate);
    at = putGoTime(ctx, out, at, 0);
    at = put(out, at, K.redemptionId);
    at = ctx.charsInto(ALNUM_CODES, 21, out, at);
    at = put(out, at, K.rewardId);
    at = ctx.charsInto(ALNUM_CODES, 21, out, at);
    at = put(out, at, K.sourceId);
    at = putString(out, at, sourceId, ascii);
    if (webhookReward) at = put(out, at, K.walletPoints);
    else {
      at = put(out, at, K.walletCreated);
      at = putNumber(out, at, points);
      at = put(out, at, K.transactionId);
      at = ctx.charsInto(ALNUM_CODES, 21, out, at);
      at = put(out, at, K.updatedAt);
    }
    at = putString(out, at, sourceId, ascii);
    at = put(out, at, K.close);
    // The campaign, drawn after the reward and the wallet, written before them.
    let end = put(out, start, K.head);
    end = ctx.charsInto(ALNUM_CODES, 21, out, end);
    end = put(out, end, K.type);
    end = putString(out, end, ctx.pick(CAMPAIGN_TYPES));
    end = put(out, end, K.points);
    end = putNumber(out, end, points); // 71 + 21 + 16 + 45 + 3 bytes: within HEAD_ROOM
    out.copyWithin(end, from, at);
    return end + at - from;
  };
  return { maxBytes: HEAD_ROOM + MAX_BYTES, write };
}

export function compileRehook(event: string, variant: string | undefined, ascii: boolean): CompiledTemplate | undefined {
  if (event !== 'customer.rewarded') return undefined;
  const v = variant ?? 'wallet-reward';
  return v === 'wallet-reward' || v === 'webhook-reward' ? compileRewarded(v === 'webhook-reward', ascii) : undefined;
}
