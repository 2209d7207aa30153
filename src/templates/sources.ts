// Building blocks shared by the event-source templates (CustomerGlu Events API, Segment, MoEngage, CleverTap,
// WebEngage): one shopper whose country, currency, phone and locale agree, a device, an app build, a cart.
import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';
import { isoString } from './iso.js';
import { PRODUCTS } from './names.js';
import { toAscii } from './text.js';

export interface Country {
  code: string;
  currency: string;
  /** Units of the currency per US dollar, rounded: enough to make prices look local. */
  perUsd: number;
  dial: string;
  /** First digits of a mobile number after the country code, and how many digits follow. */
  mobile: readonly string[];
  rest: number;
  locale: string;
  timezone: string;
  /** First octets of addresses commonly seen from the country (plausible, not a geo database). */
  ipOctets: readonly number[];
}

export const COUNTRY: Record<string, Country> = {
  IN: { code: 'IN', currency: 'INR', perUsd: 83, dial: '+91', mobile: ['6', '7', '8', '9'], rest: 9, locale: 'en-IN', timezone: 'Asia/Kolkata', ipOctets: [49, 103, 106, 117, 157, 182] },
  GH: { code: 'GH', currency: 'GHS', perUsd: 15, dial: '+233', mobile: ['20', '24', '26', '27', '50', '54', '55', '59'], rest: 7, locale: 'en-GH', timezone: 'Africa/Accra', ipOctets: [41, 102, 154, 197] },
  NG: { code: 'NG', currency: 'NGN', perUsd: 1500, dial: '+234', mobile: ['70', '80', '81', '90', '91'], rest: 8, locale: 'en-NG', timezone: 'Africa/Lagos', ipOctets: [102, 105, 129, 197] },
  GB: { code: 'GB', currency: 'GBP', perUsd: 0.79, dial: '+44', mobile: ['7'], rest: 9, locale: 'en-GB', timezone: 'Europe/London', ipOctets: [31, 81, 86, 90] },
  US: { code: 'US', currency: 'USD', perUsd: 1, dial: '+1', mobile: ['212', '415', '646', '917'], rest: 7, locale: 'en-US', timezone: 'America/New_York', ipOctets: [24, 64, 73, 98] },
  SG: { code: 'SG', currency: 'SGD', perUsd: 1.35, dial: '+65', mobile: ['8', '9'], rest: 7, locale: 'en-SG', timezone: 'Asia/Singapore', ipOctets: [101, 118, 175] },
  AE: { code: 'AE', currency: 'AED', perUsd: 3.67, dial: '+971', mobile: ['50', '52', '55', '56'], rest: 7, locale: 'en-AE', timezone: 'Asia/Dubai', ipOctets: [5, 86, 94] },
  BR: { code: 'BR', currency: 'BRL', perUsd: 5, dial: '+55', mobile: ['119', '219'], rest: 8, locale: 'pt-BR', timezone: 'America/Sao_Paulo', ipOctets: [177, 179, 189, 201] },
  DE: { code: 'DE', currency: 'EUR', perUsd: 0.92, dial: '+49', mobile: ['151', '160', '170', '176'], rest: 7, locale: 'de-DE', timezone: 'Europe/Berlin', ipOctets: [46, 79, 84, 91] },
};

export const CITY_COUNTRY: Record<string, string> = {
  Bengaluru: 'IN', Mumbai: 'IN', Delhi: 'IN', Pune: 'IN', Hyderabad: 'IN', Chennai: 'IN',
  Accra: 'GH', Kumasi: 'GH', Takoradi: 'GH', Lagos: 'NG', London: 'GB', 'New York': 'US', Singapore: 'SG',
  Dubai: 'AE', 'São Paulo': 'BR', Brasília: 'BR', Berlin: 'DE', München: 'DE', Köln: 'DE',
};
// Most CustomerGlu customers are Indian apps, then Ghanaian (mgPass) and global ones: weight the cities so.
export const CITIES = ['Bengaluru', 'Mumbai', 'Delhi', 'Pune', 'Hyderabad', 'Chennai', 'Accra', 'Kumasi', 'Takoradi', 'Lagos', 'London', 'New York', 'Singapore', 'Dubai', 'São Paulo', 'Brasília', 'Berlin', 'München', 'Köln'];

/** Under --ascii a city arrives folded ("Munich"); its country is still the one of the city it was. */
const ASCII_CITY: Record<string, string> = Object.fromEntries(CITIES.map((c) => [toAscii(c), c]));

export interface Shopper {
  first: string;
  /** The name in plain Latin letters (for codes and slugs). */
  plain: { first: string; last: string };
  last: string;
  name: string;
  email: string;
  phone: string;
  city: string;
  country: string;
  currency: string;
  locale: string;
  timezone: string;
  ip: string;
  /** Converts a US-dollar list price into this shopper's currency (whole units for INR/NGN). */
  price(usd: number): number;
}

export function shopper(ctx: TemplateContext): Shopper {
  const p = ctx.person();
  const city = ctx.text(ctx.pick(CITIES));
  const c = COUNTRY[CITY_COUNTRY[city] ?? CITY_COUNTRY[ASCII_CITY[city] ?? ''] ?? 'IN']!;
  return {
    first: p.first,
    plain: p.plain,
    last: p.last,
    name: p.name,
    email: p.email,
    phone: `${c.dial}${ctx.pick(c.mobile)}${ctx.digits(c.rest)}`,
    city,
    country: c.code,
    currency: c.currency,
    locale: c.locale,
    timezone: c.timezone,
    ip: `${ctx.pick(c.ipOctets)}.${ctx.int(0, 255)}.${ctx.int(0, 255)}.${ctx.int(1, 254)}`,
    price: (usd) => localPrice(c, usd),
  };
}

/** A US-dollar list price in the country's currency. Shelf prices end in 9s (₹66,299, $798.99), as price lists do. */
export function localPrice(c: Country, usd: number): number {
  return c.perUsd >= 50 ? Math.max(1, Math.round((usd * c.perUsd) / 100)) * 100 - 1 : Math.max(1, Math.round(usd * c.perUsd)) - 0.01;
}

export interface Device {
  platform: 'android' | 'ios';
  manufacturer: string;
  model: string;
  /** Marketing name, as analytics dashboards show it. */
  modelName: string;
  osName: 'Android' | 'iOS';
  osVersion: string;
  screen: { width: number; height: number; density: number };
}

export const ANDROID = [
  { manufacturer: 'samsung', model: 'SM-S921B', modelName: 'Galaxy S24', screen: { width: 1080, height: 2340, density: 3 } },
  { manufacturer: 'samsung', model: 'SM-A546E', modelName: 'Galaxy A54 5G', screen: { width: 1080, height: 2340, density: 2.625 } },
  { manufacturer: 'Xiaomi', model: '23090RA98I', modelName: 'Redmi Note 13 Pro', screen: { width: 1220, height: 2712, density: 2.75 } },
  { manufacturer: 'OnePlus', model: 'CPH2581', modelName: 'OnePlus 12R', screen: { width: 1264, height: 2780, density: 3 } },
  { manufacturer: 'Google', model: 'Pixel 8', modelName: 'Pixel 8', screen: { width: 1080, height: 2400, density: 2.625 } },
  { manufacturer: 'TECNO', model: 'TECNO KJ5', modelName: 'Spark 20', screen: { width: 720, height: 1612, density: 2 } },
  { manufacturer: 'INFINIX', model: 'Infinix X6831', modelName: 'Hot 40', screen: { width: 1080, height: 2460, density: 2.625 } },
  { manufacturer: 'vivo', model: 'V2302', modelName: 'vivo Y27', screen: { width: 1080, height: 2388, density: 2.625 } },
] as const;
export const IPHONES = [
  { model: 'iPhone15,4', modelName: 'iPhone 15', screen: { width: 393, height: 852, density: 3 } },
  { model: 'iPhone14,7', modelName: 'iPhone 14', screen: { width: 390, height: 844, density: 3 } },
  { model: 'iPhone16,2', modelName: 'iPhone 15 Pro Max', screen: { width: 430, height: 932, density: 3 } },
  { model: 'iPhone12,1', modelName: 'iPhone 11', screen: { width: 414, height: 896, density: 2 } },
] as const;

export const ANDROID_OS = ['12', '13', '14', '14', '15'];
export const IOS_OS = ['16.7.8', '17.4.1', '17.5.1', '17.6', '18.0.1', '18.1'];

/** A phone; `platform` pins it when the caller already knows (an iOS SDK runs on an iPhone). */
export function device(ctx: TemplateContext, platform?: Device['platform']): Device {
  // Android dominates in India and Ghana; iPhones are a minority everywhere but the US/UK.
  if (platform === 'android' || (platform === undefined && ctx.chance(0.7))) {
    const d = ctx.pick(ANDROID);
    return { platform: 'android', manufacturer: d.manufacturer, model: d.model, modelName: d.modelName, osName: 'Android', osVersion: ctx.pick(ANDROID_OS), screen: { ...d.screen } };
  }
  const d = ctx.pick(IPHONES);
  return { platform: 'ios', manufacturer: 'Apple', model: d.model, modelName: d.modelName, osName: 'iOS', osVersion: ctx.pick(IOS_OS), screen: { ...d.screen } };
}

export interface AppBuild {
  name: string;
  bundle: string;
  version: string;
  build: string;
}

export const APPS = [
  { name: 'ShopKart', bundle: 'com.shopkart.app' },
  { name: 'FreshBasket', bundle: 'in.freshbasket.android' },
  { name: 'PayQuick', bundle: 'com.payquick.wallet' },
  { name: 'Chow Now', bundle: 'com.chownow.gh' },
  { name: 'StyleLane', bundle: 'com.stylelane.shop' },
] as const;

export function appBuild(ctx: TemplateContext): AppBuild {
  const app = ctx.pick(APPS);
  const major = ctx.int(3, 7);
  const minor = ctx.int(0, 24);
  const patch = ctx.int(0, 9);
  return { name: app.name, bundle: app.bundle, version: `${major}.${minor}.${patch}`, build: String(major * 10000 + minor * 100 + patch) };
}

/** The app's own user agent as the SDK sends it (Android: the system HTTP stack; iOS: CFNetwork). */
export function appUserAgent(app: AppBuild, d: Device): string {
  return d.platform === 'android'
    ? `Dalvik/2.1.0 (Linux; U; Android ${d.osVersion}; ${d.model} Build/UP1A.231005.007)`
    : `${app.name.replace(/\s+/g, '')}/${app.build} CFNetwork/1494.0.7 Darwin/23.4.0`;
}

/** Chrome's user agents (Windows, Android, macOS) around its version, and Safari's on an iPhone (no Chrome in it). */
export const CHROME_AGENTS: ReadonlyArray<readonly [string, string]> = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/', ' Safari/537.36'],
  ['Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/', ' Mobile Safari/537.36'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/', ' Safari/537.36'],
];
export const SAFARI_AGENT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

export function browserUserAgent(ctx: TemplateContext): string {
  const chrome = `${ctx.int(124, 131)}.0.${ctx.int(6300, 6800)}.${ctx.int(40, 200)}`;
  // int(0, 3) is the index pick() would take of the four agents: only the one picked is made.
  const k = ctx.int(0, 3);
  return k === 3 ? SAFARI_AGENT : CHROME_AGENTS[k]![0] + chrome + CHROME_AGENTS[k]![1];
}

export interface CartLine {
  productId: string;
  sku: string;
  name: string;
  brand: string;
  category: string;
  price: number;
  quantity: number;
}

export interface Cart {
  orderId: string;
  lines: CartLine[];
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  coupon?: string;
  paymentMethod: string;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
export const QUANTITIES = [1, 1, 1, 2, 3];
export const COUPON_WORDS = ['WELCOME', 'FEST', 'SAVE', 'GLU'];
export const COUPON_PERCENTS = [10, 15, 20, 25];
export const OTHER_PAYMENT_METHODS = ['Credit Card', 'Apple Pay', 'PayPal'];

export const PAYMENT_METHODS: Record<string, readonly string[]> = {
  IN: ['UPI', 'UPI', 'Credit Card', 'Net Banking', 'COD'],
  GH: ['Mobile Money', 'Mobile Money', 'Card'],
  NG: ['Card', 'Bank Transfer', 'USSD'],
};

/** A brand's SKU prefix ("LEV" for Levi’s), made once per brand (the products' brands: a short list). */
const SKU_PREFIXES = new Map<string, string>();
export function skuPrefix(brand: string): string {
  let prefix = SKU_PREFIXES.get(brand);
  if (prefix === undefined) {
    prefix = brand.replace(/[^A-Za-z]/g, '').slice(0, 3).toUpperCase();
    if (SKU_PREFIXES.size < 256) SKU_PREFIXES.set(brand, prefix);
  }
  return prefix;
}

export function cartLine(ctx: TemplateContext, who: Shopper): CartLine {
  const p = ctx.pick(PRODUCTS);
  return {
    productId: `P${ctx.digits(7)}`,
    sku: `${skuPrefix(p.brand)}-${ctx.digits(5)}`,
    name: p.title,
    brand: p.brand,
    category: p.category,
    price: who.price(p.price),
    quantity: ctx.pick(QUANTITIES),
  };
}

/** A checked-out cart whose totals add up (total = subtotal - discount + shipping + tax). */
export function cart(ctx: TemplateContext, who: Shopper): Cart {
  const lines = Array.from({ length: ctx.int(1, 3) }, () => cartLine(ctx, who));
  const subtotal = round2(lines.reduce((sum, l) => sum + l.price * l.quantity, 0));
  const coupon = ctx.chance(0.35) ? `${ctx.pick(COUPON_WORDS)}${ctx.pick(COUPON_PERCENTS)}` : undefined;
  const discount = coupon ? round2(subtotal * 0.1) : 0;
  const shipping = subtotal > who.price(40) ? 0 : who.price(3);
  // Shelf prices include VAT/GST almost everywhere; US sales tax is added at checkout.
  const tax = who.country === 'US' ? round2((subtotal - discount) * 0.08875) : 0;
  const paymentMethod = ctx.pick(PAYMENT_METHODS[who.country] ?? OTHER_PAYMENT_METHODS);
  const out: Cart = { orderId: `ORD-${ctx.digits(10)}`, lines, subtotal, discount, shipping, tax, total: round2(subtotal - discount + shipping + tax), paymentMethod };
  if (coupon) out.coupon = coupon;
  return out;
}

/** A cart line in snake_case, as most analytics SDKs' product properties are written. */
export function lineProps(l: CartLine): JsonObject {
  return { product_id: l.productId, sku: l.sku, name: l.name, brand: l.brand, category: l.category, price: l.price, quantity: l.quantity };
}

/** A customer-side user id: most apps use their database id, some a UUID. */
export function customerUserId(ctx: TemplateContext): string {
  // int(0, 2) is the index pick() would take of three forms (both floor(float() * 3)); no closures per delivery.
  switch (ctx.int(0, 2)) {
    case 0:
      return ctx.uuid();
    case 1:
      return `usr_${ctx.lowerAlnum(12)}`;
    default:
      return String(ctx.int(100000, 9999999));
  }
}

/** ISO-8601 without milliseconds and with a "+0000" offset, the form WebEngage and CleverTap print. */
export function isoOffset(ms: number): string {
  return isoString(ms).replace(/\.\d{3}Z$/, '+0000');
}

/** A moment up to `maxDays` before the delivery (sign-up dates, first seen), at a random time of day. */
export function pastMs(ctx: TemplateContext, minDays: number, maxDays: number): number {
  return ctx.now - ctx.int(minDays, maxDays) * 86_400_000 - ctx.int(0, 86_399_999);
}
