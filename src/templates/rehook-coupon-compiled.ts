// Rehook's coupon events (coupon.created, coupon.rewarded, coupon.redeemed, coupon.redemption.rollback) compiled to
// JSON bytes (see compiled.ts). All four carry rehook.ts `coupon()`'s object; the redemptions add an order and a
// redemption id. This mirrors rehook.ts `couponCreated`, `couponRewarded` and `couponRedemption` key for key (Go's
// sorted keys) and draw for draw, from the same lists (exported there), and the Go clocks are rehook-compiled.ts's.
// The customer key, a tenth of a delivery's CPU profile as strings (slice, case, template, putString twice), is drawn
// into bytes once (drawCustomerKey: any Rehook compiled form can use it), held to rehook.ts customerKey by
// test/generate-rehook-key-drawn.test.ts. test/generate-compiled-sources.test.ts compares the bytes with
// JSON.stringify of the interpreted payload.
import * as alphabets from './context.js';
import type { TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import { type CompiledTemplate } from './compiled.js';
import * as clocks from './iso.js';
import { FIRST_NAMES } from './names.js';
import * as rehook from './rehook.js';
import * as rewarded from './rehook-compiled.js';
import { toAscii } from './text.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make dozens per delivery).
const { put, putNumber, utf8 } = compiled;
const { ALNUM_CODES, DIGIT_CODES } = alphabets;
const { plainClock } = clocks;
const { COUPON_BACKDATED_DAYS, COUPON_CODE_WORDS, COUPON_FIXED_OFF, COUPON_PERCENT_OFF, COUPON_PERCENTAGE_SHARE } = rehook;
const { COUPON_VALID_DAYS, ORDER_AMOUNTS, sellingAmount } = rehook;
const { putGoTime } = rewarded;

const MS_PER_DAY = 86_400_000;
/** valid_from goes back up to COUPON_BACKDATED_DAYS, valid_till forward up to the longest validity. */
const EARLIEST_OFFSET_MS = -COUPON_BACKDATED_DAYS * MS_PER_DAY;
const LATEST_OFFSET_MS = Math.max(...COUPON_VALID_DAYS) * MS_PER_DAY;
/**
 * The validity clocks (drawn with the coupon, written last) are drafted this far past the body's start, then moved:
 * a body is under 600 bytes (ids of fixed length, codes and amounts from short lists, a customer key of a first name
 * and a few digits, twice), the clocks under 100.
 */
const DRAFT = 1024;
const MAX_BYTES = DRAFT + 128;

const f = utf8;
const K = {
  code: f('","coupon_code":"'),
  couponId: f('","coupon_id":"coupm_'),
  orderId: f(',"order":{"order_id":"ORD-'),
  sourceId: f(',"source_id":'),
  redemptionSourceId: f('","source_id":'),
  validFrom: f(',"valid_from":'),
  validTill: f(',"valid_till":'),
  tail: f('},"source":"rehook","source_id":'),
} as const;

const head = (event: string) => f(`{"event_name":${JSON.stringify(event)},"metadata":{"campaign_id":"camp_`);
const WORDS = COUPON_CODE_WORDS.map((w) => f(w));
/** The discounts a coupon draws (percentages, then fixed amounts); as JSON, each with the key before it. */
const DISCOUNTS = [
  ...COUPON_PERCENT_OFF.map((value) => ({ type: 'percentage', value })),
  ...COUPON_FIXED_OFF.map((value) => ({ type: 'fixed', value })),
];
const DISCOUNT_JSON = DISCOUNTS.map((d) => f(`","discount":${JSON.stringify(d)}`));

/**
 * Per status, per discount × order amount: what follows the order id up to the redemption id's characters, fixed
 * by those two draws (`","original_amount":299,"selling_amount":284.05,"status":"completed"},"redemption_id":"redm_`).
 */
function orderAmounts(status: string): Uint8Array[] {
  return DISCOUNTS.flatMap((d) =>
    ORDER_AMOUNTS.map((original) => {
      const amounts = `"original_amount":${JSON.stringify(original)},"selling_amount":${JSON.stringify(sellingAmount(original, d))}`;
      return f(`",${amounts},"status":${JSON.stringify(status)}},"redemption_id":"redm_`);
    }),
  );
}

/**
 * customerKey()'s three forms per first name, as the bytes inside the key's JSON string: its plain spelling's
 * first 3, 4 and 5 letters upper-cased (`KMN@123`), and all of it lower-cased (`jose_12345`). A JSON escape stands
 * for one character, so a prefix's escape is the escape's prefix that JSON.stringify of the whole key holds.
 */
const escaped = (text: string) => f(JSON.stringify(text).slice(1, -1));
const PLAIN_NAMES = FIRST_NAMES.map((name) => toAscii(name));
const UPPER = PLAIN_NAMES.map((plain) => [3, 4, 5].map((n) => escaped(plain.slice(0, n).toUpperCase())));
const LOWER = PLAIN_NAMES.map((plain) => escaped(plain.toLowerCase()));
const NEW_CUSTOMER = f('"New_customer');
/** The key drawCustomerKey drew last, as JSON (a name's escape is at most 6 bytes a letter: far below this). */
const KEY = Buffer.alloc(512);
let keyLength = 0;

/** customerKey(ctx)'s draws (rehook.ts), kept as its JSON string for putCustomerKey. */
export function drawCustomerKey(ctx: TemplateContext): void {
  // plainFirstName(): an index from int(0, n - 1) is the one pick() takes (both floor(float() * n)).
  const name = ctx.int(0, FIRST_NAMES.length - 1);
  let at: number;
  switch (ctx.int(0, 2)) {
    case 0:
      at = put(KEY, 1, UPPER[name]![ctx.int(3, 5) - 3]!);
      KEY[at] = 0x40;
      at = putNumber(KEY, at + 1, ctx.int(100, 999));
      break;
    case 1:
      at = putNumber(KEY, put(KEY, 0, NEW_CUSTOMER), ctx.int(1, 9999));
      break;
    default:
      at = put(KEY, 1, LOWER[name]!);
      KEY[at] = 0x5f;
      at = ctx.charsInto(DIGIT_CODES, 5, KEY, at + 1);
  }
  KEY[0] = 0x22;
  KEY[at] = 0x22;
  keyLength = at + 1;
}

/**
 * The key drawCustomerKey drew last, as JSON. It is ASCII (a plain first name, digits): the same under --ascii.
 * Returns the end.
 */
export function putCustomerKey(out: Uint8Array, at: number): number {
  for (let i = 0; i < keyLength; i++) out[at + i] = KEY[i]!;
  return at + keyLength;
}

/** Where putCoupon left its validity clocks (`,"valid_from":…,"valid_till":…`), and the discount it drew. */
const DRAWN = { validStart: 0, validEnd: 0, discount: 0 };

/**
 * coupon()'s draws: written from the campaign id's characters to the discount (returns the end), and its validity
 * clocks drafted at `draft` (DRAWN says where, and which discount was drawn).
 */
function putCoupon(ctx: TemplateContext, out: Buffer, start: number, draft: number): number {
  const percentage = ctx.chance(COUPON_PERCENTAGE_SHARE);
  const validDays = ctx.pick(COUPON_VALID_DAYS);
  let at = ctx.charsInto(ALNUM_CODES, 21, out, start);
  at = put(out, at, K.code);
  // An index drawn with int(0, n - 1) is the one pick() takes (both floor(float() * n)).
  at = put(out, at, WORDS[ctx.int(0, WORDS.length - 1)]!);
  at = putNumber(out, at, ctx.int(10, 999));
  at = put(out, at, K.couponId);
  at = ctx.charsInto(ALNUM_CODES, 21, out, at);
  const d = percentage ? ctx.int(0, COUPON_PERCENT_OFF.length - 1) : COUPON_PERCENT_OFF.length + ctx.int(0, COUPON_FIXED_OFF.length - 1);
  DRAWN.discount = d;
  at = put(out, at, DISCOUNT_JSON[d]!);
  let v = put(out, draft, K.validFrom);
  v = putGoTime(ctx, out, v, -ctx.int(0, COUPON_BACKDATED_DAYS) * MS_PER_DAY);
  v = put(out, v, K.validTill);
  DRAWN.validStart = draft;
  DRAWN.validEnd = putGoTime(ctx, out, v, validDays * MS_PER_DAY);
  return at;
}

/** The validity clocks putCoupon drafted, moved to `at`. Returns the end. */
function putValidity(out: Buffer, at: number): number {
  out.copyWithin(at, DRAWN.validStart, DRAWN.validEnd);
  return at + DRAWN.validEnd - DRAWN.validStart;
}

type Shape = 'created' | 'rewarded' | 'redemption';

function compileCoupon(event: string, shape: Shape, status: string): CompiledTemplate {
  const opening = head(event);
  const amounts = shape === 'redemption' ? orderAmounts(status) : [];
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    const now = ctx.now;
    if (!(plainClock(now + EARLIEST_OFFSET_MS) && plainClock(now + LATEST_OFFSET_MS))) return -1;
    drawCustomerKey(ctx);
    let at = putCoupon(ctx, out, put(out, start, opening), start + DRAFT);
    if (shape === 'rewarded') at = putCustomerKey(out, put(out, at, K.sourceId));
    else if (shape === 'redemption') {
      const o = ctx.int(0, ORDER_AMOUNTS.length - 1);
      at = ctx.charsInto(DIGIT_CODES, 8, out, put(out, at, K.orderId));
      at = ctx.charsInto(ALNUM_CODES, 21, out, put(out, at, amounts[DRAWN.discount * ORDER_AMOUNTS.length + o]!));
      at = putCustomerKey(out, put(out, at, K.redemptionSourceId));
    }
    at = put(out, putValidity(out, at), K.tail);
    at = putCustomerKey(out, at);
    out[at] = 0x7d;
    return at + 1;
  };
  return { maxBytes: MAX_BYTES, write };
}

const SHAPES: Record<string, [Shape, string]> = {
  'coupon.created': ['created', ''],
  'coupon.rewarded': ['rewarded', ''],
  'coupon.redeemed': ['redemption', 'completed'],
  'coupon.redemption.rollback': ['redemption', 'reverted'],
};

/**
 * The compiled form of a Rehook coupon event (they have no variants); undefined for any other event. The same under
 * --ascii: a coupon event carries no text that folds (keys, codes, ids, amounts and clocks are all ASCII).
 */
export function compileRehookCoupon(eventName: string, variant: string | undefined, _ascii: boolean): CompiledTemplate | undefined {
  const shape = Object.hasOwn(SHAPES, eventName) ? SHAPES[eventName] : undefined;
  return shape && variant === undefined ? compileCoupon(eventName, shape[0], shape[1]) : undefined;
}
