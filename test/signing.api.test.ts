import { describe, expect, it } from 'vitest';
import { explain, loadProvider, sign, verify } from '../src/index.js';

describe('library API: sign, verify, explain', () => {
  it('sign by scheme id; verify takes a receiver\'s headers as they come (any case, string[])', () => {
    const signed = sign('github', 'Hello, World!', { secret: "It's a Secret to Everybody" });
    expect(signed.headers['X-Hub-Signature-256']).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
    const req = { headers: { 'X-Hub-Signature-256': [signed.headers['X-Hub-Signature-256']!], Host: 'x' }, body: 'Hello, World!' };
    expect(verify('github', req, { secret: "It's a Secret to Everybody" })).toMatchObject({ valid: true, status: 'valid' });
    expect(verify('github', req, { secrets: ['old', "It's a Secret to Everybody"] }).secretIndex).toBe(1);
    expect(verify('github', { headers: {}, body: 'x' }, { secret: 's' }).status).toBe('missing');
  });

  it('takes a provider from loadProvider', async () => {
    const cg = await loadProvider('customerglu');
    const body = Buffer.from('{"a":1}');
    const signed = sign(cg, body, { secret: 's' });
    expect(verify(cg, { headers: signed.headers, body }, { secret: 's' }).valid).toBe(true);
    const x = explain(cg, { headers: signed.headers, body: Buffer.from('{"a":1}\n') }, { secret: 's' });
    expect(x).toMatchObject({ verdict: 'explained', findings: [{ cause: 'whitespace', offset: 7 }] });
  });

  it('rejects an unknown scheme id with a usage error', () => {
    expect(() => sign('rehook' as never, '{}')).toThrow(/unknown scheme "rehook"/);
  });
});

describe('every provider signs and verifies from its own signing spec', async () => {
  const { PROVIDER_IDS } = await import('../src/index.js');
  for (const id of PROVIDER_IDS) {
    it(id, async () => {
      const provider = await loadProvider(id);
      const body = Buffer.from('{"event":"x","n":1}');
      const creds = { secret: 'k3y', apiKey: 'wk_1', user: 'acme:pw', licenseCode: '~2024c5d1', eventType: 'user_event' };
      const signed = sign(provider, body, creds);
      const result = verify(provider, { headers: signed.headers, query: signed.query, body }, { secret: creds.secret, apiKey: creds.apiKey, user: creds.user });
      expect(result.valid, `${id}: ${result.reason}`).toBe(true);
      if (provider.signing.scheme === 'none') {
        expect(signed.headers).toEqual({});
        expect(result.status).toBe('unsigned');
      } else {
        expect(result.status).toBe('valid');
        const forged = verify(provider, { headers: signed.headers, query: signed.query, body }, { secret: 'other', apiKey: 'other', user: 'acme:other' });
        expect(forged.valid, `${id} accepts a wrong credential`).toBe(false);
      }
    });
  }
});
