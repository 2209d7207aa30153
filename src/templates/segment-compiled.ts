// Segment's track and identify compiled to JSON bytes (see compiled.ts): the catalog's slowest events interpreted
// (a ~1 KB payload of ~45 values: building it, the schema check and JSON.stringify were ~10 µs a delivery). This
// mirrors segment.ts key for key and draw for draw, and draws through the same helpers (shopper, device, appBuild,
// cart, cartLine, customerUserId, browserUserAgent), so only the order of keys and draws is written twice;
// test/generate-compiled-sources.test.ts compares the bytes with JSON.stringify of the interpreted payload.
import type { TemplateContext } from './context.js';
import { put, putBoolean, putNumber, putString, utf8, type CompiledTemplate } from './compiled.js';
import { putCartLine } from './cart-compiled.js';
import { isoInto, plainClock } from './iso.js';
import { appBuild, appUserAgent, browserUserAgent, cart, cartLine, customerUserId, device, pastMs, shopper, type Cart, type Shopper } from './sources.js';

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

/** The context object (segment.ts `context`), its draws in the template's order. */
function writeContext(ctx: TemplateContext, who: Shopper, library: (typeof LIBRARIES)[number], out: Buffer, start: number, ascii: boolean): { at: number; app?: { version: string; build: string } } {
  const js = ctx.int(60, 74);
  const android = ctx.int(0, 3);
  const ios = ctx.int(5, 8);
  const nodeMinor = ctx.int(0, 2);
  const nodePatch = ctx.int(0, 9);
  const version =
    library === 'analytics.js' ? `next-1.${js}.0` : library === 'analytics-android' ? `4.11.${android}` : library === 'analytics-ios' ? `4.1.${ios}` : `2.${nodeMinor}.${nodePatch}`;
  let at = put(out, start, K.context);
  at = putString(out, at, library);
  at = put(out, at, K.version);
  at = putString(out, at, version);
  at = put(out, at, K.ip);
  at = putString(out, at, who.ip, ascii);
  at = put(out, at, K.locale);
  at = putString(out, at, who.locale, ascii);
  at = put(out, at, K.timezone);
  at = putString(out, at, who.timezone, ascii);
  if (library === 'analytics.js') {
    const path = ctx.pick(PATHS);
    const host = ctx.pick(HOSTS);
    at = put(out, at, K.page);
    at = putString(out, at, path);
    at = put(out, at, K.referrer);
    at = putString(out, at, ctx.pick(REFERRERS));
    at = put(out, at, K.searchTitle);
    at = putString(out, at, ctx.pick(TITLES));
    at = put(out, at, K.url);
    at = putString(out, at, `https://${host}${path}`);
    at = put(out, at, K.userAgent);
    return { at: putString(out, at, browserUserAgent(ctx)) };
  }
  if (library === 'analytics-node') return { at };
  const app = appBuild(ctx);
  const d = device(ctx, library === 'analytics-ios' ? 'ios' : 'android');
  at = put(out, at, K.app);
  at = putString(out, at, app.name, ascii);
  at = put(out, at, K.version);
  at = putString(out, at, app.version);
  at = put(out, at, K.build);
  at = putString(out, at, app.build);
  at = put(out, at, K.namespace);
  at = putString(out, at, app.bundle);
  at = put(out, at, K.device);
  at = ctx.uuidInto(out, at);
  at = put(out, at, K.manufacturer);
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
  at = put(out, at, K.network);
  at = putBoolean(out, at, ctx.chance(0.6));
  at = put(out, at, K.carrier);
  at = putString(out, at, ctx.pick(who.country === 'GH' ? CARRIERS.GH : who.country === 'IN' ? CARRIERS.IN : CARRIERS.other));
  at = put(out, at, K.userAgent);
  return { at: putString(out, at, appUserAgent(app, d), ascii), app };
}

/** `products`: the cart's lines as lineProps writes them. */
function writeLines(c: Cart, out: Buffer, start: number, ascii: boolean): number {
  let at = put(out, start, K.products);
  for (let i = 0; i < c.lines.length; i++) {
    const l = c.lines[i]!;
    if (i > 0) out[at++] = 0x2c;
    at = putCartLine(out, at, l, ascii);
  }
  out[at] = 0x5d;
  return at + 1;
}

/** The track event's name and properties (segment.ts `trackEvent`). */
function writeTrack(ctx: TemplateContext, who: Shopper, app: { version: string; build: string } | undefined, out: Buffer, start: number, ascii: boolean): number {
  const name = ctx.pick(app ? APP_TRACK_NAMES : TRACK_NAMES);
  let at = put(out, start, K.event);
  at = putString(out, at, name);
  at = put(out, at, K.properties);
  switch (name) {
    case 'Order Completed': {
      const c = cart(ctx, who);
      at = put(out, at, K.orderId);
      at = putString(out, at, c.orderId);
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
      at = putString(out, at, who.currency, ascii);
      at = writeLines(c, out, at, ascii);
      if (c.coupon) {
        at = put(out, at, K.coupon);
        at = putString(out, at, c.coupon, ascii);
      }
      break;
    }
    case 'Checkout Started': {
      const c = cart(ctx, who);
      at = put(out, at, K.orderId);
      at = putString(out, at, c.orderId);
      at = put(out, at, K.value);
      at = putNumber(out, at, c.subtotal);
      at = put(out, at, K.currency);
      at = putString(out, at, who.currency, ascii);
      at = writeLines(c, out, at, ascii);
      break;
    }
    case 'Product Added': {
      const l = cartLine(ctx, who);
      const cartId = ctx.lowerAlnum(16);
      at = put(out, at, K.cartId);
      at = putString(out, at, cartId);
      at = put(out, at, K.productIdAfter);
      at = putString(out, at, l.productId);
      at = put(out, at, K.sku);
      at = putString(out, at, l.sku, ascii);
      at = put(out, at, K.name);
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
    const who = shopper(ctx);
    const userId = customerUserId(ctx);
    let at = put(out, start, K.anonymousId);
    at = ctx.uuidInto(out, at);
    const messageId = library === 'analytics.js' ? `ajs-next-${now}-${ctx.uuid()}` : ctx.uuid();
    const skew = ctx.int(0, 150);
    const inQueue = ctx.int(40, 600);
    const inFlight = ctx.int(15, 200);
    const sentAt = now - inFlight - skew;
    const originalTimestamp = sentAt - inQueue;
    const context = writeContext(ctx, who, library, out, at, ascii);
    at = put(out, context.at, K.integrations);
    at = putString(out, at, messageId);
    at = put(out, at, K.originalTimestamp);
    at = isoInto(out, at, originalTimestamp);
    at = put(out, at, K.receivedAt);
    at = isoInto(out, at, now);
    at = put(out, at, K.sentAt);
    at = isoInto(out, at, sentAt);
    at = put(out, at, K.timestamp);
    at = isoInto(out, at, now - (sentAt - originalTimestamp));
    at = put(out, at, type === 'identify' ? K.typeIdentify : K.typeTrack);
    at = putString(out, at, userId);
    at = put(out, at, K.versionOne);
    if (type === 'track') return writeTrack(ctx, who, context.app, out, at, ascii);
    at = put(out, at, K.traits);
    at = putString(out, at, who.name, ascii);
    at = put(out, at, K.firstName);
    at = putString(out, at, who.first, ascii);
    at = put(out, at, K.lastName);
    at = putString(out, at, who.last, ascii);
    at = put(out, at, K.email);
    at = putString(out, at, who.email, ascii);
    at = put(out, at, K.phone);
    at = putString(out, at, who.phone, ascii);
    at = put(out, at, K.address);
    at = putString(out, at, who.city, ascii);
    at = put(out, at, K.country);
    at = putString(out, at, who.country, ascii);
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
