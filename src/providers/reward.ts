import * as z from 'zod/mini';
import { rewardTemplates } from '../templates/reward.js';
import { isObject, templateFor } from './helpers.js';
import type { EventDef, ProviderDef } from './types.js';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const EVENT_ID = /^we_[0-9a-hjkmnp-tv-z]{26}$/;

/** The millisecond timestamp encoded in a "we_" id's ULID, or undefined when it is not one. */
export function ulidTime(id: string): number | undefined {
  if (!EVENT_ID.test(id)) return undefined;
  let t = 0;
  for (const ch of id.slice(3, 13)) t = t * 32 + CROCKFORD.indexOf(ch);
  return t;
}

// The documented id's ULID is 121 ms older than its `time`, so the two are not required to agree.
function envelope<D extends z.ZodMiniType>(type: string, data: D) {
  return z.object({
    id: z.string().check(z.regex(EVENT_ID)),
    type: z.literal(type),
    time: z.iso.datetime(),
    data,
  });
}

const user = z.object({ id: z.string().check(z.minLength(1)) });

const triggerEventCreated = envelope(
  'trigger_event.created',
  z.object({ user, value: z.number(), trigger: z.object({ id: z.string().check(z.minLength(1)) }) }),
);

const creditPointsIssued = envelope(
  'balance.credit_points_issued',
  z.object({ user, transaction: z.object({ id: z.string().check(z.minLength(1)), amount: z.number() }) }),
);

const events: EventDef[] = [
  {
    name: 'trigger_event.created',
    description: 'A trigger event was created for a user (e.g. successful_payment, with its value)',
    origin: 'DOC',
    schema: triggerEventCreated,
    fixtures: ['trigger_event.created.json'],
  },
  {
    name: 'balance.credit_points_issued',
    description: 'Credits were issued to a user (data.transaction.id and amount)',
    origin: 'DOC',
    schema: creditPointsIssued,
  },
];
const TYPES = new Set(events.map((e) => e.name));

export const provider: ProviderDef = {
  id: 'reward',
  name: 'Reward',
  description: 'Trigger-event and credit webhooks from the Reward plugin',
  kind: 'webhook',
  signing: {
    scheme: 'none',
    secretRequired: false,
    description: 'No signature: keep the webhook URL secret and use HTTPS',
  },
  headers: { 'Content-Type': 'application/json' },
  retry: {
    attempts: 6,
    delaysMs: [0, 1000, 2000, 4000, 8000, 16000],
    success: '2xx',
    origin: 'DOC',
    description: 'Non-2xx answers are retried up to 5 times with exponential backoff (the exact delays are not documented; 1 s doubling assumed)',
  },
  events,
  template: templateFor(rewardTemplates),
  eventOf(body) {
    if (!isObject(body) || typeof body.type !== 'string' || !TYPES.has(body.type)) return undefined;
    if (typeof body.id !== 'string' || !body.id.startsWith('we_')) return undefined;
    return body.type;
  },
  dedupKey(body) {
    return isObject(body) && typeof body.id === 'string' && body.id !== '' ? body.id : undefined;
  },
  detect(req, body) {
    return this.eventOf(body, req) !== undefined ? 0.9 : 0;
  },
};
