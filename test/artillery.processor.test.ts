// The exported processor signs in its own code (it runs inside Artillery, without cg-hooks): every request it
// builds must verify with cg-hooks' own src/signing, for every provider's scheme and the generic ones, and its
// headers must be the very ones signRequest gives for the same bytes, time and id.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportArtillery, type ArtilleryExport } from '../src/load/artillery/export.js';
import { processorSigningOf } from '../src/load/artillery/signing-config.js';
import { loadProvider, PROVIDER_IDS } from '../src/providers/index.js';
import type { SchemeId } from '../src/providers/types.js';
import { signRequest, verifyRequest } from '../src/signing/index.js';

const require = createRequire(import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'cg-hooks-processor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SECRETS: Record<string, string> = {
  'api-key': 'wk_live_7Qm2',
  basic: 'acme:pa55:word',
  'standard-webhooks': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};
const LICENSE = '~2024c5d1';
let n = 0;

/** Exports a small test for `providerId` (signed with `scheme`) and loads its processor.cjs as Artillery would. */
async function loadProcessor(providerId: string, scheme?: SchemeId, env: Record<string, string | undefined> = {}) {
  const provider = await loadProvider(providerId);
  const dir = join(root, `${providerId}-${scheme ?? 'own'}-${n++}`);
  const signing = processorSigningOf({ spec: provider.signing, ...(scheme ? { scheme } : {}), licenseCode: LICENSE });
  const settings: ArtilleryExport = {
    madeBy: 'cg-hooks test',
    provider: provider.id,
    providerDef: provider,
    events: [provider.events[0]!.name],
    to: new URL('http://127.0.0.1:9/hook'),
    rate: 1,
    durationS: 1,
    rampS: 0,
    dupRatio: 0.5,
    timeoutS: 10,
    thresholds: { p95Ms: 500, p99Ms: 1500, maxErrorRatePct: 1 },
    secretEnv: 'CG_TEST_PROCESSOR_SECRET',
    signing,
    headers: { 'User-Agent': 'cg-hooks/test', ...provider.headers },
    success: provider.retry.success,
    corpusSize: 6,
    dir,
    command: 'cg-hooks export artillery …',
  };
  await exportArtillery(settings);
  const secret = SECRETS[scheme ?? provider.signing.scheme] ?? 'k3y-Sécret';
  const before = process.env.CG_TEST_PROCESSOR_SECRET;
  const value = 'CG_TEST_PROCESSOR_SECRET' in env ? env.CG_TEST_PROCESSOR_SECRET : secret;
  if (value === undefined) delete process.env.CG_TEST_PROCESSOR_SECRET;
  else process.env.CG_TEST_PROCESSOR_SECRET = value;
  try {
    const mod = require(join(dir, 'processor.cjs'));
    const corpus = readFileSync(join(dir, 'corpus.ndjson'), 'utf8').trim().split('\n').map((l) => mod.cgHooks.templateOf(JSON.parse(l)));
    return { mod, corpus, provider, secret, signing, dir };
  } finally {
    if (before === undefined) delete process.env.CG_TEST_PROCESSOR_SECRET;
    else process.env.CG_TEST_PROCESSOR_SECRET = before;
  }
}

const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

function verifyDelivery(p: Awaited<ReturnType<typeof loadProcessor>>, d: { body: Buffer; headers: Record<string, string>; query: Record<string, string> }, scheme: SchemeId | undefined, secret: string, nowS: number) {
  const options = { secrets: [secret], now: nowS, ...(scheme ? { scheme } : {}), licenseCode: LICENSE, ...(p.signing.kind === 'header' && p.signing.format === 'basic' ? { user: secret } : {}) };
  return verifyRequest(p.provider.signing, { headers: lower(d.headers), query: d.query, body: d.body }, options);
}

const cases: Array<[string, SchemeId | undefined]> = [
  ...PROVIDER_IDS.map((id) => [id, undefined] as [string, undefined]),
  ...(['standard-webhooks', 'stripe', 'github', 'shopify', 'slack'] as SchemeId[]).map((s) => ['customerglu', s] as [string, SchemeId]),
];

describe('processor.cjs signs every request as cg-hooks verifies it', () => {
  for (const [providerId, scheme] of cases) {
    it(`${providerId}${scheme ? ` --scheme ${scheme}` : ''}`, async () => {
      const p = await loadProcessor(providerId, scheme);
      const now = Date.now();
      const nowS = Math.floor(now / 1000);
      for (const entry of p.corpus) {
        const d = p.mod.cgHooks.build(entry, now);
        const result = verifyDelivery(p, d, scheme, p.secret, nowS);
        expect(result.status, `${providerId}: ${result.reason}`).toBe(p.signing.kind === 'none' ? 'unsigned' : 'valid');
        if (p.signing.kind === 'none') continue;
        // The same as cg-hooks' own signer for these bytes, time and message id: the exact header values.
        const credential = p.signing.kind === 'header' ? (p.signing.format === 'basic' ? { user: p.secret } : { apiKey: p.secret }) : {};
        const own = signRequest(p.provider.signing, d.body, { secret: p.secret, ...credential, licenseCode: LICENSE, eventType: entry.event, timestamp: nowS, id: d.id, ...(scheme ? { scheme } : {}) });
        for (const [name, value] of Object.entries(own.headers)) expect(lower(d.headers)[name.toLowerCase()], name).toBe(value);
        expect(d.query).toEqual(own.query);
        // A wrong secret and a changed byte are refused.
        const other = scheme === 'standard-webhooks' ? 'whsec_dGhpcyBpcyBub3QgdGhlIGtleQ==' : p.signing.kind === 'header' && p.signing.format === 'basic' ? 'acme:other' : 'other-secret';
        expect(verifyDelivery(p, d, scheme, other, nowS).valid).toBe(false);
        if (p.signing.kind === 'hmac') {
          const tampered = Buffer.from(d.body);
          tampered[tampered.length - 2]! ^= 1;
          expect(verifyDelivery(p, { ...d, body: tampered }, scheme, p.secret, nowS).status).toBe('invalid');
        }
      }
    });
  }
});

describe('duplicates are what a provider retry sends', () => {
  it('body-only schemes resend the same bytes with the same headers', async () => {
    const p = await loadProcessor('mgpass');
    const d = p.mod.cgHooks.build(p.corpus[0], Date.now());
    const again = p.mod.cgHooks.retryOf(d, Date.now() + 25_000);
    expect(again.body.equals(d.body)).toBe(true);
    expect(again.headers).toEqual(d.headers);
  });

  for (const scheme of ['standard-webhooks', 'stripe', 'slack'] as SchemeId[]) {
    it(`${scheme}: same bytes and message id, signed again for the retry's time`, async () => {
      const p = await loadProcessor('customerglu', scheme);
      const first = Date.now() - 60_000;
      const d = p.mod.cgHooks.build(p.corpus[0], first);
      const retry = p.mod.cgHooks.retryOf(d, first + 60_000);
      expect(retry.body.equals(d.body)).toBe(true);
      expect(retry.id).toBe(d.id);
      expect(retry.headers).not.toEqual(d.headers);
      if (scheme === 'standard-webhooks') expect(retry.headers['webhook-id']).toBe(d.headers['webhook-id']);
      const nowS = Math.floor((first + 60_000) / 1000);
      expect(verifyDelivery(p, retry, scheme, p.secret, nowS).status).toBe('valid');
      // The first attempt's signature is for its own time: 60 s earlier, still inside the 300 s tolerance.
      expect(verifyDelivery(p, d, scheme, p.secret, nowS).status).toBe('valid');
    });
  }

  it('sends the --dup-ratio share as duplicates of earlier deliveries, and counts them', async () => {
    const p = await loadProcessor('customerglu');
    const counters: Record<string, number> = {};
    const ee = { emit: (kind: string, name: string, value: number) => kind === 'counter' && (counters[name] = (counters[name] ?? 0) + value) };
    const seen = new Map<string, string>();
    let duplicates = 0;
    for (let i = 0; i < 400; i++) {
      const req: Record<string, any> = { url: 'http://127.0.0.1:9/hook', headers: { 'x-from-yaml': '1' } };
      await new Promise<void>((resolve, reject) => p.mod.signDelivery(req, {}, ee, (e?: Error) => (e ? reject(e) : resolve())));
      const key = (JSON.parse(req.body.toString()) as { rewardId?: string; campaignId?: string }).rewardId ?? String(i);
      const sig = req.headers['X-CG-SIGNATURE'];
      if (seen.has(key)) {
        duplicates++;
        expect(seen.get(key), 'a duplicate carries the signature of its original').toBe(sig);
      } else seen.set(key, sig);
      expect(req.headers['x-from-yaml']).toBe('1');
    }
    expect(duplicates).toBe(counters['cg_hooks.duplicates_sent']);
    // Error diffusion: within one of 400 × 0.5 whatever the random phase.
    expect(Math.abs(duplicates - 200)).toBeLessThanOrEqual(1);
    expect(counters['cg_hooks.originals_sent']).toBe(400 - duplicates);
  });
});

describe('the processor without its secret', () => {
  it('refuses to start, naming the variable and never a value', async () => {
    await expect(loadProcessor('mgpass', undefined, { CG_TEST_PROCESSOR_SECRET: undefined })).rejects.toThrow(/set CG_TEST_PROCESSOR_SECRET to the mgPass signing secret/);
  });
  it('sends no credential for a provider whose credential is optional (Rehook basic auth)', async () => {
    const p = await loadProcessor('rehook', undefined, { CG_TEST_PROCESSOR_SECRET: undefined });
    const d = p.mod.cgHooks.build(p.corpus[0], Date.now());
    expect(Object.keys(d.headers).map((h) => h.toLowerCase())).not.toContain('authorization');
  });
  it('answers that are not acknowledged fail the virtual user (WebEngage: only 200)', async () => {
    const p = await loadProcessor('webengage');
    const check = (status: number) => new Promise<Error | undefined>((resolve) => p.mod.checkAcknowledged({}, { statusCode: status }, {}, {}, resolve));
    expect(await check(200)).toBeUndefined();
    expect((await check(202))?.message).toBe('not acknowledged: HTTP 202');
    expect((await check(500))?.message).toBe('not acknowledged: HTTP 500');
  });
});
