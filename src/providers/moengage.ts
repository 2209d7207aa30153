import * as z from 'zod/mini';
import { MOENGAGE_VARIANTS, moengageTemplates } from '../templates/moengage.js';
import { isObject, templateFor } from './helpers.js';
import type { ProviderDef } from './types.js';

const attributes = z.record(z.string(), z.unknown());

const streamEvent = z.looseObject({
  event_name: z.string().check(z.minLength(1)),
  event_code: z.string().check(z.minLength(1)),
  event_uuid: z.string().check(z.minLength(1)),
  // Unix seconds: a millisecond value here is a common mapping mistake, so it is rejected.
  event_time: z.int().check(z.nonnegative(), z.lt(10_000_000_000)),
  event_type: z.string().check(z.minLength(1)),
  event_source: z.string(),
  uid: z.string().check(z.minLength(1)),
  event_attributes: attributes,
  user_attributes: attributes,
  device_attributes: attributes,
});

const stream = z.looseObject({
  app_name: z.string(),
  source: z.literal('MOENGAGE'),
  moe_request_id: z.string().check(z.minLength(1)),
  events: z.array(streamEvent).check(z.minLength(1)),
});

function eventOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if ('moe_request_id' in body || (body.source === 'MOENGAGE' && Array.isArray(body.events))) return 'event';
  return undefined;
}

/** Kept: the compiled event (templates/moengage-compiled.ts) applies only while the provider uses it. */
const template = templateFor(moengageTemplates);

export const provider: ProviderDef = {
  id: 'moengage',
  name: 'MoEngage Streams',
  description: 'User and campaign events MoEngage Streams forwards into CustomerGlu',
  kind: 'source',
  endpoint: 'https://stream.customerglu.com/v3/moengage',
  signing: {
    scheme: 'api-key',
    header: 'X-API-KEY',
    secretRequired: false,
    description: 'X-API-KEY: your CustomerGlu key (--api-key); MoEngage does not sign the body',
  },
  headers: { 'Content-Type': 'application/json' },
  retry: { attempts: 1, delaysMs: [0], success: '2xx', origin: 'NONE', description: 'No retry policy documented for this integration' },
  events: [
    {
      name: 'event',
      description: 'A Streams request: {app_name, source, moe_request_id, events[]} with user, device and event attributes',
      origin: 'DOC',
      variants: [...MOENGAGE_VARIANTS],
      schema: stream,
    },
  ],
  template,
  async loadBodyCompiler() {
    if (this.template !== template) return undefined;
    const { compileMoengage } = await import('../templates/moengage-compiled.js');
    return (event, variant, ascii) => (event.schema === stream ? compileMoengage(event.name, variant, ascii) : undefined);
  },
  eventOf,
  dedupKey(body) {
    if (!isObject(body)) return undefined;
    return typeof body.moe_request_id === 'string' ? body.moe_request_id : undefined;
  },
  detect(_req, body) {
    if (eventOf(body) === undefined || !isObject(body)) return 0;
    return body.source === 'MOENGAGE' ? 0.9 : 0.7;
  },
};
