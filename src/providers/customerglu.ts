import * as z from 'zod/mini';
import { CAMPAIGN_TYPES, REWARD_TYPES, customergluTemplates } from '../templates/customerglu.js';
import { isObject, templateFor } from './helpers.js';
import type { ProviderDef, TenantMappingDef } from './types.js';

// Customers customise the reward payload and its `details`, so unknown keys are allowed throughout.
// The default keys, each with its schema: also what a tenant mapping may reference ("$rewardAmount").
export const REWARD_FIELDS = {
  // The docs' own ids are placeholders such as "xyz41c29-…": real deliveries carry UUIDs, but any string is accepted.
  campaignId: z.string().check(z.minLength(1)),
  type: z.enum([...CAMPAIGN_TYPES, 'customReward']),
  rewardType: z.optional(z.enum(REWARD_TYPES)),
  userId: z.string().check(z.minLength(1)),
  rewardId: z.string().check(z.minLength(1)),
  status: z.optional(z.string()),
  transactionId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]+={0,2}$/))),
  rewardName: z.string(),
  rewardAmount: z.optional(z.number()),
  rewardExpiry: z.optional(z.union([z.literal(-1), z.int().check(z.nonnegative())])),
  body: z.optional(z.string()),
  tnc: z.optional(z.array(z.string())),
  code: z.optional(z.string()),
  details: z.optional(
    z.looseObject({
      userAName: z.optional(z.string()),
      userAId: z.optional(z.string()),
      userBName: z.optional(z.string()),
      userBId: z.optional(z.string()),
      rewardCategory: z.optional(z.string()),
      currency: z.optional(z.string()),
      campaignName: z.optional(z.string()),
    }),
  ),
};
const reward = z.looseObject(REWARD_FIELDS);

/** CustomerGlu lets each tenant define its own reward payload from these default keys (see src/core/mapping.ts). */
const REWARD_MAPPING: TenantMappingDef = {
  fields: REWARD_FIELDS,
  freeForm: ['details'],
  dedupKey: 'rewardId',
  doc: 'CustomerGlu reward webhook, "define your own schema for the webhook payload"',
};

const nudge = z.looseObject({
  client: z.uuid(),
  campaignId: z.string().check(z.minLength(1)),
  userId: z.string().check(z.minLength(1)),
  notificationType: z.enum(['push', 'in-app']),
  pageType: z.enum(['full-default', 'middle-default', 'bottom-default', 'bottom-slider']),
  content: z.looseObject({
    title: z.string(),
    body: z.string(),
    clickAction: z.string(),
    image: z.string(),
    button: z.looseObject({ text: z.string(), action: z.string() }),
  }),
  timeRemaning: z.string(),
  expiry: z.string(),
  webhookType: z.literal('nudge'),
});

const rawEvent = z.looseObject({
  timestamp: z.union([z.string(), z.number()]),
  event_name: z.string().check(z.minLength(1)),
  event_properties: z.record(z.string(), z.unknown()),
  user_id: z.string().check(z.minLength(1)),
});

const template = templateFor(customergluTemplates);

export const provider: ProviderDef = {
  id: 'customerglu',
  name: 'CustomerGlu',
  description: 'Reward, nudge and analytics webhooks that CustomerGlu sends to your server',
  kind: 'webhook',
  signing: {
    scheme: 'customerglu',
    header: 'X-CG-SIGNATURE',
    altHeaders: ['X-GLU-SIGNATURE'],
    algorithm: 'sha1',
    encoding: 'hex',
    secretRequired: false,
    description: 'X-CG-SIGNATURE: hex HMAC-SHA1 of the body with your token; sent only when a token is configured',
  },
  headers: { 'Content-Type': 'application/json' },
  retry: { attempts: 1, delaysMs: [0], success: '2xx', origin: 'NONE', description: 'No retry policy documented' },
  events: [
    {
      name: 'reward',
      description: 'A user won a reward (rewardId is unique: the de-duplication key)',
      origin: 'DOC',
      variants: [
        ...CAMPAIGN_TYPES.filter((t) => t !== 'referral').map((t) => ({ name: t, description: `campaign type "${t}"` })),
        { name: 'referral', description: 'referral reward: details carry userAName/userAId (referrer) and userBName/userBId (friend)' },
      ],
      schema: reward,
      fixtures: ['reward.json', 'reward-spinthewheel.json', 'reward-signed-vector.json'],
      tenantMapping: REWARD_MAPPING,
    },
    { name: 'nudge', description: 'A push or in-app nudge for a campaign', origin: 'DOC', schema: nudge },
    {
      name: 'raw-event',
      description: 'Analytics webhook: a raw user interaction event (e.g. reward_interaction)',
      origin: 'DOC',
      schema: rawEvent,
    },
  ],
  template,
  async loadBodyCompiler() {
    if (this.template !== template) return undefined;
    const { compileCustomerglu } = await import('../templates/customerglu-compiled.js');
    return (event, variant, ascii) => (event.schema === reward ? compileCustomerglu(event.name, variant, ascii) : undefined);
  },
  eventOf(body) {
    if (!isObject(body)) return undefined;
    if (body.webhookType === 'nudge') return 'nudge';
    if ('rewardId' in body && 'campaignId' in body) return 'reward';
    if ('event_name' in body && 'event_properties' in body && !('event_id' in body)) return 'raw-event';
    return undefined;
  },
  dedupKey(body) {
    if (!isObject(body)) return undefined;
    if (typeof body.rewardId === 'string') return body.rewardId;
    return undefined;
  },
  detect(req, body) {
    if (req.headers['x-cg-signature'] !== undefined || req.headers['x-glu-signature'] !== undefined) return 0.95;
    const event = this.eventOf(body, req);
    if (event === 'reward' || event === 'nudge') return 0.8;
    if (event === 'raw-event') return 0.5;
    return 0;
  },
};
