import { createHash } from 'node:crypto';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { beforeAll, describe, expect, it } from 'vitest';
import { bodyCompilerFor, COUNT_STEP_MS, prepareGenerator, SEEDED_EPOCH_MS } from '../src/core/generate.js';
import { makeChunk } from '../src/core/generate-chunks.js';
import { validate } from '../src/core/validate.js';
import { findEvent, loadProvider } from '../src/providers/index.js';
import type { BodyCompiler, EventDef, ProviderDef } from '../src/providers/types.js';
import { putNumber, type CompiledTemplate } from '../src/templates/compiled.js';
import { TemplateContext } from '../src/templates/context.js';
import { mixSeed } from '../src/templates/random.js';
import { asciiPayload } from '../src/templates/text.js';
import { runCli } from './helpers/cli.js';

// `generate customerglu reward --count` writes each body with a compiled template (src/templates/compiled.ts):
// constant JSON fragments and drawn ids straight into the output buffer, no payload object, no JSON.stringify, no
// schema check per delivery. Its deliveries are valid because they are the interpreted template's, byte for byte:
// proven here against JSON.stringify of the interpreted payload (the oracle) for every variant and mode, at random
// seeds, indices and clocks, and each compiled body is parsed and validated with the event's own zod schema.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
let provider: ProviderDef;
let reward: EventDef;
let variants: string[];
/** The provider's compiled templates, as `generate --count` loads them (bodyCompilerFor). */
let compile: BodyCompiler;
beforeAll(async () => {
  provider = await loadProvider('customerglu');
  reward = findEvent(provider, 'reward');
  variants = reward.variants!.map((v) => v.name);
  compile = (await provider.loadBodyCompiler!())!;
});

/** The interpreted path, as prepareGenerator runs it: template, --ascii fold, JSON.stringify. */
function interpreted(seed: number, now: number, index: number, variant: string, ascii: boolean): string {
  let payload = provider.template('reward', new TemplateContext(seed, now, index, { ascii }), variant);
  if (ascii) payload = asciiPayload(payload);
  return JSON.stringify(payload);
}

const compiled = new Map<string, CompiledTemplate>();
function compiledBody(seed: number, now: number, index: number, variant: string, ascii: boolean): Buffer {
  const key = `${variant} ${ascii}`;
  if (!compiled.has(key)) compiled.set(key, compile(reward, variant, ascii)!);
  const template = compiled.get(key)!;
  const out = Buffer.alloc(template.maxBytes + 64, 0xff);
  const end = template.write(new TemplateContext(seed, now, index, { ascii }), out, 7);
  expect(end - 7).toBeLessThanOrEqual(template.maxBytes);
  expect(out[end]).toBe(0xff); // nothing written past the end it returned
  return out.subarray(7, end);
}

describe('the compiled CustomerGlu reward', () => {
  it('exists for every variant, with and without --ascii', () => {
    for (const variant of variants) for (const ascii of [false, true]) expect(compile(reward, variant, ascii), `${variant} ${ascii}`).toBeDefined();
    expect(compile(findEvent(provider, 'nudge'), undefined, false)).toBeUndefined();
  });

  it('writes exactly the UTF-8 of JSON.stringify of the interpreted payload, which the schema accepts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.nat({ max: 10_000_000 }),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.constantFrom(...variants),
        fc.boolean(),
        (seed, index, now, variant, ascii) => {
          const want = interpreted(seed, now, index, variant, ascii);
          const got = compiledBody(seed, now, index, variant, ascii);
          expect(got.toString('utf8')).toBe(want);
          expect(got.equals(Buffer.from(want, 'utf8'))).toBe(true);
          expect(validate(reward.schema, JSON.parse(got.toString('utf8')))).toEqual([]);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it('matches on every branch the template can take (every reward type, currency, term, expiry and code)', () => {
    for (const variant of ['spinthewheel', 'referral']) {
      for (const ascii of [false, true]) {
        const seen = new Set<string>();
        const seed = mixSeed(`branches-${variant}`);
        for (let index = 0; index < 6000; index++) {
          const got = compiledBody(seed, SEEDED_EPOCH_MS + index * COUNT_STEP_MS, index, variant, ascii).toString('utf8');
          const want = interpreted(seed, SEEDED_EPOCH_MS + index * COUNT_STEP_MS, index, variant, ascii);
          if (got !== want) expect(got).toBe(want); // an expect only on a difference: 24,000 of them cost seconds
          const p = JSON.parse(got);
          seen.add(`type ${p.rewardType}`).add(`currency ${p.details.currency}`).add(`tnc ${p.tnc.length} ${p.tnc[0].slice(0, 12)}`);
          seen.add(`expiry ${p.rewardExpiry === -1}`).add(`code ${'code' in p}`).add(`amount ${'rewardAmount' in p}`);
          seen.add(`${p.rewardType} ${p.rewardName}`);
        }
        const types = variant === 'referral' ? 3 : 12;
        expect([...seen].filter((s) => s.startsWith('type ')).length).toBe(types);
        expect([...seen].filter((s) => s.startsWith('currency ')).length).toBe(6);
        expect([...seen].filter((s) => s.startsWith('tnc ')).length).toBe(3);
        for (const s of ['expiry true', 'expiry false', 'amount true']) expect(seen).toContain(s);
        if (variant !== 'referral') for (const s of ['code true', 'code false', 'amount false']) expect(seen).toContain(s);
      }
    }
  });

  it('leaves a delivery to the interpreted path (-1) on a clock it is not proven valid for, and only there', () => {
    const template = compile(reward, undefined, false)!;
    const out = Buffer.alloc(template.maxBytes + 1);
    const clock = fc.oneof(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.double({ min: -1e17, max: 1e17, noNaN: true }), fc.constantFrom(-1, 0, 8.64e15, 8.64e15 + 1, NaN));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.nat({ max: 10_000 }), clock, (seed, index, now) => {
        const end = template.write(new TemplateContext(seed, now, index), out, 0);
        const proven = now >= 0 && now <= 8.64e15;
        expect(end >= 0).toBe(proven);
        if (!proven) return;
        expect(out.toString('utf8', 0, end)).toBe(interpreted(seed, now, index, 'spinthewheel', false));
        expect(validate(reward.schema, JSON.parse(out.toString('utf8', 0, end)))).toEqual([]);
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('writes numbers as JSON does', () => {
    const out = Buffer.alloc(64);
    for (const n of [0, -0, -1, 7, 10, 99, 100, 1_767_225_600, -1_767_225_600, 2 ** 31 - 1, 2 ** 31, 1e9, 4_294_967_295, 1_767_225_600_000, 8_999_999_999_999_999, 2 ** 53 - 1, 2 ** 53, 1e21, -1e-7, 0.5, 123.25]) {
      expect(out.toString('latin1', 3, putNumber(out, 3, n))).toBe(JSON.stringify(n));
    }
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true })), (n) => {
      expect(out.toString('latin1', 0, putNumber(out, 0, n))).toBe(JSON.stringify(n));
    }), { numRuns: RUNS * 5 });
  });

  it('is not used for a copy of the provider whose template or schema was replaced', async () => {
    const template: ProviderDef['template'] = (event, ctx, variant) => ({ ...provider.template(event, ctx, variant), extra: true });
    expect(await { ...provider, template }.loadBodyCompiler!()).toBeUndefined();
    const copied = (await { ...provider }.loadBodyCompiler!())!;
    expect(copied({ ...reward, schema: findEvent(provider, 'nudge').schema }, undefined, false)).toBeUndefined();
    expect(copied(reward, undefined, false)).toBeDefined();
  });
});

describe('prepareGenerator().writeBody', () => {
  const COUNT = 3000;
  const out = Buffer.alloc(1 << 16);

  it('switches to the compiled template after the first deliveries and writes what make() gives', () => {
    for (const [variant, ascii] of [['spinthewheel', false], ['quiz', true], ['referral', false]] as const) {
      const gen = prepareGenerator(provider, 'reward', { seed: 'writeBody', variant, ascii }, undefined, compile);
      const lib = prepareGenerator(provider, 'reward', { seed: 'writeBody', variant, ascii });
      let written = 0;
      for (let i = 0; i < COUNT; i++) {
        const end = gen.writeBody(i, out, 5);
        const want = lib.make(i).body;
        if (end < 0) {
          expect(end).toBe(-1);
          expect(i).toBeLessThan(64); // only the first deliveries are interpreted
          expect(gen.makeText(i).text).toBe(want.toString('utf8'));
        } else {
          written++;
          expect(out.subarray(5, end).equals(want)).toBe(true);
        }
      }
      expect(written).toBe(COUNT - 64);
    }
  });

  it('is never used when anything reshapes the payload, or for --pretty', () => {
    for (const options of [{ set: [{ path: 'rewardAmount', value: 5 }] }, { unset: ['body'] }, { data: { x: 1 } }, { pretty: true }, { mapping: { id: '$rewardId' } }]) {
      const gen = prepareGenerator(provider, 'reward', { seed: 1, ...options }, undefined, compile);
      for (let i = 0; i < 200; i++) {
        if (gen.writeBody(i, out, 0) !== -1) throw new Error(`compiled with ${JSON.stringify(options)}`);
        gen.makeText(i);
      }
    }
  });

  it('is not even loaded (the bulk pack) when anything reshapes the payload, or for a short run', async () => {
    for (const options of [{ set: [{ path: 'rewardAmount', value: 5 }] }, { unset: ['body'] }, { data: { x: 1 } }, { pretty: true }, { mapping: { id: '$rewardId' } }]) {
      expect(await bodyCompilerFor(provider, 65, options), JSON.stringify(options)).toBeUndefined();
    }
    expect(await bodyCompilerFor(provider, 64, {})).toBeUndefined();
    for (const options of [{}, { ascii: true, validate: false, seed: 1, now: 0, variant: 'quiz' }, { set: [], unset: [] }]) {
      expect(await bodyCompilerFor(provider, 65, options), JSON.stringify(options)).toBeDefined();
    }
  });

  it('asks for room (-2) rather than writing past the buffer', () => {
    const gen = prepareGenerator(provider, 'reward', { seed: 2 }, undefined, compile);
    for (let i = 0; i < 64; i++) gen.makeText(i);
    const small = Buffer.alloc(300);
    expect(gen.writeBody(64, small, 0)).toBe(-2);
    expect(gen.writeBody(64, out, 0)).toBeGreaterThan(0);
  });

  it('drops a compiled template whose bytes differ from the interpreted ones, and stays correct', () => {
    // A compiled form that is wrong from its 10th use on: the cross-checks (first 64 uses, then every 1024th) see it.
    let uses = 0;
    const broken: BodyCompiler = (event, variant, ascii) => {
      const t = compile(event, variant, ascii)!;
      return { maxBytes: t.maxBytes, write: (ctx, o, at) => (++uses > 10 ? at + o.write('{}', at) : t.write(ctx, o, at)) };
    };
    const gen = prepareGenerator(provider, 'reward', { seed: 3 }, undefined, broken);
    const lib = prepareGenerator(provider, 'reward', { seed: 3 });
    const hash = (bodies: Buffer[]) => createHash('sha256').update(Buffer.concat(bodies)).digest('hex');
    const got: Buffer[] = [];
    const want: Buffer[] = [];
    for (let i = 0; i < 500; i++) {
      const end = gen.writeBody(i, out, 0);
      got.push(end >= 0 ? Buffer.from(out.subarray(0, end)) : Buffer.from(gen.makeText(i).text, 'utf8'));
      want.push(lib.make(i).body);
    }
    expect(uses).toBe(11);
    expect(hash(got)).toBe(hash(want));
  });

  it('a compiled form that writes where the schema refuses the payload still stops the run there, every delivery before it kept', () => {
    // The lie the cross-checks are for: bytes that agree with the template where its payload is valid and go on where
    // the schema refuses it (here from delivery 100, a cross-checked one). The run must end as at any refused delivery:
    // the 100 before it written, then the schema's error (exit 2), not an exception that drops the chunk made so far.
    const tick: EventDef = { name: 'tick', description: 'n counts the deliveries', origin: 'INFERRED', schema: z.object({ n: z.number().check(z.lt(100)) }) };
    const custom: ProviderDef = { ...provider, events: [tick], template: (_event, ctx) => ({ n: ctx.now / 1000 }) };
    const lying: BodyCompiler = () => ({ maxBytes: 32, write: (ctx, o, at) => at + o.write(JSON.stringify({ n: ctx.now / 1000 }), at) });
    const gen = prepareGenerator(custom, 'tick', { seed: 1, now: 0 }, undefined, lying);
    const done = makeChunk(gen, { c: 0, from: 0, to: 200 }, { perDelivery: 16, reported: false });
    expect(done.error).toMatchObject({ exitCode: 2, code: 'invalid_payload' });
    const lines = Buffer.from(done.bytes, 0, done.length).toString('utf8').split('\n').filter(Boolean);
    expect(lines).toEqual(Array.from({ length: 100 }, (_, n) => JSON.stringify({ n })));
  });
});

describe('generate customerglu reward --count', () => {
  it('before 1970 stops at the first invalid delivery, as the interpreted path does (exit 2)', async () => {
    // With this seed the first invalid rewardExpiry (a negative unix time) is delivery 544: long after the switch.
    const options = { seed: 'pre1970-4', now: Date.UTC(1969, 11, 24) };
    const gen = prepareGenerator(provider, 'reward', options, undefined, compile);
    const bodies: string[] = [];
    expect(() => {
      for (let i = 0; i < 3000; i++) bodies.push(gen.make(i).body.toString('utf8'));
    }).toThrow(/rewardExpiry/);
    expect(bodies.length).toBe(544);
    const r = await runCli(['generate', 'customerglu', 'reward', '--seed', 'pre1970-4', '--now', '1969-12-24T00:00:00Z', '--count', '3000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rewardExpiry/);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(544);
    expect(lines).toEqual(bodies.slice(0, lines.length));
  });

  it.each([
    [['--variant', 'quiz', '--ascii', '--now', '2031-05-06T07:08:09.123Z']],
    [['--variant', 'referral', '--now', '1700000000']],
  ])('%j prints exactly the library’s bodies', async (extra) => {
    const COUNT = 2500;
    const options = { seed: 'cli', variant: extra[1]!, ascii: extra.includes('--ascii'), now: extra.includes('1700000000') ? 1_700_000_000_000 : Date.parse('2031-05-06T07:08:09.123Z') };
    const gen = prepareGenerator(provider, 'reward', options, undefined, compile);
    const hash = createHash('sha256');
    for (let i = 0; i < COUNT; i++) hash.update(gen.make(i).body).update('\n');
    const r = await runCli(['generate', 'customerglu', 'reward', '--seed', 'cli', '--count', String(COUNT), ...extra]);
    expect(r.code, r.stderr).toBe(0);
    expect(createHash('sha256').update(r.stdoutBytes).digest('hex')).toBe(hash.digest('hex'));
  });
});
