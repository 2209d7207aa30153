import { createHmac } from 'node:crypto';
import type { SigningSpec } from '../../providers/types.js';
import { safeEqual } from '../hmac.js';
import { schemeFor } from '../registry.js';
import { contentPrefix, keyOf, signatureLength } from '../schemes/hmac-scheme.js';
import { SVIX_HEADERS, type ContentTemplate, type HmacProfile } from '../schemes/profile.js';
import { chooseHeaderSet } from '../schemes/standard-webhooks-headers.js';
import { headerFormatNotes } from '../schemes/stripe-header.js';
import type { RequestParts, VerifyOptions, VerifyResult } from '../types.js';
import { decodeBody, decodedFinding, decodedVariants, type DecodedBody } from './content-encoding.js';
import { bodyFinding, comparisonFinding, type Explanation, type ExplainMatch, type Finding } from './report.js';
import { signatureForms, type SignatureForm } from './signature-forms.js';
import { bodyVariants, MAX_MODELLED_DECODED, parseBody, secretVariants, type BodyVariant, type ParsedBody, type SecretVariant } from './variants.js';

export type { ExplainCause } from './variants.js';
export { excerpt, firstDifference, type Explanation, type ExplainMatch, type Finding } from './report.js';

const ALGO_NAME: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
const TEMPLATE_TEXT: Record<ContentTemplate, string> = { body: '{body}', 'id.t.body': '{id}.{timestamp}.{body}', 't.body': '{timestamp}.{body}', 'v0:t:body': 'v0:{timestamp}:{body}' };

interface Context {
  t?: string;
  id?: string;
}

/** The body you have, and (for a compressed delivery) what it decodes to. */
interface Have {
  body: Buffer;
  parsed: ParsedBody | undefined;
  decoded?: DecodedBody | undefined;
  decodedParsed?: ParsedBody | undefined;
}

function templatesFor(profile: HmacProfile, ctx: Context): ContentTemplate[] {
  const all: ContentTemplate[] = [profile.content, 'body', 't.body', 'v0:t:body', 'id.t.body'];
  const usable = (c: ContentTemplate) => c === 'body' || (ctx.t !== undefined && (c !== 'id.t.body' || ctx.id !== undefined));
  return [...new Set(all)].filter(usable);
}

function lookup(headers: Record<string, string>, name: string): string | undefined {
  return headers[name.toLowerCase()] ?? (SVIX_HEADERS[name] ? headers[SVIX_HEADERS[name]!] : undefined);
}

function describeForm(encoding: string, uppercase: boolean, prefix: string): string {
  const enc = encoding === 'hex' ? `${uppercase ? 'uppercase' : 'lowercase'} hex` : encoding;
  return prefix ? `"${prefix}" + ${enc}` : enc;
}

/**
 * Why a signature does not verify: tries candidate bodies × secrets × signed-content templates, reads the
 * signature in every encoding and picks the algorithm from the digest length, and reports the first
 * transformation that reproduces it, with the first differing byte against the body you have.
 */
export function explain(spec: SigningSpec, req: RequestParts, options: VerifyOptions): Explanation {
  const tried = { bodies: 0, secrets: 0, templates: 0, algorithms: [] as string[], signatures: 0, hmacs: 0 };
  const choice = schemeFor(spec, options.scheme);
  if (!choice) {
    const result: VerifyResult = { status: 'no-secret', valid: false, reason: `unknown signing scheme ${options.scheme ?? spec.scheme}` };
    return { verdict: 'not-checked', result, summary: `Not checked: ${result.reason}.`, findings: [], tried };
  }
  const result = choice.scheme.verify(req, options, choice.own);
  const body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);

  if (result.status === 'unsigned') {
    return { verdict: 'valid', result, summary: 'This provider does not sign deliveries: there is no signature to check.', findings: [{ cause: 'missing-signature', title: 'Nothing is signed, so nothing can fail here.', detail: ['Protect the endpoint another way: a secret URL path, HTTPS, and an allow-list of the provider\'s IPs where documented.'] }], tried };
  }
  if (result.status === 'no-secret') {
    return { verdict: 'not-checked', result, summary: `Not checked: ${result.reason}.`, findings: [], tried };
  }
  // What the HMAC search cannot explain (a credential, an ed25519 signature), the scheme explains itself.
  const own = choice.scheme.explain?.(req, options, result, tried);
  if (own) return own;
  const profile = choice.scheme.profile?.(choice.own, options.custom);
  if (!profile) return { verdict: 'not-checked', result, summary: `Not checked: ${result.reason}.`, findings: [], tried };

  const ctx: Context = {};
  // Stryker disable next-line StringLiteral: a profile without a timestamp header of its own falls back to webhook-timestamp on the next line anyway
  const tHeader = profile.timestampHeader ?? 'webhook-timestamp';
  // A Standard Webhooks delivery with both header sets: its id and time as verify read them, not each webhook-* first.
  const signed = (profile.idHeader ? chooseHeaderSet(options.signature === undefined ? req.headers : { ...req.headers, 'webhook-signature': options.signature })?.headers : undefined) ?? req.headers;
  const t = options.timestamp !== undefined ? String(options.timestamp) : (lookup(signed, tHeader) ?? lookup(signed, 'webhook-timestamp') ?? lookup(signed, 'x-slack-request-timestamp'));
  if (t !== undefined) ctx.t = t.trim();
  const id = options.id ?? lookup(signed, 'webhook-id');
  if (id !== undefined) ctx.id = id.trim();

  // Where the signature is: the scheme's headers first, then anything else that decodes to a digest.
  const expectedHeaders = [profile.header, ...profile.altHeaders];
  let forms: SignatureForm[] = [];
  let givenText: string | undefined;
  if (options.signature !== undefined) {
    givenText = options.signature;
    forms = signatureForms(profile.header, options.signature);
  } else {
    for (const name of expectedHeaders) {
      const v = lookup(req.headers, name);
      if (v !== undefined) {
        givenText ??= v;
        forms.push(...signatureForms(name, v));
      }
    }
    const expectedLower = new Set(expectedHeaders.map((h) => h.toLowerCase()));
    for (const [name, value] of Object.entries(req.headers)) {
      if (expectedLower.has(name) || name === 'webhook-id' || name === 'content-length') continue;
      forms.push(...signatureForms(name, value));
    }
  }
  ctx.t ??= forms.find((f) => f.t !== undefined)?.t;
  tried.signatures = forms.length;

  const findings: Finding[] = [];
  if (result.status === 'expired') {
    findings.push({
      cause: 'timestamp',
      title: `The timestamp is outside the tolerance: ${result.reason}.`,
      detail: ['Receivers reject old or future timestamps so that a captured delivery cannot be replayed later.'],
      fix: 'checking a saved delivery later? pass --now <the time it arrived> (verify --capture does this from receivedAt) or a larger --tolerance; live traffic? sync both clocks (NTP)',
    });
    if (result.secretIndex !== undefined) {
      return { verdict: 'explained', result, summary: findings[0]!.title, findings, tried };
    }
  }
  const decoded = decodeBody(lookup(req.headers, 'content-encoding'), body);
  if (result.status === 'valid') return explainValid(profile, body, result, tried, decoded);
  // A header the platform's libraries read otherwise than a lenient reader (Stripe's " v1=", t=0…): said first.
  const formatNotes = headerFormatNotes(profile, givenText, ctx.t);
  if (formatNotes.length > 0) {
    findings.push({
      cause: 'signature-format',
      title: `The header is not written as ${profile.label} writes it: ${formatNotes.join('; ')}.`,
      detail: ['A receiver built on the platform\'s library refuses the delivery, even where the MAC itself is right.'],
      fix: `write it as ${profile.label} does: ${profile.list === 'stripe' ? '"t=<unix seconds>,v1=<hex>", no spaces, the timestamp as the plain number' : 'the timestamp as the plain number of unix seconds'}`,
    });
  }

  if (forms.length === 0) {
    if (givenText === undefined) {
      findings.push({
        cause: 'missing-signature',
        title: `The request carries no ${expectedHeaders.join(' or ')} header, and no other header holds anything that looks like a signature.`,
        detail: [`${profile.label} sends it on every signed delivery; without one the delivery must be refused.`],
        fix: 'check the secret is configured on the sender, and that no proxy strips the header',
      });
      findings.push(comparisonFinding('missing'));
      return { verdict: 'explained', result, summary: findings[0]!.title, findings, tried };
    }
    return explainUnreadable(profile, body, givenText, options.secrets, result, tried);
  }

  const have: Have = { body, parsed: parseBody(body), decoded };
  const bodies = bodyVariants(body, have.parsed);
  if (decoded?.ok) {
    have.decodedParsed = parseBody(decoded.bytes);
    bodies.push(...decodedVariants(decoded, bodyVariants(decoded.bytes, have.decodedParsed, undefined, MAX_MODELLED_DECODED)));
  }
  const secrets = secretVariants(options.secrets, profile.key);
  const templates = templatesFor(profile, ctx);
  const algorithms = [...new Set([profile.algorithm as string, ...forms.map((f) => f.algorithm)])].filter((a) => forms.some((f) => f.algorithm === a));
  tried.bodies = bodies.length;
  tried.secrets = secrets.length;
  tried.templates = templates.length;
  tried.algorithms = algorithms;

  // Cheapest explanations first: one change at a time before two.
  const combos: { b: BodyVariant; s: SecretVariant; c: ContentTemplate; cost: number }[] = [];
  for (const c of templates) for (const s of secrets) for (const b of bodies) {
    const bodyCost = b.id === 'raw' ? 0 : b.id.startsWith('decoded+') ? 2 : 1;
    combos.push({ b, s, c, cost: bodyCost + s.cost + (c === profile.content ? 0 : 1) });
  }
  combos.sort((x, y) => x.cost - y.cost);

  for (const { b, s, c } of combos) {
    const pre = contentPrefix(c, ctx.t, ctx.id);
    for (const algorithm of algorithms) {
      tried.hmacs++;
      const mac = createHmac(algorithm, s.key).update(pre).update(b.bytes).digest();
      // Constant time: the listener runs this search on signatures a forger chose. (A digest's length is its
      // algorithm's, so only forms of this algorithm can be equal.)
      const form = forms.find((f) => safeEqual(f.bytes, mac));
      if (form) {
        const match: ExplainMatch = { body: b.id, bodyLabel: b.label, ...(b.alsoBy ? { alsoBy: b.alsoBy } : {}), secretIndex: s.index, secret: s.label, algorithm, encoding: form.encoding, template: c, header: form.header, prefix: form.prefix };
        findings.push(...matchFindings(profile, have, b, s, c, form, givenText, expectedHeaders));
        if (findings.length === 0) findings.push({ cause: 'signature-format', title: 'The signature matches the body as is.', detail: [result.reason] });
        return { verdict: 'explained', result, summary: findings[0]!.title, findings, match, tried };
      }
    }
  }

  findings.push(noMatchFinding(profile, tried, options.secrets.length, ctx, decoded));
  return { verdict: 'unexplained', result, summary: findings[findings.length - 1]!.title, findings, tried };
}

function matchFindings(
  profile: HmacProfile,
  have: Have,
  b: BodyVariant,
  s: SecretVariant,
  c: ContentTemplate,
  form: SignatureForm,
  givenText: string | undefined,
  expectedHeaders: string[],
): Finding[] {
  const out: Finding[] = [];
  if (have.decoded?.ok && b.id.startsWith('decoded')) {
    // Stryker disable next-line StringLiteral: decodedFinding tells only 'after' apart; any other value reads as 'before'
    out.push(decodedFinding(have.decoded, have.body.length, 'before'));
    if (b.id !== 'decoded') out.push(bodyFinding(b, have.decoded.bytes, `The signature was computed over ${b.label}, not over the decoded bytes.`, have.decodedParsed, 'the decoded body'));
  } else if (b.id !== 'raw') {
    out.push(bodyFinding(b, have.body, `The signature was computed over ${b.label}, not over the bytes you have.`, have.parsed));
  }
  if (s.cost > 0) {
    out.push({ cause: s.cause ?? 'secret-format', title: `The signature matches with ${s.label}, not with the secret as you gave it.`, detail: s.why ? [`${s.why[0]!.toUpperCase()}${s.why.slice(1)}.`] : [], ...(s.fix ? { fix: s.fix } : {}) });
  }
  if (c !== profile.content) {
    out.push({
      cause: 'signed-content',
      title: `The signer signed ${TEMPLATE_TEXT[c]}, but ${profile.label} signs ${TEMPLATE_TEXT[profile.content]}.`,
      detail: ['The MAC covers different text around the body, so the bytes are right but the signed content is not.'],
      fix: `sign exactly ${TEMPLATE_TEXT[profile.content]} (or choose the scheme that matches the sender with --scheme)`,
    });
  }
  if (form.algorithm !== profile.algorithm) {
    out.push({
      cause: 'signature-format',
      title: `The signature is HMAC-${ALGO_NAME[form.algorithm]} (${form.bytes.length} bytes), but ${profile.label} uses HMAC-${ALGO_NAME[profile.algorithm]}.`,
      detail: [`The digest length tells the algorithm: 16 bytes MD5, 20 SHA-1, 32 SHA-256, 64 SHA-512.`],
      fix: `use HMAC-${ALGO_NAME[profile.algorithm]} on both sides`,
    });
  }
  const expectedPrefix = profile.prefix;
  const sameEncoding = form.encoding === profile.encoding && !form.uppercase;
  if (!sameEncoding || form.prefix.toLowerCase() !== expectedPrefix.toLowerCase()) {
    const got = describeForm(form.encoding, form.uppercase, form.prefix);
    const want = describeForm(profile.encoding, false, expectedPrefix);
    out.push({
      cause: 'signature-format',
      title: `The MAC is right but written as ${got}, where ${profile.label} writes ${want}.`,
      detail: ['A receiver that compares the header text with its own digest text rejects it even though the bytes agree.'],
      fix: `write the signature as ${want}${form.prefix && !expectedPrefix ? `; a receiver should strip "${form.prefix}" only if the sender documents it` : ''}`,
    });
  }
  if (!expectedHeaders.some((h) => h.toLowerCase() === form.header.toLowerCase())) {
    out.push({
      cause: 'signature-format',
      title: `The signature came in the ${form.header} header, but ${profile.label} sends it in ${profile.header}.`,
      detail: ['A receiver reading the documented header finds nothing (or another value) there.'],
      fix: `send and read ${profile.header}${profile.altHeaders.length ? ` (older: ${profile.altHeaders.join(', ')})` : ''}`,
    });
  }
  // A text of another length always comes with a signature-format finding above (encoding, prefix or algorithm).
  const lengthDiffers = form.prefix.length + form.text.length !== profile.prefix.length + signatureLength(profile);
  if (givenText !== undefined && lengthDiffers) {
    out.push(comparisonFinding('length'));
  }
  return out;
}

const RECEIVERS: [string, string][] = [
    ['js-compact', 'A receiver that hashes JSON.stringify(req.body) (CustomerGlu\'s and mgPass\'s Node samples)'],
    ['py-compact-utf8', 'A receiver that hashes json.dumps(body, ensure_ascii=False, separators=(",", ":")) (CustomerGlu\'s Python sample)'],
    ['double-php', 'A receiver that hashes json_encode($rawBody) (CustomerGlu\'s PHP sample)'],
    ['latin1', 'A Java receiver that hashes payload.getBytes() in a Latin-1 platform charset'],
];
const RECEIVER_IDS = new Set(RECEIVERS.map(([id]) => id));

function explainValid(profile: HmacProfile, body: Buffer, result: VerifyResult, tried: Explanation['tried'], decoded: DecodedBody | undefined): Explanation {
  const findings: Finding[] = [];
  if (decoded) findings.push(decodedFinding(decoded, body.length, 'after'));
  const parsed = parseBody(body);
  const variants = bodyVariants(body, parsed, RECEIVER_IDS);
  for (const [id, who] of RECEIVERS) {
    const v = variants.find((x) => x.id === id);
    if (v) findings.push(bodyFinding(v, body, `${who} computes over different bytes and would reject this valid delivery.`, parsed));
  }
  const summary = `The signature is valid over the raw bytes (${result.reason}).`;
  tried.bodies = 1;
  tried.secrets = 1;
  tried.templates = 1;
  tried.algorithms = [profile.algorithm];
  return { verdict: 'valid', result, summary, findings, tried };
}

function explainUnreadable(profile: HmacProfile, body: Buffer, givenText: string, secrets: string[], result: VerifyResult, tried: Explanation['tried']): Explanation {
  const text = givenText.trim().replace(/^((?:sha(?:1|256|384|512)|md5|v\d+)[=,])/i, '');
  // What "Searched:" reports: the raw body under each secret, looking for the text as the start of a digest.
  tried.bodies = 1;
  tried.templates = 1;
  tried.algorithms = [profile.algorithm];
  for (const [i, secret] of secrets.entries()) {
    const mac = createHmac(profile.algorithm, keyOf(profile, secret)).update(body).digest();
    tried.hmacs++;
    tried.secrets = i + 1;
    for (const enc of ['hex', 'base64'] as const) {
      const full = mac.toString(enc);
      // A text as long as the digest would have been read as a signature form: here it can only be shorter.
      if (text.length >= 4 && full.startsWith(text)) {
        const findings: Finding[] = [
          { cause: 'signature-format', title: `The signature is cut short: ${text.length} of ${full.length} characters, and those match secret #${i + 1}.`, detail: ['Something between the sender and you truncated the header value (a log line, a copy and paste, a column width).'], fix: 'take the whole header value (a capture from `cg-hooks listen --save` keeps it intact)' },
          comparisonFinding('truncated'),
        ];
        return { verdict: 'explained', result, summary: findings[0]!.title, findings, tried };
      }
    }
  }
  const findings: Finding[] = [
    {
      cause: 'signature-format',
      title: `The signature "${givenText.length > 24 ? `${givenText.slice(0, 24)}…` : givenText}" is not hex or base64 of any HMAC digest length (16, 20, 32, 48 or 64 bytes).`,
      detail: [`${profile.label} sends ${describeForm(profile.encoding, false, profile.prefix)} of HMAC-${ALGO_NAME[profile.algorithm]} in ${profile.header}.`],
      fix: 'check you passed the signature header value, whole and unquoted',
    },
    comparisonFinding('length'),
  ];
  return { verdict: 'unexplained', result, summary: findings[0]!.title, findings, tried };
}

function noMatchFinding(profile: HmacProfile, tried: Explanation['tried'], secretCount: number, ctx: Context, decoded: DecodedBody | undefined): Finding {
  const detail = [
    `Tried ${tried.bodies} forms of the body × ${tried.secrets} forms of ${secretCount === 1 ? 'the secret' : `${secretCount} secrets`} × ${tried.templates} signed-content template${tried.templates === 1 ? '' : 's'} × ${tried.algorithms.map((a) => `HMAC-${ALGO_NAME[a]}`).join(', ')}: ${tried.hmacs} HMACs, every signature read as hex, base64 and base64url.`,
    'Likely causes, most common first:',
    '  - the wrong secret: a test key against live traffic (or the reverse), another environment\'s key, or another endpoint\'s key;',
    '  - a rotated secret: the sender switched keys; pass the old one too (--secret old --secret new);',
    '  - the body changed in transit beyond the forms tried (a proxy decompressing or re-encoding it, a framework rewriting it);',
    '  - the signature belongs to another delivery (headers and body from different requests);',
    `  - the sender uses another scheme than ${profile.label} (try --scheme).`,
  ];
  if (profile.content !== 'body' && ctx.t === undefined) detail.push(`No timestamp was found: ${profile.label} signs one (pass --timestamp).`);
  if (decoded) {
    detail.push(decoded.ok ? `The body is ${decoded.encoding}-compressed: the compressed bytes, the ${decoded.bytes.length} decoded bytes and their forms were all tried.` : `The body is ${decoded.encoding}-compressed and was not decoded: ${decoded.reason}.`);
  }
  return { cause: 'no-match', title: 'No transformation tried reproduces this signature: most likely the wrong or a rotated secret, or a body changed in transit.', detail, fix: 'confirm the secret with the sender (sign a known body with `cg-hooks sign` and compare), then capture a delivery byte for byte with `cg-hooks listen --save`' };
}

