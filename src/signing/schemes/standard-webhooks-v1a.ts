// Verifying a webhook-signature header against a key ring that holds ed25519 keys (whpk_, or whsk_ for its public
// half) and maybe whsec_ secrets: every v1a and v1 element, with the same timestamp and id rules as v1 alone.
import { verifySignatureHeader } from '../ed25519.js';
import type { RequestParts, VerifyOptions, VerifyResult } from '../types.js';
import { DEFAULT_TOLERANCE, SVIX_HEADERS, type HmacProfile } from './profile.js';

const isAsymmetric = (key: string) => /^\s*wh(sk|pk)_/.test(key);

function header(headers: Record<string, string>, name: string): { name: string; value: string } | undefined {
  for (const n of [name, SVIX_HEADERS[name]].filter((x): x is string => x !== undefined)) {
    const value = headers[n.toLowerCase()];
    if (value !== undefined) return { name: n, value };
  }
  return undefined;
}

export function verifyAsymmetric(profile: HmacProfile, req: RequestParts, options: VerifyOptions): VerifyResult {
  const keys = options.secrets;
  if (keys.length === 0) return { status: 'no-secret', valid: false, reason: 'no secret configured: signature not checked' };
  const found = options.signature !== undefined ? { name: profile.header, value: options.signature } : (header(req.headers, profile.header) ?? header(req.headers, 'svix-signature'));
  if (!found) return { status: 'missing', valid: false, reason: `no ${[profile.header, ...profile.altHeaders].join(' or ')} header` };
  const name = found.name;
  const t = options.timestamp !== undefined ? String(options.timestamp) : header(req.headers, profile.timestampHeader!)?.value.trim();
  if (t === undefined) return { status: 'malformed', valid: false, header: name, reason: `no timestamp: ${profile.label} signs one (${profile.timestampHeader} header, or --timestamp)` };
  if (!/^\d{1,12}$/.test(t)) return { status: 'malformed', valid: false, header: name, reason: `timestamp "${t}" is not unix seconds` };
  const id = options.id ?? header(req.headers, profile.idHeader!)?.value;
  if (id === undefined) return { status: 'malformed', valid: false, header: name, reason: `no ${profile.idHeader} header: ${profile.label} signs the message id` };

  // The key ring split by version, remembering each key's place in the ring (secretIndex).
  const publicAt: number[] = [];
  const secretAt: number[] = [];
  keys.forEach((k, i) => (isAsymmetric(k) ? publicAt : secretAt).push(i));
  const check = verifySignatureHeader(found.value, { id, timestamp: t, body: req.body }, { publicKeys: publicAt.map((i) => keys[i]!), secrets: secretAt.map((i) => keys[i]!) });
  const matched = check.matched ? (check.matched.version === 'v1a' ? publicAt : secretAt)[check.matched.keyIndex]! : -1;
  if (!check.matched && /no readable|is empty|no usable key/.test(check.reason)) {
    return { status: 'malformed', valid: false, header: name, reason: `${name}: ${check.reason}${check.problems.length ? ` (${check.problems[0]})` : ''}` };
  }

  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const skew = now - Number(t);
  if (Math.abs(skew) > tolerance) {
    const when = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
    return {
      status: 'expired',
      valid: false,
      header: name,
      reason: `timestamp is ${when} (tolerance ${tolerance} s)${matched >= 0 ? '; the signature itself matches' : ' and the signature does not match'}`,
      ...(matched >= 0 ? { secretIndex: matched } : {}),
    };
  }
  if (matched >= 0) return { status: 'valid', valid: true, header: name, secretIndex: matched, reason: `${name} matches (${check.matched!.version})` };
  return { status: 'invalid', valid: false, header: name, reason: `${name} does not match the body: ${check.reason}` };
}
