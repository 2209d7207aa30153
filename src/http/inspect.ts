// What the listener concludes about one delivery. Pure: no I/O, so every verdict is unit-testable.
import { validateOften, type FieldIssue } from '../core/validate.js';
import type { EventDef, IncomingRequest, ProviderDef } from '../providers/types.js';
import { carriesScheme, identifyScheme, schemeById, schemeFor, type Credentials, type SchemeChoice } from '../signing/index.js';
import type { CustomHmac, SchemeId, VerifyResult } from '../signing/types.js';
import { sha256hex } from './dedup.js';
import { parseBody, type BodyKind, type DeliveryInput } from './inspect-body.js';

export { decodeBody, firstInvalidUtf8, parseBody, type BodyKind, type DeliveryInput } from './inspect-body.js';
export { DedupTracker, keyDigest } from './dedup.js';

export type SignatureStatus =
  | 'valid'
  | 'invalid'
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'unsigned' // the provider does not sign (Reward, API-key and basic-auth providers)
  | 'not-checked' // the provider signs but no secret is configured
  | 'unknown-provider';

export type AuthStatus = 'valid' | 'invalid' | 'missing' | 'not-configured' | 'none';

export interface SignatureVerdict {
  status: SignatureStatus;
  ok: boolean;
  reason: string;
  header?: string;
  /** Which --secret matched (rotation). */
  secretIndex?: number;
  /** The scheme that checked it (`standard-webhooks`, `stripe`, …): a provider's own, or one its headers named. */
  scheme?: string;
  /** One-line `--explain` diagnosis of an invalid signature, when available. */
  explain?: string;
}

export interface AuthVerdict {
  status: AuthStatus;
  ok: boolean;
  reason: string;
  /** basic, api-key or webengage-secret. */
  kind?: string;
}

export interface SchemaVerdict {
  /** not-checked: the validator could not judge this body (too large or too deep for it); see `reason`. */
  status: 'valid' | 'invalid' | 'unknown-event' | 'skipped' | 'not-checked';
  /** The first MAX_ISSUES failing fields. */
  issues: FieldIssue[];
  /** How many more failing fields there were beyond `issues`. */
  moreIssues?: number;
  reason?: string;
}

/** A body that fails everywhere (130,000 bad array items) would otherwise make a report of megabytes. */
export const MAX_ISSUES = 100;

export type { Credentials };

export interface Analysis {
  bodyKind: BodyKind;
  /** The body's Content-Encoding when it was decoded to be read (the signature covers the encoded bytes). */
  encoding?: string;
  /** Why the body is not usable JSON ("line 1, column 9: …"), if it is not. */
  bodyError?: string;
  /** The parsed JSON body (or form fields), when there is one. */
  parsed?: unknown;
  provider: ProviderDef | undefined;
  /** How sure the auto-detection was (1 when fixed with --provider). */
  confidence: number;
  event: string | null;
  signature: SignatureVerdict;
  auth: AuthVerdict;
  schema: SchemaVerdict;
  /** The de-duplication key (`<provider>:<key>` or `sha256:<hash>` when the provider has none). */
  dedupKey?: string;
  /** hex sha256 of the raw body bytes. */
  sha256: string;
  /** 401 when a configured check failed, 413, 400 for a body that is not JSON, else 200. */
  status: number;
  /** Short names of what is wrong, empty when the delivery is valid. */
  problems: string[];
}

/** Explains an invalid signature in one line; returns undefined when it finds nothing. `scheme` overrides the provider's. */
export type ExplainFn = (provider: ProviderDef | undefined, req: IncomingRequest, credentials: Credentials, scheme?: SchemeId, custom?: CustomHmac) => string | undefined;

const FAILED = new Set(['invalid', 'missing', 'malformed', 'expired']);

/** The provider with the highest confidence above zero, or the fixed one. */
export function detectProvider(providers: readonly ProviderDef[], req: IncomingRequest, body: unknown, fixed?: ProviderDef): { provider?: ProviderDef; confidence: number } {
  if (fixed) return { provider: fixed, confidence: 1 };
  let best: ProviderDef | undefined;
  let score = 0;
  for (const p of providers) {
    let s = 0;
    try {
      s = p.detect(req, body);
    } catch {
      // A provider's detector must never take the listener down: s stays 0.
    }
    if (s > score) {
      best = p;
      score = s;
    }
  }
  return best ? { provider: best, confidence: score } : { confidence: 0 };
}

function fromVerify(r: VerifyResult, scheme: string): SignatureVerdict {
  const status: SignatureStatus = r.status === 'no-secret' ? 'not-checked' : r.status;
  const ok = !FAILED.has(status);
  // A signature checked against a header (nearly every one) in one literal, its keys in the order the other
  // verdicts get them: each key added afterwards moves the object to another shape, and past the first few into
  // a property store of its own.
  if (r.header !== undefined && r.secretIndex !== undefined) return { status, ok, reason: r.reason, header: r.header, secretIndex: r.secretIndex, scheme };
  const v: SignatureVerdict = { status, ok, reason: r.reason };
  if (r.header !== undefined) v.header = r.header;
  if (r.secretIndex !== undefined) v.secretIndex = r.secretIndex;
  v.scheme = scheme;
  return v;
}

function authFromVerify(r: VerifyResult, kind: string): AuthVerdict {
  const status: AuthStatus = r.status === 'no-secret' ? 'not-configured' : r.status === 'valid' ? 'valid' : r.status === 'missing' ? 'missing' : 'invalid';
  return { status, ok: status === 'valid' || status === 'not-configured', reason: r.reason, kind };
}

const NO_AUTH: AuthVerdict = { status: 'none', ok: true, reason: 'the provider uses no credential besides its signature' };

/** The scheme `listen --scheme` fixes for every delivery (with its custom HMAC, for `--scheme hmac`). */
export interface FixedScheme {
  id: SchemeId;
  custom?: CustomHmac;
}

/**
 * Which scheme checks a delivery: the one `--scheme` fixes; else the provider's own when the delivery carries its
 * header; else a generic scheme whose header it carries (a Stripe- or svix-signed delivery to any provider's
 * endpoint); else the provider's own (which then reports what is missing).
 */
export function chooseScheme(provider: ProviderDef | undefined, headers: Record<string, string>, fixed?: FixedScheme): SchemeChoice | undefined {
  if (fixed) {
    const scheme = schemeById(fixed.id);
    if (!scheme) return undefined;
    return provider?.signing.scheme === fixed.id ? { scheme, own: provider.signing } : { scheme };
  }
  const own = provider ? schemeFor(provider.signing) : undefined;
  if (own && carriesScheme(own, headers)) return own;
  const generic = identifyScheme(headers);
  if (generic) return generic.id === provider?.signing.scheme ? own : { scheme: generic };
  return own;
}

/** Signature and credential checks for one delivery, by the scheme that signs it (see chooseScheme). */
export function checkCredentials(provider: ProviderDef | undefined, req: IncomingRequest, creds: Credentials, choice: SchemeChoice | undefined = provider ? schemeFor(provider.signing) : undefined, custom?: CustomHmac): { signature: SignatureVerdict; auth: AuthVerdict } {
  if (!choice) return { signature: { status: 'unknown-provider', ok: true, reason: 'no provider recognised this delivery: signature not checked' }, auth: { status: 'none', ok: true, reason: 'no provider recognised' } };
  const checked = choice.scheme.check(req, creds, choice.own, custom);
  const who = provider?.id ?? choice.scheme.label;
  const signature: SignatureVerdict = checked.signature ? fromVerify(checked.signature, choice.scheme.id) : { status: 'unsigned', ok: true, reason: `${who} does not sign deliveries` };
  const auth = checked.auth ? authFromVerify(checked.auth.result, checked.auth.kind) : NO_AUTH;
  return { signature, auth };
}

/**
 * The schema verdict, whatever the validator does: a body it cannot judge (zod overflows the stack on
 * ~130,000 failing array items) is "not checked", never a delivery lost to an exception.
 */
function checkSchema(schema: Parameters<typeof validateOften>[0], parsed: unknown): SchemaVerdict {
  let issues: FieldIssue[];
  try {
    issues = validateOften(schema, parsed);
  } catch (e) {
    const why = e instanceof RangeError ? 'the body is too large or too deep for the schema validator' : `the schema validator failed (${(e as Error).message})`;
    return { status: 'not-checked', issues: [], reason: `schema not checked: ${why}` };
  }
  if (issues.length === 0) return { status: 'valid', issues };
  const verdict: SchemaVerdict = { status: 'invalid', issues: issues.slice(0, MAX_ISSUES) };
  if (issues.length > MAX_ISSUES) verdict.moreIssues = issues.length - MAX_ISSUES;
  return verdict;
}

/**
 * `${prefix}:${key}` written out at once. A template literal makes a rope (a cons string) that each reader first
 * flattens, and reads through afterwards: the duplicate memory's hash (every character), the JSON line (twice).
 * Array.prototype.join copies the characters once into a flat string. Strings only: join writes null as "".
 */
const KEY_PARTS = ['', ':', ''];
function joinKey(prefix: string, key: string): string {
  KEY_PARTS[0] = prefix;
  KEY_PARTS[2] = key;
  const joined = KEY_PARTS.join('');
  KEY_PARTS[0] = KEY_PARTS[2] = '';
  return joined;
}

export interface InspectContext {
  providers: readonly ProviderDef[];
  /** Set with `--provider <id>`; auto-detection otherwise. */
  fixed?: ProviderDef;
  credentials: Credentials;
  explain?: ExplainFn;
  /** Set with `--scheme <id>`: every delivery is checked by this scheme; auto-detection otherwise. */
  scheme?: FixedScheme;
}

/** Everything the listener reports about one delivery, except duplicates (stateful, see DedupTracker). */
export function inspectDelivery(input: DeliveryInput, ctx: InspectContext): Analysis {
  const sha256 = sha256hex(input.body);
  const body = parseBody(input);
  // The input is the request the providers and schemes read (method, path, query, headers, body): not copied.
  const req: IncomingRequest = input;
  const problems: string[] = [];
  if (body.kind === 'too-large') {
    return {
      bodyKind: body.kind,
      bodyError: body.error,
      provider: ctx.fixed,
      confidence: ctx.fixed ? 1 : 0,
      event: null,
      signature: { status: ctx.fixed ? 'not-checked' : 'unknown-provider', ok: false, reason: 'body over --max-body: not checked' },
      auth: { status: 'not-configured', ok: false, reason: 'body over --max-body: not checked' },
      schema: { status: 'skipped', issues: [] },
      sha256,
      status: 413,
      problems: ['too large'],
      // Decoded past --max-body: the compressed bytes are not shown as text.
      ...(body.encoding !== undefined ? { encoding: body.encoding } : {}),
    };
  }
  const { provider, confidence } = detectProvider(ctx.providers, req, body.parsed, ctx.fixed);
  const choice = chooseScheme(provider, req.headers, ctx.scheme);
  const { signature, auth } = checkCredentials(provider, req, ctx.credentials, choice, ctx.scheme?.custom);
  // A delivery no provider recognises is still checked when a scheme's header names its sender.
  if (!provider && !choice) problems.push('unknown provider');
  if (choice && (signature.status === 'invalid' || signature.status === 'malformed') && ctx.explain) {
    try {
      const line = ctx.explain(provider, req, ctx.credentials, choice.own ? undefined : choice.scheme.id, ctx.scheme?.custom);
      if (line) signature.explain = line;
    } catch {
      // A diagnosis is a bonus: never let it cost the delivery.
    }
  }
  if (!signature.ok) problems.push(`signature ${signature.status}`);
  if (!auth.ok) problems.push(`auth ${auth.status}`);
  if (body.kind !== 'json') problems.push(body.kind);

  let event: string | null = null;
  let schema: SchemaVerdict = { status: 'skipped', issues: [] };
  let dedupKey: string | undefined;
  if (body.kind === 'json' && provider) {
    try {
      event = provider.eventOf(body.parsed, req) ?? null;
    } catch {
      // A provider's event reader must never take the listener down: no event (event stays null).
    }
    // (No event is named or aliased null: a null event finds no definition.)
    let def: EventDef | undefined;
    for (const e of provider.events) {
      if (e.name === event || e.aliases?.includes(event!)) {
        def = e;
        break;
      }
    }
    if (def) {
      schema = checkSchema(def.schema, body.parsed);
      if (schema.status === 'invalid') problems.push('schema');
      if (schema.status === 'not-checked') problems.push('schema not checked');
    } else {
      schema = { status: 'unknown-event', issues: [] };
      problems.push('unknown event');
    }
    if (provider.dedupKey) {
      try {
        const key = provider.dedupKey(body.parsed, req);
        if (key !== undefined) dedupKey = typeof key === 'string' ? joinKey(provider.id, key) : `${provider.id}:${key}`;
      } catch {
        // A provider's key reader must never take the listener down: no key (dedupKey stays undefined).
      }
    } else dedupKey = joinKey('sha256', sha256);
  }
  const status = !signature.ok || !auth.ok ? 401 : body.kind === 'json' ? 200 : 400;
  // The common case in one literal, its keys in the order the general case adds them: each key added afterwards
  // moves the object to another shape and, past its first properties, into a store of its own.
  if (body.encoding === undefined && body.error === undefined && body.parsed !== undefined && dedupKey !== undefined) {
    return { bodyKind: body.kind, provider, confidence, event, signature, auth, schema, sha256, status, problems, parsed: body.parsed, dedupKey };
  }
  const analysis: Analysis = { bodyKind: body.kind, provider, confidence, event, signature, auth, schema, sha256, status, problems };
  if (body.encoding !== undefined) analysis.encoding = body.encoding;
  if (body.error !== undefined) analysis.bodyError = body.error;
  if (body.parsed !== undefined) analysis.parsed = body.parsed;
  if (dedupKey !== undefined) analysis.dedupKey = dedupKey;
  return analysis;
}
