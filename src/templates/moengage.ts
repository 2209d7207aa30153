import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';
import { isoString } from './iso.js';
import { appBuild, cart, cartLine, customerUserId, device, pastMs, shopper, type AppBuild, type Device, type Shopper } from './sources.js';

export const MOENGAGE_VARIANTS = [
  { name: 'user-action', description: 'a user action the app tracked (Order Placed, Added to Cart, …), event_type USER_ACTION_EVENT' },
  { name: 'campaign', description: 'a campaign interaction MoEngage generated (Notification Clicked Android, Email Clicked, …), event_type CAMPAIGN_EVENT' },
] as const;

function userAction(ctx: TemplateContext, who: Shopper, app: AppBuild): { name: string; attributes: JsonObject } {
  const name = ctx.pick(['Order Placed', 'Order Placed', 'Added to Cart', 'Product Viewed', 'App Opened'] as const);
  switch (name) {
    case 'Order Placed': {
      const c = cart(ctx, who);
      const attributes: JsonObject = {
        order_id: c.orderId,
        amount: c.total,
        currency: who.currency,
        items_count: c.lines.reduce((n, l) => n + l.quantity, 0),
        payment_mode: c.paymentMethod,
        product_names: c.lines.map((l) => l.name),
      };
      if (c.coupon) attributes.coupon_code = c.coupon;
      return { name: 'Order Placed', attributes };
    }
    case 'Added to Cart':
    case 'Product Viewed': {
      const l = cartLine(ctx, who);
      return { name, attributes: { product_id: l.productId, product_name: l.name, brand: l.brand, category: l.category, price: l.price, currency: who.currency, quantity: l.quantity } };
    }
    case 'App Opened':
      return { name: 'App Opened', attributes: { app_version: app.version, source: ctx.pick(['direct', 'push', 'deeplink']) } };
  }
}

// Event names and codes from MoEngage's "Campaign Interaction Events" table (DOC).
const PUSH_EVENTS = { android: ['Notification Clicked Android', 'NOTIFICATION_CLICKED_MOE'], ios: ['Notification Clicked iOS', 'NOTIFICATION_CLICKED_IOS_MOE'] } as const;
const EMAIL_EVENTS = [['Email Opened', 'MOE_EMAIL_OPEN'], ['Email Clicked', 'MOE_EMAIL_CLICK']] as const;

function deviceAttributes(ctx: TemplateContext, app: AppBuild, d: Device): JsonObject {
  return {
    moengage_device_id: ctx.uuid(),
    platform: d.platform === 'android' ? 'ANDROID' : 'iOS',
    app_version: app.version,
    os_version: d.osVersion,
    device_manufacturer: d.manufacturer,
    device_model: d.modelName,
  };
}

/**
 * DOC envelope (MoEngage Streams, via providers.md): {app_name, source, moe_request_id, events[]}.
 * INFERRED: for user actions event_code repeats the event name (MoEngage codes only its own campaign events);
 * the attribute sets are what a customer typically asks Streams to include.
 */
function event(ctx: TemplateContext, variant: string = 'user-action'): JsonObject {
  const who = shopper(ctx);
  const app = appBuild(ctx);
  const d = device(ctx);
  const uid = customerUserId(ctx);
  const head = (name: string, code: string, type: string): JsonObject => ({
    event_name: name,
    event_code: code,
    event_uuid: ctx.uuid(),
    event_time: ctx.unix(-ctx.int(1, 20) * 1000),
    event_type: type,
    event_source: 'MOENGAGE',
    uid,
  });
  let item: JsonObject;
  if (variant === 'campaign') {
    const email = ctx.chance(0.3);
    const [name, code] = email ? ctx.pick(EMAIL_EVENTS) : PUSH_EVENTS[d.platform];
    item = head(name, code, 'CAMPAIGN_EVENT');
    if (email) item.email_id = who.email;
    else item.push_id = d.platform === 'android' ? `${ctx.alnum(11)}:APA91b${ctx.base64url(134)}` : ctx.hex(64);
    item.event_attributes = {
      campaign_id: ctx.hex(24),
      campaign_name: ctx.pick(['Cart Reminder', 'Weekend Sale', 'Diwali Offers 🪔', 'Win Back 30d', 'Reward Unlocked 🎁']),
      campaign_type: ctx.pick(['One Time', 'Event Triggered', 'Periodic']),
      campaign_channel: email ? 'Email' : 'Push',
    };
  } else {
    const action = userAction(ctx, who, app);
    item = head(action.name, action.name, 'USER_ACTION_EVENT');
    item.event_attributes = action.attributes;
  }
  item.user_attributes = {
    moengage_user_id: ctx.hex(24),
    first_name: who.first,
    last_name: who.last,
    email: who.email,
    mobile_number: who.phone,
    city: who.city,
    country: who.country,
    first_seen: isoString(pastMs(ctx, 2, 700)),
  };
  item.device_attributes = deviceAttributes(ctx, app, d);
  return { app_name: app.name, source: 'MOENGAGE', moe_request_id: ctx.uuid(), events: [item] };
}

export const moengageTemplates = {
  event,
} satisfies Record<string, (ctx: TemplateContext, variant?: string) => JsonObject>;
