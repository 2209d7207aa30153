// The shapes of a receiver conformance plan: cases, their requests and what a receiver must answer. Apart from
// the planning (conformance.ts) so that the forging helpers (forge.ts) and the judge can share them.
import type { SchemeId } from '../providers/types.js';
import type { CustomHmac } from '../signing/index.js';
import type { Mapping } from './mapping.js';

/** What a receiver must answer. `raw-bytes`: 2xx proves it verifies the bytes it received. */
export type Expected = '2xx' | '200' | '4xx' | '401/403' | 'raw-bytes';

export type CaseKind =
  | 'valid'
  | 'non-ascii'
  | 'duplicate'
  | 'wrong-secret'
  | 'missing-signature'
  | 'tampered-body'
  | 'truncated-signature'
  | 'garbage-signature'
  | 'wrong-credentials'
  | 'no-credentials'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'malformed-json'
  | 'non-compact-body'
  | 'rotation-new-key'
  | 'rotation-retired-key'
  | 'rotation-both-keys';

/** Exactly what is sent for one case: these bytes, these headers, these query parameters (added to the URL). */
export interface CaseRequest {
  body: Buffer;
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** Words the judge puts in its hints, so they name the real header, provider and ids. */
export interface CaseContext {
  provider: string;
  /** The header (or query parameter) carrying the signature or credential. */
  header?: string;
  /** What the credential is, for hints: "basic auth", "X-API-KEY", "the secret query parameter". */
  credential?: string;
  /** The delivery's de-duplication key, when the provider has one. */
  dedupKey?: string;
  /** The provider's documented response timeout in ms (latency is judged against it). */
  providerTimeoutMs?: number;
  /** Set on tampered-body: what changed after signing. */
  tampered?: string;
  /** Set on a genuine delivery whose body carries non-ASCII text (a lossy charset would change its bytes). */
  nonAscii?: boolean;
  /** Set on valid:non-ascii: its event and the text it quotes (`nudge: "🎉 New User Welcome is live!"`). */
  text?: string;
}

export interface ConformanceCase {
  /** Stable, selectable name: `valid:<event>`, `duplicate`, `wrong-secret`, … */
  name: string;
  kind: CaseKind;
  description: string;
  expected: Expected;
  /** Required cases decide the exit code; advisory ones can only warn. */
  required: boolean;
  /** Absent when the case is skipped. */
  request?: CaseRequest;
  /** Why the case is not run. */
  skip?: string;
  /** For `duplicate`: the case whose exact request it repeats (sent first, unjudged, when that case is not run). */
  repeats?: string;
  context: CaseContext;
}

export interface ConformancePlan {
  provider: string;
  scheme: SchemeId;
  /** One line describing what authenticates a delivery ("X-CG-SIGNATURE, HMAC-SHA1 of the body"). */
  auth: string;
  cases: ConformanceCase[];
  /** Things the user should know (e.g. "signature cases are skipped: reward does not sign"). */
  notes: string[];
  /**
   * The first valid delivery, whether or not its case was selected. A 4xx to a forged delivery proves something
   * only if the receiver accepts a genuine one: when no valid case runs, this is sent first, unjudged, as a control.
   */
  control?: { name: string; request: CaseRequest };
}

export interface PlanOptions {
  /** Sign with another scheme than the provider's (`--scheme`). */
  scheme?: SchemeId;
  /** The receiver's secret(s); the first signs, none of them is used for the wrong-secret case. */
  secrets?: string[];
  /**
   * Rotation drill: keys the sender used before the first of `secrets` (the new one). Adds cases signed with the
   * new key (2xx), with a retired one (4xx, or 2xx with `overlap`), and with both in one header where the scheme
   * carries several signatures (2xx).
   */
  retiredSecrets?: string[];
  /** The receiver still accepts the retired keys (an overlap window): signed with a retired key → 2xx. */
  overlap?: boolean;
  apiKey?: string;
  /** `user:password` for HTTP Basic auth. */
  user?: string;
  licenseCode?: string;
  custom?: CustomHmac;
  /** Extra headers on every request (Rehook's custom headers). */
  headers?: Array<[string, string]>;
  /** Only these events get a `valid:` case (default: every event of the provider). */
  events?: string[];
  /** Case names or prefixes (`valid` selects every `valid:` case). */
  only?: string[];
  skip?: string[];
  seed?: number | string;
  /** The clock in ms since the epoch (payload times and signature timestamps). */
  now?: number;
  /**
   * A CustomerGlu tenant payload mapping (`parseMapping(…)` or the mapping as an object): the deliveries of the
   * event it reshapes (customerglu reward) are sent in the tenant's shape. A usage error for any other provider.
   */
  mapping?: Mapping | Record<string, unknown>;
}
