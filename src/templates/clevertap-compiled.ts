// CleverTap's live event compiled to JSON bytes (see compiled.ts): with its 145-character push token and 32-digit
// object id it was the catalog's slowest interpreted event. This mirrors clevertap.ts `live` and `action` key for
// key and draw for draw through the draw-only forms (sources-drawn.ts) of the same helpers (shopper, appBuild,
// device, cart, cartLine, customerUserId, pastMs); ids are drawn straight into the output (charsInto).
// test/generate-compiled-sources.test.ts compares the bytes with JSON.stringify of the interpreted payload.
import * as alphabets from './context.js';
import type { TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import { type CompiledTemplate } from './compiled.js';
import * as clocks from './iso.js';
import * as sources from './sources.js';
import * as drawn from './sources-drawn.js';
import type { DrawnCart, DrawnLine } from './sources-drawn.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make hundreds per delivery).
const { put, putNumber, putString, utf8 } = compiled;
const { ALNUM_CODES, BASE64URL_CODES, HEX_CODES } = alphabets;
const { isoInto, plainClock } = clocks;
const { pastMs } = sources;
const { drawAppBuild, drawCart, drawDevice, drawLine, drawShopper, putCustomerUserId, putEmail, putOrderId, putPhone, putProductId } = drawn;

const ACTIONS = ['Charged', 'Charged', 'Added To Cart', 'App Launched'] as const;
const CUSTOMER_TYPES = ['Silver', 'Gold', 'Platinum', 'New'];
/** The earliest clock printed is a "First Seen" up to 701 days back: from there on isoInto writes every one. */
const EARLIEST_MS = 702 * 86_400_000;
/** Every value is a fixed-length id, a number or text from the templates' bounded lists: bodies are under 2 KB. */
const MAX_BYTES = 16_384;
/**
 * targetId is drawn last but written first: the rest of the body is written this far after the start, then moved
 * next to it (copyWithin: a memmove, where Buffer#copy from a scratch buffer cost 8 % of a delivery).
 */
const HEAD_ROOM = 64;

const f = utf8;
const K = {
  targetId: f('{"targetId":'),
  keyValues: f(',"key_values":{"event_name":'),
  orderId: f(',"order_id":'),
  amount: f(',"amount":'),
  currency: f(',"currency":'),
  productId: f(',"product_id":'),
  price: f(',"price":'),
  appVersionKv: f(',"app_version":'),
  identity: f('},"profiles":[{"Identity":'),
  email: f(',"Email":'),
  name: f(',"Name":'),
  phone: f(',"Phone":'),
  objectId: f(',"objectId":"__'),
  platformAndroid: f('","platform":"Android","push_token":"'),
  platformIos: f('","platform":"iOS","push_token":"'),
  apa: f(':APA91b'),
  ts: f('","ts":'),
  city: f(',"profileData":{"City":'),
  country: f(',"Country":'),
  customerType: f(',"Customer Type":'),
  firstSeen: f(',"First Seen":"'),
  appVersion: f('","App Version":'),
  chargedId: f('},"event_properties":{"Charged ID":'),
  amountProp: f(',"Amount":'),
  currencyProp: f(',"Currency":'),
  paymentMode: f(',"Payment Mode":'),
  items: f(',"Items":'),
  productIdProp: f('},"event_properties":{"Product ID":'),
  productName: f(',"Product Name":'),
  category: f(',"Category":'),
  priceProp: f(',"Price":'),
  quantity: f(',"Quantity":'),
  appVersionProp: f('},"event_properties":{"App Version":'),
  close: f('}}]}'),
  offset: f('+0000'),
} as const;

function compileLive(ascii: boolean): CompiledTemplate {
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    const now = ctx.now;
    if (!(plainClock(now) && now >= EARLIEST_MS)) return -1;
    const who = drawShopper(ctx);
    const app = drawAppBuild(ctx);
    const d = drawDevice(ctx);
    const act = ctx.pick(ACTIONS);
    const r = out;
    const from = start + HEAD_ROOM;
    // key_values now (the action's draws come first), event_properties later: both from the same cart or line.
    let at = put(r, from, K.keyValues);
    at = putString(r, at, act);
    let c: DrawnCart | undefined;
    let l: DrawnLine | undefined;
    if (act === 'Charged') {
      c = drawCart(ctx, who);
      at = put(r, at, K.orderId);
      at = putOrderId(r, at, c);
      at = put(r, at, K.amount);
      at = putString(r, at, c.total.toFixed(2));
      at = put(r, at, K.currency);
      at = putString(r, at, who.country.currency, ascii);
    } else if (act === 'Added To Cart') {
      l = drawLine(ctx, who);
      at = put(r, at, K.productId);
      at = putProductId(r, at, l);
      at = put(r, at, K.price);
      at = putString(r, at, String(l.price));
      at = put(r, at, K.currency);
      at = putString(r, at, who.country.currency, ascii);
    } else {
      at = put(r, at, K.appVersionKv);
      at = putString(r, at, app.version);
    }
    const eventMs = now - ctx.int(200, 2500);
    at = put(r, at, K.identity);
    at = putCustomerUserId(ctx, r, at);
    at = put(r, at, K.email);
    at = putEmail(r, at, who);
    at = put(r, at, K.name);
    at = putString(r, at, who.name, ascii);
    at = put(r, at, K.phone);
    at = putPhone(r, at, who);
    at = put(r, at, K.objectId);
    at = ctx.charsInto(HEX_CODES, 32, r, at);
    if (d.platform === 'android') {
      at = put(r, at, K.platformAndroid);
      at = ctx.charsInto(ALNUM_CODES, 11, r, at);
      at = put(r, at, K.apa);
      at = ctx.charsInto(BASE64URL_CODES, 134, r, at);
    } else {
      at = put(r, at, K.platformIos);
      at = ctx.charsInto(HEX_CODES, 64, r, at);
    }
    at = put(r, at, K.ts);
    at = putNumber(r, at, Math.floor(eventMs / 1000));
    at = put(r, at, K.city);
    at = putString(r, at, who.city, ascii);
    at = put(r, at, K.country);
    at = putString(r, at, who.country.code, ascii);
    at = put(r, at, K.customerType);
    at = putString(r, at, ctx.pick(CUSTOMER_TYPES));
    at = put(r, at, K.firstSeen);
    // isoOffset: the ISO clock with "+0000" for its milliseconds and Z (the same 24 characters' length).
    at = put(r, isoInto(r, at, pastMs(ctx, 2, 700)) - 5, K.offset);
    at = put(r, at, K.appVersion);
    at = putString(r, at, app.version);
    if (c !== undefined) {
      at = put(r, at, K.chargedId);
      at = putOrderId(r, at, c);
      at = put(r, at, K.amountProp);
      at = putNumber(r, at, c.total);
      at = put(r, at, K.currencyProp);
      at = putString(r, at, who.country.currency, ascii);
      at = put(r, at, K.paymentMode);
      at = putString(r, at, c.paymentMethod, ascii);
      at = put(r, at, K.items);
      at = putNumber(r, at, c.count);
    } else if (l !== undefined) {
      at = put(r, at, K.productIdProp);
      at = putProductId(r, at, l);
      at = put(r, at, K.productName);
      at = putString(r, at, l.product.title, ascii);
      at = put(r, at, K.category);
      at = putString(r, at, l.product.category, ascii);
      at = put(r, at, K.priceProp);
      at = putNumber(r, at, l.price);
      at = put(r, at, K.quantity);
      at = putNumber(r, at, l.quantity);
    } else {
      at = put(r, at, K.appVersionProp);
      at = putString(r, at, app.version);
    }
    at = put(r, at, K.close);
    let end = put(out, start, K.targetId);
    end = putNumber(out, end, Math.floor(pastMs(ctx, 1, 400) / 1000)); // at most 12 + 25 bytes: within HEAD_ROOM
    out.copyWithin(end, from, at);
    return end + at - from;
  };
  return { maxBytes: HEAD_ROOM + MAX_BYTES, write };
}

export function compileClevertap(event: string, variant: string | undefined, ascii: boolean): CompiledTemplate | undefined {
  return event === 'event' && (variant ?? 'live') === 'live' ? compileLive(ascii) : undefined;
}
