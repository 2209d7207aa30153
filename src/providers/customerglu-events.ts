import * as z from 'zod/mini';
import { SERVER_EVENTS, customergluEventsTemplates } from '../templates/customerglu-events.js';
import { isObject, templateFor } from './helpers.js';
import type { IncomingRequest, ProviderDef } from './types.js';

// The API answers 200 before it validates, so this schema is the only place a missing field shows up.
const event = z.looseObject({
  event_id: z.string().check(z.minLength(1)),
  event_name: z.string().check(z.minLength(1)),
  user_id: z.string().check(z.minLength(1)),
  timestamp: z.iso.datetime(),
  event_properties: z.record(z.string(), z.unknown()),
});

/**
 * A body with event_id is ours. Without it, a body sent with X-API-KEY that names an event and a user is
 * still an Events API call (one that forgot event_id, which the schema will report); without the header it
 * is CustomerGlu's own raw-event analytics webhook.
 */
function eventOf(body: unknown, req?: IncomingRequest): string | undefined {
  if (!isObject(body)) return undefined;
  if ('event_id' in body && ('event_name' in body || 'user_id' in body || 'event_properties' in body)) return 'event';
  const keyed = req !== undefined && req.headers['x-api-key'] !== undefined;
  if (keyed && 'event_name' in body && 'user_id' in body && !('event_data' in body)) return 'event';
  return undefined;
}

/** Kept: the compiled event (templates/customerglu-events-compiled.ts) applies only while the provider uses it. */
const template = templateFor(customergluEventsTemplates);

export const provider: ProviderDef = {
  id: 'customerglu-events',
  name: 'CustomerGlu Events API',
  description:
    'User events your server sends into CustomerGlu (POST /server/v4). The API answers 200 before validating, so cg-hooks validates the five required fields locally',
  kind: 'events-api',
  endpoint: 'https://events.customerglu.com/server/v4',
  signing: {
    scheme: 'api-key',
    header: 'X-API-KEY',
    secretRequired: false,
    description: 'X-API-KEY: your CustomerGlu write key (pass it with --api-key); the body is not signed',
  },
  headers: { 'Content-Type': 'application/json' },
  retry: { attempts: 1, delaysMs: [0], success: '2xx', origin: 'NONE', description: 'No retry policy documented (your server is the sender)' },
  events: [
    {
      name: 'event',
      description: 'One user event: event_id (unique), event_name, user_id, timestamp (ISO UTC), event_properties, all required',
      origin: 'DOC',
      variants: SERVER_EVENTS.map((name) => ({ name, description: `event_name "${name}" with typical properties` })),
      schema: event,
      fixtures: ['event-minimal.json'],
    },
  ],
  template,
  async loadBodyCompiler() {
    if (this.template !== template) return undefined;
    const { compileCustomergluEvents } = await import('../templates/customerglu-events-compiled.js');
    return (def, variant, ascii) => (def.schema === event ? compileCustomergluEvents(def.name, variant, ascii) : undefined);
  },
  eventOf,
  dedupKey(body) {
    if (!isObject(body)) return undefined;
    return typeof body.event_id === 'string' ? body.event_id : undefined;
  },
  detect(req, body) {
    if (eventOf(body, req) !== 'event') return 0;
    return req.headers['x-api-key'] !== undefined ? 0.9 : 0.8;
  },
};
