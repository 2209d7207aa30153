import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { setPath, unsetPath } from '../src/core/paths.js';
import { validate, validateOften } from '../src/core/validate.js';
import { loadAllProviders } from '../src/providers/index.js';
import type { ProviderDef } from '../src/providers/types.js';
import { TemplateContext } from '../src/templates/context.js';
import { createRng, mixSeed } from '../src/templates/random.js';
import { runCli } from './helpers/cli.js';

// `generate --count` got faster by doing the same work differently: the random generator's state in signed
// integers, ids built with one String.fromCharCode, character draws without float modulo, zod's assert-only
// validator, a reused batch buffer. Each is checked here against the plain way of doing it (an oracle written
// from the definition, not from the new code); the golden hashes (golden.test.ts) pin the bytes besides.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** sfc32 as published (unsigned arithmetic, every step `>>> 0`), seeded as createRng documents. */
function referenceRng(seed: number, stream: number): () => number {
  const splitmix = (state: number) => {
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s = seed >>> 0;
  let a = splitmix((s = (s + 0x9e3779b9) >>> 0));
  let b = splitmix((s = (s + 0x9e3779b9) >>> 0));
  let c = splitmix((s = (s + 0x9e3779b9) >>> 0));
  let d = (splitmix((s = (s + 0x9e3779b9) >>> 0)) ^ stream) >>> 0;
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

describe('the random generator', () => {
  it('draws the published sfc32 sequence for any seed and stream', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.nat({ max: 10_000_000 }), (seed, stream) => {
        const rng = createRng(seed, stream);
        const ref = referenceRng(seed, stream);
        // One comparison of the 300 draws (the same check as 300 expects, without their cost).
        const draws = Array.from({ length: 300 }, () => rng.u32());
        expect(draws).toEqual(Array.from({ length: 300 }, () => ref()));
      }),
      { numRuns: RUNS },
    );
  });

  it('below(n) is u32() % n, one draw each, for every n it is used with and at random', () => {
    const ns = [10, 16, 32, 36, 62, 64, 1, 2, 3, 7, 255, 256, 1000, 46_340];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 46_340 }), (seed, n) => {
        const fast = createRng(seed, 3);
        const plain = createRng(seed, 3);
        const got: number[] = [];
        const want: number[] = [];
        for (const m of [...ns, n]) {
          for (let i = 0; i < 20; i++) {
            got.push(fast.below(m));
            want.push(plain.u32() % m);
          }
        }
        expect(got).toEqual(want);
      }),
      { numRuns: RUNS },
    );
  });
});

/** The id helpers as they were written before (one character appended at a time), on the reference sequence. */
function referenceIds(seed: number, stream: number) {
  const next = referenceRng(seed, stream);
  const chars = (alphabet: string, n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[next() % alphabet.length];
    return out;
  };
  const hex2 = (x: number) => x.toString(16).padStart(2, '0');
  return {
    hex: (n: number) => chars('0123456789abcdef', n),
    alnum: (n: number) => chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', n),
    lowerAlnum: (n: number) => chars('abcdefghijklmnopqrstuvwxyz0123456789', n),
    digits: (n: number) => chars('0123456789', n),
    base64url: (n: number) => chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', n),
    ulid: (time: number) => {
      let out = '';
      let t = time;
      for (let i = 0; i < 10; i++) {
        out = '0123456789abcdefghjkmnpqrstvwxyz'[t % 32] + out;
        t = Math.floor(t / 32);
      }
      return out + chars('0123456789abcdefghjkmnpqrstvwxyz', 16);
    },
    uuid: () => {
      const [a, b, c, d] = [next(), next(), next(), next()];
      const bytes = [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255, b >>> 24, (b >>> 16) & 255, ((b >>> 8) & 0x0f) | 0x40, b & 255, ((c >>> 24) & 0x3f) | 0x80, (c >>> 16) & 255, (c >>> 8) & 255, c & 255, d >>> 24, (d >>> 16) & 255, (d >>> 8) & 255, d & 255].map(hex2);
      return `${bytes.slice(0, 4).join('')}-${bytes.slice(4, 6).join('')}-${bytes.slice(6, 8).join('')}-${bytes.slice(8, 10).join('')}-${bytes.slice(10).join('')}`;
    },
  };
}

describe('ids', () => {
  it('are the characters the plain definition draws, in every format and length', () => {
    const kinds = ['hex', 'alnum', 'lowerAlnum', 'digits', 'base64url', 'uuid', 'ulid'] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.nat({ max: 100_000 }),
        fc.array(fc.tuple(fc.constantFrom(...kinds), fc.nat({ max: 40 })), { minLength: 1, maxLength: 12 }),
        (seed, stream, calls) => {
          const now = Date.UTC(2026, 0, 1) + stream;
          const ctx = new TemplateContext(seed, now, stream);
          const ref = referenceIds(seed, stream);
          for (const [kind, n] of calls) {
            const got = kind === 'uuid' ? ctx.uuid() : kind === 'ulid' ? ctx.ulid() : ctx[kind](n);
            const want = kind === 'uuid' ? ref.uuid() : kind === 'ulid' ? ref.ulid(now) : ref[kind](n);
            expect(got).toBe(want);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('uuid() is an RFC 4122 version 4 UUID', () => {
    const ctx = new TemplateContext(mixSeed('uuid'), 0);
    const uuids = Array.from({ length: 2000 }, () => ctx.uuid());
    expect(uuids.filter((u) => !/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u))).toEqual([]);
  });
});

let providers: ProviderDef[] = [];
beforeAll(async () => {
  providers = await loadAllProviders();
});

describe('validateOften (zod compiled, assert-only)', () => {
  it('gives validate()’s verdict and issues for every event’s payloads, as generated and as broken by --set/--unset', () => {
    const events = providers.flatMap((p) => p.events.map((e) => ({ p, e })));
    // A fresh copy of each constant: one shared `{}` or `[]`, set into a payload and then edited, carried those edits
    // (and once a cycle) into later runs.
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(-1, 0, 1.5, '', 'x', null, [], {}, true).map((v) => structuredClone(v)));
    fc.assert(
      fc.property(
        fc.nat({ max: events.length - 1 }),
        fc.nat({ max: 10_000 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat(), value), { maxLength: 3 }),
        (pick, index, edits) => {
          const { p, e } = events[pick]!;
          const payload = prepareGenerator(p, e.name, { seed: index, validate: false }).make(index).payload as Record<string, unknown>;
          // Break it where it matters: a known key (nested ones too) replaced or removed.
          const paths = knownPaths(payload);
          for (const [remove, at, v] of edits) {
            const path = paths[at % paths.length]!;
            try {
              if (remove) unsetPath(payload, path);
              else setPath(payload, path, v);
            } catch {
              // a path the edit before made impossible
            }
          }
          expect(validateOften(e.schema, payload)).toEqual(validate(e.schema, payload));
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });
});

/** Dotted paths of every value in a payload (arrays as .n), for breaking it in known places. */
function knownPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return prefix ? [prefix] : [];
  const out = prefix ? [prefix] : [];
  for (const [k, v] of Object.entries(value)) {
    if (/[.[\]\\]/.test(k)) continue;
    out.push(...knownPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return out;
}

describe('generate --count', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-count-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What the library makes, one body per line: the generic path every fast one must equal. */
  function expected(provider: string, event: string, count: number, options: { seed: string; ascii?: boolean; variant?: string }): string {
    const p = providers.find((x) => x.id === provider)!;
    const gen = prepareGenerator(p, event, options);
    const hash = createHash('sha256');
    for (let i = 0; i < count; i++) hash.update(gen.make(i).body).update('\n');
    return hash.digest('hex');
  }

  it.each([
    ['customerglu', 'reward', [] as string[], {}],
    ['customerglu', 'reward', ['--variant', 'referral', '--ascii'], { variant: 'referral', ascii: true }],
    ['rehook', 'customer.rewarded', [], {}],
    ['segment', 'track', [], {}],
  ])('%s %s %j: stdout and -o hold exactly the library’s bodies, across many batches', async (provider, event, extra, options) => {
    // 4,000 deliveries: past the compiled-validator switch (64) and through dozens of 64 KB batches, which reuse one buffer.
    const COUNT = 4000;
    const want = expected(provider, event, COUNT, { seed: 'fast', ...options });
    const r = await runCli(['generate', provider, event, '--seed', 'fast', '--count', String(COUNT), ...extra]);
    expect(r.code, r.stderr).toBe(0);
    expect(createHash('sha256').update(r.stdoutBytes).digest('hex')).toBe(want);
    const out = join(dir, `${provider}-${event}.ndjson`);
    const f = await runCli(['generate', provider, event, '--seed', 'fast', '--count', String(COUNT), '-o', out, ...extra]);
    expect(f.code, f.stderr).toBe(0);
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(want);
  });
});
