import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';
import { appBuild, cart, cartLine, customerUserId, device, isoOffset, pastMs, shopper, type AppBuild, type Shopper } from './sources.js';

export const CLEVERTAP_VARIANTS = [
  { name: 'live', description: 'a live-behaviour campaign firing for one user (Charged, Added To Cart, App Launched)' },
  { name: 'test-send', description: 'the fixed payload CleverTap sends when you save the webhook (is_test:true, targetId 1234, five placeholder profiles)', fixed: true },
] as const;

/**
 * DOC (CleverTap "Set up webhooks"): the payload sent on saving a webhook. The docs page's e-mail address is
 * hidden by an e-mail obfuscator; providers.md gives it as user@example.com.
 */
export function testSend(): JsonObject {
  const profile = { Identity: 'UserId', Email: 'user@example.com', push_token: 'Token' };
  return { is_test: true, targetId: 1234, key_values: { key: 'value' }, profiles: Array.from({ length: 5 }, () => ({ ...profile })) };
}

/** Key-values are typed in CleverTap's dashboard with Liquid tags, so every value arrives as a string. */
function action(ctx: TemplateContext, who: Shopper, app: AppBuild): { name: string; keyValues: Record<string, string>; props: JsonObject } {
  switch (ctx.pick(['Charged', 'Charged', 'Added To Cart', 'App Launched'] as const)) {
    case 'Charged': {
      const c = cart(ctx, who);
      const props: JsonObject = { 'Charged ID': c.orderId, Amount: c.total, Currency: who.currency, 'Payment Mode': c.paymentMethod, Items: c.lines.length };
      return { name: 'Charged', keyValues: { event_name: 'Charged', order_id: c.orderId, amount: c.total.toFixed(2), currency: who.currency }, props };
    }
    case 'Added To Cart': {
      const l = cartLine(ctx, who);
      const props: JsonObject = { 'Product ID': l.productId, 'Product Name': l.name, Category: l.category, Price: l.price, Quantity: l.quantity };
      return { name: 'Added To Cart', keyValues: { event_name: 'Added To Cart', product_id: l.productId, price: String(l.price), currency: who.currency }, props };
    }
    case 'App Launched':
      return { name: 'App Launched', keyValues: { event_name: 'App Launched', app_version: app.version }, props: { 'App Version': app.version } };
  }
}

/**
 * The envelope {targetId, key_values, profiles[{Identity, Email, push_token}]} is DOC; the other profile fields
 * (Name, Phone, objectId, platform, ts, profileData, event_properties) are INFERRED from CleverTap's profile
 * object and live-behaviour campaigns.
 */
function live(ctx: TemplateContext): JsonObject {
  const who = shopper(ctx);
  const app = appBuild(ctx);
  const d = device(ctx);
  const act = action(ctx, who, app);
  const eventMs = ctx.now - ctx.int(200, 2500);
  const profile: JsonObject = {
    Identity: customerUserId(ctx),
    Email: who.email,
    Name: who.name,
    Phone: who.phone,
    objectId: `__${ctx.hex(32)}`,
    platform: d.platform === 'android' ? 'Android' : 'iOS',
    push_token: d.platform === 'android' ? `${ctx.alnum(11)}:APA91b${ctx.base64url(134)}` : ctx.hex(64),
    ts: Math.floor(eventMs / 1000),
    profileData: {
      City: who.city,
      Country: who.country,
      'Customer Type': ctx.pick(['Silver', 'Gold', 'Platinum', 'New']),
      'First Seen': isoOffset(pastMs(ctx, 2, 700)),
      'App Version': app.version,
    },
    event_properties: act.props,
  };
  // CleverTap campaign ids look like epoch seconds of the campaign's creation (ten digits).
  return { targetId: Math.floor(pastMs(ctx, 1, 400) / 1000), key_values: act.keyValues, profiles: [profile] };
}

function event(ctx: TemplateContext, variant: string = 'live'): JsonObject {
  return variant === 'test-send' ? testSend() : live(ctx);
}

export const clevertapTemplates = {
  event,
} satisfies Record<string, (ctx: TemplateContext, variant?: string) => JsonObject>;
