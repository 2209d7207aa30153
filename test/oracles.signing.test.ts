// cg-hooks against the platforms' own libraries, both ways: what cg-hooks signs (library `sign`, CLI `sign`) the
// platform's library accepts, what the platform's library signs cg-hooks accepts (library `verify`, CLI `verify`),
// and a changed body is refused by both. Stripe, Svix, GitHub (Octokit), Shopify and Slack (Bolt).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { sign, verify } from '../src/index.js';
import { runCli } from './helpers/cli.js';
import { SIGNING_ORACLES, type Headers, type Oracle } from './helpers/oracles.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const dir = mkdtempSync(join(tmpdir(), 'cg-hooks-oracles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lower = (h: Record<string, string>): Headers => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const now = () => Math.floor(Date.now() / 1000);
const msgId = () => `msg_${randomUUID().replace(/-/g, '')}`;

/** Bodies as platforms send them: JSON, with non-ASCII text. */
const body = fc.oneof(fc.json({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify({ text: 'Café ☕ 😍', v })));
/** Secrets a user could paste (for platforms whose secrets are free text); Svix keys are whsec_ + base64. A blank
 *  secret is no platform's secret (stripe-node refuses " " as "no secret"), so the text has a visible character. */
const secretFor = (o: Oracle) =>
  o.anySecret
    ? fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })).filter((s) => s.trim() !== '')
    : fc.uint8Array({ minLength: 16, maxLength: 40 }).map((b) => `whsec_${Buffer.from(b).toString('base64')}`);
/** A different key: one more character of text, or (whsec_ keys) the key bytes with the first one changed. */
function otherSecret(o: Oracle, secret: string): string {
  if (o.anySecret) return `${secret}x`;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  key[0]! ^= 1;
  return `whsec_${key.toString('base64')}`;
}
/** The same text with one character changed. */
function tamper(text: string, at: number): string {
  const i = at % text.length;
  return text.slice(0, i) + (text[i] === 'x' ? 'y' : 'x') + text.slice(i + 1);
}

/** A realistic CustomerGlu delivery, with the non-ASCII text real campaigns carry. */
const BODY = JSON.stringify({
  campaignId: '6bab1116-ae8e-4644-9cee-7a3d8ee9aff3',
  type: 'scratchcard',
  rewardType: 'coins',
  userId: 'u-8f2c',
  rewardId: 'acdc71c6-08ad-4cd9-8c1e-3c812487b854',
  rewardName: '25 coins ☕',
  body: 'Scratch card unlocked! 😍 Café',
  rewardAmount: 25,
});

describe.each(SIGNING_ORACLES.map((o) => [o.name, o] as const))('%s', (name, oracle) => {
  it(`cg-hooks sign → ${name} accepts; one changed character → ${name} refuses`, async () => {
    await fc.assert(
      fc.asyncProperty(body, secretFor(oracle), fc.nat(), async (text, secret, at) => {
        const headers = lower(sign(oracle.scheme, text, { secret, timestamp: now(), id: msgId() }).headers);
        expect(await oracle.accepts(text, headers, secret)).toBe(true);
        expect(await oracle.accepts(tamper(text, at), headers, secret)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it(`${name} signs → cg-hooks verify: valid; one changed character → invalid`, async () => {
    await fc.assert(
      fc.asyncProperty(body, secretFor(oracle), fc.nat(), async (text, secret, at) => {
        const headers = await oracle.signs(text, { timestamp: now(), id: msgId() }, secret);
        expect(verify(oracle.scheme, { headers, body: text }, { secret })).toMatchObject({ status: 'valid', valid: true });
        expect(verify(oracle.scheme, { headers, body: tamper(text, at) }, { secret })).toMatchObject({ status: 'invalid', valid: false });
        // Another secret is refused too (the check is not just "some signature is present").
        expect(verify(oracle.scheme, { headers, body: text }, { secret: otherSecret(oracle, secret) }).valid).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  // `npm run mutate` runs this file in-process only (a subprocess runs dist/, which no mutant reaches).
  it.skipIf(process.env.CG_HOOKS_IN_PROCESS_ONLY === '1')(`the CLI both ways: \`sign --scheme ${oracle.scheme}\` → ${name}; ${name} → \`verify --scheme ${oracle.scheme}\``, async () => {
    const file = join(dir, `${oracle.scheme}-${name.replace(/\W/g, '')}.json`);
    const tampered = `${file}.tampered`;
    writeFileSync(file, BODY);
    writeFileSync(tampered, BODY.replace('"rewardAmount":25', '"rewardAmount":2500'));
    const libraryHeaders = await oracle.signs(BODY, { timestamp: now(), id: msgId() });
    const verifyCli = ['verify', '--scheme', oracle.scheme, '--secret', oracle.secret, ...oracle.verifyArgs(libraryHeaders)];
    const [signed, good, bad] = await Promise.all([
      runCli(['sign', '--scheme', oracle.scheme, '--body', file, '--secret', oracle.secret, '--json']),
      runCli([...verifyCli, '--body', file]),
      runCli([...verifyCli, '--body', tampered]),
    ]);

    expect(signed.code, signed.stderr).toBe(0);
    const cliHeaders = lower((JSON.parse(signed.stdout) as { headers: Record<string, string> }).headers);
    expect(await oracle.accepts(BODY, cliHeaders)).toBe(true);
    expect(await oracle.accepts(BODY.replace('"rewardAmount":25', '"rewardAmount":2500'), cliHeaders)).toBe(false);

    expect({ code: good.code, out: good.stdout.split('\n')[0] }, good.stderr).toEqual({ code: 0, out: expect.stringMatching(/^✓ valid/) });
    expect({ code: bad.code, out: bad.stdout.split('\n')[0] }, bad.stderr).toEqual({ code: 1, out: expect.stringMatching(/^✗ invalid/) });
  });
});
