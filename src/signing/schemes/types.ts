// What one signing scheme knows, in one place: what it needs, how it signs and verifies, which headers identify
// it, what a receiver of it must refuse (conformance), how --explain searches it, and how it is exported.
// Every command asks the registry (../registry.ts) for a Scheme; none of them names one.
import type { SchemeId, SigningSpec } from '../../providers/types.js';
import type { Explanation } from '../explain/report.js';
import type { CustomHmac, RequestParts, SignedRequest, SignOptions, VerifyOptions, VerifyResult } from '../types.js';
import type { HmacProfile } from './profile.js';

export type Need = 'required' | 'optional';
export type CredentialName = 'secret' | 'apiKey' | 'user' | 'licenseCode';

/** The credentials a receiver (or a command) holds: a key ring, and the credentials that are not keys. */
export interface Credentials {
  secrets: string[];
  apiKey?: string;
  /** `user:password` for HTTP Basic auth. */
  user?: string;
  licenseCode?: string;
}

/** What a receiver concludes about one delivery's authentication (the listener reports both parts). */
export interface ReceiveCheck {
  /** The signature check; absent when the scheme signs nothing. */
  signature?: VerifyResult;
  /** A credential checked besides (or instead of) a signature: `basic`, `api-key`, `webengage-secret`. */
  auth?: { kind: string; result: VerifyResult };
}

/** The parts of a conformance request a credential case edits (core's CaseRequest has this shape). */
export interface EditableRequest {
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** How the conformance run forges the two credential cases (wrong credentials, no credentials) of a scheme. */
export interface CredentialCases {
  /** "basic auth (Authorization)": for case descriptions and hints. */
  words: string;
  /** "HTTP Basic auth": for the plan's one-line description of what authenticates a delivery. */
  auth: string;
  /** The header (or query parameter) that carries it, for hints. */
  header: string;
  /** Why the cases cannot run with these credentials (an optional credential that was not given). */
  skip?(given: Credentials): string | undefined;
  /** A wrong credential: sign options to override, and/or an edit of the built request. */
  wrong(given: Credentials): { sign?: Partial<SignOptions>; edit?(request: EditableRequest): void };
  /** Leaves the credential out of a built request. */
  remove(request: EditableRequest): void;
}

/** Which conformance cases apply: signature cases (with the HMAC profile), credential cases, or neither. */
export type ConformanceFamily =
  | { kind: 'signature'; profile: HmacProfile; credential?: CredentialCases }
  | { kind: 'credential'; cases: CredentialCases }
  | { kind: 'none' };

/** The facts the conformance plan reads from a scheme. */
export interface SchemeConformance {
  /** `given` says which credentials the run has; `forList` plans every case, whatever was given (`test --list`). */
  family(given: { secrets: number; apiKey: boolean }, forList: boolean, spec?: SigningSpec, custom?: CustomHmac): ConformanceFamily;
  /** Providers whose own sample receivers verify a re-serialization: a non-compact body is then advisory. */
  reserializingSamples?: boolean;
}

/** How a scheme's credential travels, for exporters that sign outside cg-hooks (the Artillery processor). */
export type ExportFacts =
  | { kind: 'hmac'; profile: HmacProfile }
  | { kind: 'header'; header: string; format: 'raw' | 'basic'; holds: string }
  | { kind: 'query-md5'; holds: string }
  | { kind: 'none' };

/** Fresh keys for a scheme (`cg-hooks keygen`), by name: `secret`, or `secretKey` and `publicKey`. */
export type GeneratedKeys = { secret: string } | { secretKey: string; publicKey: string };

export interface Scheme {
  id: SchemeId;
  label: string;
  /** hmac: a MAC over the body (or an ed25519 signature, for Standard Webhooks v1a); credential: a key sent as is. */
  kind: 'hmac' | 'credential' | 'none';
  /** One line for the scheme table: what is sent. */
  summary: string;
  /** What signing or checking needs: each credential required or optional; `oneOf`: at least one of these groups. */
  needs: { secret?: Need; apiKey?: Need; user?: Need; licenseCode?: Need; oneOf?: CredentialName[][] };
  /** What the scheme does with them, for usage errors ("signs with a secret", "authenticates with X-API-KEY"). */
  needsWhat: string;
  /**
   * Lower-case header names whose presence identifies this scheme in a delivery of any provider (auto-detection in
   * `listen`). Only headers no other scheme sends.
   */
  identifies: string[];
  /** Lower-case names of the headers the scheme reads its signature or credential from. */
  reads(spec?: SigningSpec, custom?: CustomHmac): string[];
  /** HMAC schemes: the profile sign, verify, explain, conformance and the exports work from. */
  profile?(spec?: SigningSpec, custom?: CustomHmac): HmacProfile;
  /** The headers and query parameters for exactly these bytes; a UsageError for options it cannot use. */
  sign(body: Uint8Array, options: SignOptions, spec?: SigningSpec): SignedRequest;
  /** Checks a request against the candidate keys. Never throws. */
  verify(req: RequestParts, options: VerifyOptions, spec?: SigningSpec): VerifyResult;
  /** What a receiver holding these credentials concludes (the listener). Never throws. */
  check(req: RequestParts, credentials: Credentials, spec?: SigningSpec, custom?: CustomHmac): ReceiveCheck;
  /** Why a key cannot be used to sign or to verify ("a whsec_ secret is base64…"), or undefined. */
  secretProblem?(secret: string, use: 'sign' | 'verify'): string | undefined;
  /** How several keys share one header when signing (key rings); undefined: one signature per delivery. */
  multiSign?: 'space-list' | 'stripe-v1';
  /** A key that differs from every given one, in the same format, derived from them (reproducible plans). */
  wrongSecret?(secrets: string[]): string;
  conformance: SchemeConformance;
  /**
   * --explain for what the HMAC search cannot explain (credentials, ed25519 signatures): an Explanation, or
   * undefined to let the search run over the profile.
   */
  explain?(req: RequestParts, options: VerifyOptions, result: VerifyResult, tried: Explanation['tried']): Explanation | undefined;
  /** Fresh keys; `asymmetric` only where the scheme has public-key signatures. */
  keygen?(asymmetric: boolean): GeneratedKeys;
  /** Whether keygen can make an asymmetric pair. */
  asymmetric?: boolean;
  /** Described by flags rather than fixed (`--scheme hmac`: --algorithm, --signature-header, --encoding, --prefix). */
  configurable?: boolean;
  /** How an exporter reproduces it (the Artillery processor). */
  exported(spec?: SigningSpec, custom?: CustomHmac): ExportFacts;
  /** What a good signature looks like, for hints after a malformed one. */
  looksLike?(spec?: SigningSpec, custom?: CustomHmac): string;
}
