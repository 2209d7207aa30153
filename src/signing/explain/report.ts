// The pieces of a diagnosis: findings, the first differing byte, and excerpts that show invisible differences.
import { escapeTerminal } from '../../core/redact.js';
import type { ContentTemplate } from '../schemes/profile.js';
import type { VerifyResult } from '../types.js';
import { classify, parseTree } from './json-forms.js';
import type { BodyVariant, ExplainCause, ParsedBody } from './variants.js';

export interface Finding {
  cause: ExplainCause;
  /** One sentence in plain words. */
  title: string;
  detail: string[];
  fix?: string;
  /** First byte where the body you have and the bytes that were signed differ. */
  offset?: number;
  /** A few bytes on each side of `offset`, escaped. */
  excerpt?: { given: string; signed: string };
}

export interface ExplainMatch {
  body: string;
  bodyLabel: string;
  /** Other signers that write exactly the same bytes for this body (the label names the first one). */
  alsoBy?: string[];
  secretIndex: number;
  secret: string;
  algorithm: string;
  encoding: string;
  template: ContentTemplate;
  header: string;
  prefix: string;
}

export interface Explanation {
  /** valid: it verifies as is; explained: a transformation matched; unexplained: nothing matched; not-checked: nothing to check. */
  verdict: 'valid' | 'explained' | 'unexplained' | 'not-checked';
  /** The plain verification outcome. */
  result: VerifyResult;
  summary: string;
  findings: Finding[];
  match?: ExplainMatch;
  tried: { bodies: number; secrets: number; templates: number; algorithms: string[]; signatures: number; hmacs: number };
}

/** Offset of the first differing byte (the shorter length when one is a prefix of the other); -1 when equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Bytes around an offset, printable ASCII as is, everything else escaped, so invisible differences show. */
export function excerpt(bytes: Uint8Array, offset: number, before = 8, after = 24): string {
  const start = Math.max(0, offset - before);
  const end = Math.min(bytes.length, offset + after);
  let out = start > 0 ? '…' : '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  if (end < bytes.length) out += '…';
  if (offset >= bytes.length) out += '⟨end⟩';
  return out;
}

const sentence = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}.`;
const KIND_WORDS = { whitespace: 'whitespace', numbers: 'how numbers are written', escapes: 'how strings are escaped', 'key-order': 'key order', structure: 'structure (members added or left out)' };

/** What a serializer changed, in words, with the first token it wrote differently. */
function serializerChange(parsed: ParsedBody, v: BodyVariant): string | undefined {
  const after = parseTree(v.bytes.toString('utf8'));
  if (!after) return undefined;
  const { kinds, example } = classify(parsed.tree, after);
  const short = (t: string) => escapeTerminal(t.length > 40 ? `${t.slice(0, 40)}…` : t);
  return `its output differs from the body you have in ${kinds.map((k) => KIND_WORDS[k]).join(', ')}${example ? ` (first: ${short(example.from)} → ${short(example.to)})` : ''}`;
}

/**
 * A finding for a body transformation that reproduces the signature. `given` is the body the offset is
 * counted in (the decoded one when the signer signed the body before compression).
 */
export function bodyFinding(v: BodyVariant, given: Uint8Array, title: string, parsed?: ParsedBody, where = 'the body you have'): Finding {
  const offset = firstDifference(given, v.bytes);
  const detail: string[] = [];
  const why = v.why ?? (v.cause === 'other-serializer' && parsed ? serializerChange(parsed, v) : undefined);
  if (why) detail.push(sentence(why));
  if (v.alsoBy?.length) detail.push(`The same bytes come from: ${v.alsoBy.join('; ')}.`);
  if (offset >= 0) {
    detail.push(`First difference at byte ${offset} (${where} is ${given.length} bytes, the signed bytes ${v.bytes.length}).`);
  }
  return {
    cause: v.cause === 'raw' ? 're-serialized' : v.cause,
    title,
    detail,
    ...(v.fix ? { fix: v.fix } : {}),
    ...(offset >= 0 ? { offset, excerpt: { given: excerpt(given, offset), signed: excerpt(v.bytes, offset) } } : {}),
  };
}

const COMPARISON_TITLES = {
  missing: 'A receiver must answer 401 here, not crash.',
  length: 'The signature text has a different length from the expected one: crypto.timingSafeEqual throws on that.',
  truncated: 'The signature text is shorter than the expected one: crypto.timingSafeEqual throws on that.',
};

export function comparisonFinding(kind: keyof typeof COMPARISON_TITLES): Finding {
  return {
    cause: 'comparison',
    title: COMPARISON_TITLES[kind],
    detail: [
      'crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b)) throws a RangeError when the lengths differ, and Buffer.from(undefined) throws on a missing header: CustomerGlu\'s and mgPass\'s Node samples crash with a 500 this way instead of answering 401.',
      'Comparing with == or === leaks through timing how much of the signature is right.',
    ],
    fix: 'compare in constant time after a length check: if (!sig || sig.length !== expected.length) return 401; then crypto.timingSafeEqual',
  };
}
