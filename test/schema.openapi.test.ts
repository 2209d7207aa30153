import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';
import { eventCases, makeAjv } from './helpers/schema.js';

// The OpenAPI 3.1 document is checked by an independent validator (@seriousme/openapi-schema-validator, the
// official OAS 3.1 schemas), its schema objects by ajv against the JSON Schema 2020-12 meta-schema, and every
// example in it against its own body schema.

type Doc = {
  webhooks: Record<string, { post: Operation }>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, Record<string, string>> };
};
type Operation = {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: { pattern?: string } }>;
  security?: Array<Record<string, string[]>>;
  requestBody: { content: { 'application/json': { schema: { $ref: string }; examples: Record<string, { summary: string; value: unknown }> } } };
  responses: Record<string, unknown>;
  'x-retry-policy': { attempts: number; delaysMs: number[]; success: string; documented: boolean };
  'x-signature'?: { header: string; algorithm: string };
};

const cases = await eventCases();
const { document } = await schema({ format: 'openapi' });
const doc = document as unknown as Doc;
const op = (provider: string, event: string) => doc.webhooks[`${provider}/${event}`]!.post;

describe('the OpenAPI 3.1 document', () => {
  it('passes the OpenAPI 3.1 validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('the validator is not a rubber stamp: it rejects a broken document', async () => {
    const broken = structuredClone(doc);
    broken.components.securitySchemes.rehookBasicAuth!.type = 'basic';
    expect((await new Validator().validate(broken as Parameters<Validator["validate"]>[0])).valid).toBe(false);
  });

  it('has one webhook per provider event, each body schema a valid 2020-12 schema', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual(cases.map((c) => `${c.provider.id}/${c.event.name}`).sort());
    const ajv = makeAjv();
    for (const [name, body] of Object.entries(doc.components.schemas)) {
      expect(ajv.validateSchema(body), `${name}: ${ajv.errorsText()}`).toBe(true);
    }
  });

  it.each(cases.map((c) => [`${c.provider.id}/${c.event.name}`, c] as const))('%s: examples validate, documented ones are verbatim', (key, c) => {
    const post = doc.webhooks[key]!.post;
    const media = post.requestBody.content['application/json'];
    const name = media.schema.$ref.replace('#/components/schemas/', '');
    const ajv = makeAjv();
    const validate = ajv.compile(doc.components.schemas[name]!);
    for (const [exampleKey, example] of Object.entries(media.examples)) {
      expect(validate(example.value), `${exampleKey}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    for (const file of c.event.fixtures ?? []) {
      const documented = JSON.parse(readFileSync(new URL(`../fixtures/${c.provider.id}/${file}`, import.meta.url), 'utf8')) as unknown;
      expect(media.examples[file.replace(/\.json$/, '')]?.value).toEqual(documented);
    }
    const generated = Object.keys(media.examples).filter((k) => k.startsWith('generated'));
    expect(generated).toHaveLength(c.variants.length);
    const { attempts, delaysMs, success } = c.provider.retry;
    expect(post['x-retry-policy']).toMatchObject({ attempts, delaysMs, success, documented: c.provider.retry.origin === 'DOC' });
  });
});

describe('signatures and credentials', () => {
  it('HMAC signatures are described header parameters: required where the provider always signs', () => {
    const mg = op('mgpass', 'rewards.points_awarded');
    expect(mg.parameters).toContainEqual(expect.objectContaining({ name: 'X-Webhook-Signature', in: 'header', required: true, schema: expect.objectContaining({ pattern: '^[0-9a-fA-F]{64}$' }) }));
    expect(mg['x-signature']).toMatchObject({ header: 'X-Webhook-Signature', algorithm: 'HMAC-SHA256' });
    const cg = op('customerglu', 'reward');
    expect(cg.parameters?.map((p) => [p.name, p.required, p.schema.pattern])).toEqual([
      ['X-CG-SIGNATURE', false, '^[0-9a-fA-F]{40}$'],
      ['X-GLU-SIGNATURE', false, '^[0-9a-fA-F]{40}$'],
    ]);
    expect(cg.security).toBeUndefined();
  });

  it('credentials are security schemes: API key header, HTTP basic (optional), WebEngage query parameters', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.rehookBasicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(op('rehook', 'customer.rewarded').security).toEqual([{ rehookBasicAuth: [] }, {}]);
    for (const id of ['customerglu-events', 'moengage', 'clevertap', 'segment']) {
      const key = `${id.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}ApiKey`;
      expect(schemes[key], id).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-KEY' });
    }
    expect(schemes.webengageLicenseCode).toMatchObject({ type: 'apiKey', in: 'query', name: 'licenseCode' });
    expect(schemes.webengageSecret).toMatchObject({ type: 'apiKey', in: 'query', name: 'secret' });
    const we = op('webengage', 'event');
    expect(we.security).toEqual([{ webengageLicenseCode: [], webengageSecret: [] }]);
    expect(we.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['query:eventType', 'header:x-request-id']);
    expect(Object.keys(we.responses)).toEqual(['200', 'default']);
    expect(op('reward', 'trigger_event.created').security).toBeUndefined();
  });

  it('Segment: the optional X-Signature, the X-API-KEY scheme and its User-Agent', () => {
    const seg = op('segment', 'track');
    expect(seg.parameters?.map((p) => [p.name, p.required])).toEqual([['X-Signature', false], ['User-Agent', false]]);
    expect(seg.security).toEqual([{ segmentApiKey: [] }]);
  });
});

describe('selections', () => {
  it('one provider, one event', async () => {
    const one = (await schema({ provider: 'mgpass', event: 'rewards.tier_promoted', format: 'openapi' })).document as unknown as Doc;
    expect(Object.keys(one.webhooks)).toEqual(['mgpass/rewards.tier_promoted']);
    expect(Object.keys(one.components.schemas)).toEqual(['MgpassRewardsTierPromoted']);
    expect((await new Validator().validate(one as Parameters<Validator["validate"]>[0])).valid).toBe(true);
  });

  it('the same document on every run (examples are seeded), so a committed copy diffs cleanly', async () => {
    const again = await schema({ format: 'openapi' });
    expect(JSON.stringify(again.document)).toBe(JSON.stringify(document));
  });
});
