// Behaviour of src/core/redact.ts that the Stryker run (npm run mutate) showed no test pinned down.
import { describe, expect, it } from 'vitest';
import { mask, maskHeaderValue, maskHeaders, redactUrl } from '../src/core/redact.js';

describe('mask', () => {
  it('shows nothing for an absent or empty credential (not "0 chars")', () => {
    expect(mask('')).toBe('');
    expect(mask(undefined)).toBe('');
    expect(mask('abc')).toBe('****(3 chars)');
  });
});

describe('maskHeaderValue', () => {
  it('keeps a header that is not a credential, whatever its value looks like', () => {
    expect(maskHeaderValue('x-cg-signature', 'ff00')).toBe('ff00');
    expect(maskHeaderValue('content-type', 'Bearer abc')).toBe('Bearer abc');
  });

  it('leaves an already-masked credential as it is (never "****(14 chars)" of a mask)', () => {
    expect(maskHeaderValue('authorization', '****(12 chars)')).toBe('****(12 chars)');
    expect(maskHeaderValue('x-api-key', '****(3 chars)')).toBe('****(3 chars)');
  });

  it('keeps the scheme only when the value starts with it, and measures the credential after all the spaces', () => {
    expect(maskHeaderValue('authorization', 'Bearer  abc')).toBe('Bearer ****(3 chars)');
    expect(maskHeaderValue('authorization', 'NotBearer abc')).toBe('****(13 chars)');
    expect(maskHeaderValue('authorization', 'token\tabcd')).toBe('token ****(4 chars)');
  });
});

describe('maskHeaders', () => {
  it('keepScheme: false masks the whole value, as captures store it, and keeps an existing mask', () => {
    expect(maskHeaders({ authorization: 'Basic dXNlcjpwYXNz' }, { keepScheme: false })).toEqual({ authorization: '****(18 chars)' });
    expect(maskHeaders({ authorization: '****(18 chars)' }, { keepScheme: false })).toEqual({ authorization: '****(18 chars)' });
    expect(maskHeaders({ authorization: 'Basic dXNlcjpwYXNz' }, { keepScheme: true })).toEqual({ authorization: 'Basic ****(12 chars)' });
  });
});

describe('redactUrl', () => {
  it('returns a URL without credentials exactly as given (not re-serialized)', () => {
    for (const href of ['HTTP://127.0.0.1', 'http://127.0.0.1:8080/x?q=a+b&r=%7E', 'http://127.0.0.1/?']) {
      expect(redactUrl(href)).toBe(href);
    }
  });

  it('masks a credential query parameter when the URL has no userinfo', () => {
    expect(redactUrl('http://127.0.0.1/hook?secret=e1305d13&eventType=user')).toBe('http://127.0.0.1/hook?secret=****&eventType=user');
  });

  it('text that is not a URL: userinfo after // is masked, a bare "?" is kept', () => {
    expect(redactUrl('not a url //user:pw@host/x')).toBe('not a url //****@host/x');
    expect(redactUrl('not a url?')).toBe('not a url?');
    expect(redactUrl('not a url?a\nb')).toBe('not a url?****');
  });
});
