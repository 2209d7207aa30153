import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type Algorithm = 'sha1' | 'sha256' | 'sha512' | 'md5';

export function hmac(algorithm: Algorithm, key: string | Uint8Array, data: Uint8Array | string): Buffer {
  return createHmac(algorithm, key).update(data).digest();
}

export function md5hex(text: string): string {
  // Stryker disable next-line StringLiteral: update() reads text as UTF-8 when no encoding (or an empty one) is given
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * Constant-time comparison that never throws: a missing or wrong-length value is simply unequal.
 * (Both CustomerGlu's and mgPass's sample receivers crash here by calling timingSafeEqual on unequal lengths.)
 */
export function safeEqual(a: string | Uint8Array | undefined, b: string | Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (typeof a === 'string' && typeof b === 'string') return safeEqualText(a, b);
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) {
    // Compare anyway so the time taken does not depend on where the inputs differ.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/**
 * Constant-time equality of two strings: every code unit is compared whatever the earlier ones were
 * (the technique of stripe-node's secureCompare). Avoids two Buffer allocations per check on the verify hot path.
 */
function safeEqualText(a: string, b: string): boolean {
  // Only the length can leak, as with every HMAC comparison: it is public (the digest size).
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
