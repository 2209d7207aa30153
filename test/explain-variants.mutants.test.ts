// The forms --explain tries (src/signing/explain/variants.ts): each way the signer's key can differ from the secret
// you gave (with its cost: one change before two), and the whitespace and charset forms of the body.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { explain } from '../src/signing/explain/index.js';
import { bodyVariants, describeRoundTrip, MAX_MODELLED_BODY, parseBody, secretVariants } from '../src/signing/explain/variants.js';

/** Keys as text (s:) or hex bytes (b:), with cost and label. */
const keys = (secrets: string[], format: 'utf8' | 'whsec') =>
  secretVariants(secrets, format).map((v) => [v.index, typeof v.key === 'string' ? `s:${v.key}` : `b:${v.key.toString('hex')}`, v.cost, v.label]);
const hex = (s: string) => Buffer.from(s).toString('hex');

describe('secretVariants', () => {
  it('utf8: as given, then with a newline; every changed form says why and what to do', () => {
    expect(keys(['s3cret'], 'utf8')).toStrictEqual([[0, 's:s3cret', 0, 'secret as given'], [0, 's:s3cret\n', 1, 'secret followed by a newline']]);
    const [exact, newline] = secretVariants(['s3cret'], 'utf8');
    expect(exact).toStrictEqual({ index: 0, key: 's3cret', cost: 0, label: 'secret as given' });
    expect(newline).toMatchObject({ cause: 'secret-format', why: expect.stringContaining('ends with a newline'), fix: 'trim the secret where the signer loads it' });
  });

  it('utf8: whitespace around the secret is removed instead; several secrets are numbered', () => {
    expect(keys([' s3cret\n', 'other'], 'utf8')).toStrictEqual([
      [0, 's: s3cret\n', 0, 'secret #1 as given'],
      [0, 's:s3cret', 1, 'secret #1 with its surrounding whitespace removed'],
      [1, 's:other', 0, 'secret #2 as given'],
      [1, 's:other\n', 1, 'secret #2 followed by a newline'],
    ]);
  });

  it('utf8: a whsec_ secret of base64 is also tried decoded and without its prefix; one that is not base64 is not', () => {
    expect(keys(['whsec_c2VjcmV0'], 'utf8')).toStrictEqual([
      [0, 's:whsec_c2VjcmV0', 0, 'secret as given'],
      [0, 's:whsec_c2VjcmV0\n', 1, 'secret followed by a newline'],
      [0, `b:${hex('secret')}`, 1, 'secret with "whsec_" removed and the rest base64-decoded (Standard Webhooks style)'],
      [0, 's:c2VjcmV0', 1, 'secret without its "whsec_" prefix'],
    ]);
    expect(keys(['whsec_c2V*', 'xwhsec_c2VjcmV0'], 'utf8').map((k) => k[3])).toStrictEqual(['secret #1 as given', 'secret #1 followed by a newline', 'secret #2 as given', 'secret #2 followed by a newline']);
  });

  it('utf8: hex of at least 8 bytes is tried as bytes; base64 of 16+ characters too', () => {
    expect(keys(['0123456789abcdef'], 'utf8')).toStrictEqual([
      [0, 's:0123456789abcdef', 0, 'secret as given'],
      [0, 's:0123456789abcdef\n', 1, 'secret followed by a newline'],
      [0, 'b:0123456789abcdef', 2, 'secret hex-decoded to bytes'],
      [0, `b:${Buffer.from('0123456789abcdef', 'base64').toString('hex')}`, 2, 'secret base64-decoded to bytes'],
    ]);
    // 7 bytes of hex, odd-length hex: not hex. 15 characters, or a length not a multiple of 4: not base64.
    expect(keys(['0123456789abcd'], 'utf8')).toHaveLength(2);
    expect(keys(['0123456789ABCDEF0'], 'utf8')).toHaveLength(2);
    expect(keys(['c2VjcmV0LWtleS1i'], 'utf8').at(-1)).toStrictEqual([0, `b:${Buffer.from('c2VjcmV0LWtleS1i', 'base64').toString('hex')}`, 2, 'secret base64-decoded to bytes']);
    expect(keys(['c2VjcmV0LWtleS1', 'c2VjcmV0LWtleS1iZQ'], 'utf8')).toHaveLength(4);
    expect(keys(['c2VjcmV0LWtleS1*ZQ==', 'ABCDEFGHIJKLMNOPQRS='], 'utf8').filter((k) => k[2] === 2)).toHaveLength(1);
    // The hex form is found anywhere in the secret's text only when all of it is hex.
    expect(keys(['x0123456789abcdef', '0123456789abcdefx'], 'utf8').filter((k) => k[3] === 'secret #1 hex-decoded to bytes' || k[3] === 'secret #2 hex-decoded to bytes')).toStrictEqual([]);
  });

  it('whsec: the base64 after the prefix, decoded; then the text forms', () => {
    expect(keys(['whsec_c2VjcmV0'], 'whsec')).toStrictEqual([
      [0, `b:${hex('secret')}`, 0, 'secret (base64 after "whsec_", decoded)'],
      [0, 's:whsec_c2VjcmV0\n', 1, 'secret followed by a newline'],
      [0, 's:whsec_c2VjcmV0', 1, 'secret used verbatim as text, "whsec_" included (Stripe style)'],
      [0, 's:c2VjcmV0', 1, 'secret without "whsec_", as text (not base64-decoded)'],
    ]);
    // No prefix: nothing to drop. Whitespace around it: trimmed and decoded (the same bytes are tried once).
    expect(keys(['c2VjcmV0'], 'whsec').map((k) => k[3])).toStrictEqual(['secret (base64 after "whsec_", decoded)', 'secret followed by a newline', 'secret used verbatim as text, "whsec_" included (Stripe style)']);
    expect(keys([' whsec_c2VjcmV0 '], 'whsec')).toStrictEqual([
      [0, `b:${Buffer.from(' whsec_c2VjcmV0 ', 'base64').toString('hex')}`, 0, 'secret (base64 after "whsec_", decoded)'],
      [0, `b:${hex('secret')}`, 1, 'secret with its surrounding whitespace removed'],
      [0, 's: whsec_c2VjcmV0 ', 1, 'secret used verbatim as text, "whsec_" included (Stripe style)'],
    ]);
    expect(keys(['whsec_c2VjcmV0\n'], 'whsec').map((k) => k[3])).toStrictEqual(['secret (base64 after "whsec_", decoded)', 'secret used verbatim as text, "whsec_" included (Stripe style)', 'secret without "whsec_", as text (not base64-decoded)']);
    // whsec keys are never tried hex- or base64-decoded as a whole.
    expect(keys(['0123456789abcdef'], 'whsec').every((k) => (k[2] as number) < 2)).toBe(true);
  });
});

const ids = (body: string | Buffer, limit?: number) => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return bodyVariants(b, parseBody(b), undefined, limit);
};
const form = (body: string | Buffer, id: string) => ids(body).find((v) => v.id === id);

describe('bodyVariants: whitespace and charsets', () => {
  it('a trailing newline removed (CRLF as a whole), or one added', () => {
    expect(form('{"a":1}\r\n', 'strip-newline')?.bytes.toString()).toBe('{"a":1}');
    expect(form('{"a":1}\n', 'strip-newline')?.bytes.toString()).toBe('{"a":1}');
    expect(form('\n', 'strip-newline')?.bytes.toString()).toBe('');
    expect(form('x\r', 'add-newline')?.bytes.toString()).toBe('x\r\n');
    expect(form('{"a":1}', 'strip-newline')).toBeUndefined();
    expect(form('', 'add-newline')?.bytes.toString()).toBe('\n');
  });

  it('line endings both ways, a BOM removed or added, whitespace trimmed', () => {
    expect(form('{\r\n"a":1\r\n}', 'crlf-to-lf')?.bytes.toString()).toBe('{\n"a":1\n}');
    expect(form('{\r\n"a":1\r\n}', 'lf-to-crlf')).toBeUndefined();
    expect(form('{\n"a":1\n}', 'lf-to-crlf')?.bytes.toString()).toBe('{\r\n"a":1\r\n}');
    expect(form('{"a":1}', 'lf-to-crlf')).toBeUndefined();
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]);
    expect(form(bom, 'strip-bom')?.bytes.toString()).toBe('{"a":1}');
    expect(form(bom, 'add-bom')).toBeUndefined();
    expect(form(Buffer.from([0xef, 0xbb]), 'strip-bom')).toBeUndefined();
    expect(form('{"a":1}', 'add-bom')?.bytes).toStrictEqual(bom);
    expect(form(' {"a":1}\t', 'trim')?.bytes.toString()).toBe('{"a":1}');
    expect(form('{"a":1}', 'trim')).toBeUndefined();
  });

  it('a body with a BOM still parses as JSON (the BOM is not part of the document)', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a": 1}')]);
    expect(parseBody(bom)?.text).toBe('{"a": 1}');
    expect(form(bom, 'js-compact')?.bytes.toString()).toBe('{"a":1}');
    expect(parseBody(Buffer.from('{"a":'))).toBeUndefined();
  });

  it('non-ASCII bodies: Latin-1 and ASCII with "?", mojibake made and undone', () => {
    const body = 'é☕';
    expect(form(body, 'latin1')?.bytes).toStrictEqual(Buffer.from([0xe9, 0x3f]));
    expect(form(body, 'ascii')?.bytes).toStrictEqual(Buffer.from([0x3f, 0x3f]));
    expect(form('é', 'double-utf8')?.bytes.toString('utf8')).toBe('Ã©');
    // Mojibake to undo: every character fits Latin-1 and the Latin-1 bytes are UTF-8. Then that names the bytes.
    expect(form(body, 'undo-double-utf8')).toBeUndefined();
    expect(form('Café', 'undo-double-utf8')).toBeUndefined();
    expect(form('Café', 'latin1')?.bytes).toStrictEqual(Buffer.from('Café', 'latin1'));
    expect(form('CafÃ©', 'undo-double-utf8')?.bytes.toString('utf8')).toBe('Café');
    expect(form('CafÃ©', 'latin1')).toBeUndefined();
    expect(form('CafÃ©☕', 'undo-double-utf8')).toBeUndefined();
    expect(form('ÿ', 'latin1')?.bytes).toStrictEqual(Buffer.from([0xff]));
    expect(form('\u0100', 'latin1')?.bytes).toStrictEqual(Buffer.from([0x3f]));
    expect(form('\u007f\u0080', 'ascii')?.bytes).toStrictEqual(Buffer.from([0x7f, 0x3f]));
    expect(form('abc', 'latin1')).toBeUndefined();
  });

  it('double encodings of the raw body', () => {
    expect(form('{"a":"é/"}', 'double-php')?.bytes.toString()).toBe('"{\\"a\\":\\"\\u00e9\\/\\"}"');
    expect(form('{"a":"é/"}', 'double-js')?.bytes.toString()).toBe('"{\\"a\\":\\"é/\\"}"');
    expect(form('{"a":"é\u007f"}', 'double-py')?.bytes.toString()).toBe('"{\\"a\\":\\"\\u00e9\\u007f\\"}"');
  });

  it('above the model limit: the cheap forms only (whitespace and the compact re-serialization)', () => {
    const body = '{"a":1.0,"b":"é"}\n';
    const small = ids(body).map((v) => v.id);
    expect(small).toContain('py-default');
    expect(small).toContain('double-php');
    const large = ids(body, 5).map((v) => v.id);
    expect(large).toStrictEqual(['raw', 'strip-newline', 'lf-to-crlf', 'add-bom', 'js-compact']);
    expect(ids('abc\n', 3).map((v) => v.id)).toStrictEqual(['raw', 'strip-newline', 'lf-to-crlf', 'add-bom']);
    expect(ids(body, Buffer.byteLength(body)).map((v) => v.id)).toStrictEqual(small);
    expect(ids(body, Buffer.byteLength(body) - 1).map((v) => v.id)).toStrictEqual(large);
    expect(MAX_MODELLED_BODY).toBe(1024 * 1024);
  });

  it('the same bytes from another serializer are named beside the first; never beside the raw body', () => {
    const body = '{"a":1}';
    const compact = ids(body).find((v) => v.id === 'js-compact');
    // JSON.stringify gives the body itself: no variant, and nobody is listed with the raw body.
    expect(compact).toBeUndefined();
    expect(ids(body)[0]!.alsoBy).toBeUndefined();
    const pretty = ids('{"a": 1}').find((v) => v.id === 'py-spaces-utf8');
    expect(pretty).toBeUndefined();
    const py = ids('{"a":1,"b":"x"}').find((v) => v.id === 'py-default');
    expect(py?.alsoBy).toContain('Python json.dumps(obj, ensure_ascii=False) with the default separators ", " and ": "');
    // Only serializers are listed: a whitespace form with the same bytes as another is just skipped.
    expect(ids('{"a":1}\n').find((v) => v.id === 'js-compact')?.alsoBy).toBeUndefined();
  });
});

describe('describeRoundTrip', () => {
  const rt = (text: string) => describeRoundTrip(parseBody(Buffer.from(text))!, JSON.stringify(JSON.parse(text)));
  it('names each change JSON.stringify(JSON.parse(body)) makes', () => {
    expect(rt('{"a": 1}')).toStrictEqual({ cause: 're-serialized', what: 'whitespace between tokens is removed (the body is pretty-printed or has spaces after ":" and ",")' });
    expect(rt('{"a":1.0}')).toStrictEqual({ cause: 'numbers', what: 'numbers are rewritten (1.0 → 1): 1.0 becomes 1, exponents are expanded, -0.0 becomes 0, integers above 2^53 lose digits' });
    expect(rt('{"a":"\\u00e9"}')).toStrictEqual({ cause: 're-serialized', what: 'escaped characters are written raw ("\\u00e9" → "é") ("\\u00e9" becomes "é", "\\/" becomes "/")' });
    expect(rt('{"a":1.0,"b":"\\/"}').what).toBe('numbers are rewritten (1.0 → 1): 1.0 becomes 1, exponents are expanded, -0.0 becomes 0, integers above 2^53 lose digits; escaped characters are written raw ("\\u00e9" becomes "é", "\\/" becomes "/")');
    expect(rt('{"b":1,"1":1}').what).toBe('integer-like keys ("1", "2") move to the front of their object');
    expect(rt('{"a":1,"a":1}').what).toMatch(/; duplicate keys collapse to one$/);
    expect(rt('{"a":1}')).toStrictEqual({ cause: 're-serialized', what: 'the body is re-serialized' });
    expect(describeRoundTrip(parseBody(Buffer.from('{"a":1}'))!, 'not json')).toStrictEqual({ cause: 're-serialized', what: 'the body is re-serialized' });
  });
});

describe('explain: mojibake', () => {
  it('a body that arrived as "CafÃ©" while "Café" was signed is named as mojibake undone, not as a Latin-1 signer', () => {
    const sig = `sha256=${createHmac('sha256', 'k').update('{"name":"Café"}').digest('hex')}`;
    const e = explain({ scheme: 'github', secretRequired: true, description: '' }, { headers: { 'x-hub-signature-256': sig }, body: Buffer.from('{"name":"CafÃ©"}') }, { secrets: ['k'] });
    expect(e.match?.body).toBe('undo-double-utf8');
    expect(e.summary).toBe('The signature was computed over the body with its mojibake undone (UTF-8 that had been decoded as Latin-1 and encoded again), not over the bytes you have.');
  });
});

describe('every form --explain can name says what it is, why, and what to do', () => {
  // Bodies that between them reach every branch: trailing newline or not, CRLF or LF, a BOM or not, surrounding
  // whitespace, non-ASCII text (Latin-1 and beyond, and mojibake), \b and \f escapes (Go before 1.22), and numbers.
  const bodies = [
    '{"a":1}',
    '{"name":"Zoë","amount":1.50}\n',
    ' {"x":"a\\r\\nb"}\r\n',
    '\ufeff{"city":"São Paulo","note":"\\b\\f"}',
    '{"text":"CafÃ©"}',
    '{"emoji":"🎁","price":"₹500","big":1e21}\n',
    '{"url":"https://example.com/a","name":"Zoë"}',
  ];
  // Made inside each test: Stryker switches a mutant on per test, and sees only what runs there.
  const variantsOf = () =>
    bodies.flatMap((text) => {
      const body = Buffer.from(text, 'utf8');
      return bodyVariants(body, parseBody(body));
    });

  it('reaches the forms this test is about', () => {
    const ids = new Set(variantsOf().map((v) => v.id));
    for (const id of ['strip-newline', 'add-newline', 'crlf-to-lf', 'lf-to-crlf', 'strip-bom', 'add-bom', 'trim', 'js-compact', 'double-php', 'double-js', 'double-py', 'latin1', 'ascii', 'double-utf8', 'undo-double-utf8']) {
      expect(ids, id).toContain(id);
    }
  });

  it('no label, reason or fix is ever empty; every changed form says why and what to do', () => {
    for (const v of variantsOf()) {
      expect(v.label.trim().length, v.id).toBeGreaterThan(10);
      if (v.why !== undefined) expect(v.why.trim().length, v.id).toBeGreaterThan(10);
      if (v.fix !== undefined) expect(v.fix.trim().length, v.id).toBeGreaterThan(10);
      if (v.id !== 'raw') expect(v.fix, v.id).toBeDefined();
      if (v.cause === 'whitespace' || v.cause === 'lossy-encoding') expect(v.why, v.id).toBeDefined();
    }
  });

  it('labels tell the forms apart', () => {
    for (const text of bodies) {
      const body = Buffer.from(text, 'utf8');
      const labels = bodyVariants(body, parseBody(body)).map((v) => v.label);
      expect(new Set(labels).size, text).toBe(labels.length);
    }
  });
});
