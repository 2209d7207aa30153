import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';
import { isoString } from './iso.js';
import { appBuild, appUserAgent, browserUserAgent, cart, cartLine, customerUserId, device, lineProps, pastMs, shopper, type Shopper } from './sources.js';

type Library = 'analytics.js' | 'analytics-android' | 'analytics-ios' | 'analytics-node';

/**
 * Segment's clock fields (DOC, Segment spec "Timestamps"): originalTimestamp and sentAt come from the device
 * clock, receivedAt from Segment's, and timestamp = receivedAt - (sentAt - originalTimestamp) corrects the
 * skew. The device clock here runs a little behind, so originalTimestamp <= sentAt <= receivedAt holds.
 */
function clock(ctx: TemplateContext) {
  const skew = ctx.int(0, 150);
  const inQueue = ctx.int(40, 600);
  const inFlight = ctx.int(15, 200);
  const receivedAt = ctx.now;
  const sentAt = receivedAt - inFlight - skew;
  const originalTimestamp = sentAt - inQueue;
  const timestamp = receivedAt - (sentAt - originalTimestamp);
  const iso = isoString;
  return { originalTimestamp: iso(originalTimestamp), sentAt: iso(sentAt), receivedAt: iso(receivedAt), timestamp: iso(timestamp) };
}

function context(ctx: TemplateContext, who: Shopper, library: Library): JsonObject {
  // Every library's version is drawn (the same draws whichever library sends), only the sender's is written.
  const js = ctx.int(60, 74);
  const android = ctx.int(0, 3);
  const ios = ctx.int(5, 8);
  const nodeMinor = ctx.int(0, 2);
  const nodePatch = ctx.int(0, 9);
  const version =
    library === 'analytics.js' ? `next-1.${js}.0` : library === 'analytics-android' ? `4.11.${android}` : library === 'analytics-ios' ? `4.1.${ios}` : `2.${nodeMinor}.${nodePatch}`;
  // The objects are written whole, keys in the order a spread of the common part would give (no intermediate copy).
  const lib = { name: library, version };
  if (library === 'analytics.js') {
    const path = ctx.pick(['/', '/cart', '/checkout', '/products/running-shoes', '/account/signup']);
    const host = ctx.pick(['www.shopkart.in', 'shop.stylelane.com', 'www.chownow.com.gh']);
    return {
      library: lib, ip: who.ip, locale: who.locale, timezone: who.timezone,
      page: { path, referrer: ctx.pick(['https://www.google.com/', 'https://www.instagram.com/', '']), search: '', title: ctx.pick(['Home', 'Your Cart', 'Checkout', 'Running Shoes', 'Sign up']), url: `https://${host}${path}` },
      userAgent: browserUserAgent(ctx),
    };
  }
  if (library === 'analytics-node') return { library: lib, ip: who.ip, locale: who.locale, timezone: who.timezone };
  const app = appBuild(ctx);
  const d = device(ctx, library === 'analytics-ios' ? 'ios' : 'android');
  return {
    library: lib, ip: who.ip, locale: who.locale, timezone: who.timezone,
    app: { name: app.name, version: app.version, build: app.build, namespace: app.bundle },
    device: { id: ctx.uuid(), manufacturer: d.manufacturer, model: d.model, name: d.modelName, type: d.platform },
    os: { name: d.osName, version: d.osVersion },
    screen: { width: d.screen.width, height: d.screen.height, density: d.screen.density },
    network: { wifi: ctx.chance(0.6), cellular: true, carrier: ctx.pick(who.country === 'GH' ? ['MTN', 'Telecel', 'AirtelTigo'] : who.country === 'IN' ? ['Jio', 'Airtel', 'Vi'] : ['Vodafone', 'T-Mobile', 'Orange']) },
    userAgent: appUserAgent(app, d),
  };
}

/** analytics.js ids carry the send time (`ajs-next-<ms>-<uuid>`); the server and mobile libraries send UUIDs. */
function messageId(ctx: TemplateContext, library: Library): string {
  return library === 'analytics.js' ? `ajs-next-${ctx.now}-${ctx.uuid()}` : ctx.uuid();
}

function envelope(ctx: TemplateContext, type: 'track' | 'identify') {
  const library = ctx.pick(['analytics.js', 'analytics-android', 'analytics-ios', 'analytics-node'] as const);
  const who = shopper(ctx);
  return { library, who, userId: customerUserId(ctx), anonymousId: ctx.uuid(), messageId: messageId(ctx, library), clock: clock(ctx), context: context(ctx, who, library), type };
}

function trackEvent(ctx: TemplateContext, e: ReturnType<typeof envelope>): { event: string; properties: JsonObject } {
  const who = e.who;
  const app = e.context.app as { version: string; build: string } | undefined;
  const names = ['Order Completed', 'Order Completed', 'Product Added', 'Checkout Started', 'Signed Up'] as const;
  // Event names and properties from Segment's E-commerce and Mobile specs; only apps send Application Opened.
  switch (ctx.pick(app ? [...names, 'Application Opened' as const] : names)) {
    case 'Order Completed': {
      const c = cart(ctx, who);
      const properties: JsonObject = { order_id: c.orderId, total: c.total, revenue: Math.round((c.subtotal - c.discount) * 100) / 100, shipping: c.shipping, tax: c.tax, discount: c.discount, currency: who.currency, products: c.lines.map(lineProps) };
      if (c.coupon) properties.coupon = c.coupon;
      return { event: 'Order Completed', properties };
    }
    case 'Checkout Started': {
      const c = cart(ctx, who);
      return { event: 'Checkout Started', properties: { order_id: c.orderId, value: c.subtotal, currency: who.currency, products: c.lines.map(lineProps) } };
    }
    case 'Product Added': {
      const l = cartLine(ctx, who);
      const cartId = ctx.lowerAlnum(16);
      return { event: 'Product Added', properties: { cart_id: cartId, product_id: l.productId, sku: l.sku, name: l.name, brand: l.brand, category: l.category, price: l.price, quantity: l.quantity, currency: who.currency } };
    }
    case 'Signed Up':
      return { event: 'Signed Up', properties: { type: ctx.pick(['organic', 'referral', 'paid']), method: ctx.pick(['phone', 'google', 'email']) } };
    case 'Application Opened':
      return { event: 'Application Opened', properties: { from_background: ctx.chance(0.5), version: app!.version, build: app!.build } };
  }
}

function fullSpec(ctx: TemplateContext, type: 'track' | 'identify', body: (e: ReturnType<typeof envelope>) => JsonObject): JsonObject {
  const e = envelope(ctx, type);
  return {
    anonymousId: e.anonymousId,
    context: e.context,
    integrations: {},
    messageId: e.messageId,
    originalTimestamp: e.clock.originalTimestamp,
    receivedAt: e.clock.receivedAt,
    sentAt: e.clock.sentAt,
    timestamp: e.clock.timestamp,
    type,
    userId: e.userId,
    version: 1,
    ...body(e),
  };
}

function track(ctx: TemplateContext): JsonObject {
  return fullSpec(ctx, 'track', (e) => trackEvent(ctx, e));
}

function identify(ctx: TemplateContext): JsonObject {
  return fullSpec(ctx, 'identify', (e) => ({
    traits: {
      name: e.who.name,
      firstName: e.who.first,
      lastName: e.who.last,
      email: e.who.email,
      phone: e.who.phone,
      address: { city: e.who.city, country: e.who.country },
      createdAt: isoString(pastMs(ctx, 1, 900)),
      plan: ctx.pick(['free', 'plus', 'gold']),
    },
  }));
}

export const segmentTemplates = {
  track: (ctx: TemplateContext) => track(ctx),
  identify: (ctx: TemplateContext) => identify(ctx),
} satisfies Record<string, (ctx: TemplateContext, variant?: string) => JsonObject>;
