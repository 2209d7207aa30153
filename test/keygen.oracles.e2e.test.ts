// `cg-hooks keygen` makes secrets in each platform's own format, and a secret it makes works end to end: keygen →
// `cg-hooks sign` with it → the platform's own library accepts the delivery (and refuses it under another key).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { octokitOracle, shopifyOracle, slackOracle, stripeOracle, svixOracle, type Oracle } from './helpers/oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-hooks-keygen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BODY = JSON.stringify({ id: 'evt_1Q2w3E4r5T6y7U8i', type: 'reward.issued', data: { rewardName: '25 coins ☕' } });
const bodyFile = join(dir, 'body.json');
writeFileSync(bodyFile, BODY);

const CASES: Array<[string, Oracle, RegExp]> = [
  // The Dashboard's endpoint secrets: "whsec_" + letters and digits, used by Stripe as text.
  ['stripe', stripeOracle, /^whsec_[0-9A-Za-z]{32}$/],
  // Standard Webhooks / Svix: "whsec_" + base64 of the key bytes (24 to 64).
  ['standard-webhooks', svixOracle, /^whsec_[A-Za-z0-9+/]{43}=$/],
  // Shopify's app client secrets.
  ['shopify', shopifyOracle, /^shpss_[0-9a-f]{32}$/],
  // Slack's signing secrets.
  ['slack', slackOracle, /^[0-9a-f]{32}$/],
  // GitHub: whatever text the user chose; a long random one.
  ['github', octokitOracle, /^[0-9a-f]{64}$/],
];

describe.each(CASES)('keygen --scheme %s', (scheme, oracle, format) => {
  it(`prints a secret in the platform's format; cg-hooks sign with it → ${oracle.name} accepts`, async () => {
    const key = await runCli(['keygen', '--scheme', scheme]);
    expect(key.code, key.stderr).toBe(0);
    const secret = key.stdout.trim();
    expect(secret).toMatch(format);
    const signed = await runCli(['sign', '--scheme', scheme, '--body', bodyFile, '--secret', secret, '--json']);
    expect(signed.code, signed.stderr).toBe(0);
    const headers = Object.fromEntries(Object.entries((JSON.parse(signed.stdout) as { headers: Record<string, string> }).headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(await oracle.accepts(BODY, headers, secret)).toBe(true);
    expect(await oracle.accepts(BODY, headers, oracle.secret)).toBe(false);
  });
});
