// --explain for Standard Webhooks v1a (ed25519) signatures. An ed25519 signature cannot be recomputed from a
// public key, so the search is over what the signer may have signed: each form of the body, checked against every
// v1a signature in the header with every public key given.
import { parsePublicKey, signedContent } from '../ed25519.js';
import { SVIX_HEADERS, type HmacProfile } from '../schemes/profile.js';
import type { RequestParts, VerifyOptions, VerifyResult } from '../types.js';
import { verify } from 'node:crypto';
import { bodyFinding, type Explanation, type Finding } from './report.js';
import { bodyVariants, parseBody } from './variants.js';

const lookup = (headers: Record<string, string>, name: string) => headers[name] ?? (SVIX_HEADERS[name] ? headers[SVIX_HEADERS[name]!] : undefined);

function verifies(content: Buffer, key: Parameters<typeof verify>[2], signature: Buffer): boolean {
  try {
    return verify(null, content, key, signature);
  } catch {
    return false;
  }
}

export function explainAsymmetric(profile: HmacProfile, req: RequestParts, options: VerifyOptions, result: VerifyResult, tried: Explanation['tried']): Explanation {
  const body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
  if (result.valid) {
    tried.bodies = tried.secrets = tried.templates = 1;
    tried.algorithms = ['ed25519'];
    return { verdict: 'valid', result, summary: `The signature is valid over the raw bytes (${result.reason}).`, findings: [], tried };
  }
  if (result.status === 'expired') {
    const findings: Finding[] = [{
      cause: 'timestamp',
      title: `The timestamp is outside the tolerance: ${result.reason}.`,
      detail: ['Receivers reject old or future timestamps so that a captured delivery cannot be replayed later.'],
      fix: 'checking a saved delivery later? pass --now <the time it arrived> or a larger --tolerance; live traffic? sync both clocks (NTP)',
    }];
    return { verdict: result.secretIndex !== undefined ? 'explained' : 'unexplained', result, summary: findings[0]!.title, findings, tried };
  }
  const headerValue = options.signature ?? lookup(req.headers, profile.header) ?? req.headers['svix-signature'];
  const t = options.timestamp !== undefined ? String(options.timestamp) : lookup(req.headers, 'webhook-timestamp')?.trim();
  const id = options.id ?? lookup(req.headers, 'webhook-id')?.trim();
  const signatures = String(headerValue ?? '')
    .split(' ')
    .filter((e) => e.startsWith('v1a,'))
    .map((e) => Buffer.from(e.slice(4), 'base64'))
    .filter((b) => b.length === 64);
  const keys = options.secrets.map((k) => parsePublicKey(k)).flatMap((p) => (p.ok ? [p.value] : []));
  if (headerValue === undefined || t === undefined || id === undefined || signatures.length === 0 || keys.length === 0) {
    const findings: Finding[] = [{ cause: 'missing-signature', title: `Nothing to search: ${result.reason}.`, detail: ['A v1a signature is "v1a," + base64 of 64 bytes, checked with the whpk_ public key over "{webhook-id}.{webhook-timestamp}.{body}".'] }];
    return { verdict: 'unexplained', result, summary: findings[0]!.title, findings, tried };
  }

  const parsed = parseBody(body);
  const bodies = bodyVariants(body, parsed);
  tried.bodies = bodies.length;
  tried.secrets = keys.length;
  tried.templates = 1;
  tried.algorithms = ['ed25519'];
  tried.signatures = signatures.length;
  for (const b of bodies) {
    const content = signedContent({ id, timestamp: t, body: b.bytes });
    for (const key of keys) {
      for (const sig of signatures) {
        tried.hmacs++;
        if (b.id !== 'raw' && verifies(content, key, sig)) {
          const findings = [bodyFinding(b, body, `The signature was made over ${b.label}, not over the bytes you have.`, parsed)];
          return { verdict: 'explained', result, summary: findings[0]!.title, findings, tried };
        }
      }
    }
  }
  const findings: Finding[] = [{
    cause: 'no-match',
    title: 'No form of the body verifies with the public keys given: most likely the wrong key, or the id, timestamp or body changed after signing.',
    detail: [
      `Tried ${bodies.length} forms of the body × ${keys.length} public key${keys.length === 1 ? '' : 's'} × ${signatures.length} v1a signature${signatures.length === 1 ? '' : 's'} (ed25519 verifications: a public key cannot recompute a signature, only check one).`,
      'Check that the whpk_ key is the public half of the sender\'s whsk_ key (`cg-hooks keygen --scheme standard-webhooks --asymmetric` prints a pair), and that webhook-id and webhook-timestamp are the ones sent with this body.',
    ],
    fix: 'capture a delivery byte for byte with `cg-hooks listen --save` and verify that',
  }];
  return { verdict: 'unexplained', result, summary: findings[0]!.title, findings, tried };
}
