// Finding a delivery that carries multi-byte text, for checks that need one (conformance's valid:non-ascii):
// a correct, seeded body with 2- or 3-byte UTF-8 (é, ₹) and an emoji (4 bytes, outside the BMP: the case
// MySQL's utf8mb3 and UTF-16 surrogate bugs trip on), taken from the provider's ordinary deliveries.
import type { ProviderDef } from '../providers/types.js';
import { widestUtf8 } from '../templates/text.js';
import { prepareGenerator, type Delivery, type GenerateOptions } from './generate.js';

export interface TextProfile {
  /** Any byte outside ASCII. */
  nonAscii: boolean;
  /** A 2- or 3-byte UTF-8 sequence (accents, ₹, CJK). */
  multiByte: boolean;
  /** A 4-byte sequence (emoji). */
  astral: boolean;
}

export function textProfile(body: Uint8Array): TextProfile {
  let multiByte = false;
  let astral = false;
  for (const b of body) {
    // UTF-8 lead bytes: 110xxxxx and 1110xxxx start 2- and 3-byte sequences, 11110xxx a 4-byte one.
    if (b >= 0xf0) astral = true;
    else if (b >= 0xc0) multiByte = true;
    if (astral && multiByte) break;
  }
  return { nonAscii: multiByte || astral || body.some((b) => b >= 0x80), multiByte, astral };
}

export interface NonAsciiSample {
  event: string;
  variant?: string;
  /** The delivery's index in its seeded run (`--count`), so the same sample can be made again. */
  index: number;
  delivery: Delivery;
}

/**
 * The first of a provider's seeded deliveries (every event and variant, index by index; only `events` when given)
 * whose body has both multi-byte text and an emoji. Undefined when its payloads carry no such text (Reward's carry
 * no text at all). A tenant `mapping` reshapes the events that take one (CustomerGlu reward) and no other.
 */
export function nonAsciiSample(provider: ProviderDef, options: Omit<GenerateOptions, 'ascii' | 'variant'> = {}, limit = 200, events?: readonly string[]): NonAsciiSample | undefined {
  const { mapping, ...rest } = options;
  const gens = provider.events
    .filter((e) => events === undefined || events.includes(e.name))
    .flatMap((e) =>
      (e.variants?.length ? e.variants.filter((v) => !v.fixed).map((v) => v.name) : [undefined]).map((variant) =>
        prepareGenerator(provider, e.name, { ...rest, ...(mapping !== undefined && e.tenantMapping ? { mapping } : {}), ...(variant ? { variant } : {}) }),
      ),
    );
  for (let index = 0; index < limit; index++) {
    for (const g of gens) {
      const delivery = g.make(index);
      const p = textProfile(delivery.body);
      if (p.multiByte && p.astral) return { event: g.event.name, ...(g.variant ? { variant: g.variant } : {}), index, delivery };
    }
  }
  return undefined;
}

export { widestUtf8 };

/** The first string of a payload with an emoji (else with any non-ASCII), cut short: what a report can quote. */
export function nonAsciiExcerpt(payload: unknown, max = 40): string | undefined {
  let fallback: string | undefined;
  const stack: unknown[] = [payload];
  while (stack.length > 0) {
    const v = stack.shift();
    if (typeof v === 'string') {
      if (widestUtf8(v) === 4) return cut(v, max);
      if (fallback === undefined && widestUtf8(v) > 1) fallback = cut(v, max);
    } else if (typeof v === 'object' && v !== null) stack.push(...Object.values(v));
  }
  return fallback;
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
