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
import type { Product } from './names.js';
import type { Country } from './sources.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make hundreds per delivery).
const { literal, once, put, putNumber, putString, utf8 } = compiled;
const { LOWER_ALNUM_CODES } = alphabets;
const { isoInto, plainClock } = clocks;
const { APPS, pastMs } = sources;
const { appIndex, drawAppBuild, drawCart, drawDevice, drawLine, drawShopper, drawUserId, putAppUserAgent, putBrowserUserAgent, putCartLine, putCoupon, putEmail, putIp, putOrderId, putPhone, putProductId, putSku, putUserId } = drawn;

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
  version: f(',"version":'),
  build: f(',"build":'),
  manufacturer: f('","manufacturer":'),
  model: f(',"model":'),
  name: f(',"name":'),
  type: f(',"type":'),
  os: f('},"os":{"name":'),
  screen: f('},"screen":{"width":'),
  height: f(',"height":'),
  density: f(',"density":'),
  network: f('},"network":{"wifi":'),
  receivedAt: f('","receivedAt":"'),
  sentAt: f('","sentAt":"'),
  timestamp: f('","timestamp":"'),
  typeIdentify: f('","type":"identify","userId":'),
  typeTrack: f('","type":"track","userId":'),
  traits: f(',"version":1,"traits":{"name":'),
  firstName: f(',"firstName":'),
  lastName: f(',"lastName":'),
  email: f(',"email":'),
  phone: f(',"phone":'),
  address: f(',"address":{"city":'),
  country: f(',"country":'),
  createdAt: f('},"createdAt":"'),
  plan: f('","plan":'),
  close2: f('}}'),
  total: f(',"total":'),
  revenue: f(',"revenue":'),
  shipping: f(',"shipping":'),
  tax: f(',"tax":'),
  discount: f(',"discount":'),
  sku: f(',"sku":'),
  quantity: f(',"quantity":'),
  coupon: f(',"coupon":'),
  value: f(',"value":'),
  productIdAfter: f(',"product_id":'),
  method: f(',"method":'),
  trueVersion: f('true,"version":'),
  falseVersion: f('false,"version":'),
} as const;

// Constant fragments always written together are merged into one per branch (a library, a path, a country…): a
// put costs more than the bytes it copies, and the track body had ~60 of them.
/**
 * Per library (LIBRARIES' order): the context's head up to its version's number (`next-1.${js}.0`, `4.11.${android}`,
 * `4.1.${ios}`, `2.${minor}.${patch}`), and what follows that number up to the ip's value.
 */
const LIBRARY_HEADS = [f('","context":{"library":{"name":"analytics.js","version":"next-1.'), f('","context":{"library":{"name":"analytics-android","version":"4.11.'), f('","context":{"library":{"name":"analytics-ios","version":"4.1.'), f('","context":{"library":{"name":"analytics-node","version":"2.')];
const LIBRARY_TAILS = [f('.0"},"ip":'), f('"},"ip":'), f('"},"ip":'), f('"},"ip":')];
/** Per path, referrer and title (their lists' order): `,"page":{"path":…,"referrer":`, `…,"search":"","title":`, `…,"url":`. */
const PAGE_PATHS = PATHS.map((p) => f(`,"page":{"path":${JSON.stringify(p)},"referrer":`));
const PAGE_REFERRERS = REFERRERS.map((r) => f(`${JSON.stringify(r)},"search":"","title":`));
const PAGE_TITLES = TITLES.map((t) => f(`${JSON.stringify(t)},"url":`));
/** `https://${host}${path}` as JSON and the user agent's key, per host and path. */
const URLS = HOSTS.flatMap((h) => PATHS.map((p) => f(`${JSON.stringify(`https://${h}${p}`)}},"userAgent":`)));
/** The network's `wifi` value up to the carrier's. */
const WIFI = [f('false,"cellular":true,"carrier":'), f('true,"cellular":true,"carrier":')];
/** Per carrier list, per carrier: its name and the user agent's key. */
const carriers = (names: string[]) => names.map((c) => f(`${JSON.stringify(c)}},"userAgent":`));
const CARRIER_TEXT = { GH: carriers(CARRIERS.GH), IN: carriers(CARRIERS.IN), other: carriers(CARRIERS.other) };
/** The context's end up to the message id's first byte, per library: analytics.js's starts `ajs-next-`. */
const INTEGRATIONS = f('},"integrations":{},"messageId":"');
const INTEGRATIONS_AJS = f('},"integrations":{},"messageId":"ajs-next-');
/** After the message id. */
const ORIGINAL_TIMESTAMP = f('","originalTimestamp":"');
/** Per track event name: `,"version":1,"event":…,"properties":{` and its first key. */
const EVENT_HEADS: Record<(typeof APP_TRACK_NAMES)[number], Uint8Array> = {
  'Order Completed': f(',"version":1,"event":"Order Completed","properties":{"order_id":'),
  'Checkout Started': f(',"version":1,"event":"Checkout Started","properties":{"order_id":'),
  'Product Added': f(',"version":1,"event":"Product Added","properties":{"cart_id":"'),
  'Signed Up': f(',"version":1,"event":"Signed Up","properties":{"type":'),
  'Application Opened': f(',"version":1,"event":"Application Opened","properties":{"from_background":'),
};
/** Per --ascii mode, per country: what its fixed values make of a body. */
interface CountryText {
  /** `,"locale":…,"timezone":…`. */
  localeTimezone: Uint8Array;
  /** `,"currency":…,"products":[`. */
  currencyProducts: Uint8Array;
  /** `,"currency":…}}`: a Product Added event's end. */
  currencyEnd: Uint8Array;
}
const COUNTRY_TEXT = [new Map<Country, CountryText>(), new Map<Country, CountryText>()] as const;
function countryText(c: Country, ascii: boolean): CountryText {
  const cache = COUNTRY_TEXT[ascii ? 1 : 0];
  let t = cache.get(c);
  if (t === undefined) {
    const currency = literal(c.currency, ascii);
    t = {
      localeTimezone: f(`,"locale":${literal(c.locale, ascii)},"timezone":${literal(c.timezone, ascii)}`),
      currencyProducts: f(`,"currency":${currency},"products":[`),
      currencyEnd: f(`,"currency":${currency}}}`),
    };
    cache.set(c, t);
  }
  return t;
}
/** Drawn before the context, written after it: the message id's UUID. */
const MESSAGE_UUID = Buffer.alloc(36);

/** Per --ascii mode, per phone: the keys and values of the context it fixes, written once. */
const DEVICE_TEXT: [Uint8Array[], Uint8Array[]] = [[], []];
/**
 * Per --ascii mode, per app (APPS' order): `,"app":{"name":…,"version":` and `,"namespace":…},"device":{"id":"`,
 * around the build's version and number. Not a fragment per build: a run meets thousands, and making each was most of
 * the first 16,000 deliveries.
 */
const APP_PARTS = [false, true].map((ascii) => APPS.map((a) => [f(`,"app":{"name":${literal(a.name, ascii)},"version":`), f(`,"namespace":${literal(a.bundle, ascii)}},"device":{"id":"`)] as const));

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

/** The app build writeContext drew (none for analytics.js and analytics-node): a variable, not a record per delivery. */
let contextApp: DrawnApp | undefined;

/** The context object (segment.ts `context`), its draws in the template's order; sets contextApp. `library`: its index. */
function writeContext(ctx: TemplateContext, who: DrawnShopper, library: number, out: Buffer, start: number, ascii: boolean): number {
  const js = ctx.int(60, 74);
  const android = ctx.int(0, 3);
  const ios = ctx.int(5, 8);
  const nodeMinor = ctx.int(0, 2);
  const nodePatch = ctx.int(0, 9);
  contextApp = undefined;
  let at = put(out, start, LIBRARY_HEADS[library]!);
  if (library === 3) {
    at = putNumber(out, at, nodeMinor);
    out[at] = 0x2e;
    at = putNumber(out, at + 1, nodePatch);
  } else {
    at = putNumber(out, at, library === 0 ? js : library === 1 ? android : ios);
  }
  at = put(out, at, LIBRARY_TAILS[library]!);
  at = putIp(out, at, who);
  at = put(out, at, countryText(who.country, ascii).localeTimezone);
  if (library === 0) {
    // Indices from int(0, n - 1): the ones pick() takes.
    const path = ctx.int(0, PATHS.length - 1);
    const host = ctx.int(0, HOSTS.length - 1);
    at = put(out, at, PAGE_PATHS[path]!);
    at = put(out, at, PAGE_REFERRERS[ctx.int(0, REFERRERS.length - 1)]!);
    at = put(out, at, PAGE_TITLES[ctx.int(0, TITLES.length - 1)]!);
    at = put(out, at, URLS[host * PATHS.length + path]!);
    return putBrowserUserAgent(ctx, out, at);
  }
  if (library === 3) return at;
  const app = drawAppBuild(ctx);
  const d = drawDevice(ctx, library === 2 ? 'ios' : 'android');
  const mode = ascii ? 1 : 0;
  const [appHead, appTail] = APP_PARTS[mode]![appIndex(app)]!;
  at = putString(out, put(out, at, appHead), app.version);
  at = put(out, putString(out, put(out, at, K.build), app.build), appTail);
  at = ctx.uuidInto(out, at);
  at = put(out, at, (DEVICE_TEXT[mode][d.key] ??= once((o, a) => writeDevice(o, a, d, ascii))));
  at = put(out, at, WIFI[ctx.chance(0.6) ? 1 : 0]!);
  const code = who.country.code;
  const carriers = code === 'GH' ? CARRIER_TEXT.GH : code === 'IN' ? CARRIER_TEXT.IN : CARRIER_TEXT.other;
  at = put(out, at, carriers[ctx.int(0, carriers.length - 1)]!);
  contextApp = app;
  return putAppUserAgent(out, at, app, d);
}

/** `products` up to its end: the cart's lines as lineProps writes them, after `,"currency":…,"products":[`. */
function writeLines(c: DrawnCart, out: Buffer, start: number, ascii: boolean): number {
  let at = start;
  for (let i = 0; i < c.count; i++) {
    if (i > 0) out[at++] = 0x2c;
    at = putCartLine(out, at, c.lines[i]!, ascii);
  }
  out[at] = 0x5d;
  return at + 1;
}

/** The track event's name and properties (segment.ts `trackEvent`). */
function writeTrack(ctx: TemplateContext, who: DrawnShopper, app: DrawnApp | undefined, out: Buffer, start: number, ascii: boolean): number {
  const name = ctx.pick(app ? APP_TRACK_NAMES : TRACK_NAMES);
  let at = put(out, start, EVENT_HEADS[name]);
  switch (name) {
    case 'Order Completed': {
      const c = drawCart(ctx, who);
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
      at = put(out, at, countryText(who.country, ascii).currencyProducts);
      at = writeLines(c, out, at, ascii);
      if (c.coupon) {
        at = put(out, at, K.coupon);
        at = putCoupon(out, at, c);
      }
      break;
    }
    case 'Checkout Started': {
      const c = drawCart(ctx, who);
      at = putOrderId(out, at, c);
      at = put(out, at, K.value);
      at = putNumber(out, at, c.subtotal);
      at = put(out, at, countryText(who.country, ascii).currencyProducts);
      at = writeLines(c, out, at, ascii);
      break;
    }
    case 'Product Added': {
      const l = drawLine(ctx, who);
      ctx.charsInto(LOWER_ALNUM_CODES, 16, out, at);
      out[at + 16] = 0x22;
      at = put(out, at + 17, K.productIdAfter);
      at = putProductId(out, at, l);
      at = put(out, at, K.sku);
      at = putSku(out, at, l);
      at = put(out, at, (PRODUCT_TEXT[ascii ? 1 : 0][l.index] ??= productText(l.product, ascii)));
      at = putNumber(out, at, l.price);
      at = put(out, at, K.quantity);
      at = putNumber(out, at, l.quantity);
      return put(out, at, countryText(who.country, ascii).currencyEnd);
    }
    case 'Signed Up':
      at = putString(out, at, ctx.pick(SIGNUP_TYPES));
      at = put(out, at, K.method);
      at = putString(out, at, ctx.pick(SIGNUP_METHODS));
      break;
    case 'Application Opened':
      at = put(out, at, ctx.chance(0.5) ? K.trueVersion : K.falseVersion);
      at = putString(out, at, app!.version);
      at = put(out, at, K.build);
      at = putString(out, at, app!.build);
      break;
  }
  return put(out, at, K.close2);
}

/** Per --ascii mode, per product (its index in PRODUCTS): a Product Added event's `,"name":…,"brand":…,"category":…,"price":`. */
const PRODUCT_TEXT: [Uint8Array[], Uint8Array[]] = [[], []];
function productText(p: Product, ascii: boolean): Uint8Array {
  return f(`,"name":${literal(p.title, ascii)},"brand":${literal(p.brand, ascii)},"category":${literal(p.category, ascii)},"price":`);
}

function compile(type: 'track' | 'identify', ascii: boolean): CompiledTemplate {
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    // Every clock the event prints lies within 902 days before the delivery's: isoInto writes them all (whole ms,
    // 1970 to 9999). Other clocks are left to the interpreted path, which writes them as Date does (or throws).
    const now = ctx.now;
    if (!(plainClock(now) && now >= EARLIEST_OFFSET_MS)) return -1;
    // segment.ts `envelope`: library, shopper, userId, anonymousId, messageId, clock, then the context.
    const library = ctx.int(0, LIBRARIES.length - 1);
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
    at = writeContext(ctx, who, library, out, at, ascii);
    // `ajs-next-${now}-${uuid}` from analytics.js, the UUID alone from the others.
    if (library === 0) {
      at = putNumber(out, put(out, at, INTEGRATIONS_AJS), now);
      out[at++] = 0x2d;
    } else {
      at = put(out, at, INTEGRATIONS);
    }
    at = put(out, at, MESSAGE_UUID);
    at = put(out, at, ORIGINAL_TIMESTAMP);
    at = isoInto(out, at, originalTimestamp);
    at = put(out, at, K.receivedAt);
    at = isoInto(out, at, now);
    at = put(out, at, K.sentAt);
    at = isoInto(out, at, sentAt);
    at = put(out, at, K.timestamp);
    at = isoInto(out, at, now - (sentAt - originalTimestamp));
    at = put(out, at, type === 'identify' ? K.typeIdentify : K.typeTrack);
    at = putUserId(out, at);
    // `,"version":1` opens the track's EVENT_HEADS and the identify's traits.
    if (type === 'track') return writeTrack(ctx, who, contextApp, out, at, ascii);
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
