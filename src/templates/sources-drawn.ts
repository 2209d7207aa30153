// The shared draws of sources.ts (shopper, cart, cartLine, device, appBuild, customerUserId, browserUserAgent) for
// the compiled templates (compiled.ts): the same draws in the same order as the originals, but no object or string
// per delivery. Drawn values go into records made once and reused (a thread writes one delivery at a time), ids
// into byte arrays; what is fixed per device, app build or product is made once, and writers put it all as JSON
// bytes. The originals stay the interpreted path's, the oracle every compiled body is compared with (at run time,
// and in test/generate-compiled-sources.test.ts), and test/generate-sources-drawn.test.ts holds each helper here to
// its original: a draw taken here that the original does not take (or the reverse) shifts everything after it.
import * as context from './context.js';
import type { TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import * as names from './names.js';
import type { Product } from './names.js';
import * as sources from './sources.js';
import type { AppBuild, Device } from './sources.js';
import { toAscii } from './text.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make hundreds per delivery).
const { literal, put, putNumber, SLOT, splitLiteral, utf8 } = compiled;
const { DIGIT_CODES, LOWER_ALNUM_CODES, nameForms } = context;
const { EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, NATIVE_NAME_SHARE, NATIVE_NAMES, PRODUCTS } = names;
const { ANDROID, ANDROID_OS, APPS, appUserAgent, CHROME_AGENTS, CITIES, CITY_COUNTRY, COUNTRY, COUPON_PERCENTS, COUPON_WORDS, IOS_OS, IPHONES } = sources;
const { localPrice, OTHER_PAYMENT_METHODS, PAYMENT_METHODS, QUANTITIES, round2, SAFARI_AGENT, skuPrefix } = sources;

/**
 * shopper()'s draws: its text as the template shows it (names folded under --ascii), its ids as numbers and bytes.
 * Byte arrays here are Buffers, as the output is: charsInto and put then see one kind of array (with two kinds,
 * charsInto's share of a MoEngage delivery grew in its CPU profile).
 */
const WHO = {
  first: '', last: '', name: '', plainFirst: '', local: '', emailNumber: 0, domain: '', city: '',
  country: COUNTRY.IN!, mobile: '', phone: Buffer.alloc(9), ip: [0, 0, 0, 0],
  /** The city's index in CITIES. */
  cityIndex: 0,
};
/**
 * Per city (CITIES' order): its country, its payment methods and its name as shown per --ascii mode, looked up once.
 * By name (`COUNTRY[CITY_COUNTRY[city]]`, `PAYMENT_METHODS[code]`) each was a keyed load of a string, megamorphic.
 */
const CITY_COUNTRIES = CITIES.map((city) => COUNTRY[CITY_COUNTRY[city]!]!);
const CITY_PAYMENTS = CITY_COUNTRIES.map((c) => PAYMENT_METHODS[c.code] ?? OTHER_PAYMENT_METHODS);
const CITY_SHOWN = [CITIES, CITIES.map((city) => toAscii(city))] as const;
export type DrawnShopper = typeof WHO;

export function drawShopper(ctx: TemplateContext): DrawnShopper {
  const w = WHO;
  // ctx.person(): an index from int(0, n - 1) is the one pick() takes (both floor(float() * n)).
  const native = ctx.chance(NATIVE_NAME_SHARE) ? ctx.int(0, NATIVE_NAMES.length - 1) : -1;
  const f = ctx.int(0, FIRST_NAMES.length - 1);
  const forms = nameForms(native, f, ctx.int(0, LAST_NAMES.length - 1));
  const shown = ctx.ascii ? forms.ascii : forms.typed;
  w.first = shown.first;
  w.last = shown.last;
  w.name = shown.name;
  w.plainFirst = forms.ascii.first;
  w.local = forms.local;
  w.emailNumber = ctx.int(1, 99);
  w.domain = ctx.pick(EMAIL_DOMAINS);
  // The person's phone (int(6, 9) and nine digits) and city, which the shopper's replace: drawn, not made.
  ctx.skip(11);
  const city = (w.cityIndex = ctx.int(0, CITIES.length - 1)); // the index pick(CITIES) takes
  w.city = CITY_SHOWN[ctx.ascii ? 1 : 0][city]!;
  const c = (w.country = CITY_COUNTRIES[city]!);
  w.mobile = ctx.pick(c.mobile);
  ctx.charsInto(DIGIT_CODES, c.rest, w.phone, 0);
  w.ip[0] = ctx.pick(c.ipOctets);
  w.ip[1] = ctx.int(0, 255);
  w.ip[2] = ctx.int(0, 255);
  w.ip[3] = ctx.int(1, 254);
  return w;
}

/** ASCII text without quotes (the caller knows it needs no escape). Returns the end. */
function putAscii(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** `"aarav.sharma12@gmail.com"` (the local part is letters and dots: the same under --ascii). Returns the end. */
export function putEmail(out: Uint8Array, start: number, w: DrawnShopper): number {
  out[start] = 0x22;
  let at = putAscii(out, start + 1, w.local);
  at = putNumber(out, at, w.emailNumber);
  out[at] = 0x40;
  at = putAscii(out, at + 1, w.domain);
  out[at] = 0x22;
  return at + 1;
}

/** `"+919876543210"`. Returns the end. */
export function putPhone(out: Uint8Array, start: number, w: DrawnShopper): number {
  out[start] = 0x22;
  let at = putAscii(out, start + 1, w.country.dial);
  at = putAscii(out, at, w.mobile);
  for (let i = 0; i < w.country.rest; i++) out[at++] = w.phone[i]!;
  out[at] = 0x22;
  return at + 1;
}

/** `"49.12.200.7"`. Returns the end. */
export function putIp(out: Uint8Array, start: number, w: DrawnShopper): number {
  let at = start;
  for (let i = 0; i < 4; i++) {
    out[at] = i === 0 ? 0x22 : 0x2e;
    at = putNumber(out, at + 1, w.ip[i]!);
  }
  out[at] = 0x22;
  return at + 1;
}

/** cartLine()'s draws. */
export interface DrawnLine {
  product: Product;
  /** Its index in PRODUCTS. */
  index: number;
  id: Buffer;
  sku: Buffer;
  price: number;
  quantity: number;
}
const newLine = (): DrawnLine => ({ product: PRODUCTS[0]!, index: 0, id: Buffer.alloc(7), sku: Buffer.alloc(5), price: 0, quantity: 0 });
/** A cart's lines (one to three), and the one of an event about a single line. */
const LINES = [newLine(), newLine(), newLine()];
const LINE = newLine();

export function drawLine(ctx: TemplateContext, w: DrawnShopper, l = LINE): DrawnLine {
  const index = ctx.int(0, PRODUCTS.length - 1);
  l.index = index;
  l.product = PRODUCTS[index]!;
  ctx.charsInto(DIGIT_CODES, 7, l.id, 0);
  ctx.charsInto(DIGIT_CODES, 5, l.sku, 0);
  l.price = localPrice(w.country, l.product.price);
  l.quantity = ctx.pick(QUANTITIES);
  return l;
}

/** `"P1234567"`. Returns the end. */
export function putProductId(out: Uint8Array, at: number, l: DrawnLine): number {
  out[at] = 0x22;
  out[at + 1] = 0x50;
  for (let i = 0; i < 7; i++) out[at + 2 + i] = l.id[i]!;
  out[at + 9] = 0x22;
  return at + 10;
}

/** `"LEV-12345"` (the prefix: ASCII capitals). Returns the end. */
export function putSku(out: Uint8Array, start: number, l: DrawnLine): number {
  out[start] = 0x22;
  const at = putAscii(out, start + 1, skuPrefix(l.product.brand));
  out[at] = 0x2d;
  for (let i = 0; i < 5; i++) out[at + 1 + i] = l.sku[i]!;
  out[at + 6] = 0x22;
  return at + 7;
}

// One cart line as lineProps (sources.ts) makes it: Segment's and the Events API's compiled cart events write it.
const PRODUCT_ID = utf8('{"product_id":');
const SKU = utf8(',"sku":');
const QUANTITY = utf8(',"quantity":');
/** Per --ascii mode, per product: `,"name":…,"brand":…,"category":…,"price":`, what is fixed per product, made once. */
const PRODUCT_TEXT: [Uint8Array[], Uint8Array[]] = [[], []];

/** `{"product_id":…,"sku":…,"name":…,"brand":…,"category":…,"price":…,"quantity":…}`; returns where it ends. */
export function putCartLine(out: Uint8Array, start: number, l: DrawnLine, ascii: boolean): number {
  let at = putProductId(out, put(out, start, PRODUCT_ID), l);
  at = putSku(out, put(out, at, SKU), l);
  const texts = PRODUCT_TEXT[ascii ? 1 : 0];
  const p = PRODUCTS[l.index]!;
  at = put(out, at, (texts[l.index] ??= utf8(`,"name":${literal(p.title, ascii)},"brand":${literal(p.brand, ascii)},"category":${literal(p.category, ascii)},"price":`)));
  at = putNumber(out, at, l.price);
  at = putNumber(out, put(out, at, QUANTITY), l.quantity);
  out[at] = 0x7d;
  return at + 1;
}

/** cart()'s draws and sums; `coupon` is '' without one. */
const CART = { lines: LINES, count: 0, subtotal: 0, discount: 0, shipping: 0, tax: 0, total: 0, coupon: '', percent: 0, paymentMethod: '', orderId: Buffer.alloc(10) };
export type DrawnCart = typeof CART;

export function drawCart(ctx: TemplateContext, w: DrawnShopper): DrawnCart {
  const c = CART;
  const country = w.country;
  c.count = ctx.int(1, 3);
  let sum = 0;
  for (let i = 0; i < c.count; i++) {
    const l = drawLine(ctx, w, LINES[i]);
    sum += l.price * l.quantity;
  }
  const subtotal = (c.subtotal = round2(sum));
  c.coupon = '';
  if (ctx.chance(0.35)) {
    c.coupon = ctx.pick(COUPON_WORDS);
    c.percent = ctx.pick(COUPON_PERCENTS);
  }
  const discount = (c.discount = c.coupon ? round2(subtotal * 0.1) : 0);
  const shipping = (c.shipping = subtotal > localPrice(country, 40) ? 0 : localPrice(country, 3));
  const tax = (c.tax = country.code === 'US' ? round2((subtotal - discount) * 0.08875) : 0);
  c.paymentMethod = ctx.pick(CITY_PAYMENTS[w.cityIndex]!);
  ctx.charsInto(DIGIT_CODES, 10, c.orderId, 0);
  c.total = round2(subtotal - discount + shipping + tax);
  return c;
}

/** `"ORD-1234567890"`. Returns the end. */
export function putOrderId(out: Uint8Array, at: number, c: DrawnCart): number {
  out[at] = 0x22; out[at + 1] = 0x4f; out[at + 2] = 0x52; out[at + 3] = 0x44; out[at + 4] = 0x2d;
  for (let i = 0; i < 10; i++) out[at + 5 + i] = c.orderId[i]!;
  out[at + 15] = 0x22;
  return at + 16;
}

/** `"FEST15"`, for a cart with a coupon. Returns the end. */
export function putCoupon(out: Uint8Array, start: number, c: DrawnCart): number {
  out[start] = 0x22;
  const at = putNumber(out, putAscii(out, start + 1, c.coupon), c.percent);
  out[at] = 0x22;
  return at + 1;
}

/** The items' quantities added up. */
export function itemCount(c: DrawnCart): number {
  let n = 0;
  for (let i = 0; i < c.count; i++) n += c.lines[i]!.quantity;
  return n;
}

/** device()'s result, made once per phone and OS version; an Android one with its app's user agent (JSON). */
export type DrawnDevice = Device & { agent?: Uint8Array; /** Its index among the phones × OS versions. */ key: number };
const DEVICES: DrawnDevice[] = [];

export function drawDevice(ctx: TemplateContext, platform?: Device['platform']): DrawnDevice {
  if (platform === 'android' || (platform === undefined && ctx.chance(0.7))) {
    const i = ctx.int(0, ANDROID.length - 1);
    const key = i * 8 + ctx.int(0, ANDROID_OS.length - 1);
    return DEVICES[key] ?? makeAndroid(i, key);
  }
  const i = ctx.int(0, IPHONES.length - 1);
  const key = 64 + i * 8 + ctx.int(0, IOS_OS.length - 1);
  return DEVICES[key] ?? makeIphone(i, key);
}

// A device's, and an app build's, first draw apart from the lookups: the compiled forms inline drawDevice and
// drawAppBuild, and with them TurboFan compiled this string building and encoding, run once per device or build.
function makeAndroid(i: number, key: number): DrawnDevice {
  const p = ANDROID[i]!;
  const made = newDevice('android', p.manufacturer, p, 'Android', ANDROID_OS[key % 8]!, undefined, key);
  return (DEVICES[key] = newDevice('android', p.manufacturer, p, 'Android', made.osVersion, utf8(literal(appUserAgent(NO_APP, made), false)), key));
}
function makeIphone(i: number, key: number): DrawnDevice {
  return (DEVICES[key] = newDevice('ios', 'Apple', IPHONES[i]!, 'iOS', IOS_OS[(key - 64) % 8]!, undefined, key));
}

/**
 * Every DrawnDevice from this one literal, so all share one map (one hidden class). `{ ...made, agent, key }` gave
 * each its own: a spread's result gets a fresh map, the compiled forms' loads of `d.platform`, `d.osVersion`
 * (and `app.version`, `app.name`) saw dozens and went megamorphic, a generic lookup each (~10 % of a MoEngage delivery).
 */
function newDevice(platform: Device['platform'], manufacturer: string, p: Pick<Device, 'model' | 'modelName' | 'screen'>, osName: Device['osName'], osVersion: string, agent: Uint8Array | undefined, key: number): DrawnDevice {
  return { platform, manufacturer, model: p.model, modelName: p.modelName, osName, osVersion, screen: p.screen, agent, key };
}

/**
 * appBuild()'s result, made once per app and version. No user agent: putAppUserAgent writes an iPhone app's from its
 * parts (a run meets thousands of builds, and made per build it was most of Segment's first 16,000 deliveries).
 */
export type DrawnApp = AppBuild & { /** Its index among the apps × versions. */ key: number };
/** Versions per app (5 × 25 × 10): an app build's key is its app's index times this, plus its version's index. */
const BUILDS_PER_APP = 1250;
/** Every slot made at once: an array filled at random indices turns into a hash table. */
const APP_BUILDS: Array<DrawnApp | undefined> = new Array(APPS.length * BUILDS_PER_APP).fill(undefined);

export function drawAppBuild(ctx: TemplateContext): DrawnApp {
  const a = ctx.int(0, APPS.length - 1);
  const major = ctx.int(3, 7);
  const minor = ctx.int(0, 24);
  const patch = ctx.int(0, 9);
  const key = a * BUILDS_PER_APP + ((major - 3) * 25 + minor) * 10 + patch;
  return APP_BUILDS[key] ?? makeAppBuild(a, major, minor, patch, key);
}
function makeAppBuild(a: number, major: number, minor: number, patch: number, key: number): DrawnApp {
  // One literal for every build: one map (see newDevice).
  const { name, bundle } = APPS[a]!;
  return (APP_BUILDS[key] = { name, bundle, version: `${major}.${minor}.${patch}`, build: String(major * 10000 + minor * 100 + patch), key });
}
/** An app build's app: its index in APPS. */
export function appIndex(app: DrawnApp): number {
  return (app.key / BUILDS_PER_APP) | 0;
}
/** appUserAgent reads only the device on Android, only the app on iOS: the other argument, for making one of each. */
const NO_APP: AppBuild = { name: '', bundle: '', version: '', build: '' };
const AN_IPHONE: Device = { platform: 'ios', manufacturer: 'Apple', model: '', modelName: '', osName: 'iOS', osVersion: '', screen: { width: 0, height: 0, density: 0 } };

/** appUserAgent(app, d) as JSON (ASCII: app and phone names are). Returns the end. */
export function putAppUserAgent(out: Uint8Array, at: number, app: DrawnApp, d: DrawnDevice): number {
  if (d.agent !== undefined) return put(out, at, d.agent);
  const [head, tail] = IPHONE_AGENTS[appIndex(app)]!;
  return put(out, putAscii(out, put(out, at, head), app.build), tail);
}
/** Per app, an iPhone app's user agent as JSON around its build number (digits): `"ShopKart/` and ` CFNetwork/…"`. */
const IPHONE_AGENTS = APPS.map(({ name, bundle }) => {
  const parts = splitLiteral(appUserAgent({ name, bundle, version: '', build: SLOT }, AN_IPHONE), false);
  if (parts === undefined) throw new Error(`the iPhone user agent of ${name} does not hold its build once`);
  return parts.map(utf8) as [Uint8Array, Uint8Array];
});

/** A customer id drawn before the place it is written at (drawUserId), as JSON, and its length. */
const USER_ID = Buffer.alloc(48);
let userIdLength = 0;

/** customerUserId(ctx)'s draws, kept for putUserId. */
export function drawUserId(ctx: TemplateContext): void {
  userIdLength = putCustomerUserId(ctx, USER_ID, 0);
}

/** The customer id drawUserId drew last, as JSON. Returns the end. */
export function putUserId(out: Uint8Array, at: number): number {
  for (let i = 0; i < userIdLength; i++) out[at + i] = USER_ID[i]!;
  return at + userIdLength;
}

/** customerUserId(ctx) as JSON, drawn where it is written. Returns the end. */
export function putCustomerUserId(ctx: TemplateContext, out: Uint8Array, start: number): number {
  out[start] = 0x22;
  let at = start + 1;
  switch (ctx.int(0, 2)) {
    case 0:
      at = ctx.uuidInto(out, at);
      break;
    case 1:
      out[at] = 0x75; out[at + 1] = 0x73; out[at + 2] = 0x72; out[at + 3] = 0x5f;
      at = ctx.charsInto(LOWER_ALNUM_CODES, 12, out, at + 4);
      break;
    default:
      at = putNumber(out, at, ctx.int(100000, 9999999));
  }
  out[at] = 0x22;
  return at + 1;
}

const CHROME_HEADS = CHROME_AGENTS.map(([head]) => utf8(`"${head}`));
const CHROME_TAILS = CHROME_AGENTS.map(([, tail]) => utf8(`${tail}"`));
const SAFARI = utf8(JSON.stringify(SAFARI_AGENT));

/** browserUserAgent(ctx) as JSON (ASCII), drawn where it is written. Returns the end. */
export function putBrowserUserAgent(ctx: TemplateContext, out: Uint8Array, start: number): number {
  const major = ctx.int(124, 131);
  const build = ctx.int(6300, 6800);
  const patch = ctx.int(40, 200);
  const k = ctx.int(0, 3);
  if (k === 3) return put(out, start, SAFARI);
  let at = putNumber(out, put(out, start, CHROME_HEADS[k]!), major);
  out[at] = 0x2e; out[at + 1] = 0x30; out[at + 2] = 0x2e;
  at = putNumber(out, at + 3, build);
  out[at] = 0x2e;
  return put(out, putNumber(out, at + 1, patch), CHROME_TAILS[k]!);
}
