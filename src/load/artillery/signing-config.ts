// The one place where the exported processor is coupled to cg-hooks' signing: a provider's signing spec in,
// plain JSON out. The processor (processor-runtime.ts) interprets that JSON and knows no scheme by name, so a
// scheme added under src/signing/schemes/ reaches exported load tests through this function alone.
import type { SchemeId, SigningSpec } from '../../providers/types.js';
import { schemeFor, type HmacProfile } from '../../signing/index.js';
import type { CustomHmac } from '../../signing/types.js';

/** An HMAC the processor computes: the profile's description, as data. */
export interface HmacSigning {
  kind: 'hmac';
  label: string;
  algorithm: HmacProfile['algorithm'];
  encoding: HmacProfile['encoding'];
  prefix: string;
  header: string;
  content: HmacProfile['content'];
  key: HmacProfile['key'];
  timestampHeader?: string;
  idHeader?: string;
  list?: 'stripe' | 'space';
  /** Headers signed with another digest beside the main one (GitHub's legacy X-Hub-Signature). */
  extra?: Array<{ header: string; algorithm: HmacProfile['algorithm']; prefix: string }>;
  /**
   * Whether a provider's retry carries a new signature. Timestamped schemes sign the attempt's time, so a retry
   * is re-signed (same body, same message id); body-only schemes resend the very same headers.
   */
  resignOnRetry: boolean;
}

/** What the processor sends for one delivery, and what the environment variable must hold. */
export type ProcessorSigning = (
  | HmacSigning
  /** A credential in a header: the variable's value as is (X-API-KEY) or as HTTP Basic (user:password). */
  | { kind: 'header'; header: string; format: 'raw' | 'basic' }
  /** WebEngage: eventType, licenseCode and secret=md5hex("<licenseCode>:<secret>") in the query. */
  | { kind: 'query-md5'; licenseCode: string }
  | { kind: 'none' }
) & {
  /** `required`: the processor refuses to start without the variable; `optional`: sent only when it is set. */
  credential: 'required' | 'optional' | 'none';
  /** What the variable holds, for messages and the README ("the webhook secret", "user:password"). */
  holds: string;
};

export interface SigningChoice {
  spec: SigningSpec;
  /** `--scheme`: another scheme than the provider's. */
  scheme?: SchemeId;
  custom?: CustomHmac;
  /** WebEngage's license code (public: it travels in the URL). */
  licenseCode?: string;
}

export class SigningConfigError extends Error {}

/** Turns a provider's signing spec (and an optional `--scheme`) into the processor's signing config. */
export function processorSigningOf(choice: SigningChoice): ProcessorSigning {
  const picked = schemeFor(choice.spec, choice.scheme);
  if (!picked) throw new SigningConfigError(`signing scheme ${choice.scheme ?? choice.spec.scheme} cannot be exported`);
  const facts = picked.scheme.exported(picked.own, choice.custom);
  switch (facts.kind) {
    case 'none':
      return { kind: 'none', credential: 'none', holds: 'nothing (this provider does not sign)' };
    case 'header':
      return { kind: 'header', header: facts.header, format: facts.format, credential: 'optional', holds: facts.holds };
    case 'query-md5':
      if (choice.licenseCode === undefined) throw new SigningConfigError(`${picked.scheme.label} signs with your license code: pass --license-code`);
      return { kind: 'query-md5', licenseCode: choice.licenseCode, credential: 'required', holds: facts.holds };
    case 'hmac':
      return { ...hmacSigning(facts.profile), credential: 'required', holds: `the ${facts.profile.label} signing secret` };
  }
}

function hmacSigning(profile: HmacProfile): HmacSigning {
  const signing: HmacSigning = {
    kind: 'hmac',
    label: profile.label,
    algorithm: profile.algorithm,
    encoding: profile.encoding,
    prefix: profile.prefix,
    header: profile.header,
    content: profile.content,
    key: profile.key,
    resignOnRetry: profile.content !== 'body',
  };
  if (profile.timestampHeader !== undefined) signing.timestampHeader = profile.timestampHeader;
  if (profile.idHeader !== undefined) signing.idHeader = profile.idHeader;
  if (profile.list !== undefined) signing.list = profile.list;
  // Headers signed beside the main one (GitHub's legacy SHA-1 X-Hub-Signature), so that the requests look like the sender's.
  if (profile.extra !== undefined) signing.extra = profile.extra.map((x) => ({ ...x }));
  return signing;
}
