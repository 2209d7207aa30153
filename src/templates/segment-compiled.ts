// Segment's track and identify compiled to JSON bytes (see compiled.ts): the catalog's slowest events interpreted
// (a ~1 KB payload of ~45 values: building it, the schema check and JSON.stringify were ~10 µs a delivery). This
// mirrors segment.ts key for key and draw for draw, the shared draws through sources-drawn.ts (shopper, device,
// appBuild, cart, cartLine, browserUserAgent: the same draws, no objects), so only the order of keys and draws is written twice;
// test/generate-compiled-sources.test.ts compares the bytes with JSON.stringify of the interpreted payload.
import * as alphabets from './context.js';
import type { TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import { type CompiledTemplate } from './compiled.js';
import * as clocks from './iso.js';
import * as sources from './sources.js';
import * as drawn from './sources-drawn.js';
import type { DrawnApp, DrawnCart, DrawnDevice, DrawnShopper } from './sources-drawn.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make hundreds per delivery).
const { once, put, putBoolean, putNumber, putString, utf8 } = compiled;
const { LOWER_ALNUM_CODES } = alphabets;
const { isoInto, plainClock } = clocks;
const { pastMs } = sources;
const { drawAppBuild, drawCart, drawDevice, drawLine, drawShopper, drawUserId, putAppUserAgent, putBrowserUserAgent, putCartLine, putCoupon, putEmail, putIp, putOrderId, putPhone, putProductId, putSku, putUserId } = drawn;

const LIBRARIES = ['analytics.js', 'analytics-android', 'analytics-ios', 'analytics-node'] as const;
const PATHS = ['/', '/cart', '/checkout', '/products/running-shoes', '/account/signup'];
const HOSTS = ['www.shopkart.in', 'shop.stylelane.com', 'www.chownow.com.gh'];
const REFERRERS = ['https://www.google.com/', 'https://www.instagram.com/', ''];
const TITLES = ['Home', 'Your Cart', 'Checkout', 'Running Shoes', 'Sign up'];
const CARRIERS = { GH: ['MTN', 'Telecel', 'AirtelTigo'], IN: ['Jio', 'Airtel', 'Vi'], other: ['Vodafone', 'T-Mobile', 'Orange'] };
const PLANS = ['free', 'plus', 'gold'];
const TRACK_NAMES = ['Order Completed', 'Order Completed', 'Product Added', 'Checkout Started', 'Signed Up'] as const;
const APP_TRACK_NAMES = [...TRACK_NAMES, 'Application Opened' as const];
const SIGNUP_TYPES = ['organic', 'referral', 'paid'];
const SIGNUP_METHODS = ['phone', 'google', 'email'];
/** The earliest clock drawn is a sign-up up to 901 days back: from there on every clock is one isoInto writes. */
const EARLIEST_OFFSET_MS = 902 * 86_400_000;
/**
 * The most bytes a body takes: every value is an id of fixed length, a number, or text from the templates' bounded
 * lists (names, cities, products: at most ~80 UTF-16 units, 6 bytes each escaped); the longest body (a track with
 * three cart lines) is under 3 KB. The test checks every body it writes against this.
 */
const MAX_BYTES = 16_384;

const f = (text: string) => utf8(text);
const K = {
  anonymousId: f('{"anonymousId":"'),
  context: f('","context":{"library":{"name":'),
  version: f(',"version":'),
  ip: f('},"ip":'),
  locale: f(',"locale":'),
  timezone: f(',"timezone":'),
  page: f(',"page":{"path":'),
  referrer: f(',"referrer":'),
  searchTitle: f(',"search":"","title":'),
  url: f(',"url":'),
  userAgent: f('},"userAgent":'),
  app: f(',"app":{"name":'),
  build: f(',"build":'),
  namespace: f(',"namespace":'),
  device: f('},"device":{"id":"'),
  manufacturer: f('","manufacturer":'),
  model: f(',"model":'),
  name: f(',"name":'),
  type: f(',"type":'),
  os: f('},"os":{"name":'),
  screen: f('},"screen":{"width":'),
  height: f(',"height":'),
  density: f(',"density":'),
  network: f('},"network":{"wifi":'),
  carrier: f(',"cellular":true,"carrier":'),
  integrations: f('},"integrations":{},"messageId":'),
  originalTimestamp: f(',"originalTimestamp":"'),
  receivedAt: f('","receivedAt":"'),
  sentAt: f('","sentAt":"'),
  timestamp: f('","timestamp":"'),
  typeIdentify: f('","type":"identify","userId":'),
  typeTrack: f('","type":"track","userId":'),
  versionOne: f(',"version":1'),
  traits: f(',"traits":{"name":'),
  firstName: f(',"firstName":'),
  lastName: f(',"lastName":'),
  email: f(',"email":'),
  phone: f(',"phone":'),
  address: f(',"address":{"city":'),
  country: f(',"country":'),
  createdAt: f('},"createdAt":"'),
  plan: f('","plan":'),
  close2: f('}}'),
  event: f(',"event":'),
  properties: f(',"properties":{'),
  orderId: f('"order_id":'),
  total: f(',"total":'),
  revenue: f(',"revenue":'),
  shipping: f(',"shipping":'),
  tax: f(',"tax":'),
  discount: f(',"discount":'),
  currency: f(',"currency":'),
  products: f(',"products":['),
  sku: f(',"sku":'),
  brand: f(',"brand":'),
  category: f(',"category":'),
  price: f(',"price":'),
  quantity: f(',"quantity":'),
  coupon: f(',"coupon":'),
  value: f(',"value":'),
  cartId: f('"cart_id":'),
  productIdAfter: f(',"product_id":'),
  signupType: f('"type":'),
  method: f(',"method":'),
  fromBackground: f('"from_background":'),
} as const;

/** The library's version as segment.ts writes it (`next-1.${js}.0`, `4.11.${android}`, …): prefix, number, suffix. */
const VERSIONS = { 'analytics.js': [f('"next-1.'), f('.0"')], 'analytics-android': [f('"4.11.'), f('"')], 'analytics-ios': [f('"4.1.'), f('"')] } as const;
const NODE_VERSION = f('"2.');
/** `https://${host}${path}` as JSON, per host and path. */
const URLS: Uint8Array[] = [];
/** Drawn before the context, written after it: the message id's UUID. */
const MESSAGE_UUID = Buffer.alloc(36);
const AJS_NEXT = f('ajs-next-');
const DASH = f('-');
/** Drawn after the line, written before it: a Product Added event's cart id. */
const CART_ID = Buffer.alloc(16);

/** Per --ascii mode, per app build and per phone: the keys and values of the context they fix, written once. */
const APP_TEXT: [Uint8Array[], Uint8Array[]] = [[], []];
const DEVICE_TEXT: [Uint8Array[], Uint8Array[]] = [[], []];

/** `,"app":{…},"device":{"id":"`: what the app build fixes, up to the device's id. */
function writeApp(out: Buffer, start: number, app: DrawnApp, ascii: boolean): number {
  let at = put(out, start, K.app);
  at = putString(out, at, app.name, ascii);
  at = put(out, at, K.version);
  at = putString(out, at, app.version);
  at = put(out, at, K.build);
  at = putString(out, at, app.build);
  at = put(out, at, K.namespace);
  at = putString(out, at, app.bundle);
  return put(out, at, K.device);
}

/** From after the device's id to the network's `"wifi":`: what the phone fixes. */
function writeDevice(out: Buffer, start: number, d: DrawnDevice, ascii: boolean): number {
  let at = put(out, start, K.manufacturer);
  at = putString(out, at, d.manufacturer, ascii);
  at = put(out, at, K.model);
  at = putString(out, at, d.model, ascii);
  at = put(out, at, K.name);
  at = putString(out, at, d.modelName, ascii);
  at = put(out, at, K.type);
  at = putString(out, at, d.platform);
  at = put(out, at, K.os);
  at = putString(out, at, d.osName);
  at = put(out, at, K.version);
  at = putString(out, at, d.osVersion);
  at = put(out, at, K.screen);
  at = putNumber(out, at, d.screen.width);
  at = put(out, at, K.height);
  at = putNumber(out, at, d.screen.height);
  at = put(out, at, K.density);
  at = putNumber(out, at, d.screen.density);
  return put(out, at, K.network);
}

/** The context object (segment.ts `context`), its draws in the template's order. */
function writeContext(ctx: TemplateContext, who: DrawnShopper, library: (typeof LIBRARIES)[number], out: Buffer, start: number, ascii: boolean): { at: number; app?: DrawnApp } {
  const js = ctx.int(60, 74);
  const android = ctx.int(0, 3);
  const ios = ctx.int(5, 8);
  const nodeMinor = ctx.int(0, 2);
  const nodePatch = ctx.int(0, 9);
  let at = put(out, start, K.context);
  at = putString(out, at, library);
  at = put(out, at, K.version);
  if (library === 'analytics-node') {
    at = putNumber(out, put(out, at, NODE_VERSION), nodeMinor);
    out[at] = 0x2e;
    at = putNumber(out, at + 1, nodePatch);
    out[at++] = 0x22;
  } else {
    const [prefix, suffix] = VERSIONS[library];
    at = put(out, putNumber(out, put(out, at, prefix), library === 'analytics.js' ? js : library === 'analytics-android' ? android : ios), suffix);
  }
  at = put(out, at, K.ip);
  at = putIp(out, at, who);
  at = put(out, at, K.locale);
  at = putString(out, at, who.country.locale, ascii);
  at = put(out, at, K.timezone);
  at = putString(out, at, who.country.timezone, ascii);
  if (library === 'analytics.js') {
    // Indices from int(0, n - 1): the ones pick() takes.
    const path = ctx.int(0, PATHS.length - 1);
    const host = ctx.int(0, HOSTS.length - 1);
    at = put(out, at, K.page);
    at = putString(out, at, PATHS[path]!);
    at = put(out, at, K.referrer);
    at = putString(out, at, ctx.pick(REFERRERS));
    at = put(out, at, K.searchTitle);
    at = putString(out, at, ctx.pick(TITLES));
    at = put(out, at, K.url);
    const url = host * PATHS.length + path;
    at = put(out, at, (URLS[url] ??= f(JSON.stringify(`https://${HOSTS[host]}${PATHS[path]}`))));
    at = put(out, at, K.userAgent);
    return { at: putBrowserUserAgent(ctx, out, at) };
  }
  if (library === 'analytics-node') return { at };
  const app = drawAppBuild(ctx);
  const d = drawDevice(ctx, library === 'analytics-ios' ? 'ios' : 'android');
  const mode = ascii ? 1 : 0;
  at = put(out, at, (APP_TEXT[mode][app.key] ??= once((o, a) => writeApp(o, a, app, ascii))));
  at = ctx.uuidInto(out, at);
  at = put(out, at, (DEVICE_TEXT[mode][d.key] ??= once((o, a) => writeDevice(o, a, d, ascii))));
  at = putBoolean(out, at, ctx.chance(0.6));
  at = put(out, at, K.carrier);
  at = putString(out, at, ctx.pick(who.country.code === 'GH' ? CARRIERS.GH : who.country.code === 'IN' ? CARRIERS.IN : CARRIERS.other));
  at = put(out, at, K.userAgent);
  return { at: putAppUserAgent(out, at, app, d), app };
}

/** `products`: the cart's lines as lineProps writes them. */
function writeLines(c: DrawnCart, out: Buffer, start: number, ascii: boolean): number {
  let at = put(out, start, K.products);
  for (let i = 0; i < c.count; i++) {
    const l = c.lines[i]!;
    if (i > 0) out[at++] = 0x2c;
    at = putCartLine(out, at, l, ascii);
  }
  out[at] = 0x5d;
  return at + 1;
}

/** The track event's name and properties (segment.ts `trackEvent`). */
function writeTrack(ctx: TemplateContext, who: DrawnShopper, app: DrawnApp | undefined, out: Buffer, start: number, ascii: boolean): number {
  const name = ctx.pick(app ? APP_TRACK_NAMES : TRACK_NAMES);
  let at = put(out, start, K.event);
  at = putString(out, at, name);
  at = put(out, at, K.properties);
  switch (name) {
    case 'Order Completed': {
      const c = drawCart(ctx, who);
      at = put(out, at, K.orderId);
      at = putOrderId(out, at, c);
      at = put(out, at, K.total);
      at = putNumber(out, at, c.total);
      at = put(out, at, K.revenue);
      at = putNumber(out, at, Math.round((c.subtotal - c.discount) * 100) / 100);
      at = put(out, at, K.shipping);
      at = putNumber(out, at, c.shipping);
      at = put(out, at, K.tax);
      at = putNumber(out, at, c.tax);
      at = put(out, at, K.discount);
      at = putNumber(out, at, c.discount);
      at = put(out, at, K.currency);
      at = putString(out, at, who.country.currency, ascii);
      at = writeLines(c, out, at, ascii);
      if (c.coupon) {
        at = put(out, at, K.coupon);
        at = putCoupon(out, at, c);
      }
      break;
    }
    case 'Checkout Started': {
      const c = drawCart(ctx, who);
      at = put(out, at, K.orderId);
      at = putOrderId(out, at, c);
      at = put(out, at, K.value);
      at = putNumber(out, at, c.subtotal);
      at = put(out, at, K.currency);
      at = putString(out, at, who.country.currency, ascii);
      at = writeLines(c, out, at, ascii);
      break;
    }
    case 'Product Added': {
      const l = drawLine(ctx, who);
      ctx.charsInto(LOWER_ALNUM_CODES, 16, CART_ID, 0);
      at = put(out, at, K.cartId);
      out[at] = 0x22;
      at = put(out, at + 1, CART_ID);
      out[at++] = 0x22;
      at = put(out, at, K.productIdAfter);
      at = putProductId(out, at, l);
      at = put(out, at, K.sku);
      at = putSku(out, at, l);
      at = put(out, at, K.name);
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
      break;
    }
    case 'Signed Up':
      at = put(out, at, K.signupType);
      at = putString(out, at, ctx.pick(SIGNUP_TYPES));
      at = put(out, at, K.method);
      at = putString(out, at, ctx.pick(SIGNUP_METHODS));
      break;
    case 'Application Opened':
      at = put(out, at, K.fromBackground);
      at = putBoolean(out, at, ctx.chance(0.5));
      at = put(out, at, K.version);
      at = putString(out, at, app!.version);
      at = put(out, at, K.build);
      at = putString(out, at, app!.build);
      break;
  }
  return put(out, at, K.close2);
}

function compile(type: 'track' | 'identify', ascii: boolean): CompiledTemplate {
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    // Every clock the event prints lies within 902 days before the delivery's: isoInto writes them all (whole ms,
    // 1970 to 9999). Other clocks are left to the interpreted path, which writes them as Date does (or throws).
    const now = ctx.now;
    if (!(plainClock(now) && now >= EARLIEST_OFFSET_MS)) return -1;
    // segment.ts `envelope`: library, shopper, userId, anonymousId, messageId, clock, then the context.
    const library = ctx.pick(LIBRARIES);
    const who = drawShopper(ctx);
    drawUserId(ctx);
    let at = put(out, start, K.anonymousId);
    at = ctx.uuidInto(out, at);
    ctx.uuidInto(MESSAGE_UUID, 0);
    const skew = ctx.int(0, 150);
    const inQueue = ctx.int(40, 600);
    const inFlight = ctx.int(15, 200);
    const sentAt = now - inFlight - skew;
    const originalTimestamp = sentAt - inQueue;
    const context = writeContext(ctx, who, library, out, at, ascii);
    at = put(out, context.at, K.integrations);
    // `ajs-next-${now}-${uuid}` from analytics.js, the UUID alone from the others.
    out[at++] = 0x22;
    if (library === 'analytics.js') at = put(out, putNumber(out, put(out, at, AJS_NEXT), now), DASH);
    at = put(out, at, MESSAGE_UUID);
    out[at++] = 0x22;
    at = put(out, at, K.originalTimestamp);
    at = isoInto(out, at, originalTimestamp);
    at = put(out, at, K.receivedAt);
    at = isoInto(out, at, now);
    at = put(out, at, K.sentAt);
    at = isoInto(out, at, sentAt);
    at = put(out, at, K.timestamp);
    at = isoInto(out, at, now - (sentAt - originalTimestamp));
    at = put(out, at, type === 'identify' ? K.typeIdentify : K.typeTrack);
    at = putUserId(out, at);
    at = put(out, at, K.versionOne);
    if (type === 'track') return writeTrack(ctx, who, context.app, out, at, ascii);
    at = put(out, at, K.traits);
    at = putString(out, at, who.name, ascii);
    at = put(out, at, K.firstName);
    at = putString(out, at, who.first, ascii);
    at = put(out, at, K.lastName);
    at = putString(out, at, who.last, ascii);
    at = put(out, at, K.email);
    at = putEmail(out, at, who);
    at = put(out, at, K.phone);
    at = putPhone(out, at, who);
    at = put(out, at, K.address);
    at = putString(out, at, who.city, ascii);
    at = put(out, at, K.country);
    at = putString(out, at, who.country.code, ascii);
    at = put(out, at, K.createdAt);
    at = isoInto(out, at, pastMs(ctx, 1, 900));
    at = put(out, at, K.plan);
    at = putString(out, at, ctx.pick(PLANS));
    return put(out, at, K.close2);
  };
  return { maxBytes: MAX_BYTES, write };
}

export function compileSegment(event: string, ascii: boolean): CompiledTemplate | undefined {
  return event === 'track' || event === 'identify' ? compile(event, ascii) : undefined;
}
