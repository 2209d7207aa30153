import type { SigningSpec } from '../../providers/types.js';
import type { Algorithm } from '../hmac.js';
import type { CustomHmac, SchemeId } from '../types.js';

/** What is put between the signature's parts: the signed content of each HMAC scheme. */
export type ContentTemplate = 'body' | 'id.t.body' | 't.body' | 'v0:t:body';

/** How a secret becomes HMAC key bytes. */
export type KeyFormat = 'utf8' | 'whsec';

/**
 * Everything that makes one HMAC scheme differ from another. Signing, verifying and the --explain
 * search all work from this description, so a scheme is data, not code.
 */
export interface HmacProfile {
  scheme: SchemeId;
  /** Human name for messages ("Stripe", "CustomerGlu"). */
  label: string;
  algorithm: Algorithm;
  encoding: 'hex' | 'base64';
  /** Text before the digest in the header value ("sha256=", "v0=", "v1,"). */
  prefix: string;
  /** The header as the sender spells it. */
  header: string;
  /** Other headers accepted when verifying. */
  altHeaders: string[];
  content: ContentTemplate;
  key: KeyFormat;
  /** Header carrying the timestamp, for schemes that sign one. */
  timestampHeader?: string;
  /** Header carrying the message id (Standard Webhooks). */
  idHeader?: string;
  /** How several signatures share one header value. */
  list?: 'stripe' | 'space';
  /** Set for schemes that sign a timestamp: what their reference verifiers reject (conformance tests follow it). */
  freshness?: Freshness;
}

/**
 * How a timestamped scheme's reference verifiers judge a delivery's time. Every one rejects a delivery older than
 * its tolerance; not every one rejects a timestamp ahead of the clock, and a receiver written as the scheme
 * documents must not be failed for what the scheme itself does not check.
 */
export interface Freshness {
  /** True when the spec or the official libraries reject a timestamp too far in the future. */
  rejectsFuture: boolean;
  /** Where that comes from, for messages ("Stripe's official libraries check only a delivery's age"). */
  source: string;
}

export const DEFAULT_TOLERANCE = 300;

const CUSTOM_DEFAULT: CustomHmac = { algorithm: 'sha256', header: 'X-Signature', encoding: 'hex' };

const cache = new WeakMap<SigningSpec, Map<SchemeId, HmacProfile | undefined>>();

/** The HMAC profile of a scheme (undefined for schemes that are not an HMAC: api-key, basic, none, webengage). */
export function profileOf(scheme: SchemeId, spec?: SigningSpec, custom?: CustomHmac): HmacProfile | undefined {
  // Verifying is a hot path for receivers: a provider's profile is built once per spec object.
  if (custom !== undefined || spec === undefined) return buildProfile(scheme, spec, custom);
  let bySpec = cache.get(spec);
  if (!bySpec) cache.set(spec, (bySpec = new Map()));
  if (!bySpec.has(scheme)) bySpec.set(scheme, buildProfile(scheme, spec));
  return bySpec.get(scheme);
}

function buildProfile(scheme: SchemeId, spec?: SigningSpec, custom?: CustomHmac): HmacProfile | undefined {
  const alt = spec?.altHeaders ?? [];
  switch (scheme) {
    case 'customerglu':
      return {
        scheme,
        label: 'CustomerGlu',
        algorithm: spec?.algorithm ?? 'sha1',
        encoding: spec?.encoding ?? 'hex',
        prefix: '',
        header: spec?.header ?? 'X-CG-SIGNATURE',
        altHeaders: spec?.altHeaders ?? ['X-GLU-SIGNATURE'],
        content: 'body',
        key: 'utf8',
      };
    case 'mgpass':
      return {
        scheme,
        label: 'mgPass',
        algorithm: spec?.algorithm ?? 'sha256',
        encoding: spec?.encoding ?? 'hex',
        prefix: '',
        header: spec?.header ?? 'X-Webhook-Signature',
        altHeaders: alt,
        content: 'body',
        key: 'utf8',
      };
    case 'segment':
      // Segment's webhook destination signs with its shared secret; its X-API-KEY for CustomerGlu is separate.
      return { scheme, label: 'Segment', algorithm: 'sha1', encoding: 'hex', prefix: '', header: 'X-Signature', altHeaders: [], content: 'body', key: 'utf8' };
    case 'github':
      return {
        scheme,
        label: 'GitHub',
        algorithm: 'sha256',
        encoding: 'hex',
        prefix: 'sha256=',
        header: 'X-Hub-Signature-256',
        altHeaders: [],
        content: 'body',
        key: 'utf8',
      };
    case 'shopify':
      return { scheme, label: 'Shopify', algorithm: 'sha256', encoding: 'base64', prefix: '', header: 'X-Shopify-Hmac-SHA256', altHeaders: [], content: 'body', key: 'utf8' };
    case 'slack':
      return {
        scheme,
        label: 'Slack',
        algorithm: 'sha256',
        encoding: 'hex',
        prefix: 'v0=',
        header: 'X-Slack-Signature',
        altHeaders: [],
        content: 'v0:t:body',
        key: 'utf8',
        timestampHeader: 'X-Slack-Request-Timestamp',
        freshness: { rejectsFuture: true, source: 'Slack\'s documentation rejects a request more than five minutes from local time, either way' },
      };
    case 'stripe':
      return {
        scheme,
        label: 'Stripe',
        algorithm: 'sha256',
        encoding: 'hex',
        prefix: 'v1=',
        header: 'Stripe-Signature',
        altHeaders: [],
        content: 't.body',
        key: 'utf8',
        list: 'stripe',
        freshness: { rejectsFuture: false, source: 'Stripe\'s official libraries check only a delivery\'s age (timestamp older than the tolerance)' },
      };
    case 'standard-webhooks':
      return {
        scheme,
        label: 'Standard Webhooks',
        algorithm: 'sha256',
        encoding: 'base64',
        prefix: 'v1,',
        header: 'webhook-signature',
        altHeaders: ['svix-signature'],
        content: 'id.t.body',
        key: 'whsec',
        timestampHeader: 'webhook-timestamp',
        idHeader: 'webhook-id',
        list: 'space',
        freshness: { rejectsFuture: true, source: 'the Standard Webhooks specification and its reference libraries reject timestamps too far in the future' },
      };
    case 'hmac': {
      const c = custom ?? {
        algorithm: spec?.algorithm ?? CUSTOM_DEFAULT.algorithm,
        header: spec?.header ?? CUSTOM_DEFAULT.header,
        encoding: spec?.encoding ?? CUSTOM_DEFAULT.encoding,
      };
      return {
        scheme,
        label: 'custom HMAC',
        algorithm: c.algorithm,
        encoding: c.encoding,
        prefix: c.prefix ?? '',
        header: c.header,
        altHeaders: alt,
        content: 'body',
        key: 'utf8',
      };
    }
    default:
      return undefined;
  }
}

/** Alternative header names the Svix flavour of Standard Webhooks uses. */
export const SVIX_HEADERS: Record<string, string> = { 'webhook-id': 'svix-id', 'webhook-timestamp': 'svix-timestamp' };
