import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, prepareGenerator } from '../src/core/generate.js';
import { applyMapping, compileMapping, checkMapping, mappedDedupKey, MappingError, parseMapping, validateMapped } from '../src/core/mapping.js';
import { provider as customerglu } from '../src/providers/customerglu.js';
import { runCli } from './helpers/cli.js';

// Tenant payload mappings: a tenant's own reward payload, built from CustomerGlu's default keys.
const reward = customerglu.events.find((e) => e.name === 'reward')!;
const target = reward.tenantMapping!;
const FIXTURES = ['flat-wallet.json', 'nested-loyalty.json'];
const fixturePath = (name: string) => new URL(`../fixtures/customerglu/mappings/${name}`, import.meta.url);
const loadFixture = (name: string) => parseMapping(readFileSync(fixturePath(name), 'utf8'), name);

function errorOf(fn: () => unknown): MappingError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MappingError) return e;
    throw e;
  }
  throw new Error('expected a MappingError');
}

describe('round trip: generate with a mapping, validate with the same mapping', () => {
  it.each(FIXTURES)('%s: 1,000 seeded deliveries of every campaign type are valid against the mapped shape', (name) => {
    const mapping = loadFixture(name);
    for (const variant of ['spinthewheel', 'referral', 'scratchcard', 'direct']) {
      const gen = prepareGenerator(customerglu, 'reward', { seed: `mapping:${name}`, variant, mapping });
      for (let i = 0; i < 250; i++) {
        const d = gen.make(i); // throws on a payload that breaks the mapped shape
        // Each expect runs only when its check is off: thousands of deliveries, four expects each.
        if (!(Array.isArray(d.issues) && d.issues.length === 0)) expect(d.issues).toEqual([]);
        const parsed = JSON.parse(d.body.toString('utf8'));
        const issues = validateMapped(mapping, parsed, target);
        if (!(Array.isArray(issues) && issues.length === 0)) expect(issues).toEqual([]);
        // The tenant's keys, not CustomerGlu's.
        if (typeof parsed !== 'object' || parsed === null || 'rewardId' in parsed) expect(parsed).not.toHaveProperty('rewardId');
        const key = mappedDedupKey(mapping, parsed, target);
        if (typeof key !== 'string' || !/^[0-9a-f-]{36}$/.test(key)) expect(key).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
  });

  it('a delivery missing a mapped key is an issue that names the key and what it maps', () => {
    const mapping = loadFixture('nested-loyalty.json');
    const body = prepareGenerator(customerglu, 'reward', { seed: 1, mapping }).make(0).payload as any;
    delete body.reward.id;
    delete body.customer;
    body.type = 'REWARD_WON';
    body.reward.value.amount = '100';
    expect(validateMapped(mapping, body, target)).toEqual([
      { path: 'type', message: 'expected the static value "REWARD_ISSUED" (from the mapping), got "REWARD_WON"' },
      { path: 'reward.id', message: 'required string is missing (mapped from $rewardId)' },
      { path: 'reward.value.amount', message: 'expected number, got string "100" (mapped from $rewardAmount)' },
      { path: 'customer', message: 'required object is missing (from the mapping)' },
    ]);
  });

  it('the same body fails the default schema: a mapped delivery is only valid against its mapping', async () => {
    const mapping = loadFixture('flat-wallet.json');
    const { payload } = await generate('customerglu', 'reward', { seed: 2, mapping });
    expect(validateMapped(mapping, payload, target)).toEqual([]);
    expect(reward.schema.safeParse(payload).success).toBe(false);
  });
});

describe('the documentation', () => {
  it("docs/generate.md shows flat-wallet.json's real output for --seed 3", async () => {
    const { body } = await generate('customerglu', 'reward', { seed: 3, mapping: loadFixture('flat-wallet.json') });
    expect(readFileSync(new URL('../docs/generate.md', import.meta.url), 'utf8')).toContain(`\n${body.toString('utf8')}\n`);
  });
});

describe('applying a mapping', () => {
  const payload = {
    campaignId: 'c1', type: 'direct', userId: 'u1', rewardId: 'r1', rewardName: '₹100 cashback', rewardAmount: 100,
    tnc: ['NA'], details: { currency: 'INR', nested: { deep: 1 } },
  };

  it('dynamic "$key" and "$key.path" values, static values, "$$" for a literal "$", nested objects and arrays', () => {
    const mapping = compileMapping({
      id: '$rewardId', amount: '$rewardAmount', currency: '$details.currency', deep: '$details.nested.deep',
      price: '$$15', source: 'customerglu', version: 2, live: true, none: null,
      nested: { terms: '$tnc', list: ['$userId', 'static', 3] },
    });
    checkMapping(mapping, target);
    expect(applyMapping(mapping, payload)).toEqual({
      id: 'r1', amount: 100, currency: 'INR', deep: 1, price: '$15', source: 'customerglu', version: 2, live: true, none: null,
      nested: { terms: ['NA'], list: ['u1', 'static', 3] },
    });
  });

  it('a reference to a value the default payload lacks leaves the key out (null inside an array)', () => {
    const mapping = compileMapping({ id: '$rewardId', code: '$code', tags: ['$code'] });
    expect(applyMapping(mapping, payload)).toEqual({ id: 'r1', tags: [null] });
    expect(validateMapped(mapping, { id: 'r1', tags: [null] }, target)).toEqual([]);
  });

  it('copies values, so editing the result never changes the default payload', () => {
    const mapping = compileMapping({ t: '$tnc' });
    const out = applyMapping(mapping, payload) as { t: string[] };
    out.t.push('x');
    expect(payload.tnc).toEqual(['NA']);
  });

  it('keys named like Object.prototype members are plain keys', () => {
    const mapping = parseMapping('{"__proto__": "$rewardId", "constructor": {"prototype": "$userId"}}', 'proto.json');
    const out = applyMapping(mapping, payload);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(JSON.stringify(out)).toBe('{"__proto__":"r1","constructor":{"prototype":"u1"}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(validateMapped(mapping, JSON.parse(JSON.stringify(out)), target)).toEqual([]);
  });
});

describe('loading a mapping file: errors say the line', () => {
  it('a reference to no default key, with a suggestion', () => {
    const e = errorOf(() => checkMapping(parseMapping('{\n  "id": "$rewardId",\n  "amount": "$rewardAmout"\n}\n', 'tenant.json'), target));
    expect(e.message).toBe('tenant.json line 3, column 13 (key "amount"): "$rewardAmout" names no default key (did you mean "$rewardAmount"?)');
    expect(e.hint).toContain('rewardAmount');
  });

  it('nested values only below free-form keys', () => {
    expect(() => checkMapping(parseMapping('{"c": "$details.anything.at.all"}', 'm.json'), target)).not.toThrow();
    expect(errorOf(() => checkMapping(parseMapping('{\n"a": {\n  "b": "$rewardAmount.value"}}', 'm.json'), target)).message).toBe(
      'm.json line 3, column 8 (key "a.b"): "$rewardAmount.value": "rewardAmount" has no nested values',
    );
  });

  it.each([
    ['{\n  "a": "$rewardId",\n  "a": "$userId"\n}', 'm.json line 3, column 3: duplicate key "a" (JSON keeps only the last one)'],
    ['{\n  "a": "$details..x"\n}', 'm.json line 2, column 8 (key "a"): "$details..x" is not a reference: write "$key" or "$key.nested.key"'],
    ['{\n  "a": "$"\n}', 'm.json line 2, column 8 (key "a"): "$" is not a reference: write "$key" or "$key.nested.key"'],
    ['{\n  "a": \n}', 'm.json is not valid JSON: line 3, column 1: unexpected "}", expected a JSON value'],
    ['["$rewardId"]', 'm.json line 1, column 1: the mapping must be a JSON object, got an array'],
    ['{}', 'm.json: the mapping maps no keys'],
    ['{"": "$rewardId"}', 'm.json line 1, column 2: an output key cannot be empty'],
    [`{"a": ${'['.repeat(40)}${']'.repeat(40)}}`, 'm.json line 1, column 39: nested more than 32 levels deep'],
  ])('%j', (text, message) => {
    expect(errorOf(() => parseMapping(text, 'm.json')).message).toBe(message);
  });

  it('a mapping given as an object names the key instead of a line', () => {
    expect(errorOf(() => checkMapping(compileMapping({ a: { b: '$somethingElse' } }), target)).message).toBe('mapping (key "a.b"): "$somethingElse" names no default key');
    expect(errorOf(() => compileMapping({ a: () => 1 })).message).toBe('mapping (key "a"): a function is not a JSON value');
    expect(errorOf(() => compileMapping({ a: Number.NaN })).message).toBe('mapping (key "a"): NaN cannot be sent as JSON');
  });

  it('the library turns mapping errors into usage errors (exit 2), and refuses events with a fixed shape', async () => {
    await expect(generate('customerglu', 'reward', { mapping: { id: '$rewardID' } })).rejects.toMatchObject({ exitCode: 2, code: 'bad_mapping', message: expect.stringContaining('did you mean "$rewardId"') });
    await expect(generate('customerglu', 'nudge', { mapping: { id: '$rewardId' } })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('customerglu nudge has a fixed payload shape') });
  });
});

describe('--mapping through the built binary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-mapping-'));

  it('generate applies it; send --dry-run sends the mapped bytes', async () => {
    const file = fixturePath('flat-wallet.json').pathname;
    const g = await runCli(['generate', 'customerglu', 'reward', '--seed', '4', '--mapping', file]);
    expect(g.code, g.stderr).toBe(0);
    expect(Object.keys(JSON.parse(g.stdout))).toEqual(expect.arrayContaining(['event', 'source', 'id', 'user', 'title']));
    const s = await runCli(['send', 'customerglu', 'reward', '--seed', '4', '--mapping', file, '--to', 'http://127.0.0.1:9/hook', '--dry-run', '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(s.stdout))).toContain(JSON.stringify(g.stdout).slice(1, 60));
  });

  it('a bad mapping file is one error line with its line number, exit 2', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{\n  "id": "$rewardId",\n  "amount": "$rewardAmout"\n}\n');
    const r = await runCli(['generate', 'customerglu', 'reward', '--mapping', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: --mapping \S+bad\.json line 3, column 13 \(key "amount"\): "\$rewardAmout" names no default key \(did you mean "\$rewardAmount"\?\)\nhint: default keys: /);
  });

  it('--mapping cannot be combined with --body', async () => {
    const r = await runCli(['send', 'customerglu', '--body', '-', '--mapping', fixturePath('flat-wallet.json').pathname, '--to', 'http://127.0.0.1:9/', '--dry-run'], { input: '{}' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--mapping cannot be combined with --body');
  });
});
