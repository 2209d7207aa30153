import * as z from 'zod/mini';
import { CLEVERTAP_VARIANTS, clevertapTemplates } from '../templates/clevertap.js';
import { isObject, templateFor } from './helpers.js';
import type { ProviderDef } from './types.js';

// Profiles carry whatever the campaign's webhook template adds, so unknown keys are allowed throughout.
const profile = z.looseObject({
  Identity: z.optional(z.string()),
  Email: z.optional(z.string()),
  push_token: z.optional(z.string()),
  objectId: z.optional(z.string()),
  profileData: z.optional(z.record(z.string(), z.unknown())),
  event_properties: z.optional(z.record(z.string(), z.unknown())),
});

const webhook = z.looseObject({
  is_test: z.optional(z.boolean()),
  targetId: z.int(),
  key_values: z.record(z.string(), z.unknown()),
  profiles: z.array(profile).check(z.minLength(1)),
});

function eventOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  return 'targetId' in body && Array.isArray(body.profiles) ? 'event' : undefined;
}

/** Kept: the compiled event (templates/clevertap-compiled.ts) applies only while the provider uses it. */
const template = templateFor(clevertapTemplates);

export const provider: ProviderDef = {
  id: 'clevertap',
  name: 'CleverTap',
  description: 'A CleverTap webhook campaign forwarding user events into CustomerGlu (live behaviour, or the test send on saving)',
  kind: 'source',
  endpoint: 'https://events.customerglu.com/clevertap/v4',
  signing: {
    scheme: 'api-key',
    header: 'X-API-KEY',
    secretRequired: false,
    description: 'X-API-KEY: your CustomerGlu key (--api-key), set as a header in the CleverTap webhook; the body is not signed',
  },
  headers: { 'Content-Type': 'application/json' },
  // providers.md documents only CleverTap's 3 s timeout, not a retry schedule: no retry, as for every undocumented sender.
  retry: { attempts: 1, delaysMs: [0], success: '2xx', origin: 'NONE', description: 'No retry schedule documented; CleverTap waits 3 s for the response' },
  timeoutMs: 3000,
  events: [
    {
      name: 'event',
      description: 'Campaign webhook: {targetId, key_values, profiles[]}; profile fields beyond Identity/Email/push_token are inferred',
      origin: 'DOC',
      variants: [...CLEVERTAP_VARIANTS],
      schema: webhook,
      fixtures: ['test-send.json'],
    },
  ],
  template,
  async loadBodyCompiler() {
    if (this.template !== template) return undefined;
    const { compileClevertap } = await import('../templates/clevertap-compiled.js');
    return (event, variant, ascii) => (event.schema === webhook ? compileClevertap(event.name, variant, ascii) : undefined);
  },
  eventOf,
  detect(_req, body) {
    if (eventOf(body) === undefined || !isObject(body)) return 0;
    return 'key_values' in body ? 0.9 : 0.7;
  },
};
