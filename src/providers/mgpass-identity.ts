// Schemas of mgPass's identity webhooks (the second mgPass envelope). Envelope and event names: DOC.
// Data shapes: INFERRED (see src/templates/mgpass-identity.ts), so they are checked for the fields a
// receiver relies on (ids, who did what, unix-second times) while unknown keys pass.
import { refinementInJsonSchema } from '../schema/refinement.js';
import * as z from 'zod/mini';
import { GRANT_TYPES, IDENTITY_EVENTS, LOGIN_FAILURES, LOGIN_METHODS, MAX_LOGIN_ATTEMPTS, REVOKE_REASONS, ROLES, SIGNUP_METHODS, type IdentityEvent } from '../templates/mgpass-identity.js';
import { isObject } from './helpers.js';
import type { EventDef } from './types.js';

export const IDENTITY_GROUP = 'identity';
const IDENTITY_TYPES: ReadonlySet<string> = new Set(IDENTITY_EVENTS);

const prefixed = (prefix: string) => z.string().check(z.regex(new RegExp(`^${prefix}[A-Za-z0-9]+$`)));
const userId = prefixed('usr_');
const sessionId = prefixed('ses_');
const tokenId = prefixed('tok_');
const nonEmpty = z.string().check(z.minLength(1));
const ip = z.union([z.ipv4(), z.ipv6()]);
/** Unix seconds: a value in milliseconds (13 digits) is the classic mistake, so it is named. */
const unixSeconds = z.int().check(
  z.nonnegative(),
  z.refine((n) => n < 100_000_000_000, { message: 'looks like milliseconds: mgPass identity times are unix seconds' }),
  refinementInJsonSchema({ schema: { exclusiveMaximum: 100_000_000_000 } }),
);

const device = {
  platform: nonEmpty,
  user_agent: nonEmpty,
  device_name: z.optional(z.nullable(z.string())),
};

function identityEnvelope<D extends z.ZodMiniType>(type: IdentityEvent, data: D) {
  return z.object({ id: prefixed('evt_'), type: z.literal(type), created_at: unixSeconds, data });
}

const DATA: Record<IdentityEvent, z.ZodMiniType> = {
  'user.login.success': z.looseObject({ user_id: userId, session_id: sessionId, client_id: nonEmpty, method: z.enum(LOGIN_METHODS), mfa: z.optional(z.boolean()), ip, ...device }),
  'user.login.failed': z
    .looseObject({
      user_id: z.nullable(userId),
      identifier: nonEmpty,
      reason: z.enum(LOGIN_FAILURES),
      attempt: z.int().check(z.positive(), z.lte(MAX_LOGIN_ATTEMPTS)),
      client_id: z.optional(nonEmpty),
      ip,
      platform: z.optional(nonEmpty),
      user_agent: z.optional(nonEmpty),
    })
    .check(z.refine((d) => (d.reason === 'user_not_found') === (d.user_id === null), { message: 'user_id is null exactly when the reason is user_not_found', path: ['user_id'] }),
      refinementInJsonSchema({
        schema: {
          anyOf: [
            { properties: { reason: { const: 'user_not_found' }, user_id: { type: 'null' } } },
            { properties: { reason: { not: { const: 'user_not_found' } }, user_id: { type: 'string' } } },
          ],
        },
      }),
    ),
  'user.register': z.looseObject({
    user_id: userId,
    name: z.string(),
    email: z.email(),
    phone_number: z.optional(z.string().check(z.regex(/^\+\d{8,15}$/))),
    method: z.enum(SIGNUP_METHODS),
    email_verified: z.optional(z.boolean()),
    client_id: z.optional(nonEmpty),
    referral_code: z.optional(z.nullable(z.string())),
    ip: z.optional(ip),
    ...device,
  }),
  'user.suspended': z.looseObject({ user_id: userId, name: z.optional(z.string()), email: z.optional(z.email()), reason: nonEmpty, suspended_by: userId, suspended_until: z.nullable(unixSeconds) }),
  'user.unsuspended': z.looseObject({ user_id: userId, name: z.optional(z.string()), email: z.optional(z.email()), reason: z.optional(nonEmpty), unsuspended_by: z.nullable(userId) }),
  'user.deleted': z
    .looseObject({ user_id: userId, initiated_by: z.enum(['user', 'admin']), deleted_by: userId, reason: nonEmpty })
    .check(z.refine((d) => (d.initiated_by === 'user') === (d.deleted_by === d.user_id), { message: 'deleted_by is the user exactly when the user initiated the deletion', path: ['deleted_by'] }),
      refinementInJsonSchema({ words: 'deleted_by equals user_id exactly when initiated_by is "user".' }),
    ),
  'session.created': z.looseObject({ session_id: sessionId, user_id: userId, client_id: nonEmpty, ip, ...device, expires_at: unixSeconds }),
  'session.revoked': z.looseObject({ session_id: sessionId, user_id: userId, reason: z.enum(REVOKE_REASONS), revoked_by: z.nullable(userId) }),
  'token.issued': z.looseObject({
    token_id: tokenId,
    user_id: userId,
    session_id: z.optional(sessionId),
    client_id: nonEmpty,
    grant_type: z.enum(GRANT_TYPES),
    scope: nonEmpty,
    token_type: z.literal('Bearer'),
    expires_in: z.int().check(z.positive()),
    expires_at: unixSeconds,
  }),
  'token.refreshed': z
    .looseObject({
      token_id: tokenId,
      previous_token_id: tokenId,
      user_id: userId,
      session_id: z.optional(sessionId),
      client_id: nonEmpty,
      grant_type: z.literal('refresh_token'),
      scope: nonEmpty,
      token_type: z.literal('Bearer'),
      expires_in: z.int().check(z.positive()),
      expires_at: unixSeconds,
    })
    .check(z.refine((d) => d.token_id !== d.previous_token_id, { message: 'a refreshed token gets a new token_id', path: ['token_id'] }), refinementInJsonSchema({ words: 'token_id differs from previous_token_id.' })),
  'role.assigned': z.looseObject({ user_id: userId, name: z.optional(z.string()), email: z.optional(z.email()), role: z.enum(ROLES), platform: z.optional(z.nullable(z.string())), assigned_by: userId }),
  'role.removed': z.looseObject({ user_id: userId, name: z.optional(z.string()), email: z.optional(z.email()), role: z.enum(ROLES), platform: z.optional(z.nullable(z.string())), removed_by: userId }),
  'user.impersonated': z
    .looseObject({ user_id: userId, impersonator_id: userId, impersonator_name: z.optional(z.string()), impersonator_email: z.optional(z.email()), reason: nonEmpty, session_id: sessionId, ip: z.optional(ip), expires_at: z.optional(unixSeconds) })
    .check(z.refine((d) => d.user_id !== d.impersonator_id, { message: 'nobody impersonates themselves', path: ['impersonator_id'] }), refinementInJsonSchema({ words: 'impersonator_id differs from user_id.' })),
};

const DESCRIPTIONS: Record<IdentityEvent, string> = {
  'user.login.success': 'A user signed in (session, client, method, IP, user agent)',
  'user.login.failed': 'A sign-in failed (reason, attempt number; user_id null for an unknown identifier)',
  'user.register': 'A new mgPass account (name, e-mail, phone, sign-up method)',
  'user.suspended': 'An admin suspended a user (reason, until when)',
  'user.unsuspended': 'A suspension was lifted (by an admin, or null when it ran out)',
  'user.deleted': 'An account was deleted (by the user or an admin)',
  'session.created': 'A session started (client, device, expiry)',
  'session.revoked': 'A session ended early (logout, password change, admin)',
  'token.issued': 'An access token was issued (token id, scope, expiry; never the token)',
  'token.refreshed': 'An access token was refreshed (new and previous token ids)',
  'role.assigned': 'A role was granted to a user',
  'role.removed': 'A role was taken from a user',
  'user.impersonated': 'Staff signed in as a user (who, why, for how long)',
};

export const identityEvents: EventDef[] = IDENTITY_EVENTS.map((name) => ({
  name,
  description: DESCRIPTIONS[name],
  origin: 'INFERRED',
  group: IDENTITY_GROUP,
  schema: identityEnvelope(name, DATA[name]),
}));

/**
 * The identity event a body is: `{id, type, created_at, data}` with one of the documented types. A body that
 * lost its id or created_at is still recognised, so that validation can say what is missing.
 */
export function identityEventOf(body: unknown): IdentityEvent | undefined {
  if (!isObject(body) || typeof body.type !== 'string' || !IDENTITY_TYPES.has(body.type) || 'event_type' in body) return undefined;
  return 'id' in body || 'created_at' in body || 'data' in body ? (body.type as IdentityEvent) : undefined;
}
