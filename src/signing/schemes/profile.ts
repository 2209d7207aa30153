import type { Algorithm } from '../hmac.js';

/** What is put between the signature's parts: the signed content of each HMAC scheme. */
export type ContentTemplate = 'body' | 'id.t.body' | 't.body' | 'v0:t:body';

/** How a secret becomes HMAC key bytes. */
export type KeyFormat = 'utf8' | 'whsec';

/**
 * Everything that makes one HMAC scheme differ from another. Signing, verifying and the --explain
 * search all work from this description, so a scheme is data, not code.
 */
export interface HmacProfile {
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
  /**
   * The reference libraries read the timestamp as a number and sign the number, not the text sent: "0123" is
   * checked as "123". parseInt: stripe-node, standardwebhooks, svix; Number: Bolt's receivers. Unset: the text.
   */
  signsParsedTimestamp?: 'parseInt' | 'Number';
  /** Set for schemes that sign a timestamp: what their reference verifiers reject (conformance tests follow it). */
  freshness?: Freshness;
  /** Headers sent beside the main one with another digest of the body (GitHub's legacy X-Hub-Signature). */
  extra?: Array<{ header: string; algorithm: Algorithm; prefix: string }>;
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

/** Alternative header names the Svix flavour of Standard Webhooks uses. */
export const SVIX_HEADERS: Record<string, string> = { 'webhook-id': 'svix-id', 'webhook-timestamp': 'svix-timestamp' };
