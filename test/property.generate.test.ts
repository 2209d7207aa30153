import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { MAX_DEPTH, parseAssignment } from '../src/core/paths.js';
import { CliError, UsageError } from '../src/output/errors.js';
import { loadAllProviders } from '../src/providers/index.js';
import type { ProviderDef } from '../src/providers/types.js';
import { runCli } from './helpers/cli.js';

// `generate --set` takes paths and values straight from the command line. Whatever the user types, the
// answer is valid JSON or one clear exit-2 line: never a stack trace, never a polluted prototype.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
let providers: ProviderDef[] = [];
beforeAll(async () => {
  providers = await loadAllProviders();
});
afterAll(() => {
  // A `__proto__.x` path that reached Object.prototype would show up here (and break everything else).
  expect(Object.keys(Object.prototype)).toEqual([]);
});

/** Paths built from the characters and names that matter to the parser and to JavaScript objects. */
const segment = fc.oneof(
  fc.constantFrom('details', 'currency', 'rewardAmount', 'tnc', 'data', 'user', 'metadata', 'x'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'length', 'valueOf'),
  fc.constantFrom('0', '1', '2', '00', '999999999999999999999', '-1', '1e3', ''),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const joiner = fc.constantFrom('.', '.', '.', '[0]', '[1]', '[', ']', '\\.', '..', '[x]', '[99]');
const pathArb = fc.oneof(
  fc.tuple(fc.array(fc.tuple(segment, joiner), { maxLength: 5 }), segment).map(([parts, last]) => parts.map(([s, j]) => s + j).join('') + last),
  fc.string({ maxLength: 20 }),
  fc.integer({ min: 1, max: 1500 }).map((n) => Array.from({ length: n }, () => 'a').join('.')),
);
/** JSON values plus what JSON cannot hold: huge numbers, NaN, deep nesting. */
const valueArb = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.double(),
  fc.constantFrom(Number.POSITIVE_INFINITY, Number.NaN, -0, Number.MAX_VALUE, 2 ** 53 + 1),
  fc.integer({ min: 1, max: 3000 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown),
  fc.string({ unit: 'binary', maxLength: 50 }),
);
/** What a user types after `--set`: sometimes JSON, sometimes text, sometimes nothing sensible. */
const rawValueArb = fc.oneof(
  valueArb.map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('1e400', '-1e999', '123456789012345678901234567890', '{"__proto__":{"polluted":1}}', '[', '{"a":', '"unterminated', '0x10', 'NaN'),
);

interface Outcome {
  ok: boolean;
  body?: Buffer;
  error?: unknown;
}

function run(pick: number, eventPick: number, sets: Array<{ path: string; value: unknown }>, unset: string[], validate: boolean): Outcome {
  const provider = providers[pick % providers.length]!;
  const event = provider.events[eventPick % provider.events.length]!;
  try {
    const delivery = prepareGenerator(provider, event.name, { seed: 7, set: sets, unset, validate }).make(0);
    return { ok: true, body: delivery.body };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectCleanOutcome(outcome: Outcome): void {
  if (outcome.ok) {
    expect(() => JSON.parse(outcome.body!.toString('utf8'))).not.toThrow();
    return;
  }
  const e = outcome.error as Error;
  expect(e, `unexpected ${e?.constructor?.name}: ${e?.message}`).toBeInstanceOf(UsageError);
  expect((e as CliError).exitCode).toBe(2);
  expect(e.message).not.toMatch(/\n/);
  expect(e.message.length).toBeGreaterThan(0);
}

/**
 * Well-formed paths to a key the payload does not have (so every outcome is known): a fresh first key, then
 * names and [0] items, with `.`, `[` and `\` escaped. Returned with the segments they mean, written down here
 * independently of the parser.
 */
const name = fc
  .oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'a.b', 'x[0]', 'back\\slash', 'é'))
  .filter((n) => !/^\d+$/.test(n));
const escape = (n: string) => n.replace(/[\\.[]/g, (c) => `\\${c}`);
const newPath = fc
  .tuple(name, fc.array(fc.oneof(name, fc.constant(0)), { maxLength: 5 }), fc.boolean())
  .map(([first, rest, dotIndex]) => {
    const segments: Array<string | number> = [`zz${first}`, ...rest];
    const path = segments.map((s, i) => (typeof s === 'number' ? (dotIndex && i > 0 ? `.${s}` : `[${s}]`) : i === 0 ? escape(s) : `.${escape(s)}`)).join('');
    return { path, segments };
  });

/** The value at `segments`, own properties only (so `__proto__` is the key, not the prototype). */
function walk(json: unknown, segments: Array<string | number>): unknown {
  let node = json;
  for (const seg of segments) {
    expect(Object.hasOwn(node as object, seg), `missing ${String(seg)}`).toBe(true);
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

describe('generate --set through the library', () => {
  it('arbitrary paths and values: valid JSON, or a one-line UsageError with exit code 2', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(fc.record({ path: pathArb, value: valueArb }), { minLength: 1, maxLength: 3 }), fc.array(pathArb, { maxLength: 2 }), fc.boolean(), (p, e, sets, unset, validate) => {
        expectCleanOutcome(run(p, e, sets, unset, validate));
      }),
      { numRuns: RUNS },
    );
  });

  it('a value set at a well-formed new path is in the output at exactly that path (never an error)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), newPath, fc.jsonValue({ maxDepth: 3 }), (p, e, { path, segments }, value) => {
        const outcome = run(p, e, [{ path, value }], [], false);
        expect(outcome.error, `--set ${path}`).toBeUndefined();
        expect(JSON.stringify(walk(JSON.parse(outcome.body!.toString('utf8')), segments))).toBe(JSON.stringify(value));
      }),
      { numRuns: RUNS },
    );
  });

  it('a path with one defect (an empty segment, a dangling dot, a bracket without a number) is a bad_path usage error', () => {
    const defect = fc.constantFrom((p: string) => `${p}.`, (p: string) => `.${p}`, (p: string) => `${p}..x`, (p: string) => `${p}[x]`, (p: string) => `${p}[`, (p: string) => `${p}[]`, (p: string) => `${p}[-1]`, (p: string) => `[0`);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), newPath, defect, (p, e, { path }, breakIt) => {
        const broken = breakIt(path);
        const outcome = run(p, e, [{ path: broken, value: 1 }], [], false);
        expect(outcome.error, `--set ${broken}`).toBeInstanceOf(UsageError);
        expect((outcome.error as UsageError).code, `--set ${broken}`).toBe('bad_path');
      }),
      { numRuns: RUNS },
    );
  });

  it(`a path is refused exactly when it is deeper than ${MAX_DEPTH} levels`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * MAX_DEPTH }), (depth) => {
        const path = ['zz', ...Array.from({ length: depth - 1 }, () => 'a')].join('.');
        const outcome = run(0, 0, [{ path, value: 1 }], [], false);
        if (depth <= MAX_DEPTH) expect(outcome.error, `depth ${depth}`).toBeUndefined();
        else expect((outcome.error as UsageError | undefined)?.code, `depth ${depth}`).toBe('bad_path');
      }),
      { numRuns: 40 },
    );
  });

  it('"path=value" text: JSON where it parses, text otherwise, and an integer beyond 2^53 refused', () => {
    // Each raw value with the one outcome it must have: the value sent, or the error code.
    const raw = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => {
        const text = JSON.stringify(v);
        const unsafe = typeof v === 'number' && /^-?\d+$/.test(text) && !Number.isSafeInteger(v);
        return { text, expected: unsafe ? { error: 'bad_set' } : { value: v } };
      }),
      fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => {
        const safe = n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER);
        return { text: String(n), expected: safe ? { value: Number(n) } : { error: 'bad_set' } };
      }),
      // Text that is not JSON is sent as the string typed.
      fc.string({ maxLength: 20 }).filter((t) => { try { JSON.parse(t); return false; } catch { return true; } }).map((t) => ({ text: t, expected: { value: t } })),
    );
    fc.assert(
      // A path with "=" cannot be written before `=value`: the first "=" ends the path.
      fc.property(fc.nat(), fc.nat(), newPath.filter(({ path }) => !path.includes('=')), raw, (p, e, { path, segments }, { text, expected }) => {
        let outcome: Outcome;
        try {
          const assignment = parseAssignment(`${path}=${text}`);
          outcome = run(p, e, [assignment], [], false);
        } catch (error) {
          outcome = { ok: false, error };
        }
        if ('error' in expected) {
          expect((outcome.error as UsageError | undefined)?.code, `--set ${path}=${text}`).toBe(expected.error);
        } else {
          expect(outcome.error, `--set ${path}=${text}`).toBeUndefined();
          expect(JSON.stringify(walk(JSON.parse(outcome.body!.toString('utf8')), segments))).toBe(JSON.stringify(expected.value));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('names of Object.prototype members are plain keys, never the prototype', () => {
    const outcome = run(0, 0, [{ path: '__proto__.polluted', value: 1 }, { path: 'constructor.prototype.polluted', value: 2 }], ['__proto__.hasOwnProperty'], false);
    expect(outcome.ok).toBe(true);
    const json = JSON.parse(outcome.body!.toString('utf8'));
    expect(Object.hasOwn(json, '__proto__')).toBe(true);
    expect(json.constructor).toEqual({ prototype: { polluted: 2 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof Object.prototype.hasOwnProperty).toBe('function');
  });
});

describe('generate --set through the built binary', () => {
  it('exit 0 with JSON on stdout, or exit 2 with one error line on stderr (and JSON errors with --json)', async () => {
    const noNul = (s: string) => !s.includes('\0');
    const samples = fc.sample(fc.tuple(pathArb.filter(noNul), rawValueArb.filter(noNul), fc.boolean()), { numRuns: 10, seed: 42 });
    samples.push(['__proto__.polluted', '1', false], ['x', '1e400', true], ['a'.repeat(20).split('').join('.'), '['.repeat(5000) + ']'.repeat(5000), false]);
    await Promise.all(
      samples.map(async ([path, raw, json]) => {
        const args = ['generate', 'customerglu', 'reward', '--seed', '1', '--no-validate', `--set=${path}=${raw}`, ...(json ? ['--json'] : [])];
        const r = await runCli(args);
        const where = `cg-hooks ${args.join(' ')}\n${r.stderr}`;
        expect([0, 2], where).toContain(r.code);
        expect(r.stderr, where).not.toMatch(/internal error|\n\s+at /);
        if (r.code === 0) {
          expect(() => JSON.parse(r.stdout), where).not.toThrow();
        } else if (json) {
          expect(JSON.parse(r.stdout), where).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
        } else {
          expect(r.stdout, where).toBe('');
          expect(r.stderr, where).toMatch(/^error: [^\n]+\n(hint: [^\n]+\n)?$/);
        }
      }),
    );
  });
});
