// The listener (the built binary) for every scheme the registry lists, deliveries signed by the platforms' own
// libraries, and `cg-hooks test` against `cg-hooks listen`, key rotation drills included.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { loadProvider } from '../src/providers/index.js';
import { signRequest } from '../src/signing/index.js';
import { SCHEMES } from '../src/signing/registry.js';
import type { Scheme } from '../src/signing/schemes/types.js';
import type { SignOptions, SigningSpec } from '../src/signing/types.js';
import { runCli } from './helpers/cli.js';
import { post, startListen, withQuery, type ListenProcess } from './helpers/listener.js';
import { SIGNING_ORACLES } from './helpers/oracles.js';

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_WHSEC = 'whsec_OP09vHZKFi9v61DM5C7NVOLskTpWWdzq';
const now = () => Math.floor(Date.now() / 1000);
let BODY: Buffer;

beforeAll(async () => {
  BODY = prepareGenerator(await loadProvider('customerglu'), 'reward', { seed: 13 }).make(0).body;
});

/** The flags a listener of this scheme needs, and the sign options that match them (or do not). */
function credentials(s: Scheme, right: boolean): { flags: string[]; sign: SignOptions } {
  const names = new Set([...Object.keys(s.needs).filter((k) => k !== 'oneOf'), ...(s.needs.oneOf?.[0] ?? [])]);
  const secret = s.id === 'standard-webhooks' ? WHSEC : `s3cret-${s.id}`;
  const flags: string[] = ['--scheme', s.id];
  const sign: SignOptions = { timestamp: now() };
  if (names.has('secret')) flags.push('--secret', secret), (sign.secret = right ? secret : s.id === 'standard-webhooks' ? OLD_WHSEC : `${secret}-old`);
  if (names.has('apiKey')) flags.push('--api-key', 'k_live_9f2c'), (sign.apiKey = right ? 'k_live_9f2c' : 'k_live_9f2d');
  if (names.has('user')) flags.push('--user', 'acme:pa55'), (sign.user = right ? 'acme:pa55' : 'acme:pa56');
  if (names.has('licenseCode')) flags.push('--license-code', '~2024c5d1'), (sign.licenseCode = '~2024c5d1');
  return { flags, sign };
}

async function deliver(listener: ListenProcess, spec: SigningSpec, options: SignOptions, body = BODY) {
  const signed = signRequest(spec, body, options);
  return post(withQuery(`${listener.url}/webhook`, signed.query), body, signed.headers);
}

describe.concurrent.each(SCHEMES.map((s) => [s.id, s] as const))('listen --scheme %s (built binary)', (id, scheme) => {
  it('a delivery signed for it is valid (200); with the wrong credentials, refused (401)', async () => {
    const spec: SigningSpec = { scheme: scheme.id, secretRequired: false, description: id };
    const right = credentials(scheme, true);
    // The provider is fixed: a scheme's header alone (X-Webhook-Signature) would otherwise name another provider.
    const listener = await startListen([...right.flags, '--provider', 'customerglu']);
    try {
      const ok = await deliver(listener, spec, right.sign);
      expect(ok.status, ok.body).toBe(200);
      const [report] = await listener.waitForDeliveries(1);
      expect(report!.verdict, JSON.stringify(report!.problems)).toBe('valid');
      if (report!.signature.status !== 'unsigned') expect(report!.signature).toMatchObject({ status: 'valid', scheme: id });
      if (scheme.kind === 'none') return;
      const wrong = await deliver(listener, spec, credentials(scheme, false).sign);
      expect(wrong.status, wrong.body).toBe(401);
    } finally {
      await listener.stop();
    }
  }, 60_000);
});

describe('deliveries signed by the platforms\' own libraries, in listen\'s auto mode', () => {
  let listener: ListenProcess;
  let wrong: ListenProcess;
  beforeAll(async () => {
    // One key ring holds every platform's secret: each delivery is checked by the scheme its headers name.
    [listener, wrong] = await Promise.all([startListen(SIGNING_ORACLES.flatMap((o) => ['--secret', o.secret])), startListen(['--secret', 'not-the-secret'])]);
  });
  afterAll(async () => {
    await Promise.all([listener?.stop(), wrong?.stop()]);
  });

  it.each(SIGNING_ORACLES.map((o) => [o.name, o] as const))('%s: valid (200) with the right secret; 401 naming its header with a wrong one', async (_name, oracle) => {
    const headers = await oracle.signs(BODY.toString('utf8'), { timestamp: now(), id: `msg_${randomUUID()}` });
    const ok = await post(`${listener.url}/webhook`, BODY, headers);
    expect(ok.status, ok.body).toBe(200);
    const [report] = await listener.waitForMatching(1, (d) => d.headers[Object.keys(headers)[0]!] !== undefined && d.signature.scheme === oracle.scheme);
    expect(report!.signature).toMatchObject({ status: 'valid', scheme: oracle.scheme });
    expect(report).toMatchObject({ provider: 'customerglu', event: 'reward', verdict: 'valid' });

    const refused = await post(`${wrong.url}/webhook`, BODY, headers);
    expect(refused.status).toBe(401);
    const signatureHeader = Object.keys(headers).find((h) => /signature|hmac/i.test(h))!;
    expect(JSON.parse(refused.body).message.toLowerCase()).toContain(signatureHeader.toLowerCase());
  });

  it('a body no provider knows is still signature-checked when a known signature header is present', async () => {
    const stripe = SIGNING_ORACLES.find((o) => o.scheme === 'stripe')!;
    const body = JSON.stringify({ id: 'evt_1QZ3', object: 'event', type: 'invoice.paid', data: { object: { id: 'in_1', amount_paid: 4200 } } });
    const headers = await stripe.signs(body, { timestamp: now(), id: 'unused' });
    const ok = await post(`${listener.url}/webhook`, body, headers);
    expect(ok.status, ok.body).toBe(200);
    const refused = await post(`${wrong.url}/webhook`, body, headers);
    expect(refused.status, refused.body).toBe(401);
    const [report] = await wrong.waitForMatching(1, (d) => d.provider === null && d.status === 401);
    expect(report!.signature).toMatchObject({ status: 'invalid', scheme: 'stripe', header: 'Stripe-Signature' });
  });
});

interface TestReport {
  ok: boolean;
  cases: Array<{ name: string; verdict: string; status: number | null; hint: string | null }>;
}

async function conformance(listenArgs: string[], testArgs: string[]): Promise<{ code: number | null; report: TestReport; stderr: string }> {
  const listener = await startListen(listenArgs);
  try {
    const run = await runCli(['test', `${listener.url}/webhook`, '--provider', 'customerglu', ...testArgs, '--json'], { timeoutMs: 60_000 });
    return { code: run.code, report: JSON.parse(run.stdout) as TestReport, stderr: run.stderr };
  } finally {
    await listener.stop();
  }
}

const failures = (r: TestReport) => r.cases.filter((c) => c.verdict === 'fail').map((c) => `${c.name}: ${c.status} ${c.hint}`);

describe.concurrent('cg-hooks test against cg-hooks listen', () => {
  it('test --scheme standard-webhooks passes against listen --scheme standard-webhooks, and against listen in auto mode', async () => {
    for (const listenArgs of [['--scheme', 'standard-webhooks', '--secret', WHSEC], ['--secret', WHSEC]]) {
      const { code, report, stderr } = await conformance(listenArgs, ['--scheme', 'standard-webhooks', '--secret', WHSEC]);
      expect(failures(report), `${listenArgs.join(' ')}: ${stderr}`).toEqual([]);
      expect(report.cases.find((c) => c.name === 'wrong-secret')).toMatchObject({ verdict: 'pass', status: 401 });
      expect(code).toBe(0);
    }
  }, 120_000);

  it('v1a: test signs with the whsk_ key, listen verifies with the whpk_ key', async () => {
    const pair = JSON.parse((await runCli(['keygen', '--scheme', 'standard-webhooks', '--asymmetric', '--json'])).stdout) as { secretKey: string; publicKey: string };
    const { code, report, stderr } = await conformance(['--scheme', 'standard-webhooks', '--secret', pair.publicKey], ['--scheme', 'standard-webhooks', '--secret', pair.secretKey]);
    expect(failures(report), stderr).toEqual([]);
    expect(code).toBe(0);
  }, 60_000);

  it('rotation drill: the retired key is refused after the rotation, accepted during the overlap, and both at once always', async () => {
    const drill = ['--scheme', 'stripe', '--secret', 'whsec_new_key_2026', '--retired-secret', 'whsec_old_key_2025'];
    const after = await conformance(['--secret', 'whsec_new_key_2026'], drill);
    expect(failures(after.report), after.stderr).toEqual([]);
    expect(after.report.cases.filter((c) => c.name.startsWith('rotation:')).map((c) => [c.name, c.verdict, c.status])).toEqual([
      ['rotation:new-key', 'pass', 200],
      ['rotation:retired-key', 'pass', 401],
      ['rotation:both-keys', 'pass', 200],
    ]);
    expect(after.code).toBe(0);

    const overlap = await conformance(['--secret', 'whsec_new_key_2026', '--secret', 'whsec_old_key_2025'], [...drill, '--overlap']);
    expect(failures(overlap.report), overlap.stderr).toEqual([]);
    expect(overlap.code).toBe(0);

    // A receiver that still trusts the retired key fails the drill without --overlap.
    const stale = await conformance(['--secret', 'whsec_new_key_2026', '--secret', 'whsec_old_key_2025'], drill);
    expect(failures(stale.report)).toEqual([expect.stringMatching(/^rotation:retired-key: 200 accepted a delivery signed only with the retired key/)]);
    expect(stale.code).toBe(1);
  }, 120_000);
});

describe('keygen (built binary)', () => {
  it('prints a whsec_ secret, or a whsk_/whpk_ pair that sign and verify', async () => {
    const secret = await runCli(['keygen', '--scheme', 'standard-webhooks']);
    expect(secret.code).toBe(0);
    expect(secret.stdout).toMatch(/^whsec_[A-Za-z0-9+/]{43}=\n$/);
    expect(secret.stderr).toMatch(/store it/);
    const pair = await runCli(['keygen', '--scheme', 'standard-webhooks', '--asymmetric']);
    const [secretKey, publicKey] = pair.stdout.trim().split('\n');
    expect(secretKey).toMatch(/^whsk_/);
    expect(publicKey).toMatch(/^whpk_/);
    const signed = await runCli(['sign', '--scheme', 'standard-webhooks', '--body', '-', '--secret', secretKey!, '--id', 'msg_1', '--timestamp', '1767225600', '--json'], { input: BODY });
    const signature = JSON.parse(signed.stdout).headers['webhook-signature'] as string;
    expect(signature).toMatch(/^v1a,/);
    const verified = await runCli(['verify', '--scheme', 'standard-webhooks', '--body', '-', '--secret', publicKey!, '--id', 'msg_1', '--timestamp', '1767225600', '--now', '1767225600', '--signature', signature], { input: BODY });
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(/^✓ valid/);
  });

  it('bad usage is exit 2 with one line', async () => {
    for (const args of [['keygen'], ['keygen', '--scheme', 'none'], ['keygen', '--scheme', 'mgpass', '--asymmetric'], ['keygen', '--scheme', 'strpe']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^error: /);
    }
  });
});

describe('key rings on the command line (built binary)', () => {
  const stripe = SIGNING_ORACLES.find((o) => o.scheme === 'stripe')!;
  const svix = SIGNING_ORACLES.find((o) => o.name === 'svix')!;

  it('sign --secret NEW --secret OLD: one header with both signatures, each accepted by the platform\'s own library', async () => {
    const t = now();
    const body = BODY.toString('utf8');
    const s = await runCli(['sign', '--scheme', 'stripe', '--body', '-', '--secret', 'whsec_new', '--secret', 'whsec_old', '--timestamp', String(t), '--json'], { input: BODY });
    const header = JSON.parse(s.stdout).headers['Stripe-Signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(await stripe.accepts(body, { 'stripe-signature': header }, 'whsec_new')).toBe(true);
    expect(await stripe.accepts(body, { 'stripe-signature': header }, 'whsec_old')).toBe(true);
    expect(await stripe.accepts(body, { 'stripe-signature': header }, 'whsec_other')).toBe(false);

    const sw = await runCli(['sign', '--scheme', 'standard-webhooks', '--body', '-', '--secret', WHSEC, '--secret', OLD_WHSEC, '--id', 'msg_1', '--timestamp', String(t), '--json'], { input: BODY });
    const headers = JSON.parse(sw.stdout).headers as Record<string, string>;
    expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    const svixHeaders = { 'svix-id': headers['webhook-id']!, 'svix-timestamp': headers['webhook-timestamp']!, 'svix-signature': headers['webhook-signature']! };
    expect(await svix.accepts(body, svixHeaders, WHSEC)).toBe(true);
    expect(await svix.accepts(body, svixHeaders, OLD_WHSEC)).toBe(true);
  });

  it('a scheme with one signature per delivery refuses a key ring to sign with (exit 2), and verify takes any key of the ring', async () => {
    const refused = await runCli(['sign', 'mgpass', '--body', '-', '--secret', 'a', '--secret', 'b'], { input: BODY });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: --secret: mgPass sends one signature per delivery/);
    const sig = JSON.parse((await runCli(['sign', 'mgpass', '--body', '-', '--secret', 'b', '--json'], { input: BODY })).stdout).headers['X-Webhook-Signature'];
    const verified = await runCli(['verify', 'mgpass', '--body', '-', '--signature', sig, '--secret', 'a', '--secret', 'b', '--json'], { input: BODY });
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, secretIndex: 1 });
  });

  it('send --secret NEW --secret OLD delivers both signatures; a listener holding either key accepts it', async () => {
    const listener = await startListen(['--secret', 'whsec_old']);
    try {
      const r = await runCli(['send', 'customerglu', 'reward', '--scheme', 'stripe', '--secret', 'whsec_new', '--secret', 'whsec_old', '--to', `${listener.url}/webhook`, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const [report] = await listener.waitForDeliveries(1);
      expect(report!.signature).toMatchObject({ status: 'valid', scheme: 'stripe' });
    } finally {
      await listener.stop();
    }
  });

  it('an empty CG_HOOKS_SECRET is no secret, the same in every command', async () => {
    const sign = await runCli(['sign', 'mgpass', '--body', '-'], { input: BODY, env: { CG_HOOKS_SECRET: '' } });
    expect(sign.code).toBe(2);
    expect(sign.stderr).toMatch(/mgpass signs with a secret: pass --secret/);
    const test = await runCli(['test', 'http://127.0.0.1:9/webhook', '--provider', 'mgpass'], { env: { CG_HOOKS_SECRET: '' } });
    expect(test.code).toBe(2);
    expect(test.stderr).toMatch(/--secret/);
    const listener = await startListen([], { CG_HOOKS_SECRET: '' });
    try {
      expect((await listener.stop()).stderr).toMatch(/no --secret: signatures not checked/);
    } finally {
      await listener.stop();
    }
  });
});
