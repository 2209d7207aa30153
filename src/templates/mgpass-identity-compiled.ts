// mgPass's identity events with a person or a client device (user.register, user.impersonated, user.login.success,
// user.login.failed, session.created) compiled to JSON bytes (see compiled.ts): interpreted, they were the slowest
// mgPass events (220,000 to 285,000 payloads a CPU-second). This mirrors mgpass-identity.ts (`identityEnvelope`,
// `loginSuccess`, `loginFailed`, `register`, `impersonated`, `sessionCreated`, `client`, `ip`) and ctx.person() key
// for key and draw for draw.
// test/generate-compiled-mgpass.test.ts compares the bytes with JSON.stringify of the interpreted payload.
import * as alphabets from './context.js';
import type { NameForms, TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import { type CompiledTemplate } from './compiled.js';
import * as identity from './mgpass-identity.js';
import * as mgpass from './mgpass.js';
import * as names from './names.js';
import * as drawn from './sources-drawn.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make hundreds per delivery).
const { literal, literalBound, put, putBoolean, putNumber, putString, shown, utf8 } = compiled;
const { DIGIT_CODES, HEX_CODES, LOWER_ALNUM_CODES, nameForms } = alphabets;
const { ANDROID_MODELS, ANDROID_VERSIONS, IMPERSONATION_MINUTES, IOS_VERSIONS, IPV4_FIRST_OCTETS, LOGIN_FAILURES, LOGIN_METHODS } = identity;
const { MAX_LOGIN_ATTEMPTS, NEW_IPHONES, OLD_IOS_VERSIONS, OLD_IPHONES, SESSION_TTL_DAYS, SIGNUP_METHODS } = identity;
const { NETWORK_PREFIXES, NETWORKS, PLATFORMS } = mgpass;
const { EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, NATIVE_NAME_SHARE, NATIVE_NAMES } = names;
const { putBrowserUserAgent } = drawn;

/**
 * created_at and expires_at (the clock plus at most 30 days, a session's) are the schema's unix seconds, non-negative
 * and below 10^11, for a clock from 1970 to here; outside it the interpreted path (and its schema check) decides.
 */
const LAST_CLOCK_MS = 100_000_000_000_000 - 30 * 86_400_000;
const longest = (texts: readonly string[]): number => Math.max(...texts.map((t) => t.length));
/** A person's name, any mode, in UTF-16 units; --ascii spellings are at most 4 units a character (₹ → "Rs "). */
const NAME_UNITS = 4 * Math.max(longest(FIRST_NAMES) + 1 + longest(LAST_NAMES), ...NATIVE_NAMES.map((n) => Math.max(n.name.length, n.romanized.first.length + 1 + n.romanized.last.length)));
/**
 * Besides a name and an "Ama’s iPhone", a body is ids of fixed length, keys, numbers, an IP address, a phone, an
 * e-mail (a name's letters) and a user agent (under 200 bytes): well under 1 KB.
 */
const MAX_BYTES = 1024 + 2 * literalBound(NAME_UNITS) + literalBound(4 * longest(FIRST_NAMES) + 9);

const f = utf8;
const K = {
  head: f('{"id":"evt_'),
  data: f(',"data":{'),
  userId: f('"user_id":"usr_'),
  sessionFirst: f('"session_id":"ses_'),
  userAfterSession: f('","user_id":"usr_'),
  noUser: f('"user_id":null'),
  sessionId: f('","session_id":"ses_'),
  clientId: f('","client_id":"cli_'),
  afterClientId: f(',"client_id":"cli_'),
  mfa: f(',"mfa":'),
  quoteIp: f('","ip":'),
  ip: f(',"ip":'),
  identifier: f(',"identifier":'),
  name: f('","name":'),
  email: f(',"email":'),
  phone: f(',"phone_number":'),
  referral: f('","referral_code":'),
  nil: f('null'),
  impersonatorId: f('","impersonator_id":"usr_'),
  impersonatorName: f('","impersonator_name":'),
  impersonatorEmail: f(',"impersonator_email":'),
  ticket: f(',"reason":"Support ticket #'),
  sessionAfterText: f(',"session_id":"ses_'),
  expiresAt: f(',"expires_at":'),
  userAgent: f(',"user_agent":'),
  deviceName: f(',"device_name":'),
  appAgent: f('"mgPass/2.'),
  close: f('}}'),
} as const;
const PLATFORM = PLATFORMS.map((p) => f(`,"platform":${JSON.stringify(p)}`));
const PREFIXES = NETWORKS.map((n) => NETWORK_PREFIXES[n].map((p) => f(`"+233${p}`)));
/** The app's user agent after its version (per model and OS version), and the device name (per model). */
const ANDROID_TAILS = ANDROID_MODELS.map(([model]) => ANDROID_VERSIONS.map((v) => f(` (Android ${v}; ${model}) okhttp/4.12.0"`)));
const ANDROID_NAMES = ANDROID_MODELS.map(([, name]) => f(JSON.stringify(name)));
const IOS_TAILS = NEW_IPHONES.map(([model]) => IOS_VERSIONS.map((v) => f(` (${model}; iOS ${v}) CFNetwork/1568.100.1"`)));
const IOS_NAMES = NEW_IPHONES.map(([, name]) => f(JSON.stringify(name)));
const OLD_IOS_TAILS = OLD_IPHONES.map(([model]) => OLD_IOS_VERSIONS.map((v) => f(` (${model}; iOS ${v}) CFNetwork/1335.0.3.4"`)));
const USER_NOT_FOUND = LOGIN_FAILURES.indexOf('user_not_found');
const ACCOUNT_LOCKED = LOGIN_FAILURES.indexOf('account_locked');
const PASSWORD = LOGIN_METHODS.indexOf('password');

// Made on first use, per --ascii mode, from the names' bounded lists: an old iPhone's "Ama’s iPhone" (per first
// name), an impersonating staff member's e-mail (per name), and a referral code's letters (per plain first name).
const OWNER_NAMED: [Array<Uint8Array | undefined>, Array<Uint8Array | undefined>] = [[], []];
const STAFF_EMAILS = [new Map<NameForms, Uint8Array>(), new Map<NameForms, Uint8Array>()] as const;
const REFERRAL_HEADS = new Map<string, Uint8Array>();

/** A `"usr_…"`-style id's characters (its prefix ends the key fragment before it). Returns the end. */
function lowerAlnum(ctx: TemplateContext, n: number, out: Uint8Array, at: number): number {
  return ctx.charsInto(LOWER_ALNUM_CODES, n, out, at);
}

/** ASCII text without quotes or backslashes (the caller knows it needs no escape). Returns the end. */
function putAscii(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** ctx.person()'s draws: what these events show of a person. */
const WHO = { forms: nameForms(-1, 0, 0), emailNumber: 0, domain: '' };

function drawPerson(ctx: TemplateContext): typeof WHO {
  // An index drawn with int(0, n - 1) is the one pick() takes (both floor(float() * n)).
  const native = ctx.chance(NATIVE_NAME_SHARE) ? ctx.int(0, NATIVE_NAMES.length - 1) : -1;
  const first = ctx.int(0, FIRST_NAMES.length - 1);
  WHO.forms = nameForms(native, first, ctx.int(0, LAST_NAMES.length - 1));
  WHO.emailNumber = ctx.int(1, 99);
  WHO.domain = ctx.pick(EMAIL_DOMAINS);
  ctx.skip(11); // person()'s phone (int(6, 9) and nine digits) and city: drawn, not shown here
  return WHO;
}

/** The person's `"aarav.sharma12@gmail.com"` (letters and dots: the same under --ascii). Returns the end. */
function putEmail(out: Uint8Array, start: number, w: typeof WHO): number {
  out[start] = 0x22;
  let at = putNumber(out, putAscii(out, start + 1, w.forms.local), w.emailNumber);
  out[at] = 0x40;
  at = putAscii(out, at + 1, w.domain);
  out[at] = 0x22;
  return at + 1;
}

/** phone(ctx, ctx.pick(NETWORKS)): `"+233241234567"`, drawn where it is written. Returns the end. */
function putPhone(ctx: TemplateContext, out: Uint8Array, at: number): number {
  const prefixes = PREFIXES[ctx.int(0, NETWORKS.length - 1)]!;
  const end = ctx.charsInto(DIGIT_CODES, 7, out, put(out, at, prefixes[ctx.int(0, prefixes.length - 1)]!));
  out[end] = 0x22;
  return end + 1;
}

/** A number in lower-case hex without leading zeros (n in 1..0xffff), as toString(16) writes it. Returns the end. */
function putHex(out: Uint8Array, start: number, n: number): number {
  let at = start;
  for (let shift = n >= 0x1000 ? 12 : n >= 0x100 ? 8 : n >= 0x10 ? 4 : 0; shift >= 0; shift -= 4) out[at++] = HEX_CODES[(n >> shift) & 15]!;
  return at;
}

/** ip(ctx) as JSON, drawn where it is written: an AfriNIC IPv4 address or (15 %) an IPv6 one. Returns the end. */
function putIp(ctx: TemplateContext, out: Uint8Array, start: number): number {
  let at = start;
  if (ctx.chance(0.15)) {
    out[at] = 0x22; out[at + 1] = 0x32; out[at + 2] = 0x63; out[at + 3] = 0x30; out[at + 4] = 0x66; // "2c0f
    at += 5;
    for (let i = 0; i < 3; i++) {
      out[at] = 0x3a;
      at = putHex(out, at + 1, ctx.int(1, 0xffff));
    }
    out[at] = 0x3a;
    out[at + 1] = 0x3a;
    at = putHex(out, at + 2, ctx.int(1, 255));
  } else {
    out[at] = 0x22;
    at = putNumber(out, at + 1, ctx.pick(IPV4_FIRST_OCTETS));
    for (let i = 0; i < 3; i++) {
      out[at] = 0x2e;
      at = putNumber(out, at + 1, i < 2 ? ctx.int(0, 255) : ctx.int(1, 254));
    }
  }
  out[at] = 0x22;
  return at + 1;
}

/**
 * client(ctx) as `,"platform":…,"user_agent":…` and, `withDevice`, `,"device_name":…`, drawn where it is written.
 * Returns the end.
 */
function putClient(ctx: TemplateContext, out: Uint8Array, start: number, withDevice: boolean, ascii: boolean): number {
  let at = put(out, put(out, start, PLATFORM[ctx.int(0, PLATFORMS.length - 1)]!), K.userAgent);
  if (ctx.chance(0.55)) {
    at = putBrowserUserAgent(ctx, out, at);
    return withDevice ? put(out, put(out, at, K.deviceName), K.nil) : at;
  }
  const android = ctx.chance(0.75);
  at = putNumber(out, put(out, at, K.appAgent), ctx.int(0, 9));
  out[at] = 0x2e;
  at = putNumber(out, at + 1, ctx.int(0, 20));
  let name: Uint8Array;
  if (!android && ctx.chance(0.4)) {
    const tails = OLD_IOS_TAILS[ctx.int(0, OLD_IPHONES.length - 1)]!;
    at = put(out, at, tails[ctx.int(0, tails.length - 1)]!);
    const first = ctx.int(0, FIRST_NAMES.length - 1);
    // ctx.text(`${ctx.firstName()}’s iPhone`): under --ascii the first name is folded, then the whole.
    name = OWNER_NAMED[ascii ? 1 : 0][first] ??= f(literal(`${shown(FIRST_NAMES[first]!, ascii)}’s iPhone`, ascii));
  } else if (android) {
    const model = ctx.int(0, ANDROID_MODELS.length - 1);
    at = put(out, at, ANDROID_TAILS[model]![ctx.int(0, ANDROID_VERSIONS.length - 1)]!);
    name = ANDROID_NAMES[model]!;
  } else {
    const model = ctx.int(0, NEW_IPHONES.length - 1);
    at = put(out, at, IOS_TAILS[model]![ctx.int(0, IOS_VERSIONS.length - 1)]!);
    name = IOS_NAMES[model]!;
  }
  return withDevice ? put(out, put(out, at, K.deviceName), name) : at;
}

/** A client drawn before the place it is written at (login.failed, register): its bytes, and where they end. */
const CLIENT = Buffer.alloc(1024);

/** The envelope up to `"data":{`, its evt_ id drawn first (identityEnvelope's order). Returns the end. */
function putHead(ctx: TemplateContext, out: Uint8Array, start: number, type: Uint8Array): number {
  const at = put(out, lowerAlnum(ctx, 20, out, put(out, start, K.head)), type);
  return put(out, putNumber(out, at, ctx.unix()), K.data);
}

type Write = CompiledTemplate['write'];

function loginSuccess(type: Uint8Array, ascii: boolean): Write {
  const methods = LOGIN_METHODS.map((m) => f(`","method":${JSON.stringify(m)}`));
  return (ctx, out, start) => {
    const at0 = putHead(ctx, out, start, type);
    const method = ctx.int(0, LOGIN_METHODS.length - 1);
    let at = lowerAlnum(ctx, 12, out, put(out, at0, K.userId));
    at = lowerAlnum(ctx, 16, out, put(out, at, K.sessionId));
    at = lowerAlnum(ctx, 16, out, put(out, at, K.clientId));
    at = put(out, put(out, at, methods[method]!), K.mfa);
    at = putBoolean(out, at, method === PASSWORD ? ctx.chance(0.3) : false);
    at = putIp(ctx, out, put(out, at, K.ip));
    return put(out, putClient(ctx, out, at, true, ascii), K.close);
  };
}

function loginFailed(type: Uint8Array, ascii: boolean): Write {
  const reasons = LOGIN_FAILURES.map((r) => f(`,"reason":${JSON.stringify(r)},"attempt":`));
  return (ctx, out, start) => {
    let at = putHead(ctx, out, start, type);
    const who = drawPerson(ctx);
    const reason = ctx.int(0, LOGIN_FAILURES.length - 1);
    const byPhone = ctx.chance(0.5);
    const client = putClient(ctx, CLIENT, 0, false, ascii);
    if (reason === USER_NOT_FOUND) at = put(out, at, K.noUser);
    else {
      at = lowerAlnum(ctx, 12, out, put(out, at, K.userId));
      out[at++] = 0x22;
    }
    at = put(out, at, K.identifier);
    at = byPhone ? putPhone(ctx, out, at) : putEmail(out, at, who);
    at = putNumber(out, put(out, at, reasons[reason]!), reason === ACCOUNT_LOCKED ? MAX_LOGIN_ATTEMPTS : ctx.int(1, MAX_LOGIN_ATTEMPTS - 1));
    at = lowerAlnum(ctx, 16, out, put(out, at, K.afterClientId));
    at = putIp(ctx, out, put(out, at, K.quoteIp));
    return put(out, put(out, at, CLIENT.subarray(0, client)), K.close);
  };
}

function register(type: Uint8Array, ascii: boolean): Write {
  const methods = SIGNUP_METHODS.map((m) => f(`,"method":${JSON.stringify(m)},"email_verified":${m === 'google'},"client_id":"cli_`));
  return (ctx, out, start) => {
    let at = putHead(ctx, out, start, type);
    const who = drawPerson(ctx);
    const method = ctx.int(0, SIGNUP_METHODS.length - 1);
    const client = putClient(ctx, CLIENT, 0, true, ascii);
    at = lowerAlnum(ctx, 12, out, put(out, at, K.userId));
    at = putString(out, put(out, at, K.name), (ascii ? who.forms.ascii : who.forms.typed).name, ascii);
    at = putEmail(out, put(out, at, K.email), who);
    at = putPhone(ctx, out, put(out, at, K.phone));
    at = lowerAlnum(ctx, 16, out, put(out, at, methods[method]!));
    at = put(out, at, K.referral);
    if (ctx.chance(0.25)) {
      at = ctx.charsInto(DIGIT_CODES, 4, out, put(out, at, referralHead(who.forms.ascii.first)));
      out[at++] = 0x22;
    } else at = put(out, at, K.nil);
    at = putIp(ctx, out, put(out, at, K.ip));
    return put(out, put(out, at, CLIENT.subarray(0, client)), K.close);
  };
}

/** `"AARAV`: a referral code's letters (the plain first name's capitals, or MG), with its opening quote. */
function referralHead(plainFirst: string): Uint8Array {
  let head = REFERRAL_HEADS.get(plainFirst);
  if (head === undefined) REFERRAL_HEADS.set(plainFirst, (head = f(`"${plainFirst.toUpperCase().replace(/[^A-Z]/g, '') || 'MG'}`)));
  return head;
}

function impersonated(type: Uint8Array, ascii: boolean): Write {
  const tickets = Buffer.alloc(10);
  const emails = STAFF_EMAILS[ascii ? 1 : 0];
  // The reasons after a ticket's number (the second has a ’, folded under --ascii), and the two without one.
  const ticketEnds = [f('"'), f(literal('Support ticket #00000: can’t redeem points', ascii).slice('"Support ticket #00000'.length))];
  const others = [f(`,"reason":${literal('Cashback payout investigation', ascii)}`), f(`,"reason":${literal('Account recovery request', ascii)}`)];
  return (ctx, out, start) => {
    let at = putHead(ctx, out, start, type);
    const who = drawPerson(ctx);
    const minutes = ctx.pick(IMPERSONATION_MINUTES);
    at = lowerAlnum(ctx, 12, out, put(out, at, K.userId));
    at = lowerAlnum(ctx, 12, out, put(out, at, K.impersonatorId));
    at = putString(out, put(out, at, K.impersonatorName), (ascii ? who.forms.ascii : who.forms.typed).name, ascii);
    const plain = who.forms.ascii;
    let email = emails.get(who.forms);
    if (email === undefined) emails.set(who.forms, (email = f(literal(`${plain.first.toLowerCase()}.${plain.last.toLowerCase().replace(/[^a-z]/g, '')}@mgdigital.com.gh`, ascii))));
    at = put(out, put(out, at, K.impersonatorEmail), email);
    // The template makes its list of reasons before it picks: both tickets' numbers are drawn whichever is picked.
    ctx.charsInto(DIGIT_CODES, 10, tickets, 0);
    const reason = ctx.int(0, 3);
    if (reason < 2) at = put(out, put(out, put(out, at, K.ticket), tickets.subarray(5 * reason, 5 * reason + 5)), ticketEnds[reason]!);
    else at = put(out, at, others[reason - 2]!);
    at = lowerAlnum(ctx, 16, out, put(out, at, K.sessionAfterText));
    at = putIp(ctx, out, put(out, at, K.quoteIp));
    return put(out, putNumber(out, put(out, at, K.expiresAt), ctx.unix(minutes * 60_000)), K.close);
  };
}

function sessionCreated(type: Uint8Array, ascii: boolean): Write {
  return (ctx, out, start) => {
    const at0 = putHead(ctx, out, start, type);
    const ttlDays = ctx.pick(SESSION_TTL_DAYS);
    let at = lowerAlnum(ctx, 16, out, put(out, at0, K.sessionFirst));
    at = lowerAlnum(ctx, 12, out, put(out, at, K.userAfterSession));
    at = lowerAlnum(ctx, 16, out, put(out, at, K.clientId));
    at = putClient(ctx, out, putIp(ctx, out, put(out, at, K.quoteIp)), true, ascii);
    return put(out, putNumber(out, put(out, at, K.expiresAt), ctx.unix(ttlDays * 86_400_000)), K.close);
  };
}

const EVENTS: Record<string, (type: Uint8Array, ascii: boolean) => Write> = {
  'user.login.success': loginSuccess,
  'user.login.failed': loginFailed,
  'user.register': register,
  'user.impersonated': impersonated,
  'session.created': sessionCreated,
};

export function compileMgpassIdentity(event: string, variant: string | undefined, ascii: boolean): CompiledTemplate | undefined {
  const compile = Object.hasOwn(EVENTS, event) ? EVENTS[event] : undefined;
  if (compile === undefined || variant !== undefined) return undefined;
  const body = compile(f(`","type":${JSON.stringify(event)},"created_at":`), ascii);
  return {
    maxBytes: MAX_BYTES,
    write: (ctx, out, at) => (ctx.now >= 0 && ctx.now < LAST_CLOCK_MS ? body(ctx, out, at) : -1),
  };
}
