import type * as z from 'zod/mini';
import type { TemplateContext } from '../templates/context.js';
import type { CompiledTemplate } from '../templates/compiled.js';

import type { JsonObject } from '../json.js';

export type { Json, JsonObject } from '../json.js';

/**
 * An event's template compiled to JSON bytes, for its own template and schema only: undefined when the event has no
 * compiled form, or its schema was replaced.
 */
export type BodyCompiler = (event: EventDef, variant: string | undefined, ascii: boolean) => CompiledTemplate | undefined;

/**
 * Signing schemes. Provider schemes are named after the provider; the generic ones serve `--scheme`
 * for any other platform. The implementations live in src/signing/.
 */
export type SchemeId =
  | 'customerglu' // X-CG-SIGNATURE = hex(hmac_sha1(token, body))
  | 'mgpass' // X-Webhook-Signature = hex(hmac_sha256(secret, body))
  | 'segment' // X-Signature = hex(hmac_sha1(secret, body)) when a shared secret is set; X-API-KEY to CustomerGlu
  | 'api-key' // X-API-KEY: <write key>
  | 'webengage' // query: eventType, licenseCode, secret = md5hex(`${licenseCode}:${secretKey}`)
  | 'basic' // HTTP Basic auth + custom headers (Rehook)
  | 'none' // no signature (Reward)
  | 'standard-webhooks'
  | 'stripe'
  | 'github'
  | 'shopify'
  | 'slack'
  | 'hmac'; // custom: algorithm, header, hex|base64, optional prefix

export interface SigningSpec {
  scheme: SchemeId;
  /** Header carrying the signature or key, as the provider spells it. */
  header?: string;
  /** Other header names accepted when verifying (e.g. CustomerGlu's older X-GLU-SIGNATURE). */
  altHeaders?: string[];
  /** HMAC algorithm, where the scheme has one. */
  algorithm?: 'sha1' | 'sha256' | 'sha512' | 'md5';
  encoding?: 'hex' | 'base64';
  /** True when a delivery cannot be sent without a secret (never true for unsigned providers). */
  secretRequired: boolean;
  /** One sentence for `providers`: what is signed and how. */
  description: string;
}

export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  attempts: number;
  /** Delay before each attempt in ms; delaysMs[0] is the first attempt (normally 0). */
  delaysMs: number[];
  /** What the provider counts as success. */
  success: '2xx' | '200';
  /** DOC when the provider documents it, NONE when nothing is documented (cg-hooks then does not retry). */
  origin: 'DOC' | 'NONE';
  description: string;
}

export interface VariantDef {
  name: string;
  description: string;
  /** A fixed documented payload (e.g. CleverTap's test send): every delivery is the same bytes. */
  fixed?: boolean;
}

export interface EventDef {
  /** The event name users type (`cg-hooks generate rehook wallet.credited`). */
  name: string;
  description: string;
  /** DOC: shape shown in the provider's docs. INFERRED: built from the provider's other API objects. */
  origin: 'DOC' | 'INFERRED';
  /** Other spellings accepted on input and when detecting deliveries. */
  aliases?: string[];
  /** Distinct documented forms; the first one is the default. */
  variants?: VariantDef[];
  /** zod/mini schema of the delivered body. */
  schema: z.ZodMiniType;
  /** Documented examples kept verbatim: file names under fixtures/<provider>/. */
  fixtures?: string[];
  /** The family of webhooks the event belongs to, for providers with several (mgPass: rewards, identity). */
  group?: string;
  /** Set when a tenant can define its own payload shape for this event (`--mapping`, see src/core/mapping.ts). */
  tenantMapping?: TenantMappingDef;
}

/** A family of a provider's webhooks with its own envelope (`providers mgpass` lists them apart). */
export interface EventGroupDef {
  name: string;
  title: string;
  description: string;
}

/** What a tenant payload mapping may reference: the event's default keys, and the fields' schemas. */
export interface TenantMappingDef {
  /** The default payload's top-level keys, each with the schema of its value (optional ones accept undefined). */
  fields: Record<string, z.ZodMiniType>;
  /** Keys whose content is free-form (CustomerGlu's `details`): any dotted path below them may be referenced. */
  freeForm: string[];
  /** The default key that identifies a delivery (CustomerGlu: rewardId), for de-duplicating mapped payloads. */
  dedupKey?: string;
  /** Where the provider documents it, for error hints. */
  doc: string;
}

/** What the listener and `verify --capture` know about a request. */
export interface IncomingRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface ProviderDef {
  id: string;
  name: string;
  description: string;
  /** webhook: the provider calls your server. source: events forwarded into CustomerGlu. */
  kind: 'webhook' | 'events-api' | 'source';
  /** Where the provider (or the source) sends; for sources, CustomerGlu's documented endpoint. */
  endpoint?: string;
  signing: SigningSpec;
  /** Headers every delivery carries (besides the signature), e.g. Content-Type, User-Agent. */
  headers: Record<string, string>;
  retry: RetryPolicy;
  /** The sender's documented response timeout in ms (e.g. CleverTap's 3 s), if any. */
  timeoutMs?: number;
  events: EventDef[];
  /** The families `events` fall into, in display order, when the provider has more than one (see EventDef.group). */
  groups?: EventGroupDef[];
  /** Builds a realistic payload for an event (and variant) from a seeded context. */
  template(event: string, ctx: TemplateContext, variant?: string): JsonObject;
  /**
   * Loads the provider's compiled templates (templates/compiled.ts: each event's body written straight as JSON bytes)
   * and returns what compiles one event's; for long `generate --count` runs, the only ones that need them, so they sit
   * in a pack of their own that no other start reads. Undefined for a copy whose template was replaced.
   */
  loadBodyCompiler?(): Promise<BodyCompiler | undefined>;
  /** Which of this provider's events a parsed body is, or undefined when it is not one of ours. */
  eventOf(body: unknown, req?: IncomingRequest): string | undefined;
  /** The provider's de-duplication key for a delivery (rewardId, event_id, …), if it has one. */
  dedupKey?(body: unknown, req?: IncomingRequest): string | undefined;
  /**
   * Headers that vary with the delivery (WebEngage's x-request-id). Derived from the body, so a retry or a
   * `--repeat` duplicate carries the same value, as the provider's own retries would.
   */
  deliveryHeaders?(body: unknown): Record<string, string>;
  /** Confidence 0..1 that a request came from this provider (headers first, then body shape). */
  detect(req: IncomingRequest, body: unknown): number;
}
