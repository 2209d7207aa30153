// CustomerGlu's Events API event (every variant) compiled to JSON bytes (see compiled.ts): a purchase with its cart
// lines was among the catalog's slowest interpreted events. This mirrors customerglu-events.ts `event` and
// `properties` key for key and draw for draw through the same helpers (shopper, cart, cartLine, appBuild, device,
// customerUserId). test/generate-compiled-sources.test.ts compares the bytes with JSON.stringify of the interpreted
// payload.
import type { TemplateContext } from './context.js';
import { put, putNumber, putString, utf8, type CompiledTemplate } from './compiled.js';
import { SERVER_EVENTS, type ServerEvent } from './customerglu-events.js';
import { putCartLine } from './cart-compiled.js';
import { isoInto, plainClock } from './iso.js';
import { appBuild, cart, cartLine, customerUserId, device, shopper } from './sources.js';

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
    at = putString(out, at, customerUserId(ctx));
    at = put(out, at, K.timestamp);
    at = isoInto(out, at, now);
    at = put(out, at, K.properties);
    const who = shopper(ctx);
    if (name === 'purchase') {
      const c = cart(ctx, who);
      at = put(out, at, K.orderId);
      at = putString(out, at, c.orderId);
      at = put(out, at, K.orderValue);
      at = putNumber(out, at, c.total);
      at = put(out, at, K.currency);
      at = putString(out, at, who.currency, ascii);
      at = put(out, at, K.itemCount);
      at = putNumber(out, at, c.lines.reduce((n, l) => n + l.quantity, 0));
      at = put(out, at, K.paymentMethod);
      at = putString(out, at, c.paymentMethod, ascii);
      at = put(out, at, K.category);
      at = putString(out, at, c.lines[0]!.category, ascii);
      at = put(out, at, K.items);
      for (let i = 0; i < c.lines.length; i++) {
        const l = c.lines[i]!;
        if (i > 0) out[at++] = 0x2c;
        at = putCartLine(out, at, l, ascii);
      }
      out[at++] = 0x5d;
      if (c.coupon) {
        at = put(out, at, K.couponCode);
        at = putString(out, at, c.coupon, ascii);
      }
    } else if (name === 'add_to_cart') {
      const l = cartLine(ctx, who);
      at = put(out, at, K.productIdFirst);
      at = putString(out, at, l.productId);
      at = put(out, at, K.productName);
      at = putString(out, at, l.name, ascii);
      at = put(out, at, K.brand);
      at = putString(out, at, l.brand, ascii);
      at = put(out, at, K.category);
      at = putString(out, at, l.category, ascii);
      at = put(out, at, K.price);
      at = putNumber(out, at, l.price);
      at = put(out, at, K.quantity);
      at = putNumber(out, at, l.quantity);
      at = put(out, at, K.currency);
      at = putString(out, at, who.currency, ascii);
    } else if (name === 'signup') {
      at = put(out, at, K.signupMethod);
      at = putString(out, at, ctx.pick(SIGNUP_METHODS));
      at = put(out, at, K.city);
      at = putString(out, at, who.city, ascii);
      at = put(out, at, K.country);
      at = putString(out, at, who.country, ascii);
      if (ctx.chance(0.4)) {
        at = put(out, at, K.referralCode);
        at = putString(out, at, `${who.plain.first.toUpperCase().replace(/[^A-Z]/g, '')}${ctx.digits(4)}`, ascii);
      }
    } else {
      const app = appBuild(ctx);
      const d = device(ctx);
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
