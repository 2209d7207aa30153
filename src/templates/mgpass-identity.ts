// mgPass identity webhooks. The envelope {id:"evt_…", type, created_at:<unix seconds>, data} and the event
// names are DOC (mgPass identity guide, via providers.md); every data shape here is INFERRED from mgPass's
// other objects (usr_ ids, OAuth clients, the MG Digital platforms, Ghanaian phone numbers): plausible and
// consistent inside one payload (a self-service deletion is deleted_by the user, a logout revoked by them,
// an admin action by another usr_), never a credential (token events carry token ids, not tokens).
import type { JsonObject } from '../json.js';
import type { TemplateContext } from './context.js';
import { NETWORKS, PLATFORMS, phone, userId } from './mgpass.js';
import { browserUserAgent } from './sources.js';

export const IDENTITY_EVENTS = [
  'user.login.success',
  'user.login.failed',
  'user.register',
  'user.suspended',
  'user.unsuspended',
  'user.deleted',
  'session.created',
  'session.revoked',
  'token.issued',
  'token.refreshed',
  'role.assigned',
  'role.removed',
  'user.impersonated',
] as const;
export type IdentityEvent = (typeof IDENTITY_EVENTS)[number];

export const LOGIN_METHODS = ['password', 'otp', 'google', 'apple'] as const;
export const LOGIN_FAILURES = ['invalid_password', 'invalid_otp', 'account_locked', 'account_suspended', 'user_not_found'] as const;
export const SIGNUP_METHODS = ['email', 'phone', 'google'] as const;
export const ROLES = ['admin', 'editor', 'moderator', 'support', 'partner_manager', 'rewards_manager'] as const;
export const REVOKE_REASONS = ['logout', 'admin_revoked', 'password_changed', 'user_suspended'] as const;
export const GRANT_TYPES = ['authorization_code', 'password', 'urn:ietf:params:oauth:grant-type:device_code'] as const;
/** Login locks after this many failed attempts (INFERRED). */
export const MAX_LOGIN_ATTEMPTS = 5;
const SCOPES = ['openid profile email', 'openid profile email rewards:read', 'openid profile rewards:read rewards:redeem', 'openid profile email offline_access'];

const sessionId = (ctx: TemplateContext) => `ses_${ctx.lowerAlnum(16)}`;
const tokenId = (ctx: TemplateContext) => `tok_${ctx.lowerAlnum(16)}`;
const clientId = (ctx: TemplateContext) => `cli_${ctx.lowerAlnum(16)}`;

/** Addresses Ghanaian networks hand out (AfriNIC ranges); some clients arrive over IPv6. */
export const IPV4_FIRST_OCTETS = [41, 102, 154, 196, 197];

function ip(ctx: TemplateContext): string {
  // RFC 5952 form (no leading zeros), as servers log it.
  const group = () => ctx.int(1, 0xffff).toString(16);
  if (ctx.chance(0.15)) return `2c0f:${group()}:${group()}:${group()}::${ctx.int(1, 255).toString(16)}`;
  return `${ctx.pick(IPV4_FIRST_OCTETS)}.${ctx.int(0, 255)}.${ctx.int(0, 255)}.${ctx.int(1, 254)}`;
}

export const ANDROID_MODELS = [
  ['SM-A546E', 'Galaxy A54 5G'],
  ['TECNO KJ5', 'TECNO SPARK 20'],
  ['Infinix X6831', 'Infinix HOT 40'],
  ['CPH2581', 'OnePlus 12R'],
] as const;

/** iPhones that stop at iOS 15 (iPhone 6s, 7): common in Ghana's second-hand market. */
export const OLD_IPHONES = [
  ['iPhone9,3', 'iPhone 7'],
  ['iPhone8,1', 'iPhone 6s'],
] as const;
/** iPhones on iOS 17 and 18, which give apps only "iPhone" as the device name. */
export const NEW_IPHONES = [
  ['iPhone14,7', 'iPhone'],
  ['iPhone15,4', 'iPhone'],
] as const;
export const ANDROID_VERSIONS = ['13', '14', '15'];
export const OLD_IOS_VERSIONS = ['15.8.3', '15.8.2'];
export const IOS_VERSIONS = ['17.5.1', '18.1'];

/**
 * The device a session runs on: a browser (no device name), or the mgPass app. Android reports its model name;
 * iOS 16+ gives apps only "iPhone", not the owner's "Ama’s iPhone". iOS 15 and older still give the name the owner
 * set up, which iOS writes with a typographic apostrophe (U+2019): a classic source of non-ASCII in identity data.
 */
function client(ctx: TemplateContext) {
  const platform = ctx.pick(PLATFORMS);
  if (ctx.chance(0.55)) return { platform, user_agent: browserUserAgent(ctx), device_name: null };
  const android = ctx.chance(0.75);
  const version = `2.${ctx.int(0, 9)}.${ctx.int(0, 20)}`;
  if (!android && ctx.chance(0.4)) {
    const [model] = ctx.pick(OLD_IPHONES);
    const user_agent = `mgPass/${version} (${model}; iOS ${ctx.pick(OLD_IOS_VERSIONS)}) CFNetwork/1335.0.3.4`;
    return { platform, user_agent, device_name: ctx.text(`${ctx.firstName()}’s iPhone`) };
  }
  const [model, name] = android ? ctx.pick(ANDROID_MODELS) : ctx.pick(NEW_IPHONES);
  const user_agent = android ? `mgPass/${version} (Android ${ctx.pick(ANDROID_VERSIONS)}; ${model}) okhttp/4.12.0` : `mgPass/${version} (${model}; iOS ${ctx.pick(IOS_VERSIONS)}) CFNetwork/1568.100.1`;
  return { platform, user_agent, device_name: name };
}

function loginSuccess(ctx: TemplateContext): JsonObject {
  const method = ctx.pick(LOGIN_METHODS);
  // Values drawn in the order the object lists them; the object written whole (a spread copies, and the copy is slower
  // to stringify).
  const user = userId(ctx);
  const session = sessionId(ctx);
  const app = clientId(ctx);
  const mfa = method === 'password' ? ctx.chance(0.3) : false;
  const address = ip(ctx);
  const c = client(ctx);
  return { user_id: user, session_id: session, client_id: app, method, mfa, ip: address, platform: c.platform, user_agent: c.user_agent, device_name: c.device_name };
}

function loginFailed(ctx: TemplateContext): JsonObject {
  const person = ctx.person();
  const reason = ctx.pick(LOGIN_FAILURES);
  const byPhone = ctx.chance(0.5);
  const c = client(ctx);
  return {
    // Nobody owns an identifier that matched no account.
    user_id: reason === 'user_not_found' ? null : userId(ctx),
    identifier: byPhone ? phone(ctx, ctx.pick(NETWORKS)) : person.email,
    reason,
    attempt: reason === 'account_locked' ? MAX_LOGIN_ATTEMPTS : ctx.int(1, MAX_LOGIN_ATTEMPTS - 1),
    client_id: clientId(ctx),
    ip: ip(ctx),
    platform: c.platform,
    user_agent: c.user_agent,
  };
}

function register(ctx: TemplateContext): JsonObject {
  const person = ctx.person();
  const method = ctx.pick(SIGNUP_METHODS);
  const c = client(ctx);
  return {
    user_id: userId(ctx),
    name: person.name,
    email: person.email,
    phone_number: phone(ctx, ctx.pick(NETWORKS)),
    method,
    email_verified: method === 'google',
    client_id: clientId(ctx),
    referral_code: ctx.chance(0.25) ? `${person.plain.first.toUpperCase().replace(/[^A-Z]/g, '') || 'MG'}${ctx.digits(4)}` : null,
    ip: ip(ctx),
    platform: c.platform,
    user_agent: c.user_agent,
    device_name: c.device_name,
  };
}

const SUSPEND_REASONS = ['Suspected duplicate accounts', 'Abusive comments on 3news.com', 'Chargeback on a GH₵200 cashback redemption', 'Terms of service violation', 'Points farming from one device'];

/** Who an admin action is about, as the admin console shows them (so the receiver can notify them without a lookup). */
function subject(ctx: TemplateContext): { user_id: string; name: string; email: string } {
  const person = ctx.person();
  return { user_id: userId(ctx), name: person.name, email: person.email };
}

function suspended(ctx: TemplateContext): JsonObject {
  const days = ctx.pick([1, 7, 30, 0]);
  const s = subject(ctx);
  return {
    user_id: s.user_id, name: s.name, email: s.email,
    reason: ctx.pick(SUSPEND_REASONS),
    suspended_by: userId(ctx),
    // 0 days: until an admin lifts it.
    suspended_until: days === 0 ? null : ctx.unix(days * 86_400_000),
  };
}

function unsuspended(ctx: TemplateContext): JsonObject {
  const expired = ctx.chance(0.4);
  const s = subject(ctx);
  return {
    user_id: s.user_id, name: s.name, email: s.email,
    reason: expired ? 'Suspension period ended' : ctx.pick(['Appeal accepted', 'Suspended by mistake', 'Identity verified']),
    // A suspension that ran out is lifted by the system, not by an admin.
    unsuspended_by: expired ? null : userId(ctx),
  };
}

function deleted(ctx: TemplateContext): JsonObject {
  const user = userId(ctx);
  const byUser = ctx.chance(0.7);
  return {
    user_id: user,
    initiated_by: byUser ? 'user' : 'admin',
    deleted_by: byUser ? user : userId(ctx),
    reason: byUser ? ctx.pick(['user_request', 'data_protection_request']) : ctx.pick(['terms_violation', 'duplicate_account', 'inactivity']),
  };
}

export const SESSION_TTL_DAYS = [1, 7, 30];

function sessionCreated(ctx: TemplateContext): JsonObject {
  const ttlDays = ctx.pick(SESSION_TTL_DAYS);
  const session = sessionId(ctx);
  const user = userId(ctx);
  const app = clientId(ctx);
  const address = ip(ctx);
  const c = client(ctx);
  return {
    session_id: session, user_id: user, client_id: app, ip: address,
    platform: c.platform, user_agent: c.user_agent, device_name: c.device_name,
    expires_at: ctx.unix(ttlDays * 86_400_000),
  };
}

function sessionRevoked(ctx: TemplateContext): JsonObject {
  const user = userId(ctx);
  const reason = ctx.pick(REVOKE_REASONS);
  const byUser = reason === 'logout' || reason === 'password_changed';
  return { session_id: sessionId(ctx), user_id: user, reason, revoked_by: byUser ? user : userId(ctx) };
}

function token(ctx: TemplateContext, refreshed: boolean): JsonObject {
  const expiresIn = ctx.pick([900, 3600]);
  const data: JsonObject = { token_id: tokenId(ctx) };
  if (refreshed) data.previous_token_id = tokenId(ctx);
  Object.assign(data, {
    user_id: userId(ctx),
    session_id: sessionId(ctx),
    client_id: clientId(ctx),
    grant_type: refreshed ? 'refresh_token' : ctx.pick(GRANT_TYPES),
    scope: ctx.pick(SCOPES),
    token_type: 'Bearer',
    expires_in: expiresIn,
    expires_at: ctx.unix(expiresIn * 1000),
  });
  return data;
}

// A role change is an admin action: like a suspension, it names whom it is about, as the admin console shows them.
/** A role given on one platform, or on all of them (null). */
const PLATFORMS_OR_ALL = [...PLATFORMS, null];

function role(ctx: TemplateContext, assigned: boolean): JsonObject {
  const s = subject(ctx);
  const role = ctx.pick(ROLES);
  const platform = ctx.pick(PLATFORMS_OR_ALL);
  const by = userId(ctx);
  return assigned
    ? { user_id: s.user_id, name: s.name, email: s.email, role, platform, assigned_by: by }
    : { user_id: s.user_id, name: s.name, email: s.email, role, platform, removed_by: by };
}

export const IMPERSONATION_MINUTES = [15, 30, 60];

function impersonated(ctx: TemplateContext): JsonObject {
  const staff = ctx.person();
  const minutes = ctx.pick(IMPERSONATION_MINUTES);
  return {
    user_id: userId(ctx),
    impersonator_id: userId(ctx),
    impersonator_name: staff.name,
    impersonator_email: `${staff.plain.first.toLowerCase()}.${staff.plain.last.toLowerCase().replace(/[^a-z]/g, '')}@mgdigital.com.gh`,
    reason: ctx.pick([`Support ticket #${ctx.digits(5)}`, `Support ticket #${ctx.digits(5)}: can’t redeem points`, 'Cashback payout investigation', 'Account recovery request']),
    session_id: sessionId(ctx),
    ip: ip(ctx),
    expires_at: ctx.unix(minutes * 60_000),
  };
}

const DATA: Record<IdentityEvent, (ctx: TemplateContext) => JsonObject> = {
  'user.login.success': loginSuccess,
  'user.login.failed': loginFailed,
  'user.register': register,
  'user.suspended': suspended,
  'user.unsuspended': unsuspended,
  'user.deleted': deleted,
  'session.created': sessionCreated,
  'session.revoked': sessionRevoked,
  'token.issued': (ctx) => token(ctx, false),
  'token.refreshed': (ctx) => token(ctx, true),
  'role.assigned': (ctx) => role(ctx, true),
  'role.removed': (ctx) => role(ctx, false),
  'user.impersonated': impersonated,
};

/** DOC envelope: the event id, the type, when it happened in unix seconds, and the data. */
function identityEnvelope(ctx: TemplateContext, type: IdentityEvent): JsonObject {
  const id = `evt_${ctx.lowerAlnum(20)}`;
  return { id, type, created_at: ctx.unix(), data: DATA[type](ctx) };
}

export const identityTemplates = Object.fromEntries(
  IDENTITY_EVENTS.map((type) => [type, (ctx: TemplateContext) => identityEnvelope(ctx, type)]),
) as Record<IdentityEvent, (ctx: TemplateContext) => JsonObject>;
