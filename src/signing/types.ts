import type { SchemeId, SigningSpec } from '../providers/types.js';

/** A custom HMAC for `--scheme hmac`. */
export interface CustomHmac {
  algorithm: 'sha1' | 'sha256' | 'sha512' | 'md5';
  header: string;
  encoding: 'hex' | 'base64';
  /** Text before the digest, e.g. "sha256=". */
  prefix?: string;
}

export interface SignOptions {
  /** Override the provider's scheme (generic `--scheme`). */
  scheme?: SchemeId;
  /** HMAC secret / token / `whsec_` or `whsk_` key / WebEngage webhook secret key. */
  secret?: string;
  /**
   * A key ring (rotation): every key signs, in one header, where the scheme allows several signatures (Standard
   * Webhooks' space-separated list, Stripe's repeated v1=). Used instead of `secret` when set.
   */
  secrets?: string[];
  /** `X-API-KEY` for CustomerGlu's Events API and the source endpoints. */
  apiKey?: string;
  /** `user:password` for HTTP Basic auth (Rehook). */
  user?: string;
  /** WebEngage license code (query `licenseCode`). */
  licenseCode?: string;
  /** WebEngage `eventType` query parameter. */
  eventType?: string;
  /** Unix seconds for timestamped schemes (default: now). */
  timestamp?: number;
  /** Message id for Standard Webhooks (default: a random `msg_…`). */
  id?: string;
  custom?: CustomHmac;
}

/** Exactly what the provider would add to a request for these bytes. */
export interface SignedRequest {
  headers: Record<string, string>;
  query: Record<string, string>;
  /** Things the user should know (e.g. "Reward sends no signature"). */
  notes: string[];
}

export interface VerifyOptions {
  /** Candidate secrets (rotation): valid when any one matches. */
  secrets: string[];
  scheme?: SchemeId;
  /** Seconds of clock skew allowed both ways for timestamped schemes (default 300). */
  tolerance?: number;
  /** "Now" in unix seconds (tests). */
  now?: number;
  /** An explicit signature (`verify --signature`) instead of reading it from the headers. */
  signature?: string;
  apiKey?: string;
  user?: string;
  licenseCode?: string;
  custom?: CustomHmac;
  /** Timestamp for timestamped schemes when it is not in the headers (`verify --timestamp`). */
  timestamp?: number | string;
  /** Standard Webhooks message id when it is not in the headers (`verify --id`). */
  id?: string;
}

export type VerifyStatus =
  | 'valid'
  | 'invalid' // a signature/credential is present and wrong
  | 'missing' // the provider signs, a secret is configured, but the request carries no signature
  | 'unsigned' // the provider does not sign (Reward): nothing to check
  | 'malformed' // the signature header cannot be parsed (bad format, bad encoding)
  | 'expired' // timestamped scheme outside the tolerance
  | 'no-secret'; // nothing to check against: no secret configured

export interface VerifyResult {
  status: VerifyStatus;
  valid: boolean;
  /** One sentence for humans. */
  reason: string;
  /** The header (or query parameter) that carried the signature. */
  header?: string;
  /** Which of the candidate secrets matched. */
  secretIndex?: number;
}

/** The request as seen by a verifier: lower-cased header names, decoded query, raw bytes. */
export interface RequestParts {
  headers: Record<string, string>;
  query?: Record<string, string>;
  body: Uint8Array;
}

export type { SchemeId, SigningSpec };
