import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { parseAssignment, parsePath } from '../src/core/paths.js';
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

/** The value found by walking the parsed output along `path`. */
function readBack(json: unknown, path: string): unknown {
  let node = json;
  for (const seg of parsePath(path)) node = (node as Record<string | number, unknown>)[seg];
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

  it('a value that is set is in the output at exactly that path', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), pathArb, fc.jsonValue({ maxDepth: 3 }), (p, e, path, value) => {
        const outcome = run(p, e, [{ path, value }], [], false);
        expectCleanOutcome(outcome);
        if (!outcome.ok) return;
        expect(JSON.stringify(readBack(JSON.parse(outcome.body!.toString('utf8')), path))).toBe(JSON.stringify(value));
      }),
      { numRuns: RUNS },
    );
  });

  it('arbitrary "path=value" text goes through parseAssignment the same way', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), pathArb, rawValueArb, (p, e, path, raw) => {
        let assignment: { path: string; value: unknown };
        try {
          assignment = parseAssignment(`${path}=${raw}`);
        } catch (error) {
          expectCleanOutcome({ ok: false, error });
          return;
        }
        expectCleanOutcome(run(p, e, [assignment], [], false));
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
