import * as z from 'zod/mini';
import { segmentTemplates } from '../templates/segment.js';
import { refinementInJsonSchema } from '../schema/refinement.js';
import { isObject, templateFor } from './helpers.js';
import type { IncomingRequest, ProviderDef } from './types.js';

// Segment's common fields. The documented track example carries only version/type/userId/timestamp, so the
// rest of the full spec is optional; a message needs userId or anonymousId (Segment rejects it otherwise).
const common = {
  version: z.optional(z.number()),
  userId: z.optional(z.nullable(z.string())),
  anonymousId: z.optional(z.nullable(z.string())),
  messageId: z.optional(z.string().check(z.minLength(1))),
  timestamp: z.optional(z.iso.datetime({ offset: true })),
  originalTimestamp: z.optional(z.iso.datetime({ offset: true })),
  sentAt: z.optional(z.iso.datetime({ offset: true })),
  receivedAt: z.optional(z.iso.datetime({ offset: true })),
  context: z.optional(
    z.looseObject({
      library: z.optional(z.looseObject({ name: z.string(), version: z.string() })),
      ip: z.optional(z.string()),
      userAgent: z.optional(z.string()),
      locale: z.optional(z.string()),
    }),
  ),
  integrations: z.optional(z.record(z.string(), z.unknown())),
};

const identified = z.refine((m: unknown) => isObject(m) && (Boolean(m.userId) || Boolean(m.anonymousId)), {
  message: 'a Segment message needs userId or anonymousId',
});
// userId and anonymousId are strings or null, so "truthy" is "a non-empty string".
const nonEmptyId = (key: string) => ({ properties: { [key]: { type: 'string', minLength: 1 } }, required: [key] });
const identifiedInJsonSchema = refinementInJsonSchema({ schema: { anyOf: [nonEmptyId('userId'), nonEmptyId('anonymousId')] } });

const track = z
  .looseObject({
    ...common,
    type: z.literal('track'),
    event: z.string().check(z.minLength(1)),
    properties: z.optional(z.record(z.string(), z.unknown())),
  })
  .check(identified, identifiedInJsonSchema);

const identify = z
  .looseObject({
    ...common,
    type: z.literal('identify'),
    traits: z.optional(z.record(z.string(), z.unknown())),
  })
  .check(identified, identifiedInJsonSchema);

/** Kept: the compiled track/identify (templates/segment-compiled.ts) apply only while the provider uses it. */
const template = templateFor(segmentTemplates);

function eventOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (body.type === 'track' && typeof body.event === 'string') return 'track';
  if (body.type === 'identify' && ('traits' in body || 'userId' in body || 'anonymousId' in body)) return 'identify';
  return undefined;
}

function fromSegment(req: IncomingRequest): boolean {
  // No User-Agent (most deliveries to a listener) matches nothing: no RegExp run for it.
  const agent = req.headers['user-agent'];
  return agent !== undefined && /^segment/i.test(agent);
}

export const provider: ProviderDef = {
  id: 'segment',
  name: 'Segment',
  description: "Track and identify calls forwarded by Segment's webhook destination into CustomerGlu (batch size 1)",
  kind: 'source',
  endpoint: 'https://events.customerglu.com/segment/v4',
  signing: {
    scheme: 'segment',
    header: 'X-Signature',
    algorithm: 'sha1',
    encoding: 'hex',
    secretRequired: false,
    description: 'X-Signature: hex HMAC-SHA1 of the body when a shared secret is set; X-API-KEY carries your CustomerGlu key (--api-key)',
  },
  headers: { 'Content-Type': 'application/json', 'User-Agent': 'Segment.io/1.0' },
  retry: { attempts: 1, delaysMs: [0], success: '2xx', origin: 'NONE', description: 'No retry policy documented for this integration' },
  events: [
    {
      name: 'track',
      description: 'A user action (Order Completed, Product Added, …) with its properties',
      origin: 'DOC',
      schema: track,
      fixtures: ['track.json'],
    },
    { name: 'identify', description: 'Who the user is: userId and traits (name, email, phone, address)', origin: 'DOC', schema: identify },
  ],
  template,
  async loadBodyCompiler() {
    if (this.template !== template) return undefined;
    const { compileSegment } = await import('../templates/segment-compiled.js');
    return (event, _variant, ascii) => (event.schema === (event.name === 'track' ? track : identify) ? compileSegment(event.name, ascii) : undefined);
  },
  eventOf,
  dedupKey(body) {
    if (!isObject(body)) return undefined;
    return typeof body.messageId === 'string' ? body.messageId : undefined;
  },
  detect(req, body) {
    const event = eventOf(body);
    if (fromSegment(req)) return event ? 0.97 : 0.6;
    if (!event || !isObject(body)) return 0;
    if (req.headers['x-signature'] !== undefined) return 0.9;
    return 'messageId' in body || 'version' in body ? 0.8 : 0.6;
  },
};
