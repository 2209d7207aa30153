import { splitStripeHeader } from '../schemes/hmac-scheme.js';

/** One reading of a signature value: which bytes it encodes and how they were written. */
export interface SignatureForm {
  /** Header (or "signature" for --signature) it came from. */
  header: string;
  /** The digest text without prefix. */
  text: string;
  /** The prefix in front of the digest as written ("sha256=", "v1,", "v1=" inside Stripe's list, or ""). */
  prefix: string;
  encoding: 'hex' | 'base64' | 'base64url';
  uppercase: boolean;
  bytes: Buffer;
  algorithm: string;
  /** Stripe-style t= found beside the signature. */
  t?: string;
}

/** Digest length → the HMAC algorithm that produces it. */
export const ALGORITHM_BY_LENGTH: Record<number, string> = { 16: 'md5', 20: 'sha1', 32: 'sha256', 48: 'sha384', 64: 'sha512' };

const PREFIX = /^((?:sha(?:1|256|384|512)|md5|v\d+)[=,])/i;

/** Every plausible reading of a signature header value. */
export function signatureForms(header: string, raw: string): SignatureForm[] {
  const value = raw.trim().replace(/^["']|["']$/g, '');
  const pieces: { text: string; prefix: string; t?: string }[] = [];
  if (/(^|,)\s*t=/.test(value) && value.includes(',')) {
    // Stripe-style "t=…,v1=…,v0=…"
    const { t, pairs } = splitStripeHeader(value);
    for (const s of pairs) pieces.push(t === undefined ? { text: s.v, prefix: `${s.k}=` } : { text: s.v, prefix: `${s.k}=`, t });
  } else {
    for (const part of value.split(/\s+/)) {
      if (!part) continue;
      const m = PREFIX.exec(part);
      pieces.push(m ? { text: part.slice(m[1]!.length), prefix: m[1]! } : { text: part, prefix: '' });
    }
  }
  const out: SignatureForm[] = [];
  for (const p of pieces) {
    const push = (encoding: SignatureForm['encoding'], bytes: Buffer, uppercase: boolean) => {
      const algorithm = ALGORITHM_BY_LENGTH[bytes.length];
      if (!algorithm) return;
      out.push({ header, text: p.text, prefix: p.prefix, encoding, uppercase, bytes, algorithm, ...(p.t !== undefined ? { t: p.t } : {}) });
    };
    const before = out.length;
    if (/^[0-9a-fA-F]+$/.test(p.text) && p.text.length % 2 === 0) push('hex', Buffer.from(p.text, 'hex'), /[A-F]/.test(p.text));
    // A hex digest also parses as base64 (to a meaningless length): read it as hex only.
    if (out.length > before) continue;
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(p.text)) push('base64', Buffer.from(p.text, 'base64'), false);
    else if (/^[A-Za-z0-9_-]+={0,2}$/.test(p.text)) push('base64url', Buffer.from(p.text, 'base64url'), false);
  }
  return out;
}
