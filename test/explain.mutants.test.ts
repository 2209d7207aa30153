// What `--explain` says (src/signing/explain/index.ts), scenario by scenario, pinned whole: the Stryker run (npm run
// mutate) showed that the words of the findings, the order in which transformations are tried, and the counts in
// `tried` were not checked. Each scenario is built so that exactly one cause applies.
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import type { SigningSpec } from '../src/providers/types.js';
import { explain } from '../src/signing/explain/index.js';
import { schemeById } from '../src/signing/registry.js';
import type { RequestParts, VerifyOptions } from '../src/signing/types.js';

const spec = (scheme: SigningSpec['scheme']): SigningSpec => ({ scheme, secretRequired: true, description: '' });
const BODY = '{"rewardId":"acdc71c6","amount":25,"text":"Café"}';
const SECRET = 'gh-secret';
const mac = (algorithm: string, key: string | Buffer, data: string | Buffer) => createHmac(algorithm, key).update(data).digest();
const req = (headers: Record<string, string>, body: string | Buffer = BODY): RequestParts => ({ headers, body: typeof body === 'string' ? Buffer.from(body) : body });
const run = (scheme: SigningSpec['scheme'], headers: Record<string, string>, options: Partial<VerifyOptions> = {}, body: string | Buffer = BODY) =>
  explain(spec(scheme), req(headers, body), { secrets: [SECRET], ...options });
/** The words of an explanation, without the match details. */
const words = (e: ReturnType<typeof explain>) => ({ verdict: e.verdict, summary: e.summary, findings: e.findings, tried: e.tried });

describe('explain: nothing to search', () => {
  it('an unknown scheme, an unsigned provider, no secret', () => {
    expect(run('github', {}, { scheme: 'nope' as never })).toStrictEqual({
      verdict: 'not-checked',
      result: { status: 'no-secret', valid: false, reason: 'unknown signing scheme nope' },
      summary: 'Not checked: unknown signing scheme nope.',
      findings: [],
      tried: { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 },
    });
    expect(words(run('none', {}))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "missing-signature",
            "detail": [
              "Protect the endpoint another way: a secret URL path, HTTPS, and an allow-list of the provider's IPs where documented.",
            ],
            "title": "Nothing is signed, so nothing can fail here.",
          },
        ],
        "summary": "This provider does not sign deliveries: there is no signature to check.",
        "tried": {
          "algorithms": [],
          "bodies": 0,
          "hmacs": 0,
          "secrets": 0,
          "signatures": 0,
          "templates": 0,
        },
        "verdict": "valid",
      }
    `);
    expect(words(run('github', {}, { secrets: [] }))).toMatchInlineSnapshot(`
      {
        "findings": [],
        "summary": "Not checked: no secret configured: signature not checked.",
        "tried": {
          "algorithms": [],
          "bodies": 0,
          "hmacs": 0,
          "secrets": 0,
          "signatures": 0,
          "templates": 0,
        },
        "verdict": "not-checked",
      }
    `);
  });
});

describe('explain: timestamps', () => {
  const T = 1_700_000_000;
  const stripe = (t: number, key = SECRET) => `t=${t},v1=${mac('sha256', key, `${t}.${BODY}`).toString('hex')}`;
  it('expired but signed right: the timestamp is the only finding', () => {
    expect(words(run('stripe', { 'stripe-signature': stripe(T) }, { now: T + 1000 }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "timestamp",
            "detail": [
              "Receivers reject old or future timestamps so that a captured delivery cannot be replayed later.",
            ],
            "fix": "checking a saved delivery later? pass --now <the time it arrived> (verify --capture does this from receivedAt) or a larger --tolerance; live traffic? sync both clocks (NTP)",
            "title": "The timestamp is outside the tolerance: timestamp is 16 min 40 s old (tolerance 5 min); the signature itself matches.",
          },
        ],
        "summary": "The timestamp is outside the tolerance: timestamp is 16 min 40 s old (tolerance 5 min); the signature itself matches.",
        "tried": {
          "algorithms": [],
          "bodies": 0,
          "hmacs": 0,
          "secrets": 0,
          "signatures": 1,
          "templates": 0,
        },
        "verdict": "explained",
      }
    `);
  });
  it('expired and signed wrong: the search goes on after the timestamp finding', () => {
    const e = run('stripe', { 'stripe-signature': stripe(T, `${SECRET}\n`) }, { now: T + 1000 });
    expect(e.findings.map((f) => f.cause)).toEqual(['timestamp', 'secret-format']);
  });
  it('Slack and Standard Webhooks timestamps and ids are read from their headers (svix-* too)', () => {
    const slackSig = `v0=${mac('sha256', SECRET, `v0:${T}:${BODY.replace('25', '26')}`).toString('hex')}`;
    const slack = run('slack', { 'x-slack-signature': slackSig, 'x-slack-request-timestamp': ` ${T} ` }, { now: T });
    expect(slack.verdict).toBe('unexplained');
    expect(slack.tried.templates).toBe(3);
    const key = Buffer.from('c2VjcmV0LWtleS1ieXRlcw==', 'base64');
    const swSig = (content: string) => `v1,${mac('sha256', key, content).toString('base64')}`;
    const sw = run('standard-webhooks', { 'svix-signature': swSig(`msg_1.${T}.${BODY}\n`), 'svix-id': ' msg_1 ', 'svix-timestamp': String(T) }, { secrets: ['whsec_c2VjcmV0LWtleS1ieXRlcw=='], now: T });
    expect(sw.match).toMatchObject({ body: 'add-newline', template: 'id.t.body' });
    expect(sw.tried.templates).toBe(4);
    // A GitHub signature over "{t}.{body}": found because a webhook-timestamp header was there.
    const gh = run('github', { 'x-hub-signature-256': `sha256=${mac('sha256', SECRET, `${T}.${BODY}`).toString('hex')}`, 'webhook-timestamp': String(T) });
    expect(words(gh)).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "signed-content",
            "detail": [
              "The MAC covers different text around the body, so the bytes are right but the signed content is not.",
            ],
            "fix": "sign exactly {body} (or choose the scheme that matches the sender with --scheme)",
            "title": "The signer signed {timestamp}.{body}, but GitHub signs {body}.",
          },
        ],
        "summary": "The signer signed {timestamp}.{body}, but GitHub signs {body}.",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 20,
          "hmacs": 22,
          "secrets": 2,
          "signatures": 1,
          "templates": 3,
        },
        "verdict": "explained",
      }
    `);
  });
});

describe('explain: where the signature is', () => {
  const good = mac('sha256', SECRET, BODY);
  it('valid: the receivers that would still reject it', () => {
    expect(words(run('github', { 'x-hub-signature-256': `sha256=${good.toString('hex')}` }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "double-encoded",
            "detail": [
              "First difference at byte 0 (the body you have is 50 bytes, the signed bytes 66).",
            ],
            "excerpt": {
              "given": "{"rewardId":"acdc71c6","…",
              "signed": ""{\\\\"rewardId\\\\":\\\\"acdc71c…",
            },
            "fix": "hash the raw body string itself, not json_encode($body) / JSON.stringify(body) of it (the body is already JSON text)",
            "offset": 0,
            "title": "A receiver that hashes json_encode($rawBody) (CustomerGlu's PHP sample) computes over different bytes and would reject this valid delivery.",
          },
          {
            "cause": "lossy-encoding",
            "detail": [
              "The signer turned the text into bytes with a Latin-1 platform charset (Java getBytes() before JDK 18 on such systems).",
              "First difference at byte 46 (the body you have is 50 bytes, the signed bytes 49).",
            ],
            "excerpt": {
              "given": "…xt":"Caf\\xC3\\xA9"}",
              "signed": "…xt":"Caf\\xE9"}",
            },
            "fix": "hash bytes, not text in a platform charset: Java getBytes(StandardCharsets.UTF_8) (plain getBytes() uses the platform default before JDK 18), and read the body as UTF-8",
            "offset": 46,
            "title": "A Java receiver that hashes payload.getBytes() in a Latin-1 platform charset computes over different bytes and would reject this valid delivery.",
          },
        ],
        "summary": "The signature is valid over the raw bytes (X-Hub-Signature-256 matches).",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 1,
          "hmacs": 0,
          "secrets": 1,
          "signatures": 1,
          "templates": 1,
        },
        "verdict": "valid",
      }
    `);
  });
  it('no signature header, and nothing that looks like one', () => {
    expect(words(run('customerglu', { 'content-type': 'application/json' }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "missing-signature",
            "detail": [
              "CustomerGlu sends it on every signed delivery; without one the delivery must be refused.",
            ],
            "fix": "check the secret is configured on the sender, and that no proxy strips the header",
            "title": "The request carries no X-CG-SIGNATURE or X-GLU-SIGNATURE header, and no other header holds anything that looks like a signature.",
          },
          {
            "cause": "comparison",
            "detail": [
              "crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b)) throws a RangeError when the lengths differ, and Buffer.from(undefined) throws on a missing header: CustomerGlu's and mgPass's Node samples crash with a 500 this way instead of answering 401.",
              "Comparing with == or === leaks through timing how much of the signature is right.",
            ],
            "fix": "compare in constant time after a length check: if (!sig || sig.length !== expected.length) return 401; then crypto.timingSafeEqual",
            "title": "A receiver must answer 401 here, not crash.",
          },
        ],
        "summary": "The request carries no X-CG-SIGNATURE or X-GLU-SIGNATURE header, and no other header holds anything that looks like a signature.",
        "tried": {
          "algorithms": [],
          "bodies": 0,
          "hmacs": 0,
          "secrets": 0,
          "signatures": 0,
          "templates": 0,
        },
        "verdict": "explained",
      }
    `);
  });
  it('the right MAC in another header, written another way', () => {
    expect(words(run('github', { 'x-signature': good.toString('base64') }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "signature-format",
            "detail": [
              "A receiver that compares the header text with its own digest text rejects it even though the bytes agree.",
            ],
            "fix": "write the signature as "sha256=" + lowercase hex",
            "title": "The MAC is right but written as base64, where GitHub writes "sha256=" + lowercase hex.",
          },
          {
            "cause": "signature-format",
            "detail": [
              "A receiver reading the documented header finds nothing (or another value) there.",
            ],
            "fix": "send and read X-Hub-Signature-256",
            "title": "The signature came in the x-signature header, but GitHub sends it in X-Hub-Signature-256.",
          },
        ],
        "summary": "The MAC is right but written as base64, where GitHub writes "sha256=" + lowercase hex.",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 20,
          "hmacs": 1,
          "secrets": 2,
          "signatures": 1,
          "templates": 1,
        },
        "verdict": "explained",
      }
    `);
    expect(words(run('github', { 'x-hub-signature-256': good.toString('hex').toUpperCase() }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "signature-format",
            "detail": [
              "A receiver that compares the header text with its own digest text rejects it even though the bytes agree.",
            ],
            "fix": "write the signature as "sha256=" + lowercase hex",
            "title": "The MAC is right but written as uppercase hex, where GitHub writes "sha256=" + lowercase hex.",
          },
          {
            "cause": "comparison",
            "detail": [
              "crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b)) throws a RangeError when the lengths differ, and Buffer.from(undefined) throws on a missing header: CustomerGlu's and mgPass's Node samples crash with a 500 this way instead of answering 401.",
              "Comparing with == or === leaks through timing how much of the signature is right.",
            ],
            "fix": "compare in constant time after a length check: if (!sig || sig.length !== expected.length) return 401; then crypto.timingSafeEqual",
            "title": "The signature text has a different length from the expected one: crypto.timingSafeEqual throws on that.",
          },
        ],
        "summary": "The MAC is right but written as uppercase hex, where GitHub writes "sha256=" + lowercase hex.",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 20,
          "hmacs": 1,
          "secrets": 2,
          "signatures": 1,
          "templates": 1,
        },
        "verdict": "explained",
      }
    `);
  });
  it('headers that are never a signature are not read as one (webhook-id, content-length)', () => {
    const digestLike = good.toString('base64');
    const e = run('github', { 'x-hub-signature-256': 'sha256=00', 'webhook-id': digestLike, 'content-length': good.toString('hex') });
    expect(e.tried.signatures).toBe(0);
    expect(run('github', { 'x-hub-signature-256': 'sha256=00', 'x-other': digestLike }).tried.signatures).toBe(1);
  });
  it('another algorithm', () => {
    expect(words(run('github', { 'x-hub-signature-256': `sha1=${mac('sha1', SECRET, BODY).toString('hex')}` }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "signature-format",
            "detail": [
              "The digest length tells the algorithm: 16 bytes MD5, 20 SHA-1, 32 SHA-256, 64 SHA-512.",
            ],
            "fix": "use HMAC-SHA-256 on both sides",
            "title": "The signature is HMAC-SHA-1 (20 bytes), but GitHub uses HMAC-SHA-256.",
          },
          {
            "cause": "signature-format",
            "detail": [
              "A receiver that compares the header text with its own digest text rejects it even though the bytes agree.",
            ],
            "fix": "write the signature as "sha256=" + lowercase hex",
            "title": "The MAC is right but written as "sha1=" + lowercase hex, where GitHub writes "sha256=" + lowercase hex.",
          },
          {
            "cause": "comparison",
            "detail": [
              "crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b)) throws a RangeError when the lengths differ, and Buffer.from(undefined) throws on a missing header: CustomerGlu's and mgPass's Node samples crash with a 500 this way instead of answering 401.",
              "Comparing with == or === leaks through timing how much of the signature is right.",
            ],
            "fix": "compare in constant time after a length check: if (!sig || sig.length !== expected.length) return 401; then crypto.timingSafeEqual",
            "title": "The signature text has a different length from the expected one: crypto.timingSafeEqual throws on that.",
          },
        ],
        "summary": "The signature is HMAC-SHA-1 (20 bytes), but GitHub uses HMAC-SHA-256.",
        "tried": {
          "algorithms": [
            "sha1",
          ],
          "bodies": 20,
          "hmacs": 1,
          "secrets": 2,
          "signatures": 1,
          "templates": 1,
        },
        "verdict": "explained",
      }
    `);
  });
  it('a signature given with --signature', () => {
    expect(run('github', {}, { signature: `sha256=${good.toString('hex')}` }).verdict).toBe('valid');
    expect(run('github', {}, { signature: `sha256=${mac('sha256', SECRET, BODY.replace('25', '26')).toString('hex')}` }).tried.signatures).toBe(1);
  });
});

describe('explain: what the signer did differently', () => {
  it('a re-serialized body, a secret with a newline, another signed-content template', () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(words(run('github', { 'x-hub-signature-256': `sha256=${mac('sha256', SECRET, pretty).toString('hex')}` }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "other-serializer",
            "detail": [
              "Its output differs from the body you have in whitespace.",
              "The same bytes come from: Ruby JSON.pretty_generate(obj).",
              "First difference at byte 1 (the body you have is 50 bytes, the signed bytes 63).",
            ],
            "excerpt": {
              "given": "{"rewardId":"acdc71c6","a…",
              "signed": "{\\n  "rewardId": "acdc71c6…",
            },
            "fix": "sign the exact bytes that go on the wire (serialize once, sign that buffer, send that buffer); a receiver must hash the raw body, never a re-serialization",
            "offset": 1,
            "title": "The signature was computed over JSON.stringify(obj, null, 2) (indented with 2 spaces), not over the bytes you have.",
          },
        ],
        "summary": "The signature was computed over JSON.stringify(obj, null, 2) (indented with 2 spaces), not over the bytes you have.",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 20,
          "hmacs": 4,
          "secrets": 2,
          "signatures": 1,
          "templates": 1,
        },
        "verdict": "explained",
      }
    `);
    expect(words(run('github', { 'x-hub-signature-256': `sha256=${mac('sha256', `${SECRET}\n`, BODY).toString('hex')}` }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "secret-format",
            "detail": [
              "The signer's copy of the secret ends with a newline (written with \`echo\` into a file or variable).",
            ],
            "fix": "trim the secret where the signer loads it",
            "title": "The signature matches with secret followed by a newline, not with the secret as you gave it.",
          },
        ],
        "summary": "The signature matches with secret followed by a newline, not with the secret as you gave it.",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 20,
          "hmacs": 21,
          "secrets": 2,
          "signatures": 1,
          "templates": 1,
        },
        "verdict": "explained",
      }
    `);
    const T = 1_700_000_000;
    expect(words(run('stripe', { 'stripe-signature': `t=${T},v1=${mac('sha256', SECRET, `v0:${T}:${BODY}`).toString('hex')}` }, { now: T }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "signed-content",
            "detail": [
              "The MAC covers different text around the body, so the bytes are right but the signed content is not.",
            ],
            "fix": "sign exactly {timestamp}.{body} (or choose the scheme that matches the sender with --scheme)",
            "title": "The signer signed v0:{timestamp}:{body}, but Stripe signs {timestamp}.{body}.",
          },
        ],
        "summary": "The signer signed v0:{timestamp}:{body}, but Stripe signs {timestamp}.{body}.",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 20,
          "hmacs": 23,
          "secrets": 2,
          "signatures": 1,
          "templates": 3,
        },
        "verdict": "explained",
      }
    `);
  });
  it('a compressed body signed after decoding', () => {
    const zipped = gzipSync(BODY);
    expect(words(run('github', { 'x-hub-signature-256': `sha256=${mac('sha256', SECRET, BODY).toString('hex')}`, 'content-encoding': 'gzip' }, {}, zipped))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "content-encoding",
            "detail": [
              "The signer signed the uncompressed body and then sent it compressed (Content-Encoding: gzip).",
              "Decoded (gzip): 50 bytes from the 70 received: {"rewardId":"acdc71c6","amount":25,"text":"Caf\\xC3\\xA9"}",
            ],
            "fix": "decompress first (with a size limit), then verify the decoded bytes; better, have the sender sign the bytes it actually sends",
            "title": "The signature covers the body before gzip compression, not the compressed bytes that arrived.",
          },
        ],
        "summary": "The signature covers the body before gzip compression, not the compressed bytes that arrived.",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 28,
          "hmacs": 9,
          "secrets": 2,
          "signatures": 1,
          "templates": 1,
        },
        "verdict": "explained",
      }
    `);
  });
});

describe('explain: a signature it cannot read', () => {
  const full = mac('sha256', SECRET, BODY).toString('hex');
  it('cut short: how much is there, and whose it is', () => {
    expect(words(run('github', { 'x-hub-signature-256': `sha256=${full.slice(0, 20)}` }, { secrets: ['other', SECRET] }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "signature-format",
            "detail": [
              "Something between the sender and you truncated the header value (a log line, a copy and paste, a column width).",
            ],
            "fix": "take the whole header value (a capture from \`cg-hooks listen --save\` keeps it intact)",
            "title": "The signature is cut short: 20 of 64 characters, and those match secret #2.",
          },
          {
            "cause": "comparison",
            "detail": [
              "crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b)) throws a RangeError when the lengths differ, and Buffer.from(undefined) throws on a missing header: CustomerGlu's and mgPass's Node samples crash with a 500 this way instead of answering 401.",
              "Comparing with == or === leaks through timing how much of the signature is right.",
            ],
            "fix": "compare in constant time after a length check: if (!sig || sig.length !== expected.length) return 401; then crypto.timingSafeEqual",
            "title": "The signature text is shorter than the expected one: crypto.timingSafeEqual throws on that.",
          },
        ],
        "summary": "The signature is cut short: 20 of 64 characters, and those match secret #2.",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 1,
          "hmacs": 2,
          "secrets": 2,
          "signatures": 0,
          "templates": 1,
        },
        "verdict": "explained",
      }
    `);
    // Fewer than 4 characters, or the whole digest, is not "cut short".
    expect(run('github', { 'x-hub-signature-256': `sha256=${full.slice(0, 3)}` }).findings[0]!.title).toMatch(/is not hex or base64/);
  });
  it('not a digest at all: quoted, and cut after 24 characters', () => {
    expect(words(run('github', { 'x-hub-signature-256': 'not-a-signature' }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "signature-format",
            "detail": [
              "GitHub sends "sha256=" + lowercase hex of HMAC-SHA-256 in X-Hub-Signature-256.",
            ],
            "fix": "check you passed the signature header value, whole and unquoted",
            "title": "The signature "not-a-signature" is not hex or base64 of any HMAC digest length (16, 20, 32, 48 or 64 bytes).",
          },
          {
            "cause": "comparison",
            "detail": [
              "crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b)) throws a RangeError when the lengths differ, and Buffer.from(undefined) throws on a missing header: CustomerGlu's and mgPass's Node samples crash with a 500 this way instead of answering 401.",
              "Comparing with == or === leaks through timing how much of the signature is right.",
            ],
            "fix": "compare in constant time after a length check: if (!sig || sig.length !== expected.length) return 401; then crypto.timingSafeEqual",
            "title": "The signature text has a different length from the expected one: crypto.timingSafeEqual throws on that.",
          },
        ],
        "summary": "The signature "not-a-signature" is not hex or base64 of any HMAC digest length (16, 20, 32, 48 or 64 bytes).",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 1,
          "hmacs": 1,
          "secrets": 1,
          "signatures": 0,
          "templates": 1,
        },
        "verdict": "unexplained",
      }
    `);
    expect(run('github', { 'x-hub-signature-256': 'x'.repeat(30) }).findings[0]!.title).toBe(`The signature "${'x'.repeat(24)}…" is not hex or base64 of any HMAC digest length (16, 20, 32, 48 or 64 bytes).`);
    expect(run('github', { 'x-hub-signature-256': 'x'.repeat(24) }).findings[0]!.title).toBe(`The signature "${'x'.repeat(24)}" is not hex or base64 of any HMAC digest length (16, 20, 32, 48 or 64 bytes).`);
  });
});

describe('explain: nothing reproduces it', () => {
  it('lists what was tried and the likely causes; notes a missing timestamp and a compressed body', () => {
    const other = mac('sha256', 'someone-else', BODY).toString('hex');
    expect(words(run('github', { 'x-hub-signature-256': `sha256=${other}` }, { secrets: ['a', 'b'] }))).toMatchInlineSnapshot(`
      {
        "findings": [
          {
            "cause": "no-match",
            "detail": [
              "Tried 20 forms of the body × 4 forms of 2 secrets × 1 signed-content template × HMAC-SHA-256: 80 HMACs, every signature read as hex, base64 and base64url.",
              "Likely causes, most common first:",
              "  - the wrong secret: a test key against live traffic (or the reverse), another environment's key, or another endpoint's key;",
              "  - a rotated secret: the sender switched keys; pass the old one too (--secret old --secret new);",
              "  - the body changed in transit beyond the forms tried (a proxy decompressing or re-encoding it, a framework rewriting it);",
              "  - the signature belongs to another delivery (headers and body from different requests);",
              "  - the sender uses another scheme than GitHub (try --scheme).",
            ],
            "fix": "confirm the secret with the sender (sign a known body with \`cg-hooks sign\` and compare), then capture a delivery byte for byte with \`cg-hooks listen --save\`",
            "title": "No transformation tried reproduces this signature: most likely the wrong or a rotated secret, or a body changed in transit.",
          },
        ],
        "summary": "No transformation tried reproduces this signature: most likely the wrong or a rotated secret, or a body changed in transit.",
        "tried": {
          "algorithms": [
            "sha256",
          ],
          "bodies": 20,
          "hmacs": 80,
          "secrets": 4,
          "signatures": 1,
          "templates": 1,
        },
        "verdict": "unexplained",
      }
    `);
    const stripe = run('stripe', { 'stripe-signature': `v1=${other}` });
    expect(stripe.findings.at(-1)!.detail).toContain('No timestamp was found: Stripe signs one (pass --timestamp).');
    const gz = run('github', { 'x-hub-signature-256': `sha256=${other}`, 'content-encoding': 'gzip' }, {}, gzipSync(BODY));
    expect(gz.findings.at(-1)!.detail.at(-1)).toBe('The body is gzip-compressed: the compressed bytes, the 50 decoded bytes and their forms were all tried.');
    const bad = run('github', { 'x-hub-signature-256': `sha256=${other}`, 'content-encoding': 'gzip' }, {}, Buffer.from('not gzip'));
    expect(bad.findings.at(-1)!.detail.at(-1)).toMatch(/^The body is gzip-compressed and was not decoded: /);
  });
});

describe('explain: a scheme with neither an explainer nor an HMAC profile', () => {
  it('is not checked, with the verify reason', () => {
    // Basic auth explains itself; without that hook there is nothing the HMAC search could run over.
    const spy = vi.spyOn(schemeById('basic')!, 'explain').mockReturnValue(undefined);
    try {
      const e = explain(spec('basic'), req({ authorization: 'Basic eDp5' }), { secrets: [], user: 'a:b' });
      expect(words(e)).toStrictEqual({ verdict: 'not-checked', summary: 'Not checked: basic auth does not match.', findings: [], tried: { bodies: 0, secrets: 0, templates: 0, algorithms: [], signatures: 0, hmacs: 0 } });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('explain: where the timestamp comes from', () => {
  const T = 1_700_000_000;
  const tBody = (t: number | string, body = BODY) => `sha256=${mac('sha256', SECRET, `${t}.${body}`).toString('hex')}`;
  it('--timestamp, else webhook-timestamp (trimmed), else x-slack-request-timestamp', () => {
    expect(run('github', { 'x-hub-signature-256': tBody(T) }, { timestamp: T }).match?.template).toBe('t.body');
    expect(run('github', { 'x-hub-signature-256': tBody(T), 'webhook-timestamp': ` ${T} ` }).match?.template).toBe('t.body');
    const v0 = `sha256=${mac('sha256', SECRET, `v0:${T}:${BODY}`).toString('hex')}`;
    expect(run('github', { 'x-hub-signature-256': v0, 'x-slack-request-timestamp': String(T) }).match?.template).toBe('v0:t:body');
    // --timestamp wins over a header.
    expect(run('github', { 'x-hub-signature-256': tBody(T), 'webhook-timestamp': String(T + 1) }, { timestamp: T }).verdict).toBe('explained');
  });

  it('Slack: its own header first, then webhook-timestamp', () => {
    const slack = (t: number, body = BODY) => `v0=${mac('sha256', SECRET, `v0:${t}:${body}`).toString('hex')}`;
    const both = run('slack', { 'x-slack-signature': slack(T, `${BODY}\n`), 'x-slack-request-timestamp': String(T), 'webhook-timestamp': String(T + 7) }, { now: T });
    expect(both.match).toMatchObject({ body: 'add-newline', template: 'v0:t:body' });
    // Only webhook-timestamp: Slack's check finds no timestamp, the search does, and the signature is right as is.
    const other = run('slack', { 'x-slack-signature': slack(T), 'webhook-timestamp': String(T) }, { now: T });
    expect(other.result.status).not.toBe('valid');
    expect(words(other)).toStrictEqual({
      verdict: 'explained',
      summary: 'The signature matches the body as is.',
      findings: [{ cause: 'signature-format', title: 'The signature matches the body as is.', detail: [other.result.reason] }],
      tried: expect.objectContaining({ templates: 3 }),
    });
  });

  it('a Stripe-style t= beside a signature in another header; --timestamp wins over it', () => {
    const stripeStyle = `t=${T},v1=${mac('sha256', SECRET, `${T}.${BODY}`).toString('hex')}`;
    // The first signature read (the documented header) has no t=; the one in x-signature has.
    const e = run('github', { 'x-hub-signature-256': `sha256=${'00'.repeat(32)}`, 'x-signature': stripeStyle });
    expect(e.match).toMatchObject({ header: 'x-signature', template: 't.body', prefix: 'v1=' });
    const sig = `t=${T},v1=${mac('sha256', SECRET, `${T + 5}.${BODY}\n`).toString('hex')}`;
    expect(run('stripe', { 'stripe-signature': sig }, { timestamp: T + 5, now: T + 5 }).match).toMatchObject({ body: 'add-newline', template: 't.body' });
    expect(run('stripe', { 'stripe-signature': sig }, { now: T + 5 }).verdict).toBe('unexplained');
  });
});

describe('explain: findings of a match', () => {
  const good = mac('sha256', SECRET, BODY);
  it('a compressed delivery signed over its compressed bytes plus a newline: about the newline only', () => {
    const zipped = gzipSync(BODY);
    const e = run('github', { 'x-hub-signature-256': `sha256=${mac('sha256', SECRET, Buffer.concat([zipped, Buffer.from('\n')])).toString('hex')}`, 'content-encoding': 'gzip' }, {}, zipped);
    expect(e.match?.body).toBe('add-newline');
    expect(e.findings.map((f) => f.cause)).toStrictEqual(['whitespace']);
    expect(e.findings[0]!.title).toBe('The signature was computed over the body plus a trailing newline, not over the bytes you have.');
  });

  it('a prefix the scheme does not write: strip it only if the sender documents it', () => {
    const cg = mac('sha1', SECRET, BODY).toString('hex');
    const e = run('customerglu', { 'x-cg-signature': `sha1=${cg}` });
    expect(e.findings).toStrictEqual([
      {
        cause: 'signature-format',
        title: 'The MAC is right but written as "sha1=" + lowercase hex, where CustomerGlu writes lowercase hex.',
        detail: ['A receiver that compares the header text with its own digest text rejects it even though the bytes agree.'],
        fix: 'write the signature as lowercase hex; a receiver should strip "sha1=" only if the sender documents it',
      },
      expect.objectContaining({ cause: 'comparison', title: 'The signature text has a different length from the expected one: crypto.timingSafeEqual throws on that.' }),
    ]);
    // A prefix missing where the scheme writes one: no such note.
    expect(run('github', { 'x-hub-signature-256': good.toString('hex') }).findings[0]!.fix).toBe('write the signature as "sha256=" + lowercase hex');
    // The same prefix in another letter case is read as the same prefix: no format finding.
    expect(run('github', { 'x-hub-signature-256': `SHA256=${good.toString('hex')}` }).findings.map((f) => f.title)).toStrictEqual(['The signature matches the body as is.']);
  });

  it('the older header of a scheme is not a wrong header; another one is, and the fix names both', () => {
    const key = Buffer.from('c2VjcmV0LWtleS1ieXRlcw==', 'base64');
    const T = 1_700_000_000;
    const swSig = `v1,${mac('sha256', key, `msg_1.${T}.${BODY}\n`).toString('base64')}`;
    const opts = { secrets: ['whsec_c2VjcmV0LWtleS1ieXRlcw=='], now: T };
    const svix = run('standard-webhooks', { 'svix-signature': swSig, 'svix-id': 'msg_1', 'svix-timestamp': String(T) }, opts);
    expect(svix.findings.map((f) => f.cause)).toStrictEqual(['whitespace']);
    const other = run('standard-webhooks', { 'x-webhook-signature': swSig, 'webhook-id': 'msg_1', 'webhook-timestamp': String(T) }, opts);
    expect(other.findings.map((f) => f.cause)).toStrictEqual(['whitespace', 'signature-format']);
    expect(other.findings[1]).toStrictEqual({
      cause: 'signature-format',
      title: 'The signature came in the x-webhook-signature header, but Standard Webhooks sends it in webhook-signature.',
      detail: ['A receiver reading the documented header finds nothing (or another value) there.'],
      fix: 'send and read webhook-signature (older: svix-signature)',
    });
  });
});

describe('explain: a cut-short signature', () => {
  const full = mac('sha256', SECRET, BODY).toString('hex');
  it('four characters are enough; the prefix and spaces around it are not counted', () => {
    expect(run('github', {}, { signature: ` v1=${full.slice(0, 4)} ` }).summary).toBe('The signature is cut short: 4 of 64 characters, and those match secret #1.');
    expect(run('github', {}, { signature: `v12=${full.slice(0, 6)}` }).summary).toBe('The signature is cut short: 6 of 64 characters, and those match secret #1.');
    expect(run('github', {}, { signature: full.slice(0, 3) }).verdict).toBe('unexplained');
  });
});

describe('explain: what "nothing matched" counts', () => {
  it('one secret, several templates, several algorithms; a timestamp that was found is not asked for', () => {
    const T = 1_700_000_000;
    const e = run('stripe', { 'stripe-signature': `t=${T},v1=${'ab'.repeat(32)},v0=${'cd'.repeat(20)}` }, { now: T });
    expect(e.verdict).toBe('unexplained');
    const detail = e.findings.at(-1)!.detail;
    expect(detail[0]).toBe(`Tried ${e.tried.bodies} forms of the body × 2 forms of the secret × 3 signed-content templates × HMAC-SHA-256, HMAC-SHA-1: ${e.tried.hmacs} HMACs, every signature read as hex, base64 and base64url.`);
    expect(e.tried.hmacs).toBe(e.tried.bodies * 2 * 3 * 2);
    expect(detail.some((d) => d.startsWith('No timestamp was found'))).toBe(false);
    expect(detail).toHaveLength(7);
  });
});
