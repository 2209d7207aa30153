import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateContext } from '../src/templates/context.js';
import { FIRST_NAMES } from '../src/templates/names.js';
import { customerKey } from '../src/templates/rehook.js';
import { drawCustomerKey, putCustomerKey } from '../src/templates/rehook-coupon-compiled.js';
import { toAscii } from '../src/templates/text.js';

// The compiled coupon events draw the customer key through drawCustomerKey, the interpreted ones through rehook.ts
// customerKey: the same key as JSON (under --ascii too: it is ASCII) and the same draws after it (the next draw of
// both contexts is compared). test/generate-compiled-sources.test.ts compares whole bodies.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

const out = Buffer.alloc(1024);
function drawn(ctx: TemplateContext): string {
  out.fill(0xff);
  drawCustomerKey(ctx);
  const end = putCustomerKey(out, 3);
  expect(out[end]).toBe(0xff);
  return out.toString('utf8', 3, end);
}

describe('drawCustomerKey', () => {
  it('writes customerKey() as JSON, with the same draws after it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.nat({ max: 10_000_000 }), fc.boolean(), (seed, stream, ascii) => {
        const a = new TemplateContext(seed, 0, stream, { ascii });
        const b = new TemplateContext(seed, 0, stream, { ascii });
        const key = customerKey(b);
        expect(drawn(a)).toBe(JSON.stringify(key));
        expect(toAscii(key)).toBe(key);
        expect(a.float()).toBe(b.float());
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('meets every first name in its lower-cased form and every upper-cased prefix, in a run of 5,000 keys', () => {
    const plain = FIRST_NAMES.map((n) => toAscii(n));
    const lower = new Set<string>();
    const upper = new Set<string>();
    for (let stream = 0; stream < 5000; stream++) {
      const a = new TemplateContext(7, 0, stream);
      const b = new TemplateContext(7, 0, stream);
      const key = customerKey(b);
      expect(drawn(a)).toBe(JSON.stringify(key));
      if (/@/.test(key)) upper.add(key.slice(0, key.indexOf('@')));
      else if (!/^New_customer/.test(key)) lower.add(key.slice(0, key.lastIndexOf('_')));
    }
    expect([...lower].sort()).toEqual([...new Set(plain.map((p) => p.toLowerCase()))].sort());
    expect([...upper].sort()).toEqual([...new Set(plain.flatMap((p) => [3, 4, 5].map((n) => p.slice(0, n).toUpperCase())))].sort());
  });
});
