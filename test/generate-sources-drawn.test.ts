import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateContext } from '../src/templates/context.js';
import { createRng } from '../src/templates/random.js';
import {
  drawAppBuild, drawCart, drawDevice, drawLine, drawShopper, drawUserId, itemCount, putAppUserAgent, putBrowserUserAgent, putCartLine, putCoupon,
  putCustomerUserId, putEmail, putIp, putOrderId, putPhone, putProductId, putSku, putUserId,
} from '../src/templates/sources-drawn.js';
import { appBuild, appUserAgent, browserUserAgent, cart, cartLine, customerUserId, device, lineProps, localPrice, shopper } from '../src/templates/sources.js';
import { asciiPayload } from '../src/templates/text.js';

// The compiled templates draw through sources-drawn.ts, the interpreted ones through sources.ts. Each drawn helper is
// held here to the original it stands for: the same values (written as the bytes JSON.stringify gives the original's,
// folded under --ascii as the generator folds them) and the same draws after it (the next draw of both contexts is
// compared), for any seed, stream, clock and mode. test/generate-compiled-sources.test.ts compares whole bodies.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

const contexts = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  stream: fc.nat({ max: 10_000_000 }),
  now: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  ascii: fc.boolean(),
});
type Setup = { seed: number; stream: number; now: number; ascii: boolean };
const twins = ({ seed, stream, now, ascii }: Setup) => [new TemplateContext(seed, now, stream, { ascii }), new TemplateContext(seed, now, stream, { ascii })] as const;

const out = Buffer.alloc(4096);
/** What a writer puts, as text. */
function written(write: (out: Buffer, at: number) => number): string {
  out.fill(0xff);
  const end = write(out, 3);
  return out.toString('utf8', 3, end);
}
/** A value as the generator sends it: folded under --ascii, then JSON. */
const json = (value: unknown, ascii: boolean): string => JSON.stringify(ascii && typeof value === 'object' && value !== null ? asciiPayload(value) : ascii ? asciiPayload({ v: value }).v : value);

describe('draw-only helpers', () => {
  it('drawShopper: the shopper of shopper(), and the same draws after', () => {
    fc.assert(
      fc.property(contexts, (c) => {
        const [a, b] = twins(c);
        const w = drawShopper(a);
        const s = shopper(b);
        expect([w.first, w.last, w.name, w.plainFirst, w.city, w.country.code, w.country.currency, w.country.locale, w.country.timezone]).toEqual([s.first, s.last, s.name, s.plain.first, s.city, s.country, s.currency, s.locale, s.timezone]);
        expect(written((o, at) => putEmail(o, at, w))).toBe(json(s.email, c.ascii));
        expect(written((o, at) => putPhone(o, at, w))).toBe(json(s.phone, c.ascii));
        expect(written((o, at) => putIp(o, at, w))).toBe(json(s.ip, c.ascii));
        for (const usd of [0.01, 3, 40, 799]) expect(localPrice(w.country, usd)).toBe(s.price(usd));
        expect(a.float()).toBe(b.float());
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('drawLine and drawCart: the lines and totals of cartLine() and cart(), and the same draws after', () => {
    fc.assert(
      fc.property(contexts, fc.boolean(), (c, whole) => {
        const [a, b] = twins(c);
        const w = drawShopper(a);
        const s = shopper(b);
        if (!whole) {
          const l = drawLine(a, w);
          const k = cartLine(b, s);
          expect(written((o, at) => putCartLine(o, at, l, c.ascii))).toBe(json(lineProps(k), c.ascii));
          expect(written((o, at) => putProductId(o, at, l))).toBe(json(k.productId, c.ascii));
          expect(written((o, at) => putSku(o, at, l))).toBe(json(k.sku, c.ascii));
          expect([l.product.title, l.product.brand, l.product.category, l.price, l.quantity]).toEqual([k.name, k.brand, k.category, k.price, k.quantity]);
        } else {
          const d = drawCart(a, w);
          const k = cart(b, s);
          expect(d.count).toBe(k.lines.length);
          for (let i = 0; i < d.count; i++) expect(written((o, at) => putCartLine(o, at, d.lines[i]!, c.ascii))).toBe(json(lineProps(k.lines[i]!), c.ascii));
          expect([d.subtotal, d.discount, d.shipping, d.tax, d.total, d.paymentMethod, itemCount(d)]).toEqual([k.subtotal, k.discount, k.shipping, k.tax, k.total, k.paymentMethod, k.lines.reduce((n, l) => n + l.quantity, 0)]);
          expect(written((o, at) => putOrderId(o, at, d))).toBe(json(k.orderId, c.ascii));
          expect(d.coupon === '' ? undefined : written((o, at) => putCoupon(o, at, d))).toBe(k.coupon === undefined ? undefined : json(k.coupon, c.ascii));
        }
        expect(a.float()).toBe(b.float());
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('drawDevice, drawAppBuild and the app user agent: those of device(), appBuild() and appUserAgent(), and the same draws after', () => {
    fc.assert(
      fc.property(contexts, fc.constantFrom(undefined, 'android' as const, 'ios' as const), (c, platform) => {
        const [a, b] = twins(c);
        const app = drawAppBuild(a);
        const d = drawDevice(a, platform);
        const app0 = appBuild(b);
        const d0 = device(b, platform);
        expect({ name: app.name, bundle: app.bundle, version: app.version, build: app.build }).toEqual(app0);
        const { agent: _, key: __, ...fields } = d;
        expect(fields).toEqual(d0);
        expect(written((o, at) => putAppUserAgent(o, at, app, d))).toBe(json(appUserAgent(app0, d0), c.ascii));
        expect(a.float()).toBe(b.float());
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('putCustomerUserId, putBrowserUserAgent and drawUserId: what customerUserId() and browserUserAgent() make, and the same draws after', () => {
    fc.assert(
      fc.property(contexts, (c) => {
        const [a, b] = twins(c);
        expect(written((o, at) => putCustomerUserId(a, o, at))).toBe(json(customerUserId(b), c.ascii));
        expect(written((o, at) => putBrowserUserAgent(a, o, at))).toBe(json(browserUserAgent(b), c.ascii));
        drawUserId(a);
        a.skip(3); // what comes between a customer id's draws and where it is written
        const id = customerUserId(b);
        b.skip(3);
        expect(written(putUserId)).toBe(json(id, c.ascii));
        expect(a.float()).toBe(b.float());
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('Rng.fill', () => {
  it('draws what below(alphabet.length) per character draws, for every alphabet size, and leaves the same state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.nat({ max: 10_000_000 }), fc.integer({ min: 1, max: 46_340 }), fc.nat({ max: 200 }), (seed, stream, size, n) => {
        const a = createRng(seed, stream);
        const b = createRng(seed, stream);
        const alphabet = Array.from({ length: size }, (_, i) => i);
        const got = new Array<number>(n + 2).fill(-1);
        a.fill(alphabet, n, got, 1);
        expect(got).toEqual([-1, ...Array.from({ length: n }, () => b.below(size)), -1]);
        expect(a.u32()).toBe(b.u32());
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
