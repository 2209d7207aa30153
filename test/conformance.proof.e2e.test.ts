// `cg-hooks test` claims only what it observed: a run in which no genuine delivery was accepted proves nothing,
// and a scheme's own reference verifier (Stripe's library) is the judge of what a receiver must reject.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { listCases } from '../src/core/conformance.js';
import { loadProvider } from '../src/providers/index.js';
import { runCli } from './helpers/cli.js';
import { correct, hmacAuth, startReceiver, type Handler, type Receiver } from './helpers/receivers.js';

const SECRET = 'PbTJp694bmgrfJpJPQmrjGfjgq';
const dir = mkdtempSync(join(tmpdir(), 'cg-hooks-proof-'));
const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function receiver(handler: Handler): Promise<Receiver> {
  const r = await startReceiver(handler);
  receivers.push(r);
  return r;
}

interface JsonCase {
  name: string;
  verdict: string;
  status: number | null;
  hint: string | null;
  required: boolean;
}
const byName = (cases: JsonCase[], name: string) => cases.find((c) => c.name === name)!;

/**
 * CustomerGlu's PHP sample receiver, transcribed: it HMACs json_encode() of the raw body (a quoted, escaped
 * string, not the body) and reads $_SERVER['x-cg-signature'], which PHP never sets (it would be
 * HTTP_X_CG_SIGNATURE). So it refuses every delivery, genuine or not.
 */
function customerGluPhpSample(secret: string): Handler {
  const phpJsonEncode = (text: string) => JSON.stringify(text).replace(/\//g, '\\/').replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return (req) => {
    const hmac = createHmac('sha1', secret).update(phpJsonEncode(req.body.toString('utf8'))).digest('hex');
    const server: Record<string, string | undefined> = { HTTP_X_CG_SIGNATURE: req.headers['x-cg-signature'] as string | undefined };
    const signature = server['x-cg-signature'] ?? null;
    return hmac == signature ? 200 : 401; // eslint-disable-line eqeqeq -- PHP's ==, as in the sample
  };
}

describe('cg-hooks test: no verdict without proof', () => {
  it('--only wrong-secret against a receiver that refuses everything: "nothing proven", exit 1, a failing JUnit case', async () => {
    const refuses = await receiver(() => 401);
    const junit = join(dir, 'refuses.xml');
    const human = await runCli(['test', refuses.url, '--provider', 'customerglu', '--secret', SECRET, '--only', 'wrong-secret', '--junit', junit]);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('✗ nothing proven: no valid delivery was accepted (valid:reward (control) got 401)');
    expect(human.stderr).not.toContain('conforms');
    const suite = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8')).testsuites.testsuite;
    expect(suite.failures).toBe('1');

    const json = await runCli(['test', refuses.url, '--provider', 'customerglu', '--secret', SECRET, '--only', 'wrong-secret', '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: false, proven: false, control: { name: 'valid:reward', status: 401, accepted: false } });
    expect(byName(report.cases, 'wrong-secret')).toMatchObject({ verdict: 'pass', status: 401 });
  });

  it('--only wrong-secret against a correct receiver: the control is accepted, so the 401 means something (exit 0)', async () => {
    const good = await receiver(correct(hmacAuth('sha1', 'X-CG-SIGNATURE', SECRET)));
    const r = await runCli(['test', good.url, '--provider', 'customerglu', '--secret', SECRET, '--only', 'wrong-secret', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, proven: true, control: { name: 'valid:reward', status: 200, accepted: true } });
  });

  it('a run with no case to send (every selected case skipped) says nothing was tested and does not exit 0', async () => {
    const any = await receiver(() => 200);
    const r = await runCli(['test', any.url, '--provider', 'reward', '--only', 'wrong-secret']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing proven: no case was run');
    expect(any.requests).toBe(0);
  });

  it("against CustomerGlu's own PHP sample, the duplicate and non-compact hints do not blame de-duplication or re-serialization", async () => {
    const php = await receiver(customerGluPhpSample(SECRET));
    const r = await runCli(['test', php.url, '--provider', 'customerglu', '--secret', SECRET, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.proven).toBe(false);
    for (const name of ['duplicate', 'non-compact-body']) {
      const c = byName(report.cases, name);
      expect(c.status, name).toBe(401);
      expect(c.hint, name).toMatch(/as it did to every valid delivery before it/);
      expect(c.hint, name).not.toMatch(/re-serializ|JSON\.stringify|de-duplicate on|skip the work/);
    }
  });
});

/** A receiver written exactly as Stripe documents: `stripe.webhooks.constructEvent(rawBody, signature, secret)`. */
function stripeDocumented(secret: string): Handler {
  const stripe = new Stripe('sk_test_placeholder');
  return (req) => {
    try {
      stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature'] as string, secret);
    } catch {
      return 400;
    }
    return 200;
  };
}

describe('cg-hooks test: timestamp cases follow the scheme', () => {
  it("--scheme stripe passes a receiver that uses Stripe's own library; the future timestamp is only a warning", async () => {
    const whsec = 'whsec_test_secret_for_conformance';
    const stripe = await receiver(stripeDocumented(whsec));
    const r = await runCli(['test', stripe.url, '--provider', 'customerglu', '--scheme', 'stripe', '--secret', whsec, '--event', 'reward', '--json']);
    const report = JSON.parse(r.stdout);
    expect(r.code, JSON.stringify(report.cases.filter((c: JsonCase) => c.verdict === 'fail'))).toBe(0);
    expect(byName(report.cases, 'stale-timestamp')).toMatchObject({ verdict: 'pass', status: 400, required: true });
    expect(byName(report.cases, 'future-timestamp')).toMatchObject({ verdict: 'warn', status: 200, required: false });
    expect(byName(report.cases, 'future-timestamp').hint).toContain("as the scheme's reference verifiers do");
  });

  it('the future-timestamp case is required where the spec demands it (Standard Webhooks, Slack), advisory for Stripe', async () => {
    const provider = await loadProvider('customerglu');
    const future = (scheme: 'stripe' | 'slack' | 'standard-webhooks') => listCases(provider, { scheme }).find((c) => c.name === 'future-timestamp')!;
    expect(future('standard-webhooks').required).toBe(true);
    expect(future('slack').required).toBe(true);
    expect(future('stripe').required).toBe(false);
    expect(future('stripe').description).toContain("Stripe's official libraries check only a delivery's age");
    expect(listCases(provider, { scheme: 'stripe' }).find((c) => c.name === 'stale-timestamp')!.required).toBe(true);
  });
});
