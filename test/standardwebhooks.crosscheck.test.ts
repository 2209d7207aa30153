import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signRequest, verifyRequest } from '../src/signing/index.js';
import type { SigningSpec } from '../src/signing/types.js';
import { runCli } from './helpers/cli.js';

// cg-hooks and the reference `standardwebhooks` library must agree both ways.
const SW: SigningSpec = { scheme: 'standard-webhooks', secretRequired: true, description: '' };
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const json = fc.json().filter((s) => s.length > 0);

describe('Standard Webhooks cross-check with the standardwebhooks library', () => {
  it('library signRequest → standardwebhooks verifies (random JSON bodies, random keys)', () => {
    fc.assert(
      fc.property(json, fc.uint8Array({ minLength: 16, maxLength: 48 }), (body, key) => {
        const secret = `whsec_${Buffer.from(key).toString('base64')}`;
        const signed = signRequest(SW, Buffer.from(body), { secret });
        expect(() => new Webhook(secret).verify(body, signed.headers)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('standardwebhooks sign → verifyRequest accepts (random bodies), and rejects a changed byte', () => {
    fc.assert(
      fc.property(json, fc.stringMatching(/^msg_[A-Za-z0-9]{10,30}$/), (body, id) => {
        const now = Math.floor(Date.now() / 1000);
        const sig = new Webhook(SECRET).sign(id, new Date(now * 1000), body);
        const headers = { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': sig };
        expect(verifyRequest(SW, { headers, body: Buffer.from(body) }, { secrets: [SECRET], now }).status).toBe('valid');
        expect(verifyRequest(SW, { headers, body: Buffer.from(`${body} `) }, { secrets: [SECRET], now }).status).toBe('invalid');
      }),
      { numRuns: 200 },
    );
  });

  // `npm run mutate` runs this file in-process only (a subprocess runs dist/, which no mutant reaches).
  it.skipIf(process.env.CG_HOOKS_IN_PROCESS_ONLY === '1')('the CLI both ways: `sign --scheme standard-webhooks` verifies with the library; the library\'s signature verifies with `verify`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-'));
    const body = '{"type":"reward.created","data":{"rewardId":"r-1","name":"Café ☕"}}';
    const file = join(dir, 'body.json');
    writeFileSync(file, body);

    const signed = await runCli(['sign', '--scheme', 'standard-webhooks', '--body', file, '--secret', SECRET, '--json']);
    expect(signed.code).toBe(0);
    const { headers } = JSON.parse(signed.stdout) as { headers: Record<string, string> };
    expect(Object.keys(headers)).toEqual(['Content-Type', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(new Webhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));

    const now = Math.floor(Date.now() / 1000);
    const sig = new Webhook(SECRET).sign('msg_crosscheck', new Date(now * 1000), body);
    const args = ['verify', '--scheme', 'standard-webhooks', '--secret', SECRET, '--body', file, '--id', 'msg_crosscheck', '--timestamp', String(now)];
    const ok = await runCli([...args, '--signature', sig]);
    expect(ok.stdout).toMatch(/^✓ valid/);
    expect(ok.code).toBe(0);
    const bad = await runCli([...args, '--id', 'msg_other', '--signature', sig]);
    expect(bad.code).toBe(1);
  });
});
