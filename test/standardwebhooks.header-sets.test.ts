// A delivery that carries both Standard Webhooks header sets, webhook-{id,timestamp,signature} and
// svix-{id,timestamp,signature}: the two reference libraries read them differently. standardwebhooks reads only the
// webhook-* headers and refuses a delivery without all three; svix reads each of the three as svix-X, else webhook-X.
// cg-hooks reads the three webhook-* headers when all are there (as standardwebhooks), else as svix does, so that it
// never calls valid what both libraries refuse, nor refuses what both accept; where the sets differ, the reason
// names the headers it read. Both libraries run on every row.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verify } from '../src/index.js';
import { explain, schemeById } from '../src/signing/index.js';
import type { SigningSpec } from '../src/signing/types.js';
import { standardWebhooksOracle, svixOracle, type Headers } from './helpers/oracles.js';
import { generateKeyPair, signV1a } from '../src/signing/ed25519.js';

const BODY = '{"type":"reward.issued","data":{"points":25,"note":"Café ☕"}}';
const SECRET = svixOracle.secret;
const KEY = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
const NOW = Math.floor(Date.now() / 1000);
const A = 'msg_A1b2C3d4E5f6G7h8I9j0K1l2';
const B = 'msg_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2';
const T = String(NOW);
const U = String(NOW - 30);
const sig = (id: string, t: string) => `v1,${createHmac('sha256', KEY).update(`${id}.${t}.${BODY}`).digest('base64')}`;
const JUNK = `v1,${'A'.repeat(43)}=`;
const WEBHOOK_READ = 'headers read: webhook-id, webhook-timestamp, webhook-signature, as the standardwebhooks library reads them (the svix library reads svix-id, svix-timestamp, svix-signature first)';
const svixRead = (names: string) => `headers read: ${names}, as the svix library reads them (svix-* first; the standardwebhooks library needs all three webhook-* headers)`;

interface Row {
  name: string;
  headers: Headers;
  svix: boolean;
  standardwebhooks: boolean;
  /** cg-hooks' verdict, and what its reason ends with. */
  ours: { valid: boolean; reason: string };
}

const rows: Row[] = [
  {
    name: 'webhook-* only',
    headers: { 'webhook-id': A, 'webhook-timestamp': T, 'webhook-signature': sig(A, T) },
    svix: true,
    standardwebhooks: true,
    ours: { valid: true, reason: 'webhook-signature matches' },
  },
  {
    name: 'svix-* only',
    headers: { 'svix-id': B, 'svix-timestamp': U, 'svix-signature': sig(B, U) },
    svix: true,
    standardwebhooks: false,
    ours: { valid: true, reason: 'svix-signature matches' },
  },
  {
    name: 'both sets, the same values',
    headers: { 'webhook-id': A, 'webhook-timestamp': T, 'webhook-signature': sig(A, T), 'svix-id': A, 'svix-timestamp': T, 'svix-signature': sig(A, T) },
    svix: true,
    standardwebhooks: true,
    ours: { valid: true, reason: 'webhook-signature matches' },
  },
  {
    name: 'both sets, each signed over its own id and time',
    headers: { 'webhook-id': A, 'webhook-timestamp': T, 'webhook-signature': sig(A, T), 'svix-id': B, 'svix-timestamp': U, 'svix-signature': sig(B, U) },
    svix: true,
    standardwebhooks: true,
    ours: { valid: true, reason: `webhook-signature matches (${WEBHOOK_READ})` },
  },
  {
    name: 'both sets, only the webhook-* set verifies (the libraries disagree)',
    headers: { 'webhook-id': A, 'webhook-timestamp': T, 'webhook-signature': sig(A, T), 'svix-id': B, 'svix-timestamp': U, 'svix-signature': JUNK },
    svix: false,
    standardwebhooks: true,
    ours: { valid: true, reason: `webhook-signature matches (${WEBHOOK_READ})` },
  },
  {
    name: 'both sets, only the svix-* set verifies (the libraries disagree)',
    headers: { 'webhook-id': A, 'webhook-timestamp': T, 'webhook-signature': JUNK, 'svix-id': B, 'svix-timestamp': U, 'svix-signature': sig(B, U) },
    svix: true,
    standardwebhooks: false,
    ours: { valid: false, reason: `webhook-signature does not match the body (${WEBHOOK_READ})` },
  },
  {
    name: 'webhook-signature and webhook-id over (A, T), the time only as svix-timestamp, and another svix-id',
    headers: { 'webhook-id': A, 'webhook-signature': sig(A, T), 'svix-id': B, 'svix-timestamp': T },
    svix: false,
    standardwebhooks: false,
    ours: { valid: false, reason: `webhook-signature does not match the body (${svixRead('svix-id, svix-timestamp, webhook-signature')})` },
  },
  {
    name: 'webhook-signature over (A, T), the time only as svix-timestamp, and an svix-signature that does not verify',
    headers: { 'webhook-id': A, 'webhook-signature': sig(A, T), 'svix-signature': JUNK, 'svix-timestamp': T },
    svix: false,
    standardwebhooks: false,
    ours: { valid: false, reason: `svix-signature does not match the body (${svixRead('webhook-id, svix-timestamp, svix-signature')})` },
  },
  {
    name: 'only the timestamps differ, the webhook-* set whole (the libraries disagree)',
    headers: { 'webhook-id': A, 'svix-id': A, 'webhook-timestamp': T, 'svix-timestamp': U, 'webhook-signature': sig(A, T) },
    svix: false,
    standardwebhooks: true,
    ours: { valid: true, reason: `webhook-signature matches (${WEBHOOK_READ})` },
  },
  {
    name: 'only the timestamps differ, no webhook-signature: svix-timestamp read',
    headers: { 'webhook-id': A, 'webhook-timestamp': T, 'svix-timestamp': U, 'svix-signature': sig(A, U) },
    svix: true,
    standardwebhooks: false,
    ours: { valid: true, reason: `svix-signature matches (${svixRead('webhook-id, svix-timestamp, svix-signature')})` },
  },
  {
    name: 'svix-signature over the webhook-id and webhook-timestamp (no other svix-* header)',
    headers: { 'webhook-id': A, 'webhook-timestamp': T, 'svix-signature': sig(A, T) },
    svix: true,
    standardwebhooks: false,
    ours: { valid: true, reason: 'svix-signature matches' },
  },
];

describe('both Standard Webhooks header sets: cg-hooks against standardwebhooks and svix', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const theirs = { svix: await svixOracle.accepts(BODY, row.headers), standardwebhooks: await standardWebhooksOracle.accepts(BODY, row.headers) };
    expect(theirs).toEqual({ svix: row.svix, standardwebhooks: row.standardwebhooks });
    const ours = verify('standard-webhooks', { headers: row.headers, body: BODY }, { secret: SECRET });
    // Never valid where both refuse, never refused where both accept.
    if (row.svix === row.standardwebhooks) expect(ours.valid).toBe(row.svix);
    expect({ valid: ours.valid, reason: ours.reason }).toEqual(row.ours);
  });

  it('the listener\'s check and verify --explain read them the same way', () => {
    const headers = { 'webhook-id': A, 'webhook-signature': sig(A, T), 'svix-id': B, 'svix-timestamp': T };
    const req = { headers, body: Buffer.from(BODY) };
    const read = 'headers read: svix-id, svix-timestamp, webhook-signature';
    expect(schemeById('standard-webhooks')!.check!(req, { secrets: [SECRET] }).signature).toMatchObject({ valid: false, reason: expect.stringContaining(read) });
    // explain runs the scheme's verify first: its result is what `verify --explain` prints on its first line.
    const spec: SigningSpec = { scheme: 'standard-webhooks', secretRequired: true, description: '' };
    expect(explain(spec, req, { secrets: [SECRET] }).result).toMatchObject({ valid: false, reason: expect.stringContaining(read) });
  });

  it('--explain searches with the id and time verify read: it does not call the signature a match over the other set\'s', () => {
    const spec: SigningSpec = { scheme: 'standard-webhooks', secretRequired: true, description: '' };
    const x = explain(spec, { headers: { 'webhook-id': A, 'webhook-signature': sig(A, T), 'svix-id': B, 'svix-timestamp': T }, body: Buffer.from(BODY) }, { secrets: [SECRET] });
    expect(x.summary).not.toContain('matches');
    expect(x.match).toBeUndefined();
    // Signed over the id svix reads (B): found, as verify finds it.
    const y = explain(spec, { headers: { 'webhook-id': A, 'webhook-signature': sig(B, T), 'svix-id': B, 'svix-timestamp': T }, body: Buffer.from(BODY) }, { secrets: [SECRET] });
    expect(y.result.valid).toBe(true);
  });

  it('--explain with a --signature: it stands for webhook-signature there too (the whole webhook-* set is read)', () => {
    const spec: SigningSpec = { scheme: 'standard-webhooks', secretRequired: true, description: '' };
    // Signed over the compact body with the webhook-* id and time; the body at hand is pretty-printed.
    const pretty = Buffer.from(JSON.stringify(JSON.parse(BODY), null, 2));
    const headers = { 'webhook-id': A, 'webhook-timestamp': T, 'svix-id': B, 'svix-timestamp': U };
    const x = explain(spec, { headers, body: pretty }, { secrets: [SECRET], signature: sig(A, T) });
    expect(x.result.valid).toBe(false);
    expect(x.match).toMatchObject({ template: 'id.t.body' });
    // No webhook-timestamp: with the --signature the set is still not whole, so svix's reading (svix-id B).
    const partial = { 'webhook-id': A, 'svix-id': B, 'svix-timestamp': T };
    expect(explain(spec, { headers: partial, body: pretty }, { secrets: [SECRET], signature: sig(B, T) }).match).toMatchObject({ template: 'id.t.body' });
    // Without --signature, the header itself completes the webhook-* set.
    const whole = { ...headers, 'webhook-signature': sig(A, T) };
    expect(explain(spec, { headers: whole, body: pretty }, { secrets: [SECRET] }).match).toMatchObject({ template: 'id.t.body' });
  });

  it('values given by the caller (--signature, --id, --timestamp) are not described as headers read', () => {
    const headers = { 'webhook-id': A, 'webhook-timestamp': T, 'svix-id': B, 'svix-timestamp': U };
    const ours = (options: object) => verify('standard-webhooks', { headers, body: BODY }, { secret: SECRET, ...options });
    expect(ours({ signature: sig(A, T) })).toMatchObject({ valid: true, reason: 'webhook-signature matches' });
    const withSignature = { ...headers, 'webhook-signature': sig(A, T) };
    const given = (options: object) => verify('standard-webhooks', { headers: withSignature, body: BODY }, { secret: SECRET, ...options });
    expect(given({})).toMatchObject({ valid: true, reason: `webhook-signature matches (${WEBHOOK_READ})` });
    expect(given({ id: A })).toMatchObject({ valid: true, reason: 'webhook-signature matches' });
    expect(given({ timestamp: T })).toMatchObject({ valid: true, reason: 'webhook-signature matches' });
  });

  it('a --signature stands for webhook-signature: the other headers are read as the libraries would read them with it', async () => {
    // No webhook-timestamp: standardwebhooks would refuse it, svix reads svix-id (B), so the signature over A fails.
    const headers = { 'webhook-id': A, 'svix-id': B, 'svix-timestamp': T };
    const withIt = { ...headers, 'webhook-signature': sig(A, T) };
    expect({ svix: await svixOracle.accepts(BODY, withIt), standardwebhooks: await standardWebhooksOracle.accepts(BODY, withIt) }).toEqual({ svix: false, standardwebhooks: false });
    expect(verify('standard-webhooks', { headers, body: BODY }, { secret: SECRET, signature: sig(A, T) }).valid).toBe(false);
    expect(verify('standard-webhooks', { headers, body: BODY }, { secret: SECRET, signature: sig(B, T) }).valid).toBe(true);
  });

  it('the headers read are the ones there: none is named for a part the delivery lacks under both names', () => {
    const headers = { 'webhook-id': A, 'svix-id': B, 'webhook-signature': sig(B, T) };
    expect(verify('standard-webhooks', { headers, body: BODY }, { secret: SECRET })).toMatchObject({
      status: 'malformed',
      reason: `no timestamp: Standard Webhooks signs one (webhook-timestamp header, or --timestamp) (${svixRead('svix-id, webhook-signature')})`,
    });
  });

  it('no key to check with: the reason says only that', () => {
    const headers = { 'webhook-id': A, 'webhook-timestamp': T, 'webhook-signature': sig(A, T), 'svix-id': B };
    expect(schemeById('standard-webhooks')!.verify({ headers, body: Buffer.from(BODY) }, { secrets: [] })).toStrictEqual({ status: 'no-secret', valid: false, reason: 'no secret configured: signature not checked' });
  });

  it('v1a (ed25519) signatures: the same choice of headers', () => {
    const pair = generateKeyPair();
    const v1a = (id: string, t: string) => {
      const signed = signV1a(pair.secretKey, { id, timestamp: t, body: Buffer.from(BODY) });
      if (!signed.ok) throw new Error(signed.reason);
      return signed.value;
    };
    const check = (headers: Headers) => verify('standard-webhooks', { headers, body: BODY }, { secrets: [pair.publicKey] });
    expect(check({ 'webhook-id': A, 'webhook-signature': v1a(A, T), 'svix-id': B, 'svix-timestamp': T }).valid).toBe(false);
    expect(check({ 'webhook-id': A, 'webhook-timestamp': T, 'webhook-signature': v1a(A, T), 'svix-id': B, 'svix-timestamp': U, 'svix-signature': JUNK })).toMatchObject({ valid: true, reason: expect.stringContaining(WEBHOOK_READ) });
    expect(check({ 'svix-id': B, 'svix-timestamp': U, 'svix-signature': v1a(B, U) }).valid).toBe(true);
  });
});
