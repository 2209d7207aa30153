// MoEngage's event (both variants) compiled to JSON bytes (see compiled.ts): with its push token, three hex ids and
// two UUIDs it was among the catalog's slowest interpreted events. This mirrors moengage.ts `event`, `userAction`
// and `deviceAttributes` key for key and draw for draw through the draw-only forms (sources-drawn.ts) of the same
// helpers (shopper, appBuild, device, cart, cartLine, customerUserId, pastMs); ids are drawn straight into the
// output (charsInto, uuidInto). test/generate-compiled-sources.test.ts compares the bytes with JSON.stringify of the
// interpreted payload.
import * as alphabets from './context.js';
import type { TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import { type CompiledTemplate } from './compiled.js';
import * as clocks from './iso.js';
import * as sources from './sources.js';
import * as drawn from './sources-drawn.js';
import type { DrawnCart, DrawnDevice, DrawnLine } from './sources-drawn.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make hundreds per delivery).
const { once, put, putNumber, putString, utf8 } = compiled;
const { ALNUM_CODES, BASE64URL_CODES, HEX_CODES } = alphabets;
const { isoInto, plainClock } = clocks;
const { pastMs } = sources;
const { drawAppBuild, drawCart, drawDevice, drawLine, drawShopper, drawUserId, itemCount, putCoupon, putEmail, putOrderId, putPhone, putProductId, putUserId } = drawn;

const ACTIONS = ['Order Placed', 'Order Placed', 'Added to Cart', 'Product Viewed', 'App Opened'] as const;
const SOURCES = ['direct', 'push', 'deeplink'];
const EMAIL_EVENTS = [['Email Opened', 'MOE_EMAIL_OPEN'], ['Email Clicked', 'MOE_EMAIL_CLICK']] as const;
const PUSH_EVENTS = { android: ['Notification Clicked Android', 'NOTIFICATION_CLICKED_MOE'], ios: ['Notification Clicked iOS', 'NOTIFICATION_CLICKED_IOS_MOE'] } as const;
const CAMPAIGN_NAMES = ['Cart Reminder', 'Weekend Sale', 'Diwali Offers 🪔', 'Win Back 30d', 'Reward Unlocked 🎁'];
const CAMPAIGN_TYPES = ['One Time', 'Event Triggered', 'Periodic'];
/** The earliest clock printed is a first_seen up to 701 days back: from there on isoInto writes every one. */
const EARLIEST_MS = 702 * 86_400_000;
/** The schema takes event_time (unix seconds, up to 20 s before the clock) below 10^10: later clocks are interpreted. */
const LATEST_MS = 10_000_000_000_000;
/** Every value is a fixed-length id, a number or text from the templates' bounded lists: bodies are under 3 KB. */
const MAX_BYTES = 16_384;
/**
 * moe_request_id is drawn last but written before the events: they are written this far after the start, then
 * moved next to the head (copyWithin: a memmove, where Buffer#copy from a scratch buffer cost 8 % of a delivery).
 */
const HEAD_ROOM = 512;

const f = utf8;
const K = {
  appName: f('{"app_name":'),
  requestId: f(',"source":"MOENGAGE","moe_request_id":"'),
  events: f('","events":[{"event_name":'),
  eventCode: f(',"event_code":'),
  eventUuid: f(',"event_uuid":"'),
  eventTime: f('","event_time":'),
  campaignType: f(',"event_type":"CAMPAIGN_EVENT","event_source":"MOENGAGE","uid":'),
  actionType: f(',"event_type":"USER_ACTION_EVENT","event_source":"MOENGAGE","uid":'),
  emailId: f(',"email_id":'),
  pushId: f(',"push_id":"'),
  apa: f(':APA91b'),
  campaignId: f(',"event_attributes":{"campaign_id":"'),
  campaignIdAfterPush: f('","event_attributes":{"campaign_id":"'),
  campaignName: f('","campaign_name":'),
  campaignTypeAttr: f(',"campaign_type":'),
  channelEmail: f(',"campaign_channel":"Email"'),
  channelPush: f(',"campaign_channel":"Push"'),
  attributes: f(',"event_attributes":{'),
  orderId: f('"order_id":'),
  amount: f(',"amount":'),
  currency: f(',"currency":'),
  itemsCount: f(',"items_count":'),
  paymentMode: f(',"payment_mode":'),
  productNames: f(',"product_names":['),
  couponCode: f(',"coupon_code":'),
  productId: f('"product_id":'),
  productName: f(',"product_name":'),
  brand: f(',"brand":'),
  category: f(',"category":'),
  price: f(',"price":'),
  quantity: f(',"quantity":'),
  appVersionAttr: f('"app_version":'),
  source: f(',"source":'),
  userId: f('},"user_attributes":{"moengage_user_id":"'),
  firstName: f('","first_name":'),
  lastName: f(',"last_name":'),
  email: f(',"email":'),
  mobile: f(',"mobile_number":'),
  city: f(',"city":'),
  country: f(',"country":'),
  firstSeen: f(',"first_seen":"'),
  deviceId: f('"},"device_attributes":{"moengage_device_id":"'),
  platformAndroid: f('","platform":"ANDROID","app_version":'),
  platformIos: f('","platform":"iOS","app_version":'),
  osVersion: f(',"os_version":'),
  manufacturer: f(',"device_manufacturer":'),
  model: f(',"device_model":'),
  close: f('}}]}'),
} as const;

/** The event's head, the same in both variants: its name and code, then a drawn UUID and time. */
function putEventHead(ctx: TemplateContext, r: Buffer, from: number, name: string, code: string): number {
  let at = put(r, from, K.events);
  at = putString(r, at, name);
  at = put(r, at, K.eventCode);
  at = putString(r, at, code);
  at = put(r, at, K.eventUuid);
  at = ctx.uuidInto(r, at);
  at = put(r, at, K.eventTime);
  return putNumber(r, at, ctx.unix(-ctx.int(1, 20) * 1000));
}

/** From `,"os_version":` to the body's end: what the phone fixes (written once per phone, see `deviceTails`). */
function writeDeviceTail(r: Buffer, from: number, d: DrawnDevice, ascii: boolean): number {
  let at = put(r, from, K.osVersion);
  at = putString(r, at, d.osVersion);
  at = put(r, at, K.manufacturer);
  at = putString(r, at, d.manufacturer, ascii);
  at = put(r, at, K.model);
  at = putString(r, at, d.modelName, ascii);
  return put(r, at, K.close);
}

function compileEvent(campaign: boolean, ascii: boolean): CompiledTemplate {
  /** Per phone (its key), writeDeviceTail's bytes in this --ascii mode: one copy, not seven writes per delivery. */
  const deviceTails: Uint8Array[] = [];
  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    const now = ctx.now;
    if (!(plainClock(now) && now >= EARLIEST_MS && now < LATEST_MS)) return -1;
    const who = drawShopper(ctx);
    const app = drawAppBuild(ctx);
    const d = drawDevice(ctx);
    drawUserId(ctx);
    const r = out;
    const from = start + HEAD_ROOM;
    let at: number;
    if (campaign) {
      const email = ctx.chance(0.3);
      const [name, code] = email ? ctx.pick(EMAIL_EVENTS) : PUSH_EVENTS[d.platform];
      at = putEventHead(ctx, r, from, name, code);
      at = put(r, at, K.campaignType);
      at = putUserId(r, at);
      if (email) {
        at = put(r, at, K.emailId);
        at = putEmail(r, at, who);
        at = put(r, at, K.campaignId);
      } else {
        at = put(r, at, K.pushId);
        if (d.platform === 'android') {
          at = ctx.charsInto(ALNUM_CODES, 11, r, at);
          at = put(r, at, K.apa);
          at = ctx.charsInto(BASE64URL_CODES, 134, r, at);
        } else at = ctx.charsInto(HEX_CODES, 64, r, at);
        at = put(r, at, K.campaignIdAfterPush);
      }
      at = ctx.charsInto(HEX_CODES, 24, r, at);
      at = put(r, at, K.campaignName);
      at = putString(r, at, ctx.pick(CAMPAIGN_NAMES), ascii);
      at = put(r, at, K.campaignTypeAttr);
      at = putString(r, at, ctx.pick(CAMPAIGN_TYPES));
      at = put(r, at, email ? K.channelEmail : K.channelPush);
    } else {
      // userAction draws before the event's head (uuid, time): its attributes go to a later place in the body.
      const name = ctx.pick(ACTIONS);
      let c: DrawnCart | undefined;
      let l: DrawnLine | undefined;
      if (name === 'Order Placed') c = drawCart(ctx, who);
      else if (name !== 'App Opened') l = drawLine(ctx, who);
      const source = name === 'App Opened' ? ctx.pick(SOURCES) : '';
      at = putEventHead(ctx, r, from, name, name);
      at = put(r, at, K.actionType);
      at = putUserId(r, at);
      at = put(r, at, K.attributes);
      if (c !== undefined) {
        at = put(r, at, K.orderId);
        at = putOrderId(r, at, c);
        at = put(r, at, K.amount);
        at = putNumber(r, at, c.total);
        at = put(r, at, K.currency);
        at = putString(r, at, who.country.currency, ascii);
        at = put(r, at, K.itemsCount);
        at = putNumber(r, at, itemCount(c));
        at = put(r, at, K.paymentMode);
        at = putString(r, at, c.paymentMethod, ascii);
        at = put(r, at, K.productNames);
        for (let i = 0; i < c.count; i++) {
          if (i > 0) r[at++] = 0x2c;
          at = putString(r, at, c.lines[i]!.product.title, ascii);
        }
        r[at++] = 0x5d;
        if (c.coupon) {
          at = put(r, at, K.couponCode);
          at = putCoupon(r, at, c);
        }
      } else if (l !== undefined) {
        at = put(r, at, K.productId);
        at = putProductId(r, at, l);
        at = put(r, at, K.productName);
        at = putString(r, at, l.product.title, ascii);
        at = put(r, at, K.brand);
        at = putString(r, at, l.product.brand, ascii);
        at = put(r, at, K.category);
        at = putString(r, at, l.product.category, ascii);
        at = put(r, at, K.price);
        at = putNumber(r, at, l.price);
        at = put(r, at, K.currency);
        at = putString(r, at, who.country.currency, ascii);
        at = put(r, at, K.quantity);
        at = putNumber(r, at, l.quantity);
      } else {
        at = put(r, at, K.appVersionAttr);
        at = putString(r, at, app.version);
        at = put(r, at, K.source);
        at = putString(r, at, source);
      }
    }
    at = put(r, at, K.userId);
    at = ctx.charsInto(HEX_CODES, 24, r, at);
    at = put(r, at, K.firstName);
    at = putString(r, at, who.first, ascii);
    at = put(r, at, K.lastName);
    at = putString(r, at, who.last, ascii);
    at = put(r, at, K.email);
    at = putEmail(r, at, who);
    at = put(r, at, K.mobile);
    at = putPhone(r, at, who);
    at = put(r, at, K.city);
    at = putString(r, at, who.city, ascii);
    at = put(r, at, K.country);
    at = putString(r, at, who.country.code, ascii);
    at = put(r, at, K.firstSeen);
    at = isoInto(r, at, pastMs(ctx, 2, 700));
    at = put(r, at, K.deviceId);
    at = ctx.uuidInto(r, at);
    at = put(r, at, d.platform === 'android' ? K.platformAndroid : K.platformIos);
    at = putString(r, at, app.version);
    at = put(r, at, (deviceTails[d.key] ??= once((o, a) => writeDeviceTail(o, a, d, ascii))));
    let end = put(out, start, K.appName);
    end = putString(out, end, app.name, ascii);
    end = put(out, end, K.requestId);
    end = ctx.uuidInto(out, end); // app_name (an app's name, 6 bytes a unit at most) and the rest: within HEAD_ROOM
    out.copyWithin(end, from, at);
    return end + at - from;
  };
  return { maxBytes: HEAD_ROOM + MAX_BYTES, write };
}

export function compileMoengage(event: string, variant: string | undefined, ascii: boolean): CompiledTemplate | undefined {
  if (event !== 'event') return undefined;
  const v = variant ?? 'user-action';
  return v === 'campaign' || v === 'user-action' ? compileEvent(v === 'campaign', ascii) : undefined;
}
