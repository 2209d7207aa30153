import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';
import { appBuild, cart, cartLine, customerUserId, device, lineProps, shopper } from './sources.js';

/** The event names customers commonly send for CustomerGlu's activity campaigns; the first is the default. */
export const SERVER_EVENTS = ['purchase', 'add_to_cart', 'signup', 'app_open'] as const;
export type ServerEvent = (typeof SERVER_EVENTS)[number];

function properties(ctx: TemplateContext, name: ServerEvent): JsonObject {
  const who = shopper(ctx);
  switch (name) {
    case 'purchase': {
      const c = cart(ctx, who);
      const props: JsonObject = {
        order_id: c.orderId,
        order_value: c.total,
        currency: who.currency,
        item_count: c.lines.reduce((n, l) => n + l.quantity, 0),
        payment_method: c.paymentMethod,
        category: c.lines[0]!.category,
        items: c.lines.map(lineProps),
      };
      if (c.coupon) props.coupon_code = c.coupon;
      return props;
    }
    case 'add_to_cart': {
      const l = cartLine(ctx, who);
      return { product_id: l.productId, product_name: l.name, brand: l.brand, category: l.category, price: l.price, quantity: l.quantity, currency: who.currency };
    }
    case 'signup': {
      const props: JsonObject = { signup_method: ctx.pick(['phone', 'phone', 'google', 'email']), city: who.city, country: who.country };
      if (ctx.chance(0.4)) props.referral_code = `${who.plain.first.toUpperCase().replace(/[^A-Z]/g, '')}${ctx.digits(4)}`;
      return props;
    }
    case 'app_open': {
      const app = appBuild(ctx);
      const d = device(ctx);
      return { app_version: app.version, platform: d.platform, os_version: d.osVersion, device_model: d.modelName, session_number: ctx.int(1, 240) };
    }
  }
}

// DOC (Send User Events to CustomerGlu, server API): all five fields are required; event_properties is {} when empty.
function event(ctx: TemplateContext, variant: string = 'purchase'): JsonObject {
  const name = (SERVER_EVENTS as readonly string[]).includes(variant) ? (variant as ServerEvent) : 'purchase';
  return {
    event_id: ctx.uuid(),
    event_name: name,
    user_id: customerUserId(ctx),
    timestamp: ctx.iso(),
    event_properties: properties(ctx, name),
  };
}

export const customergluEventsTemplates = {
  event,
} satisfies Record<string, (ctx: TemplateContext, variant?: string) => JsonObject>;
