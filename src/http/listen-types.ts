// The listener's public shapes (options, the report of one delivery, the summary). src/http/listen.ts
// re-exports them; they live apart so that the listener's parts can share them without importing each other.
import type { Mapping } from '../core/mapping.js';
import type { ProviderDef } from '../providers/types.js';
import type { AuthVerdict, BodyKind, ExplainFn, FixedScheme, SchemaVerdict, SignatureVerdict } from './inspect.js';

export interface ListenOptions {
  /** Default 127.0.0.1: a development receiver should not be reachable from the network by accident. */
  host?: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** "auto" (default) or a provider id. */
  provider?: string;
  /**
   * Check every delivery with this scheme. Default: the detected provider's, or a generic scheme whose header the
   * delivery carries (Stripe-Signature, webhook-signature, X-Hub-Signature-256, …).
   */
  scheme?: FixedScheme;
  /** Candidate secrets (rotation); also the WebEngage webhook secret key. */
  secrets?: string[];
  apiKey?: string;
  /** user:password for basic auth. */
  user?: string;
  licenseCode?: string;
  /** Bytes; larger bodies are answered 413. Default 1 MiB. */
  maxBody?: number;
  /** Directory for one capture file per delivery. A delivery that cannot be saved is answered 503. */
  saveDir?: string;
  /** Relay every delivery's bytes to this URL and answer with its status. Not the listener's own address. */
  forwardTo?: string;
  forwardTimeoutMs?: number;
  /** --insecure: accept the --forward-to target's self-signed certificate. */
  forwardInsecure?: boolean;
  /** Answer with this status (all deliveries, or the first `failFirst`). */
  respond?: number;
  /** Answer the first n deliveries with `respond` (default 500), then normally. */
  failFirst?: number;
  /** Time allowed to receive the headers, and the whole request (slow clients). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Injected providers (tests); default: every provider. */
  providers?: ProviderDef[];
  /**
   * A CustomerGlu tenant payload mapping (`parseMapping(…)` or the mapping as an object): CustomerGlu reward
   * deliveries are detected, validated and de-duplicated by the tenant's shape. Other providers are unaffected.
   */
  mapping?: Mapping | Record<string, unknown>;
  /** Injected diagnosis; default: the --explain hook of src/signing. */
  explain?: ExplainFn | null;
}

export interface DeliveryReport {
  type: 'delivery';
  seq: number;
  receivedAt: string;
  method: string;
  /** As received (percent-encoded), without the query. */
  path: string;
  /** Decoded parameters, credentials (WebEngage's `secret`, `token`, …) masked; an array for a repeated one. */
  query: Record<string, string | string[]>;
  /** Lower-cased names; credentials (Authorization, X-API-KEY, cookies, `*token*`, `*secret*`…) masked. */
  headers: Record<string, string>;
  remoteAddress: string | null;
  size: number;
  sha256: string;
  provider: string | null;
  /** Detection confidence 0..1 (1 when fixed with --provider). */
  confidence: number;
  event: string | null;
  verdict: 'valid' | 'invalid';
  problems: string[];
  signature: SignatureVerdict;
  auth: AuthVerdict;
  schema: SchemaVerdict;
  bodyKind: BodyKind;
  bodyError?: string;
  /** The Content-Encoding that was undone to read the body (the signature covers the encoded bytes). */
  contentEncoding?: string;
  /** `key` is cut to 200 characters (it comes from the body). */
  duplicate: { key: string; firstSeq: number } | null;
  dedupKey: string | null;
  /** The answer sent back. */
  status: number;
  /** Why that status: verdict, simulated failure (--respond/--fail-first), forward, or a capture that failed. */
  statusReason: 'verdict' | 'simulated' | 'forwarded' | 'forward-failed' | 'not-saved';
  /** `url` has its credentials masked. */
  forward?: { url: string; status?: number; latencyMs?: number; error?: string; hint?: string; body?: string };
  /** With --save: where the capture is, or why it is not (the delivery is then answered 503 instead of 2xx). */
  capture?: { path?: string; error?: string };
  /** The parsed JSON (or form fields, decoded when Content-Encoding was used); for other bodies, their text. */
  body: unknown;
  /** Time from the end of the request to the decision (captures and forwarding included). */
  durationMs: number;
}

export interface ListenSummary {
  deliveries: number;
  valid: number;
  invalid: number;
  duplicates: number;
  /** With --save: deliveries that could not be written (answered 503). Each is a failure, like an invalid one. */
  notSaved: number;
  /** Count per problem name ("signature invalid", "schema", "malformed-json", …). */
  problems: Record<string, number>;
  /** Count per answered status code. */
  statuses: Record<string, number>;
  /** Requests refused before they became deliveries (bad HTTP, header/request timeouts), once per connection. */
  clientErrors: number;
}

export interface ListenCallbacks {
  /** `raw.body` is the delivery's bytes as received (the report holds the parsed form). */
  onDelivery?(report: DeliveryReport, raw: { body: Buffer }): void;
  /** Something worth knowing that is not a delivery (a client error, a failed capture write). */
  onWarning?(message: string): void;
}

export interface Listener {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight deliveries finish (responses and capture writes), returns the summary. */
  close(): Promise<ListenSummary>;
  summary(): ListenSummary;
}
