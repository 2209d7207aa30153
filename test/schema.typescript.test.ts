import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { schema } from '../src/schema/index.js';
import { mapName, typeName, unionName } from '../src/schema/names.js';
import { printType } from '../src/schema/typescript.js';
import { eventCases } from './helpers/schema.js';

// The standalone declarations are checked by the TypeScript compiler itself (--strict, plus
// exactOptionalPropertyTypes), and every generated payload and documented example must be assignable to its type.

const SEEDS = [1, 2];
const cases = await eventCases();
const dir = mkdtempSync(join(tmpdir(), 'cg-hooks-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Type-checks files (name → text) as a strict project; returns the diagnostics as "file:line message". */
function typeCheck(files: Record<string, string>): string[] {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const program = ts.createProgram(
    Object.keys(files).map((f) => join(dir, f)),
    { strict: true, exactOptionalPropertyTypes: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, lib: ['lib.es2022.d.ts'], types: [], skipLibCheck: false },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.replace(`${dir}/`, '')}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n').slice(0, 400)}`;
  });
}

const all = (await schema({ format: 'typescript' })).document as string;

describe('standalone TypeScript declarations', () => {
  it('type-check on their own with --strict', () => {
    expect(typeCheck({ 'events.ts': all })).toEqual([]);
  });

  it('every generated payload (each variant, several seeds) and documented example is assignable to its type', () => {
    let body = '';
    let n = 0;
    for (const c of cases) {
      const type = typeName(c.provider, c.event.name);
      const payloads = c.variants.flatMap((variant) =>
        SEEDS.map((seed) => prepareGenerator(c.provider, c.event.name, { seed, ...(variant ? { variant } : {}) }).make(0).payload),
      );
      for (const file of c.event.fixtures ?? []) payloads.push(JSON.parse(readFileSync(new URL(`../fixtures/${c.provider.id}/${file}`, import.meta.url), 'utf8')));
      for (const payload of payloads) {
        // A fresh object literal: excess-property checks apply too, not just assignability.
        body += `const p${n}: ${type} = ${JSON.stringify(payload)};\n`;
        body += `const q${n}: EventPayload<${JSON.stringify(c.provider.id)}, ${JSON.stringify(c.event.name)}> = p${n};\n`;
        n++;
      }
    }
    body += `export const count = ${n};\n`;
    expect(typeCheck({ 'events.ts': all, 'payloads.ts': `import type { ${[...new Set(cases.map((c) => typeName(c.provider, c.event.name)))].join(', ')}, EventPayload } from './events.js';\n${body}` })).toEqual([]);
    expect(n).toBeGreaterThan(cases.length * SEEDS.length);
  });

  it('is not a rubber stamp: wrong payloads fail to type-check', () => {
    const wrong = [
      // the tier refinement: a silver promotion carries silver's multiplier (1.5)
      `const a: MgpassRewardsTierPromoted = { event_type: 'rewards.tier_promoted', timestamp: 't', data: { user_id: 'u', previous_tier: 'bronze', new_tier: 'silver', lifetime_earned: 1200, multiplier: 2 } };`,
      // a required field missing
      `const b: RehookCustomerCreated = { event_name: 'customer.created', source: 'rehook', source_id: 's', metadata: {} };`,
      // a literal from another event
      `const c: MgpassEvent = { event_type: 'rewards.nope', timestamp: 't', data: {} };`,
      // a closed (z.object) shape rejects an unknown key in a literal
      `const d: RewardTriggerEventCreated = { id: 'we_x', type: 'trigger_event.created', time: 't', data: { user: { id: 'u' }, value: 1, trigger: { id: 't' } }, extra: 1 };`,
    ];
    const errors = typeCheck({
      'events.ts': all,
      'wrong.ts': `import type { MgpassRewardsTierPromoted, RehookCustomerCreated, MgpassEvent, RewardTriggerEventCreated } from './events.js';\n${wrong.join('\n')}\nexport {};\n`,
    });
    expect([...new Set(errors.map((e) => e.split(' ')[0]))]).toEqual(['wrong.ts:2', 'wrong.ts:3', 'wrong.ts:4', 'wrong.ts:5']);
  });

  it('one event alone, and a provider with its union and map', async () => {
    const one = (await schema({ provider: 'rehook', event: 'customer.rewarded', format: 'typescript' })).document as string;
    expect(one).toContain('export type RehookCustomerRewarded =');
    expect(one).not.toContain('RehookEvent');
    const mg = (await schema({ provider: 'mgpass', format: 'typescript' })).document as string;
    expect(mg).toMatch(/export type MgpassEvent =\n {2}\| MgpassRewardsPointsAwarded\n/);
    expect(mg).toContain('export interface MgpassEvents {');
    expect(mg).not.toContain('EventTypes');
    expect(typeCheck({ 'one.ts': one, 'mg.ts': mg })).toEqual([]);
  });

  it('a single-event provider names its event type and its union once', async () => {
    const doc = (await schema({ provider: 'clevertap', format: 'typescript' })).document as string;
    expect(doc.match(/export type ClevertapEvent\b/g)).toHaveLength(1);
  });
});

describe('names', () => {
  it('every event, union and map name is a distinct identifier, so a new event cannot shadow another', () => {
    const names = cases.map((c) => typeName(c.provider, c.event.name));
    const providers = [...new Set(cases.map((c) => c.provider))];
    const unions = providers.filter((p) => !names.includes(unionName(p.id))).map((p) => unionName(p.id));
    const all = [...names, ...unions, ...providers.map((p) => mapName(p.id)), 'EventTypes', 'EventPayload'];
    expect(new Set(all).size).toBe(all.length);
    for (const name of all) expect(name).toMatch(/^[A-Za-z_$][A-Za-z0-9_$]*$/);
  });

  it.each<[string, string[], string, string]>([
    ['rehook', ['customer.rewarded'], 'customer.rewarded', 'RehookCustomerRewarded'],
    ['customerglu', ['reward', 'raw-event'], 'raw-event', 'CustomergluRawEvent'],
    ['clevertap', ['event'], 'event', 'ClevertapEvent'],
    ['x', ['event', 'other'], 'event', 'XEventPayload'],
    ['x', ['2fa.sent'], '2fa.sent', 'X2faSent'],
  ])('%s %j %s → %s', (id, events, event, expected) => {
    expect(typeName({ id, events: events.map((name) => ({ name })) as never }, event)).toBe(expected);
  });
});

describe('the printer', () => {
  it.each([
    [{ type: ['string', 'null'] }, 'string | null'],
    [{ anyOf: [{ type: 'object', properties: { a: { const: 1 } }, required: ['a'] }, { type: 'array', items: { type: ['string', 'number'] } }] }, '{\n  a: 1;\n} | (string | number)[]'],
    [{ type: 'object', properties: { 'a-b': { type: 'string' } } }, '{\n  "a-b"?: string;\n}'],
    [{ type: 'object', additionalProperties: {}, propertyNames: { type: 'string' } }, '{\n  [key: string]: unknown;\n}'],
    [{ type: 'object', properties: { x: { type: 'string', description: 'ends a comment */ here' } }, required: ['x'] }, '{\n  /** ends a comment *\\/ here */\n  x: string;\n}'],
    [{ enum: ['a', 'b"c'] }, '"a" | "b\\"c"'],
    [{}, 'unknown'],
  ])('%j', (input, expected) => {
    expect(printType(input)).toBe(expected);
  });
});

describe('src/events.ts (the package\'s exported types)', () => {
  it('is what the build generates from the current schemas', () => {
    const header = '// Generated by scripts/event-types.mjs at every build: do not edit (change the schemas in src/providers/).\n';
    const current = readFileSync(new URL('../src/events.ts', import.meta.url), 'utf8');
    expect(current === header + all, 'src/events.ts is stale: run `npm run build` (it regenerates the file) and commit it').toBe(true);
  });
});
