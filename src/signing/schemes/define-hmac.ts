// A scheme that is an HMAC over the body (and maybe a timestamp and an id) is mostly its profile: this builds the
// Scheme around one, so that each HMAC scheme's module holds only what makes it different.
import { createHash, randomBytes } from 'node:crypto';
import type { SigningSpec } from '../../providers/types.js';
import type { CustomHmac, SchemeId } from '../types.js';
import { secretProblem, signHmac, verifyHmac } from './hmac-scheme.js';
import { onForget } from '../memo.js';
import type { HmacProfile } from './profile.js';
import type { Scheme } from './types.js';

export interface HmacSchemeDef {
  id: SchemeId;
  label: string;
  summary: string;
  identifies?: string[];
  /** The profile for a provider's spec (its header, algorithm) or the scheme's defaults; `custom` for `hmac`. */
  build(spec?: SigningSpec, custom?: CustomHmac): HmacProfile;
  /** True for generic schemes: a delivery is always signed. Else the provider's spec says (secretRequired). */
  alwaysSigns: boolean;
  reserializingSamples?: boolean;
  /** Described by flags (`--scheme hmac`). */
  configurable?: boolean;
  /** What a good signature looks like, when the default sentence does not say it well. */
  looksLike?: string;
  /** A fresh secret in the platform's own format (`cg-hooks keygen`); default 32 random bytes as hex. */
  keygen?: () => string;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` characters of [0-9A-Za-z] from the secure random source, without modulo bias (bytes ≥ 248 are redrawn). */
export function randomBase62(n: number): string {
  let out = '';
  while (out.length < n) for (const b of randomBytes(n)) if (b < 248 && out.length < n) out += BASE62[b % 62];
  return out;
}

/** A profile per provider spec, made once: verifying is a receiver's hot path. */
export function profileCache(build: HmacSchemeDef['build']): (spec?: SigningSpec, custom?: CustomHmac) => HmacProfile {
  let bySpec = new WeakMap<SigningSpec, HmacProfile>();
  let plain: HmacProfile | undefined;
  onForget(() => {
    bySpec = new WeakMap();
    plain = undefined;
  });
  return (spec, custom) => {
    if (custom !== undefined) return build(spec, custom);
    if (spec === undefined) return (plain ??= build());
    let p = bySpec.get(spec);
    if (!p) bySpec.set(spec, (p = build(spec)));
    return p;
  };
}

const DIGEST_CHARS: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/** "CustomerGlu sends 40 hex characters in X-CG-SIGNATURE": what a good signature looks like. */
export function looksLike(p: HmacProfile): string {
  const enc = p.encoding === 'hex' ? `${DIGEST_CHARS[p.algorithm]} hex characters` : 'base64';
  return `${p.label} sends ${p.prefix ? `"${p.prefix}" + ` : ''}${enc} in ${p.header}${p.timestampHeader ? ' (with --timestamp)' : ''}`;
}

/** A wrong key in the profile's format, derived from the real ones so that plans are reproducible. */
export function wrongSecretOf(profile: HmacProfile, secrets: string[]): string {
  const digest = createHash('sha256').update(`cg-hooks wrong secret\0${secrets.join('\0')}`).digest();
  return profile.key === 'whsec' ? `whsec_${digest.toString('base64')}` : `wrong-${digest.toString('hex').slice(0, 24)}`;
}

export function defineHmacScheme(def: HmacSchemeDef): Scheme {
  const profile = profileCache(def.build);
  const scheme: Scheme = {
    id: def.id,
    label: def.label,
    kind: 'hmac',
    summary: def.summary,
    needs: { secret: 'required' },
    needsWhat: 'signs with a secret',
    identifies: def.identifies ?? [],
    reads: (spec, custom) => {
      const p = profile(spec, custom);
      return [p.header, ...p.altHeaders].map((h) => h.toLowerCase());
    },
    profile,
    sign: (body, options, spec) => signHmac(profile(spec, options.custom), body, options, def.alwaysSigns || (spec?.secretRequired ?? false)),
    verify: (req, options, spec) => verifyHmac(profile(spec, options.custom), req, options),
    check: (req, credentials, spec, custom) => ({ signature: verifyHmac(profile(spec, custom), req, { secrets: credentials.secrets }) }),
    secretProblem: (secret) => secretProblem(profile(), secret),
    wrongSecret: (secrets) => wrongSecretOf(profile(), secrets),
    conformance: {
      family: (_given, _forList, spec, custom) => ({ kind: 'signature', profile: profile(spec, custom) }),
      ...(def.reserializingSamples ? { reserializingSamples: true } : {}),
    },
    keygen: () => ({ secret: def.keygen?.() ?? randomBytes(32).toString('hex') }),
    exported: (spec, custom) => ({ kind: 'hmac', profile: profile(spec, custom) }),
    looksLike: (spec, custom) => def.looksLike ?? looksLike(profile(spec, custom)),
  };
  if (def.configurable) scheme.configurable = true;
  const list = profile().list;
  if (list !== undefined) scheme.multiSign = list === 'stripe' ? 'stripe-v1' : 'space-list';
  return scheme;
}
