import * as z from 'zod/mini';
import { WEBENGAGE_VARIANTS, webengageTemplates } from '../templates/webengage.js';
import { isObject, templateFor } from './helpers.js';
import type { IncomingRequest, ProviderDef } from './types.js';

// Only event_data and system_data are documented; the body "will vary based on the registered webhook".
const webhook = z.looseObject({
  event_name: z.optional(z.string().check(z.minLength(1))),
  user_id: z.optional(z.string().check(z.minLength(1))),
  event_time: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/))),
  event_data: z.record(z.string(), z.unknown()),
  system_data: z.looseObject({
    event_id: z.optional(z.string().check(z.minLength(1))),
    scope: z.optional(z.string()),
    sdk: z.optional(z.string()),
  }),
});

function signedQuery(req: IncomingRequest | undefined): boolean {
  return req !== undefined && req.query.licenseCode !== undefined;
}

function eventOf(body: unknown, req?: IncomingRequest): string | undefined {
  if (!isObject(body)) return undefined;
  if (isObject(body.event_data) || isObject(body.system_data)) return 'event';
  // Anything WebEngage posts carries its license code in the URL, so the body shape cannot hide it.
  return signedQuery(req) ? 'event' : undefined;
}

/** Kept: the compiled custom event (templates/webengage-compiled.ts) applies only while the provider uses it. */
const template = templateFor(webengageTemplates);

export const provider: ProviderDef = {
  id: 'webengage',
  name: 'WebEngage',
  description:
    'WebEngage webhooks forwarding events into CustomerGlu; the URL gets ?eventType=&licenseCode=&secret= and each request an x-request-id',
  kind: 'source',
  signing: {
    scheme: 'webengage',
    algorithm: 'md5',
    encoding: 'hex',
    secretRequired: false,
    description: 'query secret = md5hex("<licenseCode>:<webhookSecretKey>") beside eventType and licenseCode; the body is not signed',
  },
  headers: { 'Content-Type': 'application/json' },
  retry: { attempts: 1, delaysMs: [0], success: '200', origin: 'NONE', description: 'Only HTTP 200 counts as success (anything else is logged as failed); no retry schedule documented' },
  events: [
    {
      name: 'event',
      description: 'An event webhook: event_data (the event attributes) and system_data (ids, SDK, license scope); partly inferred',
      origin: 'INFERRED',
      variants: [...WEBENGAGE_VARIANTS],
      schema: webhook,
    },
  ],
  template,
  async loadBodyCompiler() {
    if (this.template !== template) return undefined;
    const { compileWebengage } = await import('../templates/webengage-compiled.js');
    return (event, variant, ascii) => (event.schema === webhook ? compileWebengage(event.name, variant, ascii) : undefined);
  },
  eventOf,
  /** x-request-id is WebEngage's documented idempotency key; the body's event id stands in without the request. */
  dedupKey(body, req) {
    const requestId = req ? req.headers['x-request-id'] : undefined;
    if (requestId) return requestId;
    if (!isObject(body) || !isObject(body.system_data)) return undefined;
    return typeof body.system_data.event_id === 'string' ? body.system_data.event_id : undefined;
  },
  deliveryHeaders(body) {
    const id = isObject(body) && isObject(body.system_data) ? body.system_data.event_id : undefined;
    const headers: Record<string, string> = {};
    if (typeof id === 'string') headers['x-request-id'] = id;
    return headers;
  },
  detect(req, body) {
    const requestId = req.headers['x-request-id'] !== undefined;
    if (signedQuery(req)) return requestId ? 0.97 : 0.9;
    if (eventOf(body, req) === undefined) return 0;
    return requestId ? 0.85 : 0.75;
  },
};
