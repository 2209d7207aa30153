// Every signing scheme cg-hooks speaks, one module each under ./schemes/. Commands, the listener, the conformance
// plan, the exports and the library ask here; adding a scheme is its module, a line below and its test vectors.
import type { SchemeId, SigningSpec } from '../providers/types.js';
import { apiKey } from './schemes/api-key.js';
import { basic } from './schemes/basic.js';
import { customerglu } from './schemes/customerglu.js';
import { github } from './schemes/github.js';
import { hmac } from './schemes/hmac.js';
import { mgpass } from './schemes/mgpass.js';
import { none } from './schemes/none.js';
import { onForget } from './memo.js';
import type { HmacProfile } from './schemes/profile.js';
import { segment } from './schemes/segment.js';
import { shopify } from './schemes/shopify.js';
import { slack } from './schemes/slack.js';
import { standardWebhooks } from './schemes/standard-webhooks.js';
import { stripe } from './schemes/stripe.js';
import type { Scheme } from './schemes/types.js';
import { webengage } from './schemes/webengage.js';
import type { CustomHmac } from './types.js';

export type { Scheme, Credentials, ReceiveCheck, ConformanceFamily, CredentialCases, ExportFacts, GeneratedKeys } from './schemes/types.js';

/** Provider schemes first, then the generic ones (`--scheme` for any other platform). */
export const SCHEMES: readonly Scheme[] = [customerglu, mgpass, segment, apiKey, webengage, basic, none, standardWebhooks, stripe, github, shopify, slack, hmac];

const BY_ID = new Map<string, Scheme>(SCHEMES.map((s) => [s.id, s]));

export function schemeById(id: string): Scheme | undefined {
  return BY_ID.get(id);
}

export function schemeIds(): SchemeId[] {
  return SCHEMES.map((s) => s.id);
}

/** The scheme that signs for a provider's spec (or overrides it), and the spec it may read, when it is its own. */
export interface SchemeChoice {
  scheme: Scheme;
  /** The provider's spec when the scheme is the provider's own: an overriding scheme must not inherit its header. */
  own?: SigningSpec;
}

// The provider's own choice, made once per spec: verify() and the listener ask on every request.
let ownChoice = new WeakMap<SigningSpec, SchemeChoice>();
onForget(() => (ownChoice = new WeakMap()));

export function schemeFor(spec: SigningSpec, override?: SchemeId): SchemeChoice | undefined {
  const own = override === undefined || override === spec.scheme;
  if (own) {
    const cached = ownChoice.get(spec);
    if (cached !== undefined && cached.scheme.id === spec.scheme) return cached;
  }
  const scheme = BY_ID.get(override ?? spec.scheme);
  if (!scheme) return undefined;
  if (!own) return { scheme };
  const choice: SchemeChoice = Object.freeze({ scheme, own: spec });
  ownChoice.set(spec, choice);
  return choice;
}

/** The generic scheme whose header a delivery carries (Stripe-Signature, webhook-signature, …), if any. */
export function identifyScheme(headers: Record<string, string>): Scheme | undefined {
  for (const s of SCHEMES) for (const name of s.identifies) if (headers[name] !== undefined) return s;
  return undefined;
}

// The header names a choice reads, made once per choice (schemeFor keeps one choice per spec): the listener asks for
// every delivery, and reads() makes its lists anew on each call.
let choiceReads = new WeakMap<SchemeChoice, readonly string[]>();
onForget(() => (choiceReads = new WeakMap()));

/** True when the request carries the header (or query parameter) a scheme reads its signature or credential from. */
export function carriesScheme(choice: SchemeChoice, headers: Record<string, string>): boolean {
  let names = choiceReads.get(choice);
  // Stryker disable next-line ConditionalExpression: forced true, the same names are only made again
  if (names === undefined) choiceReads.set(choice, (names = choice.scheme.reads(choice.own)));
  for (const name of names) if (headers[name] !== undefined) return true;
  return false;
}

/** The HMAC profile of a scheme (undefined for schemes that are not an HMAC: api-key, basic, none, webengage). */
export function profileOf(id: SchemeId, spec?: SigningSpec, custom?: CustomHmac): HmacProfile | undefined {
  return BY_ID.get(id)?.profile?.(spec, custom);
}

/** A scheme as plain data, for docs, `--help` and library users (no functions). */
export interface SchemeInfo {
  id: SchemeId;
  label: string;
  kind: Scheme['kind'];
  summary: string;
  needs: Scheme['needs'];
  /** Headers that name the scheme in a delivery to any endpoint (`listen` auto-detection). */
  identifies: string[];
  /** How a key ring signs: several signatures in one header, or one key only. */
  keyRing: 'space-list' | 'stripe-v1' | 'one-key';
  /** Public-key signatures (Standard Webhooks v1a). */
  asymmetric: boolean;
}

export function schemeCatalog(): SchemeInfo[] {
  return SCHEMES.map((s) => ({
    id: s.id,
    label: s.label,
    kind: s.kind,
    summary: s.summary,
    needs: structuredClone(s.needs),
    identifies: [...s.identifies],
    keyRing: s.multiSign ?? 'one-key',
    asymmetric: s.asymmetric === true,
  }));
}
