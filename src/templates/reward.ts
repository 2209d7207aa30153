import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';

/** Triggers a Reward workspace typically defines (the docs show `successful_payment`). */
const TRIGGERS = ['successful_payment', 'subscription_renewed', 'first_purchase', 'referral_completed', 'review_submitted', 'profile_completed'];

/** How long before the event's `time` its id is minted, at most (the documented example: 121 ms). */
export const ID_LEAD_MAX_MS = 500;

/**
 * `id` is "we_" + a lowercase ULID. In the documented example the ULID's time is 121 ms before `time`: the id is
 * minted when the event is recorded and `time` stamped a moment later, so the id here sits 0-500 ms before `time`.
 */
function envelope(ctx: TemplateContext, type: string, data: JsonObject): JsonObject {
  return { id: `we_${ctx.ulid(ctx.now - ctx.int(0, ID_LEAD_MAX_MS))}`, type, time: ctx.iso(), data };
}

function triggerEventCreated(ctx: TemplateContext): JsonObject {
  const trigger = ctx.pick(TRIGGERS);
  const value = trigger === 'successful_payment' || trigger === 'subscription_renewed' || trigger === 'first_purchase'
    ? ctx.pick([0.99, 2.99, 4.99, 9.99, 19.99, 49.99])
    : 1;
  return envelope(ctx, 'trigger_event.created', { user: { id: ctx.uuid() }, value, trigger: { id: trigger } });
}

// The field names are documented; the transaction id format is not (a UUID like the user id is assumed).
function creditPointsIssued(ctx: TemplateContext): JsonObject {
  return envelope(ctx, 'balance.credit_points_issued', {
    user: { id: ctx.uuid() },
    transaction: { id: ctx.uuid(), amount: ctx.pick([10, 25, 50, 100, 250, 500]) },
  });
}

export const rewardTemplates = {
  'trigger_event.created': (ctx: TemplateContext) => triggerEventCreated(ctx),
  'balance.credit_points_issued': (ctx: TemplateContext) => creditPointsIssued(ctx),
} satisfies Record<string, (ctx: TemplateContext, variant?: string) => JsonObject>;
