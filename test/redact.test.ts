import { describe, expect, it } from 'vitest';
import { jsonText } from '../src/core/json-text.js';
import { escapeTerminal, isCredentialHeader, isCredentialQuery, mask, maskHeaders, maskQuery, redactUrl, sentCredentials, withoutCredentials } from '../src/core/redact.js';

describe('redact', () => {
  it('masks credential headers by pattern, keeps signature headers', () => {
    for (const h of ['authorization', 'x-api-key', 'cookie', 'x-auth-token', 'x-shopify-access-token', 'x-client-secret', 'x-db-password', 'x-my-api-key', 'x-access-key', 'x-amz-access-key', 'private-key', 'x-signing-key', 'x-auth', 'x-jwt']) {
      expect(isCredentialHeader(h), h).toBe(true);
    }
    for (const h of ['x-cg-signature', 'x-webhook-signature', 'stripe-signature', 'webhook-signature', 'content-type', 'x-hub-signature-256', 'idempotency-key', 'x-key-id', 'x-authority']) {
      expect(isCredentialHeader(h), h).toBe(false);
    }
    const headers = { 'x-auth-token': 'abc123', 'x-cg-signature': 'ff', authorization: 'Basic dXNlcjpwYXNz' };
    expect(maskHeaders(headers)).toEqual({ 'x-auth-token': '****(6 chars)', 'x-cg-signature': 'ff', authorization: 'Basic ****(12 chars)' });
    const plain = { 'content-type': 'application/json' };
    expect(maskHeaders(plain)).toBe(plain);
  });

  it('masks credential query parameters (WebEngage secret, tokens), keeps the rest', () => {
    expect(isCredentialQuery('secret')).toBe(true);
    expect(isCredentialQuery('access_token')).toBe(true);
    for (const q of ['access_key', 'accessKey', 'private_key', 'signing-key', 'jwt', 'pass', 'Authorization', 'session_id', 'credentials']) expect(isCredentialQuery(q), q).toBe(true);
    for (const q of ['eventType', 'idempotency_key', 'keyword', 'passage']) expect(isCredentialQuery(q), q).toBe(false);
    expect(maskQuery({ secret: 'e1305d13cda89fa8609a9915ba8c6904', eventType: 'user' })).toEqual({ secret: '****(32 chars)', eventType: 'user' });
    expect(maskQuery({ token: ['a', 'bb'] })).toEqual({ token: ['****(1 chars)', '****(2 chars)'] });
  });

  it('redacts URL userinfo and credential query parameters, even in text that is not a URL', () => {
    expect(redactUrl('http://user:pa55@127.0.0.1:9/x?token=abc&a=1')).toBe('http://user:****@127.0.0.1:9/x?token=****&a=1');
    expect(redactUrl('http://tok@127.0.0.1/')).toBe('http://****@127.0.0.1/');
    expect(redactUrl('http://127.0.0.1/x?a=1')).toBe('http://127.0.0.1/x?a=1');
    expect(redactUrl('http://u:p@[::1')).not.toContain(':p@');
    expect(redactUrl('not a url?secret=x')).toBe('not a url?****');
  });

  it('escapes terminal control sequences, CR and bidi overrides', () => {
    expect(escapeTerminal('a\x1b]52;c;SGVsbG8=\x07b')).toBe('a\\x1b]52;c;SGVsbG8=\\x07b');
    expect(escapeTerminal('line1\r\nforged')).toBe('line1\\r\\nforged');
    expect(escapeTerminal('line1\nline2', { multiline: true })).toBe('line1\nline2');
    expect(escapeTerminal('abc\u202edef')).toBe('abc\\u202edef');
    expect(escapeTerminal('Scratch card unlocked! 😍 ₹100')).toBe('Scratch card unlocked! 😍 ₹100');
    expect(escapeTerminal('tab\tkept')).toBe('tab\tkept');
  });

  it('escapes every code point --json escapes (core/json-text.ts): the implicit bidi marks ALM, LRM and RLM too', () => {
    expect(escapeTerminal('pay \u200f100 \u061cto\u200e')).toBe('pay \\u200f100 \\u061cto\\u200e');
    const json = [...Array(0xa0 - 0x80).keys()].map((i) => 0x80 + i).concat([0x61c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
    for (const code of json) {
      const c = String.fromCharCode(code);
      expect(jsonText(c), code.toString(16)).not.toContain(c);
      expect(escapeTerminal(`a${c}b`), code.toString(16)).not.toContain(c);
      expect(escapeTerminal(`a${c}b`, { multiline: true }), code.toString(16)).not.toContain(c);
    }
  });
});

// What an echoing receiver repeats of a request's credentials (send shows the answer): test/send-echo.redact.e2e.test.ts.
describe('sentCredentials / withoutCredentials', () => {
  it('credential headers (with and without their scheme), credential query values (sent and decoded), URL user and password', () => {
    const values = sentCredentials('https://us%20er:p%40ss-word@x.test/h?secret=abc%2Fdef&eventType=event&token=tok-1234', {
      authorization: 'Bearer bearer-9876',
      'x-api-key': 'key-5555',
      'x-cg-signature': 'not-a-credential',
    });
    for (const v of ['Bearer bearer-9876', 'bearer-9876', 'key-5555', 'abc/def', 'abc%2Fdef', 'tok-1234', 'p%40ss-word', 'p@ss-word', 'us%20er', 'us er']) expect(values).toContain(v);
    expect(values).not.toContain('not-a-credential');
    expect(values).not.toContain('event');
    // Longest first: a value inside another is never half-masked.
    expect([...values].sort((a, b) => b.length - a.length)).toEqual(values);
    expect(sentCredentials('not a url', { cookie: 'abc' })).toEqual([]);
  });

  it('masks every occurrence, longest first, and leaves the rest', () => {
    expect(withoutCredentials('a Bearer tok-1234 b tok-1234 c', ['Bearer tok-1234', 'tok-1234'])).toBe(`a ${mask('Bearer tok-1234')} b ${mask('tok-1234')} c`);
    expect(withoutCredentials('nothing here', ['tok-1234'])).toBe('nothing here');
  });
});

describe('sentCredentials: the edges', () => {
  it('a scheme is taken off only at the start of the value, with all its spaces; four characters are enough', () => {
    const v = sentCredentials('https://x.test/h?token=abcd', { authorization: 'Bearer  two-spaces-tok', 'x-api-key': 'notBearer kkkk' });
    expect(v).toContain('two-spaces-tok');
    expect(v).not.toContain(' two-spaces-tok');
    expect(v.filter((x) => x.includes('kkkk'))).toEqual(['notBearer kkkk']);
    expect(v).toContain('abcd');
  });

  it('a user or password whose percent-encoding is broken is kept as written', () => {
    const v = sentCredentials('https://us%zz:p%zzword@x.test/', {});
    expect(v).toContain('us%zz');
    expect(v).toContain('p%zzword');
  });
});

describe('redactUrl: a fragment written as a query', () => {
  it("masks its credential parameters as the query's are, and leaves other fragments alone", () => {
    expect(redactUrl('https://app.example/cb#access_token=ya29.a0AfB_byC&token_type=Bearer&expires_in=3599')).toBe('https://app.example/cb#access_token=****&token_type=****&expires_in=3599');
    expect(redactUrl('https://x.test/h?secret=abc#code=s3cr3t')).toBe('https://x.test/h?secret=****#code=****');
    expect(redactUrl('https://x.test/docs#section-2')).toBe('https://x.test/docs#section-2');
    expect(redactUrl('https://x.test/docs#page=2')).toBe('https://x.test/docs#page=2');
    expect(redactUrl('https://x.test/docs#token')).toBe('https://x.test/docs#token');
  });
});
