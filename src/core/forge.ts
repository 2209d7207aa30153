import type { Json } from '../json.js';
import type { HmacProfile } from '../signing/index.js';
import type { CaseRequest } from './conformance-types.js';

export { deleteHeader } from '../signing/schemes/edit.js';

// How the conformance cases forge a delivery: wrong secrets and credentials, cut or garbled signatures, tampered bodies.

/** Changes the first number (else the first string) in the payload: the tampering an attacker wants. */
export function tamper(payload: Json): { payload: Json; change: string } | undefined {
  const copy = structuredClone(payload);
  const paths: Array<{ parent: Record<string, Json> | Json[]; key: string | number; path: string }> = [];
  const walk = (node: Json, path: string) => {
    if (Array.isArray(node)) node.forEach((v, i) => (typeof v === 'object' && v !== null ? walk(v, `${path}[${i}]`) : paths.push({ parent: node, key: i, path: `${path}[${i}]` })));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        const p = path ? `${path}.${k}` : k;
        if (typeof v === 'object' && v !== null) walk(v, p);
        else paths.push({ parent: node, key: k, path: p });
      }
    }
  };
  walk(copy, '');
  const get = (t: (typeof paths)[number]) => (t.parent as Record<string | number, Json>)[t.key];
  const money = /amount|points|value|price|total|balance|cashback|revenue/i;
  const target =
    paths.find((t) => typeof get(t) === 'number' && money.test(String(t.key))) ??
    paths.find((t) => typeof get(t) === 'number') ??
    paths.find((t) => typeof get(t) === 'string');
  if (!target) return undefined;
  const before = get(target);
  const after: Json = typeof before === 'number' ? before + 1000 : `${String(before)}-tampered`;
  (target.parent as Record<string | number, Json>)[target.key] = after;
  return { payload: copy, change: `${target.path} changed from ${JSON.stringify(before)} to ${JSON.stringify(after)} after signing` };
}

/** Names of the headers that carry the signature itself (not its timestamp or id). */
export function signatureHeaders(signed: string[], profile: HmacProfile): string[] {
  const own = profile.header.toLowerCase();
  return signed.filter((h) => h.toLowerCase() === own || /signature|hmac/i.test(h));
}

export function withHeaders(request: CaseRequest, change: (headers: Record<string, string>) => void): CaseRequest {
  const headers = { ...request.headers };
  change(headers);
  return { ...request, headers };
}

/** Replaces the trailing digest of a header value, keeping any prefix ("sha256=", "t=…,v1=", "v1,"). */
export function replaceDigest(value: string, change: (digest: string) => string): string {
  const m = /[A-Za-z0-9+/=_-]+$/.exec(value);
  const digest = m ? m[0] : value;
  return value.slice(0, value.length - digest.length) + change(digest);
}

export const GARBAGE = 'not-a-signature!';
