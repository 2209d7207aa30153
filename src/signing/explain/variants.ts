import { isUtf8 } from 'node:buffer';
import { classify, parseTree, serialize, VERBATIM, type JsonNode } from './json-forms.js';
import { SERIALIZERS } from './serializers.js';
import { ESCAPES, escapeString } from './string-forms.js';

/** The causes --explain can name (the numbered list in providers.md, "Why signatures fail", and a few more). */
export type ExplainCause =
  | 're-serialized' // 1. JSON.stringify(req.body) of a body that was not in that form
  | 'other-serializer' // 2. Python / PHP / Go defaults, sorted keys, indentation
  | 'double-encoded' // 3. the raw body hashed as a JSON string literal (CustomerGlu's PHP sample)
  | 'numbers' // 4. 1.0, exponents, -0.0, integers above 2^53 changed on a round trip
  | 'whitespace' // 5. trailing newline, CRLF, BOM
  | 'lossy-encoding' // 6. Latin-1 / ASCII "?" / double UTF-8
  | 'signature-format' // 7. case, hex vs base64, prefix, algorithm, header
  | 'secret-format' // 8. whitespace around the secret, whsec_ handling, encoded secrets
  | 'comparison' // 9. == or timingSafeEqual throwing on a missing or wrong-length signature
  | 'signed-content' // the signer put something else around the body ({t}.{body}, v0:{t}:{body}, …)
  | 'timestamp' // the signature is right but the timestamp is outside the tolerance
  | 'content-encoding' // the signature covers the compressed bytes, or the body before compression
  | 'missing-signature'
  | 'no-match';

export interface BodyVariant {
  id: string;
  cause: ExplainCause | 'raw';
  /** How the signer's bytes were made from the body you have ("Python json.dumps(obj) with default separators"). */
  label: string;
  bytes: Buffer;
  /** What it means, in a sentence, beyond the label. */
  why?: string;
  fix?: string;
  /** Other signers that write exactly the same bytes for this body. */
  alsoBy?: string[];
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortDeep((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** Above this size only the cheap forms are tried: each serializer model would cost a full copy of the body. */
export const MAX_MODELLED_BODY = 1024 * 1024;
/**
 * The same for a body decoded from gzip & co: its size is the sender's choice, up to 10× (or 1 MiB from a few KB)
 * what arrived, so a listener that diagnoses deliveries up to 64 KB must not let one cost 30 serializations of 1 MiB.
 */
export const MAX_MODELLED_DECODED = 256 * 1024;

const RECEIVE_FIX = 'verify the raw bytes as they arrived (Express: express.raw({ type: "application/json" }); Fastify: a raw-body content parser), and sign exactly the bytes you send';
const SERIALIZER_FIX = 'sign the exact bytes that go on the wire (serialize once, sign that buffer, send that buffer); a receiver must hash the raw body, never a re-serialization';

/** The parsed body, and how JavaScript's parse + stringify round trip describes its differences. */
export interface ParsedBody {
  text: string;
  tree: JsonNode;
  js: unknown;
}

export function parseBody(body: Buffer): ParsedBody | undefined {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const tree = parseTree(text);
  if (!tree) return undefined;
  try {
    return { text, tree, js: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Words for what JSON.stringify(JSON.parse(body)) changes in this body. */
export function describeRoundTrip(parsed: ParsedBody, compact: string): { cause: ExplainCause; what: string } {
  const after = parseTree(compact);
  const reformatted = serialize(parsed.tree, VERBATIM) !== parsed.text.trim();
  if (!after) return { cause: 're-serialized', what: 'the body is re-serialized' };
  const { kinds, example } = classify(parsed.tree, after);
  const parts: string[] = [];
  if (reformatted) parts.push('whitespace between tokens is removed (the body is pretty-printed or has spaces after ":" and ",")');
  const ex = example ? ` (${example.from} → ${example.to})` : '';
  if (kinds.includes('numbers')) parts.push(`numbers are rewritten${ex}: 1.0 becomes 1, exponents are expanded, -0.0 becomes 0, integers above 2^53 lose digits`);
  if (kinds.includes('escapes')) parts.push(`escaped characters are written raw${kinds.includes('numbers') ? '' : ex} ("\\u00e9" becomes "é", "\\/" becomes "/")`);
  if (kinds.includes('key-order')) parts.push('integer-like keys ("1", "2") move to the front of their object');
  if (kinds.includes('structure')) parts.push('duplicate keys collapse to one');
  return { cause: kinds.includes('numbers') ? 'numbers' : 're-serialized', what: parts.join('; ') || 'the body is re-serialized' };
}

/** Ways the signer's bytes can differ from the body you have, most likely first; `only` limits them to these ids. */
export function bodyVariants(body: Buffer, parsed: ParsedBody | undefined, only?: ReadonlySet<string>, modelLimit = MAX_MODELLED_BODY): BodyVariant[] {
  const out: BodyVariant[] = [{ id: 'raw', cause: 'raw', label: 'the body exactly as given', bytes: body }];
  const seen = new Map<string, BodyVariant>([[body.toString('latin1'), out[0]!]]);
  const add = (v: Omit<BodyVariant, 'bytes'> & { bytes: Buffer | string | (() => string) }) => {
    if (only && !only.has(v.id)) return;
    let bytes: Buffer;
    try {
      bytes = typeof v.bytes === 'function' ? Buffer.from(v.bytes(), 'utf8') : typeof v.bytes === 'string' ? Buffer.from(v.bytes, 'utf8') : v.bytes;
    } catch {
      return; // that serializer refuses this document (1e400 is Infinity to PHP, Ruby and Go)
    }
    const key = bytes.toString('latin1');
    const same = seen.get(key);
    // The same bytes from another signer: name it beside the first, so the diagnosis does not pick one at random.
    if (same) {
      if (same.id !== 'raw' && v.cause === 'other-serializer') (same.alsoBy ??= []).push(v.label);
      return;
    }
    const variant: BodyVariant = { ...v, bytes };
    seen.set(key, variant);
    out.push(variant);
  };
  const large = body.length > modelLimit;

  // Whitespace first: when a stray newline is the only difference, that is the explanation, not re-serialization.
  const text = body.toString('utf8');
  const WS_FIX = 'pass the exact bytes: no editor or `echo` adding a newline, no CRLF conversion (git autocrlf, Windows tools), no BOM (use printf, or --body from a capture)';
  const hasBom = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
  const endsNl = body.length > 0 && body[body.length - 1] === 0x0a;
  if (endsNl) add({ id: 'strip-newline', cause: 'whitespace', label: 'the body without its trailing newline', why: 'the body you have ends with a newline the signer did not sign (added by an editor, `echo`, or a logger)', bytes: body.subarray(0, body.length - (body.length > 1 && body[body.length - 2] === 0x0d ? 2 : 1)), fix: WS_FIX });
  else add({ id: 'add-newline', cause: 'whitespace', label: 'the body plus a trailing newline', why: 'the signer signed a trailing newline that is not in the body you have (a file written with a final newline, or `echo`)', bytes: Buffer.concat([body, Buffer.from('\n')]), fix: WS_FIX });
  if (text.includes('\r\n')) add({ id: 'crlf-to-lf', cause: 'whitespace', label: 'the body with CRLF line endings turned into LF', why: 'the body you have has Windows line endings (CRLF) the signer did not have', bytes: text.replace(/\r\n/g, '\n'), fix: WS_FIX });
  else if (text.includes('\n')) add({ id: 'lf-to-crlf', cause: 'whitespace', label: 'the body with LF line endings turned into CRLF', why: 'the signer had Windows line endings (CRLF) where the body you have has LF', bytes: text.replace(/\n/g, '\r\n'), fix: WS_FIX });
  if (hasBom) add({ id: 'strip-bom', cause: 'whitespace', label: 'the body without its UTF-8 byte-order mark (EF BB BF)', why: 'the body you have starts with a BOM the signer did not sign (Windows editors and PowerShell add one)', bytes: body.subarray(3), fix: WS_FIX });
  else add({ id: 'add-bom', cause: 'whitespace', label: 'the body with a UTF-8 byte-order mark (EF BB BF) in front', why: 'the signer signed a BOM that is not in the body you have', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]), fix: WS_FIX });
  const trimmed = text.trim();
  if (trimmed !== text) add({ id: 'trim', cause: 'whitespace', label: 'the body with surrounding whitespace removed', why: 'the body you have has leading or trailing whitespace the signer did not sign', bytes: trimmed, fix: WS_FIX });

  if (parsed) {
    const compact = JSON.stringify(parsed.js);
    const rt = describeRoundTrip(parsed, compact);
    add({
      id: 'js-compact',
      cause: rt.cause,
      label: 'JSON.stringify(JSON.parse(body)), the compact re-serialization (what JSON.stringify(req.body) gives)',
      why: rt.what,
      bytes: compact,
      fix: RECEIVE_FIX,
    });
    if (large) return out;
    add({ id: 'js-indent-2', cause: 'other-serializer', label: 'JSON.stringify(obj, null, 2) (indented with 2 spaces)', bytes: () => JSON.stringify(parsed.js, null, 2), fix: SERIALIZER_FIX });
    add({ id: 'js-indent-4', cause: 'other-serializer', label: 'JSON.stringify(obj, null, 4) (indented with 4 spaces)', bytes: () => JSON.stringify(parsed.js, null, 4), fix: SERIALIZER_FIX });
    add({ id: 'js-indent-tab', cause: 'other-serializer', label: 'JSON.stringify(obj, null, "\\t") (indented with tabs)', bytes: () => JSON.stringify(parsed.js, null, '\t'), fix: SERIALIZER_FIX });
    for (const m of SERIALIZERS) {
      if (m.when && !m.when(parsed.text)) continue;
      add({ id: m.id, cause: 'other-serializer', label: m.label, bytes: () => serialize(parsed.tree, m.style), fix: `${SERIALIZER_FIX}. ${m.fix}` });
    }
    add({ id: 'js-sorted', cause: 'other-serializer', label: 'JSON.stringify of the object with its keys sorted (a canonicalizing or sorting serializer)', bytes: () => JSON.stringify(sortDeep(parsed.js)), fix: SERIALIZER_FIX });
  }

  if (large) return out;
  const DOUBLE_FIX = 'hash the raw body string itself, not json_encode($body) / JSON.stringify(body) of it (the body is already JSON text)';
  add({ id: 'double-php', cause: 'double-encoded', label: 'PHP json_encode($rawBody): the raw body encoded again as a JSON string (CustomerGlu\'s PHP sample)', bytes: escapeString(text, ESCAPES.php), fix: DOUBLE_FIX });
  add({ id: 'double-js', cause: 'double-encoded', label: 'JSON.stringify(rawBody): the raw body encoded again as a JSON string', bytes: JSON.stringify(text), fix: DOUBLE_FIX });
  add({ id: 'double-py', cause: 'double-encoded', label: 'Python json.dumps(raw_body): the raw body encoded again as a JSON string', bytes: escapeString(text, ESCAPES.pyAscii), fix: DOUBLE_FIX });

  if (body.some((b) => b > 0x7f)) {
    const LOSSY_FIX = 'hash bytes, not text in a platform charset: Java getBytes(StandardCharsets.UTF_8) (plain getBytes() uses the platform default before JDK 18), and read the body as UTF-8';
    const latin1: number[] = [];
    const ascii: number[] = [];
    let fitsLatin1 = true;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp > 0xff) fitsLatin1 = false;
      latin1.push(cp <= 0xff ? cp : 0x3f);
      ascii.push(cp <= 0x7f ? cp : 0x3f);
    }
    const latin1Bytes = Buffer.from(latin1);
    // Text that fits Latin-1 and comes back as valid UTF-8 when written so ("Ã©" → "é") is UTF-8 that was decoded as
    // Latin-1 on the way: that is the likelier story than a Latin-1 signer, and it names these bytes first.
    if (fitsLatin1 && isUtf8(latin1Bytes)) {
      add({ id: 'undo-double-utf8', cause: 'lossy-encoding', label: 'the body with its mojibake undone (UTF-8 that had been decoded as Latin-1 and encoded again)', why: 'the body you have was decoded with the wrong charset on the way (a proxy or framework), so "é" arrived as "Ã©"', bytes: latin1Bytes, fix: LOSSY_FIX });
    }
    add({ id: 'latin1', cause: 'lossy-encoding', label: 'the body encoded as Latin-1 (ISO-8859-1), characters outside it as "?"', why: 'the signer turned the text into bytes with a Latin-1 platform charset (Java getBytes() before JDK 18 on such systems)', bytes: latin1Bytes, fix: LOSSY_FIX });
    add({ id: 'ascii', cause: 'lossy-encoding', label: 'the body encoded as ASCII, every non-ASCII character replaced by "?"', why: 'the signer turned the text into bytes with an ASCII charset, which replaces é, ☕ … with "?"', bytes: Buffer.from(ascii), fix: LOSSY_FIX });
    add({ id: 'double-utf8', cause: 'lossy-encoding', label: 'the body\'s bytes read as Latin-1 and encoded to UTF-8 again (mojibake: "é" becomes "Ã©")', why: 'the signer decoded the UTF-8 body with the wrong charset before encoding it again', bytes: Buffer.from(body.toString('latin1'), 'utf8'), fix: LOSSY_FIX });
  }
  return out;
}

export interface SecretVariant {
  index: number;
  key: Buffer | string;
  cost: number;
  label: string;
  cause?: ExplainCause;
  why?: string;
  fix?: string;
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Ways the signer's key can differ from the secret you gave. The exact one always comes first. */
export function secretVariants(secrets: string[], keyFormat: 'utf8' | 'whsec'): SecretVariant[] {
  const out: SecretVariant[] = [];
  secrets.forEach((secret, index) => {
    const n = secrets.length > 1 ? ` #${index + 1}` : '';
    const seen = new Set<string>();
    const add = (v: Omit<SecretVariant, 'index'>) => {
      const k = typeof v.key === 'string' ? `s:${v.key}` : `b:${v.key.toString('hex')}`;
      if (seen.has(k)) return;
      seen.add(k);
      out.push({ index, ...v });
    };
    const body = secret.startsWith('whsec_') ? secret.slice(6) : secret;
    if (keyFormat === 'whsec') add({ key: Buffer.from(body, 'base64'), cost: 0, label: `secret${n} (base64 after "whsec_", decoded)` });
    else add({ key: secret, cost: 0, label: `secret${n} as given` });
    const trimmed = secret.trim();
    if (trimmed !== secret) {
      add({ key: keyFormat === 'whsec' ? Buffer.from(trimmed.replace(/^whsec_/, ''), 'base64') : trimmed, cost: 1, label: `secret${n} with its surrounding whitespace removed`, cause: 'secret-format', why: 'the secret you gave has whitespace or a newline around it that the signer did not use (read from a file or an environment variable with a trailing newline)', fix: 'trim the secret where you load it (secret.trim(), or printf instead of echo when writing it)' });
    } else {
      add({ key: `${secret}\n`, cost: 1, label: `secret${n} followed by a newline`, cause: 'secret-format', why: 'the signer\'s copy of the secret ends with a newline (written with `echo` into a file or variable)', fix: 'trim the secret where the signer loads it' });
    }
    if (keyFormat === 'whsec') {
      add({ key: secret, cost: 1, label: `secret${n} used verbatim as text, "whsec_" included (Stripe style)`, cause: 'secret-format', why: 'the signer used the whsec_ secret as text; Standard Webhooks keys are the base64 after "whsec_", decoded', fix: 'decode the key: base64-decode what follows "whsec_" (the standardwebhooks libraries do this)' });
      if (body !== secret) add({ key: body, cost: 1, label: `secret${n} without "whsec_", as text (not base64-decoded)`, cause: 'secret-format', why: 'the signer dropped "whsec_" but used the rest as text instead of base64-decoding it', fix: 'base64-decode what follows "whsec_"' });
    } else if (secret.startsWith('whsec_') && B64.test(body)) {
      add({ key: Buffer.from(body, 'base64'), cost: 1, label: `secret${n} with "whsec_" removed and the rest base64-decoded (Standard Webhooks style)`, cause: 'secret-format', why: 'the signer treats the whsec_ secret as a Standard Webhooks key (base64 after the prefix), while this scheme uses it verbatim', fix: 'use the same key handling on both sides: this scheme signs with the secret text as is' });
      add({ key: body, cost: 1, label: `secret${n} without its "whsec_" prefix`, cause: 'secret-format', why: 'the signer dropped the "whsec_" prefix from the secret', fix: 'use the whole secret, prefix included' });
    }
    if (keyFormat === 'utf8' && /^(?:[0-9a-fA-F]{2}){8,}$/.test(secret)) {
      add({ key: Buffer.from(secret, 'hex'), cost: 2, label: `secret${n} hex-decoded to bytes`, cause: 'secret-format', why: 'the signer used the hex secret as raw bytes rather than as text', fix: 'agree on the key bytes: this scheme uses the secret text as is' });
    }
    if (keyFormat === 'utf8' && !secret.startsWith('whsec_') && secret.length >= 16 && secret.length % 4 === 0 && B64.test(secret)) {
      add({ key: Buffer.from(secret, 'base64'), cost: 2, label: `secret${n} base64-decoded to bytes`, cause: 'secret-format', why: 'the signer used the base64 secret as decoded bytes rather than as text', fix: 'agree on the key bytes: this scheme uses the secret text as is' });
    }
  });
  return out;
}
