import { describe, expect, it } from 'vitest';
import { validate } from '../src/core/validate.js';
import { loadProvider, PROVIDER_IDS } from '../src/providers/index.js';
import type { EventDef, ProviderDef } from '../src/providers/types.js';
import type { CompiledTemplate } from '../src/templates/compiled.js';
import { TemplateContext } from '../src/templates/context.js';
import { asciiPayload } from '../src/templates/text.js';

// Every compiled form (src/templates/*-compiled.ts) at the edges the random properties of its own test rarely hit:
// the clocks where a compiled form must turn to the interpreted path (1970, 30 days after it, Date's and isoInto's
// year 10000 and 30 days around it, mgPass's 10^11 unix seconds, Date's ±8.64e15, fractions, -0, NaN), stream indices
// past 2^31 and 2^32 and at 2^53 - 1, and the extreme seeds. At each, with and without --ascii: either the compiled
// form writes exactly JSON.stringify of the interpreted payload, which the schema accepts, or it returns -1 having
// drawn nothing (the compiled.ts contract), and it never writes past maxBytes.

const DAY = 86_400_000;
const YEAR_10000 = 253_402_300_800_000;
const MGPASS_LAST = 1e14 - 30 * DAY;
const CLOCKS = [
  0, -0, 1, -1, 0.5, -0.5, 999, 1000, 1001,
  30 * DAY - 1, 30 * DAY, 30 * DAY + 0.25, 30 * DAY + 1,
  Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 0.999, Date.UTC(2199, 11, 31, 23, 59, 59, 999),
  1e13, // 2286-11-20T17:46:40Z: unix seconds reach 11 digits' worth of ms
  MGPASS_LAST - 1, MGPASS_LAST, 1e14 - 1, 1e14,
  YEAR_10000 - 30 * DAY - 1, YEAR_10000 - 30 * DAY, YEAR_10000 - 1, YEAR_10000 - 0.5, YEAR_10000, YEAR_10000 + 30 * DAY,
  8.64e15 - 30 * DAY, 8.64e15, 8.64e15 + 1, -8.64e15, 2 ** 53 - 1, -(2 ** 53 - 1), Number.NaN,
];
const INDICES = [0, 1, 63, 64, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 64, 2 ** 53 - 1];
const SEEDS = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff];

interface Form {
  provider: ProviderDef;
  event: EventDef;
  variant: string | undefined;
  ascii: boolean;
  template: CompiledTemplate;
}

async function forms(): Promise<Form[]> {
  const all: Form[] = [];
  for (const id of PROVIDER_IDS) {
    const provider = await loadProvider(id);
    const compile = await provider.loadBodyCompiler?.();
    if (compile === undefined) continue;
    for (const event of provider.events) {
      for (const variant of event.variants?.length ? event.variants.map((v) => v.name) : [undefined]) {
        for (const ascii of [false, true]) {
          const template = compile(event, variant, ascii);
          if (template !== undefined) all.push({ provider, event, variant, ascii, template });
        }
      }
    }
  }
  return all;
}

/** The interpreted body (as prepareGenerator's makeText makes it), or undefined where it throws or fails the schema. */
function interpreted(f: Form, seed: number, now: number, index: number): string | undefined {
  let payload;
  try {
    payload = f.provider.template(f.event.name, new TemplateContext(seed, now, index, { ascii: f.ascii }), f.variant);
  } catch {
    return undefined;
  }
  if (f.ascii) payload = asciiPayload(payload);
  return validate(f.event.schema, payload).length === 0 ? JSON.stringify(payload) : undefined;
}

describe('every compiled form at extreme clocks, indices and seeds', () => {
  it('writes the interpreted bytes, valid, within maxBytes, or leaves the delivery (-1) having drawn nothing', async () => {
    const all = await forms();
    // The events compiled this wave, so that a provider losing its compiled forms does not pass this test empty.
    const names = new Set(all.map((f) => `${f.provider.id} ${f.event.name}`));
    for (const e of ['rehook order_success', 'rehook customer.referral.successful.advocate', 'rehook customer.referral.successful.friend', 'rehook customer.leaderboard.awarded', 'mgpass user.register', 'mgpass user.impersonated', 'mgpass user.login.success', 'mgpass user.login.failed', 'mgpass session.created']) {
      expect(names.has(e), e).toBe(true);
    }
    const problems: string[] = [];
    let written = 0;
    let left = 0;
    for (const f of all) {
      const out = Buffer.alloc(f.template.maxBytes + 32);
      for (const seed of SEEDS) {
        for (const index of INDICES) {
          for (const now of CLOCKS) {
            const label = `${f.provider.id} ${f.event.name} ${f.variant ?? ''} ascii=${f.ascii} seed=${seed} index=${index} now=${now}`;
            out.fill(0xff);
            const ctx = new TemplateContext(seed, now, index, { ascii: f.ascii });
            const end = f.template.write(ctx, out, 16);
            const want = interpreted(f, seed, now, index);
            if (end === -1) {
              left++;
              if (ctx.float() !== new TemplateContext(seed, now, index).float()) problems.push(`${label}: drew before returning -1`);
              continue;
            }
            written++;
            if (end - 16 > f.template.maxBytes || out[f.template.maxBytes + 16] !== 0xff) problems.push(`${label}: past maxBytes`);
            const got = out.toString('utf8', 16, end);
            if (want === undefined) problems.push(`${label}: wrote ${got} where the interpreted payload is refused`);
            else if (got !== want) problems.push(`${label}: wrote\n${got}\nnot\n${want}`);
          }
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // Both outcomes are exercised: most of these clocks are written, the far ones left.
    expect(written).toBeGreaterThan(left / 4);
    expect(left).toBeGreaterThan(0);
  }, 120_000);
});
