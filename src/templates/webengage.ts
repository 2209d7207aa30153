import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';
import { appBuild, cart, cartLine, customerUserId, device, isoOffset, shopper, type AppBuild, type Shopper } from './sources.js';

export const WEBENGAGE_VARIANTS = [
  { name: 'custom', description: 'a custom application event (Order Placed, Added to Cart, …) with the user, time and device' },
  { name: 'push', description: 'the system event push_notification_accepted, in the shape of the Events Webhook example' },
] as const;

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** WebEngage's short ids (experiment, variation), e.g. "20hlgbg". */
function shortId(ctx: TemplateContext, n = 7): string {
  let out = '';
  for (let i = 0; i < n; i++) out += BASE36[ctx.int(0, 35)];
  return out;
}

/** A license code as WebEngage prints it: "~" and eight hex digits (e.g. "~2024c5d1"). */
export function licenseCode(ctx: TemplateContext): string {
  return `~${ctx.hex(8)}`;
}

function customEvent(ctx: TemplateContext, who: Shopper, app: AppBuild): { name: string; data: JsonObject } {
  const name = ctx.pick(['Order Placed', 'Order Placed', 'Added to Cart', 'Checkout Completed', 'Reward Claimed'] as const);
  switch (name) {
    case 'Order Placed':
    case 'Checkout Completed': {
      const c = cart(ctx, who);
      const data: JsonObject = { 'Order ID': c.orderId, Amount: c.total, Currency: who.currency, 'Item Count': c.lines.reduce((n, l) => n + l.quantity, 0), 'Payment Mode': c.paymentMethod };
      if (c.coupon) data['Coupon Code'] = c.coupon;
      return { name, data };
    }
    case 'Added to Cart': {
      const l = cartLine(ctx, who);
      return { name: 'Added to Cart', data: { 'Product ID': l.productId, 'Product Name': l.name, Category: l.category, Price: l.price, Quantity: l.quantity, Currency: who.currency } };
    }
    case 'Reward Claimed':
      return { name: 'Reward Claimed', data: { 'Reward Name': `${ctx.pick([50, 100, 250])} coins`, 'Campaign Name': ctx.pick(['Daily Reward', 'Weekend Spin', 'Refer a Friend']), 'App Version': app.version } };
  }
}

/**
 * INFERRED: WebEngage documents only that the body holds `event_data` and `system_data` (and the event name
 * travels in the eventType query parameter); event_name, user_id and event_time at the top level and the
 * system_data fields follow WebEngage's REST event object (userId, eventName, eventTime "…+0000", cuid, sdk).
 */
function custom(ctx: TemplateContext): JsonObject {
  const who = shopper(ctx);
  const app = appBuild(ctx);
  const d = device(ctx);
  const userId = customerUserId(ctx);
  const ev = customEvent(ctx, who, app);
  const at = ctx.now - ctx.int(100, 3000);
  return {
    event_name: ev.name,
    user_id: userId,
    event_time: isoOffset(at),
    event_data: ev.data,
    system_data: {
      event_id: ctx.uuid(),
      scope: licenseCode(ctx),
      cuid: userId,
      sdk: d.platform === 'android' ? 'ANDROID' : 'IOS',
      app_version: app.version,
      os_version: d.osVersion,
      device_model: d.modelName,
      city: who.city,
      country: who.country,
    },
  };
}

/** The shape of the docs' push_notification_accepted example; the ids and content are generated. */
function push(ctx: TemplateContext): JsonObject {
  const app = appBuild(ctx);
  const variationId = shortId(ctx);
  const experimentId = shortId(ctx);
  const title = app.name;
  const message = ctx.pick(['Your cart misses you! 🛒', 'You have 250 coins waiting', 'Spin the wheel today and win 🎡', 'Flat 20% off ends tonight ⏰', 'Your ₹100 cashback is here']);
  const content = {
    identifier: variationId,
    experimentId,
    packageName: null,
    title,
    message,
    image: null,
    cta: { id: ctx.hex(8), type: 'DEEP_LINK', actionLink: `${app.bundle.split('.').at(-2) ?? 'app'}://home/offers`, actionText: 'Open' },
  };
  return {
    event_data: { result: 'SUCCESS' },
    system_data: {
      variation_id: variationId,
      sdk: ctx.chance(0.7) ? 'ANDROID' : 'IOS',
      scope: licenseCode(ctx),
      id: experimentId,
      // WebEngage sends the notification as a JSON string inside the JSON body (DOC).
      push_notification_content: JSON.stringify(content),
      // Not in the (truncated) docs example: a per-event id, so deliveries without x-request-id can be de-duplicated.
      event_id: ctx.uuid(),
    },
  };
}

function event(ctx: TemplateContext, variant: string = 'custom'): JsonObject {
  return variant === 'push' ? push(ctx) : custom(ctx);
}

export const webengageTemplates = {
  event,
} satisfies Record<string, (ctx: TemplateContext, variant?: string) => JsonObject>;
