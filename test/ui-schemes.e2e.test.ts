// Edit → re-sign → resend and the diagnosis for listeners that check with a generic scheme (`listen --scheme`,
// or a scheme named by the delivery's headers): the inspector re-signs with the scheme the listener checked the
// delivery with, asked of the registry, and the listener itself is the oracle (its verdict on the resend).
import { afterAll, describe, expect, it } from 'vitest';
import { schemeById } from '../src/signing/registry.js';
import type { SignOptions } from '../src/signing/types.js';
import { prettify, startInspected, uiRequest, withToken, type Inspected } from './helpers/inspector.js';
import { post } from './helpers/listener.js';

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const STRIPE = 'whsec_stripe_endpoint_s3cret_for_the_inspector';
const BODY = Buffer.from(JSON.stringify({ type: 'invoice.paid', id: 'evt_1Q2w3E4r5T6y', data: { object: { id: 'in_1Q2w3E', amount_paid: 4200, customer_name: 'Zoë Müller' } } }));

const running: Inspected[] = [];
afterAll(async () => {
  await Promise.all(running.map((i) => i.listen.stop()));
});

async function inspected(args: string[]): Promise<Inspected> {
  const i = await startInspected(args);
  running.push(i);
  return i;
}

/** Sends `body` signed by the scheme `id` (what the platform's own library would send), optionally tampered. */
async function deliver(i: Inspected, id: string, options: SignOptions, tamper?: (b: Buffer) => Buffer) {
  const signed = schemeById(id)!.sign(BODY, options);
  return post(`${i.listen.url}/hooks`, tamper ? tamper(BODY) : BODY, { 'content-type': 'application/json', ...signed.headers });
}

const api = (i: Inspected, path: string) => uiRequest(i.base, path, { headers: withToken(i) });
const resend = (i: Inspected, body: unknown) => uiRequest(i.base, '/api/resend', { method: 'POST', headers: { ...withToken(i), 'content-type': 'application/json' }, body: JSON.stringify(body) });
const edited = (b: Buffer) => JSON.stringify({ ...JSON.parse(b.toString('utf8')), id: 'evt_edited_in_the_inspector' });

describe.each([
  { id: 'standard-webhooks', args: ['--scheme', 'standard-webhooks', '--secret', WHSEC], sign: { secret: WHSEC } as SignOptions, header: 'webhook-signature' },
  { id: 'stripe', args: ['--scheme', 'stripe', '--secret', STRIPE], sign: { secret: STRIPE } as SignOptions, header: 'stripe-signature' },
  // No --scheme: the listener recognises Stripe-Signature on a delivery no provider claims.
  { id: 'stripe', args: ['--secret', STRIPE], sign: { secret: STRIPE } as SignOptions, header: 'stripe-signature' },
  {
    id: 'hmac',
    args: ['--scheme', 'hmac', '--secret', 'custom-s3cret', '--algorithm', 'sha512', '--signature-header', 'X-Acme-Signature', '--encoding', 'base64', '--prefix', 'sha512='],
    sign: { secret: 'custom-s3cret', custom: { algorithm: 'sha512', header: 'X-Acme-Signature', encoding: 'base64', prefix: 'sha512=' } } as SignOptions,
    header: 'x-acme-signature',
  },
])('listen $args.0 $args.1: re-sign by the scheme that checked the delivery', ({ id, args, sign, header }) => {
  let i: Inspected;

  it('shows the listener\'s verdicts, and diagnoses the tampered delivery with that scheme', async () => {
    i = await inspected(args);
    await deliver(i, id, sign);
    await deliver(i, id, sign, prettify);
    const [good, bad] = await i.listen.waitForDeliveries(2);
    expect([good!.verdict, good!.signature.scheme]).toEqual(['valid', id]);
    expect([bad!.verdict, bad!.signature.status]).toEqual(['invalid', 'invalid']);
    const detail = JSON.parse((await api(i, '/api/deliveries/2')).body);
    expect(detail.signing.id).toBe(id);
    expect(detail.explanation?.summary, JSON.stringify(detail.explainNote)).toMatch(/JSON\.stringify|re-serializ|pretty/i);
    expect(detail.explanation.verdict).toBe('explained');
  });

  it('an edited body re-signed and resent to the listener is valid; the original signature kept is refused', async () => {
    const original = JSON.parse((await api(i, '/api/deliveries/2')).body);
    const body = edited(Buffer.from(original.bodyBase64, 'base64'));
    const answer = JSON.parse((await resend(i, { id: 2, body, signature: 'resign', target: 'listener' })).body);
    expect(answer.status, JSON.stringify(answer)).toBe(200);
    const [again] = await i.listen.waitForMatching(1, (d) => d.seq === 3);
    expect([again!.verdict, again!.signature.status, again!.signature.scheme]).toEqual(['valid', 'valid', id]);
    expect(again!.body.id).toBe('evt_edited_in_the_inspector');
    expect(again!.headers[header]).toBeDefined();
    const row = JSON.parse((await api(i, `/api/deliveries/${answer.id}`)).body);
    expect(row.origin).toBe(2);

    const kept = JSON.parse((await resend(i, { id: 1, body, signature: 'keep', target: 'listener' })).body);
    expect(kept.status).toBe(401);
    const stripped = JSON.parse((await resend(i, { id: 1, signature: 'strip', target: 'listener' })).body);
    const [, missing] = await i.listen.waitForMatching(2, (d) => d.seq >= 4);
    expect(missing!.headers[header]).toBeUndefined();
    expect(missing!.verdict).toBe('invalid');
    if (args.includes('--scheme')) {
      expect(stripped.status).toBe(401);
      expect(missing!.signature.status).toBe('missing');
    } else {
      // Without its header nothing names the scheme: a delivery from an unknown sender (the listener's words).
      expect(missing!.problems).toContain('unknown provider');
    }
  });

  it('never shows the key: not in the answers, the page or the stream', async () => {
    const secret = sign.secret!;
    const answers = await Promise.all(['/', '/app.js', '/api/info', '/api/deliveries', '/api/deliveries/2', '/api/deliveries/3', '/api/deliveries/3/curl', '/api/deliveries/3/capture', '/api/events?after=0'].map((p) => api(i, p)));
    const all = answers.map((a) => a.body).join('\n');
    expect(all).toContain('evt_edited_in_the_inspector');
    expect(all.includes(secret)).toBe(false);
    expect(all.includes(secret.replace(/^whsec_/, ''))).toBe(false);
  });
});

describe('a listener that can verify but not sign', () => {
  it('says why it cannot re-sign (a Standard Webhooks v1a public key), and sends nothing', async () => {
    const keys = schemeById('standard-webhooks')!.keygen!(true) as { secretKey: string; publicKey: string };
    const i = await inspected(['--scheme', 'standard-webhooks', '--secret', keys.publicKey]);
    await deliver(i, 'standard-webhooks', { secret: keys.secretKey });
    const [d] = await i.listen.waitForDeliveries(1);
    expect(d!.verdict).toBe('valid');
    const answer = await resend(i, { id: 1, body: edited(BODY), signature: 'resign', target: 'listener' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatch(/cannot re-sign with Standard Webhooks/);
    expect(i.listen.deliveries().length).toBe(1);
  });
});

describe('a resend that fails on the network', () => {
  it('says it in the words of the HTTP client, with what to do', async () => {
    const i = await inspected(['--secret', STRIPE]);
    await deliver(i, 'stripe', { secret: STRIPE });
    await i.listen.waitForDeliveries(1);
    const answer = JSON.parse((await resend(i, { id: 1, signature: 'resign', target: 'url', url: 'http://127.0.0.1:1/hook' })).body);
    expect(answer.code).toBe('connection_refused');
    expect(answer.error).toBe('nothing is listening on 127.0.0.1:1');
    expect(answer.hint).toMatch(/start your receiver/);
  });
});

describe('Standard Webhooks message ids on a re-signed resend', () => {
  it('the same bytes keep the original webhook-id (a retry of the same message); edited bytes get a new one', async () => {
    const i = await inspected(['--scheme', 'standard-webhooks', '--secret', WHSEC]);
    await deliver(i, 'standard-webhooks', { secret: WHSEC, id: 'msg_2Kq9fZr3ViWfW8pBx1Y4hQ' });
    const [first] = await i.listen.waitForDeliveries(1);
    expect(first!.headers['webhook-id']).toBe('msg_2Kq9fZr3ViWfW8pBx1Y4hQ');

    const retry = JSON.parse((await resend(i, { id: 1, signature: 'resign', target: 'listener' })).body);
    expect(retry.status, JSON.stringify(retry)).toBe(200);
    expect(retry.notes.join(' ')).toMatch(/webhook-id kept \(msg_2Kq9fZr3ViWfW8pBx1Y4hQ\)/);
    const [again] = await i.listen.waitForMatching(1, (d) => d.seq === 2);
    expect([again!.verdict, again!.headers['webhook-id']]).toEqual(['valid', 'msg_2Kq9fZr3ViWfW8pBx1Y4hQ']);

    const changed = JSON.parse((await resend(i, { id: 1, body: edited(BODY), signature: 'resign', target: 'listener' })).body);
    expect(changed.notes.join(' ')).toMatch(/new webhook-id: edited bytes are a new message/);
    const [fresh] = await i.listen.waitForMatching(1, (d) => d.seq === 3);
    expect(fresh!.verdict).toBe('valid');
    expect(fresh!.headers['webhook-id']).toMatch(/^msg_/);
    expect(fresh!.headers['webhook-id']).not.toBe('msg_2Kq9fZr3ViWfW8pBx1Y4hQ');
  });
});

describe('exports of a delivery in a tenant\'s mapped shape', () => {
  it('a scenario step is refused with the reason (scenarios send the provider\'s own shape); an unmapped event still exports', async () => {
    const { createHmac } = await import('node:crypto');
    const { fileURLToPath } = await import('node:url');
    const { runCli } = await import('./helpers/cli.js');
    const FLAT = fileURLToPath(new URL('../fixtures/customerglu/mappings/flat-wallet.json', import.meta.url));
    const token = 'cg-tenant-token';
    const i = await inspected(['--provider', 'customerglu', '--mapping', FLAT, '--secret', token]);
    const gen = async (args: string[]) => {
      const r = await runCli(['generate', 'customerglu', ...args, '--seed', 'ui-mapped']);
      expect(r.code, r.stderr).toBe(0);
      return Buffer.from(r.stdout.trim(), 'utf8');
    };
    for (const body of [await gen(['reward', '--mapping', FLAT]), await gen(['nudge'])]) {
      await post(`${i.listen.url}/hooks`, body, { 'content-type': 'application/json', 'x-cg-signature': createHmac('sha1', token).update(body).digest('hex') });
    }
    const [mapped, nudge] = await i.listen.waitForDeliveries(2);
    expect([mapped!.event, mapped!.verdict, nudge!.event]).toEqual(['reward', 'valid', 'nudge']);
    const refused = await api(i, '/api/deliveries/1/scenario');
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body).error).toMatch(/follows the listener's --mapping.*export the capture instead/);
    const step = await api(i, '/api/deliveries/2/scenario');
    expect(step.status).toBe(200);
    expect(step.body).toContain('event: nudge');
    expect((await api(i, '/api/deliveries/1/capture')).status).toBe(200);
  });
});
