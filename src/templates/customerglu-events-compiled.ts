// CustomerGlu's Events API event (every variant) compiled to JSON bytes (see compiled.ts): a purchase with its cart
// lines was among the catalog's slowest interpreted events. This mirrors customerglu-events.ts `event` and
// `properties` key for key and draw for draw through the draw-only forms (sources-drawn.ts) of the same helpers
// (shopper, cart, cartLine, appBuild, device, customerUserId). test/generate-compiled-sources.test.ts compares the
// bytes with JSON.stringify of the interpreted payload.
import type { TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import { type CompiledTemplate } from './compiled.js';
import * as serverEvents from './customerglu-events.js';
import type { ServerEvent } from './customerglu-events.js';
import * as clocks from './iso.js';
import * as drawn from './sources-drawn.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make hundreds per delivery).
const { put, putNumber, putString, utf8 } = compiled;
const { SERVER_EVENTS } = serverEvents;
const { isoInto, plainClock } = clocks;
const { drawAppBuild, drawCart, drawDevice, drawLine, drawShopper, itemCount, putCartLine, putCoupon, putCustomerUserId, putOrderId, putProductId } = drawn;

const SIGNUP_METHODS = ['phone', 'phone', 'google', 'email'];
/** Bodies are under 2 KB: ids of fixed length, numbers, and text from the templates' bounded lists. */
const MAX_BYTES = 16_384;

const f = utf8;
const K = {
  eventId: f('{"event_id":"'),
  eventName: f('","event_name":'),
  userId: f(',"user_id":'),
  timestamp: f(',"timestamp":"'),
  properties: f('","event_properties":{'),
  orderId: f('"order_id":'),
  orderValue: f(',"order_value":'),
  currency: f(',"currency":'),
  itemCount: f(',"item_count":'),
  paymentMethod: f(',"payment_method":'),
  category: f(',"category":'),
  items: f(',"items":['),
  brand: f(',"brand":'),
  price: f(',"price":'),
  quantity: f(',"quantity":'),
  couponCode: f(',"coupon_code":'),
  productIdFirst: f('"product_id":'),
  productName: f(',"product_name":'),
  signupMethod: f('"signup_method":'),
  city: f(',"city":'),
  country: f(',"country":'),
  referralCode: f(',"referral_code":'),
  appVersion: f('"app_version":'),
  platform: f(',"platform":'),
  osVersion: f(',"os_version":'),
  deviceModel: f(',"device_model":'),
  sessionNumber: f(',"session_number":'),
  close: f('}}'),
} as const;

function compileEvent(name: ServerEvent, ascii: boolean): CompiledTemplate {
  const nameLiteral = utf8(JSON.stringify(name));
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    const now = ctx.now;
    if (!plainClock(now)) return -1;
    let at = put(out, start, K.eventId);
    at = ctx.uuidInto(out, at);
    at = put(out, at, K.eventName);
    at = put(out, at, nameLiteral);
    at = put(out, at, K.userId);
    at = putCustomerUserId(ctx, out, at);
    at = put(out, at, K.timestamp);
    at = isoInto(out, at, now);
    at = put(out, at, K.properties);
    const who = drawShopper(ctx);
    if (name === 'purchase') {
      const c = drawCart(ctx, who);
      at = put(out, at, K.orderId);
      at = putOrderId(out, at, c);
      at = put(out, at, K.orderValue);
      at = putNumber(out, at, c.total);
      at = put(out, at, K.currency);
      at = putString(out, at, who.country.currency, ascii);
      at = put(out, at, K.itemCount);
      at = putNumber(out, at, itemCount(c));
      at = put(out, at, K.paymentMethod);
      at = putString(out, at, c.paymentMethod, ascii);
      at = put(out, at, K.category);
      at = putString(out, at, c.lines[0]!.product.category, ascii);
      at = put(out, at, K.items);
      for (let i = 0; i < c.count; i++) {
        const l = c.lines[i]!;
        if (i > 0) out[at++] = 0x2c;
        at = putCartLine(out, at, l, ascii);
      }
      out[at++] = 0x5d;
      if (c.coupon) {
        at = put(out, at, K.couponCode);
        at = putCoupon(out, at, c);
      }
    } else if (name === 'add_to_cart') {
      const l = drawLine(ctx, who);
      at = put(out, at, K.productIdFirst);
      at = putProductId(out, at, l);
      at = put(out, at, K.productName);
      at = putString(out, at, l.product.title, ascii);
      at = put(out, at, K.brand);
      at = putString(out, at, l.product.brand, ascii);
      at = put(out, at, K.category);
      at = putString(out, at, l.product.category, ascii);
      at = put(out, at, K.price);
      at = putNumber(out, at, l.price);
      at = put(out, at, K.quantity);
      at = putNumber(out, at, l.quantity);
      at = put(out, at, K.currency);
      at = putString(out, at, who.country.currency, ascii);
    } else if (name === 'signup') {
      at = put(out, at, K.signupMethod);
      at = putString(out, at, ctx.pick(SIGNUP_METHODS));
      at = put(out, at, K.city);
      at = putString(out, at, who.city, ascii);
      at = put(out, at, K.country);
      at = putString(out, at, who.country.code, ascii);
      if (ctx.chance(0.4)) {
        at = put(out, at, K.referralCode);
        at = putString(out, at, `${who.plainFirst.toUpperCase().replace(/[^A-Z]/g, '')}${ctx.digits(4)}`, ascii);
      }
    } else {
      const app = drawAppBuild(ctx);
      const d = drawDevice(ctx);
      at = put(out, at, K.appVersion);
      at = putString(out, at, app.version);
      at = put(out, at, K.platform);
      at = putString(out, at, d.platform);
      at = put(out, at, K.osVersion);
      at = putString(out, at, d.osVersion);
      at = put(out, at, K.deviceModel);
      at = putString(out, at, d.modelName, ascii);
      at = put(out, at, K.sessionNumber);
      at = putNumber(out, at, ctx.int(1, 240));
    }
    return put(out, at, K.close);
  };
  return { maxBytes: MAX_BYTES, write };
}

export function compileCustomergluEvents(event: string, variant: string | undefined, ascii: boolean): CompiledTemplate | undefined {
  if (event !== 'event') return undefined;
  // As the template resolves it: no variant is a purchase, and so is a name it does not know.
  const v = variant ?? 'purchase';
  return compileEvent((SERVER_EVENTS as readonly string[]).includes(v) ? (v as ServerEvent) : 'purchase', ascii);
}
