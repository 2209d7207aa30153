// WebEngage's custom event compiled to JSON bytes (see compiled.ts): among the catalog's slowest interpreted events.
// This mirrors webengage.ts `custom` and `customEvent` key for key and draw for draw through the same helpers
// (shopper, appBuild, device, customerUserId, cart, cartLine). The push variant stays interpreted (its notification
// is a JSON string inside the body). test/generate-compiled-sources.test.ts compares the bytes with JSON.stringify
// of the interpreted payload.
import * as alphabets from './context.js';
import type { TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import { type CompiledTemplate } from './compiled.js';
import * as clocks from './iso.js';
import * as drawn from './sources-drawn.js';
import type { DrawnCart, DrawnLine } from './sources-drawn.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make hundreds per delivery).
const { put, putNumber, putString, utf8 } = compiled;
const { HEX_CODES } = alphabets;
const { isoInto, plainClock } = clocks;
const { drawAppBuild, drawCart, drawDevice, drawLine, drawShopper, drawUserId, itemCount, putCoupon, putOrderId, putProductId, putUserId } = drawn;

const NAMES = ['Order Placed', 'Order Placed', 'Added to Cart', 'Checkout Completed', 'Reward Claimed'] as const;
const COINS = [50, 100, 250];
const CAMPAIGNS = ['Daily Reward', 'Weekend Spin', 'Refer a Friend'];
/** The event's time is up to 3 s before the clock: from there on isoInto writes it. */
const EARLIEST_MS = 3000;
/** Bodies are under 2 KB: ids of fixed length, numbers, and text from the templates' bounded lists. */
const MAX_BYTES = 16_384;

const f = utf8;
const K = {
  eventName: f('{"event_name":'),
  userId: f(',"user_id":'),
  eventTime: f(',"event_time":"'),
  orderId: f('+0000","event_data":{"Order ID":'),
  amount: f(',"Amount":'),
  currency: f(',"Currency":'),
  itemCount: f(',"Item Count":'),
  paymentMode: f(',"Payment Mode":'),
  couponCode: f(',"Coupon Code":'),
  productId: f('+0000","event_data":{"Product ID":'),
  productName: f(',"Product Name":'),
  category: f(',"Category":'),
  price: f(',"Price":'),
  quantity: f(',"Quantity":'),
  rewardName: f('+0000","event_data":{"Reward Name":"'),
  coins: f(' coins","Campaign Name":'),
  appVersionData: f(',"App Version":'),
  eventId: f('},"system_data":{"event_id":"'),
  scope: f('","scope":"~'),
  cuid: f('","cuid":'),
  sdkAndroid: f(',"sdk":"ANDROID","app_version":'),
  sdkIos: f(',"sdk":"IOS","app_version":'),
  osVersion: f(',"os_version":'),
  deviceModel: f(',"device_model":'),
  city: f(',"city":'),
  country: f(',"country":'),
  close: f('}}'),
} as const;

function compileCustom(ascii: boolean): CompiledTemplate {
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    const now = ctx.now;
    if (!(plainClock(now) && now >= EARLIEST_MS)) return -1;
    const who = drawShopper(ctx);
    const app = drawAppBuild(ctx);
    const d = drawDevice(ctx);
    drawUserId(ctx);
    const name = ctx.pick(NAMES);
    let c: DrawnCart | undefined;
    let l: DrawnLine | undefined;
    let coins = 0;
    let campaign = '';
    if (name === 'Order Placed' || name === 'Checkout Completed') c = drawCart(ctx, who);
    else if (name === 'Added to Cart') l = drawLine(ctx, who);
    else {
      coins = ctx.pick(COINS);
      campaign = ctx.pick(CAMPAIGNS);
    }
    const eventMs = now - ctx.int(100, 3000);
    let at = put(out, start, K.eventName);
    at = putString(out, at, name);
    at = put(out, at, K.userId);
    at = putUserId(out, at);
    at = put(out, at, K.eventTime);
    // isoOffset: the clock to the second and "+0000" (the key after it carries the offset).
    at = isoInto(out, at, eventMs) - 5;
    if (c !== undefined) {
      at = put(out, at, K.orderId);
      at = putOrderId(out, at, c);
      at = put(out, at, K.amount);
      at = putNumber(out, at, c.total);
      at = put(out, at, K.currency);
      at = putString(out, at, who.country.currency, ascii);
      at = put(out, at, K.itemCount);
      at = putNumber(out, at, itemCount(c));
      at = put(out, at, K.paymentMode);
      at = putString(out, at, c.paymentMethod, ascii);
      if (c.coupon) {
        at = put(out, at, K.couponCode);
        at = putCoupon(out, at, c);
      }
    } else if (l !== undefined) {
      at = put(out, at, K.productId);
      at = putProductId(out, at, l);
      at = put(out, at, K.productName);
      at = putString(out, at, l.product.title, ascii);
      at = put(out, at, K.category);
      at = putString(out, at, l.product.category, ascii);
      at = put(out, at, K.price);
      at = putNumber(out, at, l.price);
      at = put(out, at, K.quantity);
      at = putNumber(out, at, l.quantity);
      at = put(out, at, K.currency);
      at = putString(out, at, who.country.currency, ascii);
    } else {
      at = put(out, at, K.rewardName);
      at = putNumber(out, at, coins);
      at = put(out, at, K.coins);
      at = putString(out, at, campaign);
      at = put(out, at, K.appVersionData);
      at = putString(out, at, app.version);
    }
    at = put(out, at, K.eventId);
    at = ctx.uuidInto(out, at);
    at = put(out, at, K.scope);
    at = ctx.charsInto(HEX_CODES, 8, out, at);
    at = put(out, at, K.cuid);
    at = putUserId(out, at);
    at = put(out, at, d.platform === 'android' ? K.sdkAndroid : K.sdkIos);
    at = putString(out, at, app.version);
    at = put(out, at, K.osVersion);
    at = putString(out, at, d.osVersion);
    at = put(out, at, K.deviceModel);
    at = putString(out, at, d.modelName, ascii);
    at = put(out, at, K.city);
    at = putString(out, at, who.city, ascii);
    at = put(out, at, K.country);
    at = putString(out, at, who.country.code, ascii);
    return put(out, at, K.close);
  };
  return { maxBytes: MAX_BYTES, write };
}

export function compileWebengage(event: string, variant: string | undefined, ascii: boolean): CompiledTemplate | undefined {
  return event === 'event' && (variant ?? 'custom') === 'custom' ? compileCustom(ascii) : undefined;
}
