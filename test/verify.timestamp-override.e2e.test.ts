// --timestamp stands in for a timestamp a delivery does not carry (--body with a bare signature). Given beside one
// the delivery does carry, verify checked the MAC over the given time and called valid a Stripe header whose own t=
// was 83 minutes old and did not match (stripe-node refuses it). Now: exit 2 unless the two agree.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeCapture } from '../src/core/capture.js';
import { runCli } from './helpers/cli.js';

const SECRET = 'whsec_test_override';
const BODY = '{"id":"evt_1Qx","object":"event"}';
let dir: string;
let body: string;
const now = Math.floor(Date.now() / 1000);
const mac = (t: number) => createHmac('sha256', SECRET).update(`${t}.${BODY}`).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cg-ts-override-'));
  body = join(dir, 'body.json');
  writeFileSync(body, BODY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify --timestamp beside a timestamp the delivery carries', () => {
  it("Stripe: a header whose own t= is old, MAC'd over --timestamp, is refused (exit 2, one line), not valid", async () => {
    const header = `t=${now - 5000},v1=${mac(now)}`;
    // The oracle: stripe-node refuses this header (its t= is what it signs).
    expect(() => new Stripe('sk_test_x').webhooks.constructEvent(BODY, header, SECRET)).toThrow();
    const r = await runCli(['verify', '--scheme', 'stripe', '--body', body, '--secret', SECRET, '--signature', header, '--timestamp', String(now)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: --timestamp \d+ differs from the timestamp the delivery carries \(t= in Stripe-Signature: "\d+"\)/);
  });

  it('Stripe: the same t= given again (as unix seconds or ISO-8601), or a bare v1= with --timestamp, is checked as before', async () => {
    const same = await runCli(['verify', '--scheme', 'stripe', '--body', body, '--secret', SECRET, '--signature', `t=${now},v1=${mac(now)}`, '--timestamp', String(now)]);
    expect(same.code).toBe(0);
    // The same second written as ISO-8601 agrees too.
    const iso = await runCli(['verify', '--scheme', 'stripe', '--body', body, '--secret', SECRET, '--signature', `t=${now},v1=${mac(now)}`, '--timestamp', new Date(now * 1000).toISOString()]);
    expect(iso.code).toBe(0);
    const bare = await runCli(['verify', '--scheme', 'stripe', '--body', body, '--secret', SECRET, '--signature', `v1=${mac(now)}`, '--timestamp', String(now)]);
    expect(bare.code).toBe(0);
  });

  it("Slack: a capture's X-Slack-Request-Timestamp is what was signed; another --timestamp is refused", async () => {
    const t = now - 5000;
    const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${now}:${BODY}`).digest('hex')}`;
    const capture = join(dir, 'slack.json');
    writeFileSync(capture, serializeCapture({ method: 'POST', path: '/slack', headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(t), 'x-slack-signature': sig }, body: Buffer.from(BODY) }));
    const r = await runCli(['verify', '--scheme', 'slack', '--capture', capture, '--secret', SECRET, '--timestamp', String(now), '--now', String(now)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/its x-slack-request-timestamp header: "\d+"/);
    const without = await runCli(['verify', '--scheme', 'slack', '--capture', capture, '--secret', SECRET, '--now', String(now)]);
    expect(without.code).toBe(1);
  });

  it('Standard Webhooks under Svix\'s names: the capture\'s svix-timestamp is what was signed', async () => {
    const key = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const signature = new Webhook(key).sign('msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', new Date((now - 5000) * 1000), BODY);
    const capture = join(dir, 'svix.json');
    writeFileSync(capture, serializeCapture({ method: 'POST', path: '/svix', headers: { 'content-type': 'application/json', 'svix-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', 'svix-timestamp': String(now - 5000), 'svix-signature': signature }, body: Buffer.from(BODY) }));
    const r = await runCli(['verify', '--scheme', 'standard-webhooks', '--capture', capture, '--secret', key, '--timestamp', String(now), '--now', String(now)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/its svix-timestamp header/);
    const own = await runCli(['verify', '--scheme', 'standard-webhooks', '--capture', capture, '--secret', key, '--now', String(now - 5000)]);
    expect(own.code).toBe(0);
  });
});
