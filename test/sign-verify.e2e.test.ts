import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeCapture } from '../src/core/capture.js';
import { runCli } from './helpers/cli.js';

const DOC_TOKEN = 'PbTJp694bmgrfJpJPQmrjGfjgq';
const DOC_BODY =
  '{"campaignId":"6bab1116-ae8e-4644-9cee-7a3d8ee9aff3","type":"direct","userId":"test-8-june-9","rewardId":"acdc71c6-08ad-4cd9-8c1e-3c812487b854","rewardName":"$15","rewardAmount":15,"details":{"currency":"USD","value":15,"reward_reason":"got_referred","userAName":"Test Solve 7","userAId":"test-8-june-7"}}';
const DOC_SIG = 'f2719895b483fbf3f98e1936bc88271cbe74f138';

let dir: string;
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
let body: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cg-sign-'));
  body = file('body.json', DOC_BODY);
});

describe('cg-hooks sign', () => {
  it('prints exactly the headers CustomerGlu sends (its Content-Type and the documented signature), nothing else', async () => {
    const r = await runCli(['sign', 'customerglu', '--body', body, '--secret', DOC_TOKEN]);
    expect(r).toMatchObject({ code: 0, stdout: `Content-Type: application/json\nX-CG-SIGNATURE: ${DOC_SIG}\n`, stderr: '' });
  });

  it('--json prints one object; reads the secret from CG_HOOKS_SECRET and the body from stdin', async () => {
    const r = await runCli(['sign', 'customerglu', '--body', '-', '--json'], { input: DOC_BODY, env: { CG_HOOKS_SECRET: DOC_TOKEN } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ provider: 'customerglu', scheme: 'customerglu', headers: { 'Content-Type': 'application/json', 'X-CG-SIGNATURE': DOC_SIG }, query: {}, bodyBytes: DOC_BODY.length, notes: [], warnings: [] });
  });

  it('signs a body with a trailing newline as is, and warns on stderr', async () => {
    const withNl = file('nl.json', `${DOC_BODY}\n`);
    const r = await runCli(['sign', 'customerglu', '--body', withNl, '--secret', DOC_TOKEN]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Content-Type: application/json\nX-CG-SIGNATURE: ${createHmac('sha1', DOC_TOKEN).update(`${DOC_BODY}\n`).digest('hex')}\n`);
    expect(r.stderr).toMatch(/warning: the body ends with a newline \(byte 305\)/);
    expect(r.stderr).not.toMatch(/not in the compact form/);
  });

  it('warns when the body is not compact JSON', async () => {
    const pretty = file('pretty.json', JSON.stringify(JSON.parse(DOC_BODY), null, 2));
    const r = await runCli(['sign', 'customerglu', '--body', pretty, '--secret', DOC_TOKEN]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/not in the compact form CustomerGlu sends \(first difference at byte 1\)/);
  });

  it('--scheme works without a provider: GitHub documented vector', async () => {
    const hello = file('hello.txt', 'Hello, World!');
    const r = await runCli(['sign', '--scheme', 'github', '--body', hello, '--secret', "It's a Secret to Everybody"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17\n');
  });

  it('WebEngage: the query parameters, with the documented md5 (a bearer credential: masked unless --show-secrets)', async () => {
    const args = ['sign', 'webengage', '--body', body, '--license-code', '~2024c5d1', '--secret', 'whsec_demo', '--event-type', 'user_event'];
    const [shown, masked, json] = await Promise.all([runCli([...args, '--show-secrets']), runCli(args), runCli([...args, '--json'])]);
    expect(shown).toMatchObject({ code: 0, stdout: 'Content-Type: application/json\n?eventType=user_event&licenseCode=%7E2024c5d1&secret=e1305d13cda89fa8609a9915ba8c6904\n' });
    expect(masked.code).toBe(0);
    expect(masked.stdout).not.toContain('e1305d13');
    expect(masked.stderr).toContain('pass --show-secrets to print them');
    expect(JSON.parse(json.stdout)).toMatchObject({ query: { licenseCode: '~2024c5d1', secret: '****(32 chars)' } });
  });

  it('mgPass without a secret is bad input', async () => {
    const r = await runCli(['sign', 'mgpass', '--body', body], { env: { CG_HOOKS_SECRET: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: mgpass signs with a secret: pass --secret\n/);
  });

  it('Reward: says there is no signature instead of inventing one', async () => {
    for (const args of [['reward'], ['--scheme', 'none']]) {
      const r = await runCli(['sign', ...args, '--body', body]);
      expect(r).toMatchObject({ code: 0, stdout: 'Content-Type: application/json\n' });
      expect(r.stderr).toMatch(/sends no signature/);
    }
  });

  it('bad input exits 2 with one clear line: missing secret, unreadable body, unknown scheme, no provider', async () => {
    const noSecret = await runCli(['sign', '--scheme', 'stripe', '--body', body], { env: { CG_HOOKS_SECRET: undefined } });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/^error: --scheme stripe signs with a secret: pass --secret\n/);
    const unreadable = await runCli(['sign', 'customerglu', '--body', join(dir, 'nope.json'), '--secret', 's']);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/cannot read --body file .*nope\.json: no such file/);
    // The JSON itself where a file name goes: said as such, with the pipe that works.
    const inline = await runCli(['verify', 'customerglu', '--body', '{"campaignId":"c-1","status":"redeemable-unseen","rewardId":"r-1"}', '--signature', 'ab', '--secret', 's']);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toBe('error: --body takes a file name, and {"campaignId":"c-1","status":"redeema… looks like the JSON itself\nhint: save the bytes to a file, or pipe them in with "-": printf \'%s\' \'<json>\' | cg-hooks … --body -\n');
    const scheme = await runCli(['sign', '--scheme', 'githb', '--body', body, '--secret', 's']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toMatch(/unknown scheme "githb" \(did you mean "github"\?\)/);
    const none = await runCli(['sign', '--body', body, '--secret', 's', '--json']);
    expect(none.code).toBe(2);
    expect(JSON.parse(none.stdout)).toMatchObject({ error: { code: 'missing_provider' } });
  });

  it('a --body that is a device or a FIFO: read as a stream, bounded (/dev/zero is one clear line, not a hang until memory runs out)', async () => {
    const fifo = join(dir, 'body.fifo');
    execFileSync('mkfifo', [fifo]);
    // The writer sends the body in two pieces, as `--body <(cg-hooks generate …)` would.
    const writer = (async () => {
      const { open } = await import('node:fs/promises');
      const fh = await open(fifo, 'w');
      await fh.write(DOC_BODY.slice(0, 20));
      await new Promise((r) => setTimeout(r, 100));
      await fh.write(DOC_BODY.slice(20));
      await fh.close();
    })();
    const [fromFifo, zero, zeroCapture] = await Promise.all([
      runCli(['sign', 'customerglu', '--body', fifo, '--secret', DOC_TOKEN]),
      runCli(['verify', '--scheme', 'github', '--body', '/dev/zero', '--secret', 's', '--signature', 'sha256=00'], { timeoutMs: 40_000 }),
      runCli(['verify', '--capture', '/dev/zero', '--secret', 's'], { timeoutMs: 40_000 }),
      writer,
    ]);
    expect(zeroCapture).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^error: --capture file \/dev\/zero is larger than 256 MiB\n/) });
    expect(fromFifo).toMatchObject({ code: 0, stdout: `Content-Type: application/json\nX-CG-SIGNATURE: ${DOC_SIG}\n` });
    expect(zero).toMatchObject({ code: 2, stdout: '', stderr: 'error: --body file /dev/zero is larger than 256 MiB\nhint: webhook bodies are small: check that the right file is given\n' });
  }, 60_000);

  it('a newline in --prefix, --id or --signature-header is one clear line, exit 2, never an extra header line', async () => {
    const [prefix, id, header] = await Promise.all([
      runCli(['sign', '--scheme', 'hmac', '--body', body, '--secret', 's', '--prefix', 'x\nX-Evil: 1']),
      runCli(['sign', '--scheme', 'standard-webhooks', '--body', body, '--secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '--id', 'm\r\nX-Evil: 1']),
      runCli(['sign', '--scheme', 'hmac', '--body', body, '--secret', 's', '--signature-header', 'X-Sig\nX-Evil']),
    ]);
    expect(prefix).toMatchObject({ code: 2, stdout: '', stderr: 'error: --prefix: "x\\nX-Evil: 1" has a control character (a newline?), which no header value may carry\n' });
    expect(id).toMatchObject({ code: 2, stdout: '', stderr: 'error: --id: "m\\r\\nX-Evil: 1" has a control character (a newline?), which no header value may carry\n' });
    expect(header).toMatchObject({ code: 2, stdout: '', stderr: 'error: --signature-header: "X-Sig\\nX-Evil" is not an HTTP header name\nhint: letters, digits and - only, e.g. X-Signature\n' });
  });

  it('a scheme where the provider goes (`sign github`, `verify stripe`) is told to use --scheme, not shown the provider list', async () => {
    const [signed, verified] = await Promise.all([
      runCli(['sign', 'github', '--body', body, '--secret', 's']),
      runCli(['verify', 'stripe', '--body', body, '--secret', 's', '--signature', 't=1,v1=ab', '--timestamp', '1']),
    ]);
    expect(signed).toMatchObject({ code: 2, stdout: '', stderr: 'error: "github" is a signing scheme, not a provider\nhint: use `cg-hooks sign --scheme github …`\n' });
    expect(verified).toMatchObject({ code: 2, stdout: '', stderr: 'error: "stripe" is a signing scheme, not a provider\nhint: use `cg-hooks verify --scheme stripe …`\n' });
  });
});

describe('cg-hooks verify', () => {
  const base = () => ['verify', 'customerglu', '--body', body];

  it('exit 0 for the documented vector; 1 for a wrong signature; rotation reports the matching secret', async () => {
    const ok = await runCli([...base(), '--secret', DOC_TOKEN, '--signature', DOC_SIG]);
    expect(ok).toMatchObject({ code: 0, stdout: '✓ valid: X-CG-SIGNATURE matches\n' });
    const bad = await runCli([...base(), '--secret', 'wrong', '--signature', DOC_SIG]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^✗ invalid/);
    const rotated = await runCli([...base(), '--secret', 'old', '--secret', DOC_TOKEN, '--signature', DOC_SIG, '--json']);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout)).toEqual({ valid: true, status: 'valid', reason: 'X-CG-SIGNATURE matches', header: 'X-CG-SIGNATURE', secretIndex: 1 });
  });

  it('bad input exits 2: no secret, unreadable body, --body without --signature', async () => {
    const noSecret = await runCli([...base(), '--signature', DOC_SIG], { env: { CG_HOOKS_SECRET: undefined } });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/customerglu signs with a secret: verify needs it/);
    const unreadable = await runCli(['verify', 'customerglu', '--body', join(dir, 'missing'), '--secret', 's', '--signature', DOC_SIG]);
    expect(unreadable.code).toBe(2);
    const noSig = await runCli([...base(), '--secret', DOC_TOKEN]);
    expect(noSig.code).toBe(2);
    expect(noSig.stderr).toMatch(/--body needs --signature/);
    const badCapture = await runCli(['verify', 'customerglu', '--capture', file('bad-capture.json', '{"version":1}'), '--secret', 's']);
    expect(badCapture.code).toBe(2);
    expect(badCapture.stderr).toMatch(/is not a cg-hooks capture/);
  });

  it('--explain of a v1a (ed25519) signature counts ed25519 verifications with public keys, never "HMACs computed"', async () => {
    const K1 = { secretKey: 'whsk_vUIFV7RQpVb++nohPI/1A/GcxGVbEKBAP8h7XuLXSEFFASllhTknAcxqIW5ERkv64AgWqM3RtNNec16IIxhpng==', publicKey: 'whpk_RQEpZYU5JwHMaiFuREZL+uAIFqjN0bTTXnNeiCMYaZ4=' };
    const at = ['--timestamp', '1700000000', '--id', 'msg_1'];
    const signed = await runCli(['sign', '--scheme', 'standard-webhooks', '--body', body, '--secret', K1.secretKey, ...at, '--json']);
    const sig = (JSON.parse(signed.stdout) as { headers: Record<string, string> }).headers['webhook-signature']!;
    const other = file('other.json', DOC_BODY.replace('"rewardAmount":15', '"rewardAmount":1500'));
    const r = await runCli(['verify', '--scheme', 'standard-webhooks', '--body', other, '--secret', K1.publicKey, '--signature', sig, ...at, '--now', '1700000000', '--explain']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/\nSearched: \d+ body forms × 1 public key × 1 v1a signature; \d+ ed25519 verifications\n?$/);
    expect(r.stdout).not.toContain('HMAC');
  });

  it('--explain names the cause and the first differing byte, and never prints the secret', async () => {
    const pretty = file('pretty2.json', JSON.stringify(JSON.parse(DOC_BODY), null, 2));
    const r = await runCli(['verify', 'customerglu', '--body', pretty, '--secret', DOC_TOKEN, '--signature', DOC_SIG, '--explain']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ invalid: X-CG-SIGNATURE does not match the body\n\nWhy: The signature was computed over JSON\.stringify\(JSON\.parse\(body\)\)/);
    expect(r.stdout).toMatch(/First difference at byte 1/);
    expect(r.stdout).toMatch(/Fix: verify the raw bytes/);
    expect(r.stdout + r.stderr).not.toContain(DOC_TOKEN);
    const j = await runCli(['verify', 'customerglu', '--body', pretty, '--secret', DOC_TOKEN, '--signature', DOC_SIG, '--explain', '--json']);
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ valid: false, status: 'invalid', explain: { verdict: 'explained', match: { body: 'js-compact', secretIndex: 0 }, findings: [{ cause: 're-serialized', offset: 1 }] } });
    expect(j.stdout).not.toContain(DOC_TOKEN);
  });

  it('--capture: headers, query and body from a listener capture; timestamps judged at receivedAt', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const t = 1_614_265_330;
    const sw = await runCli(['sign', '--scheme', 'standard-webhooks', '--body', body, '--secret', secret, '--timestamp', String(t), '--id', 'msg_1', '--json']);
    const headers = Object.fromEntries(Object.entries(JSON.parse(sw.stdout).headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const cap = file('cap.json', serializeCapture({ receivedAt: new Date((t + 10) * 1000), method: 'POST', path: '/webhook', headers, body: Buffer.from(DOC_BODY) }));
    const ok = await runCli(['verify', '--scheme', 'standard-webhooks', '--capture', cap, '--secret', secret]);
    expect(ok.stdout).toBe('✓ valid: webhook-signature matches\n');
    expect(ok.code).toBe(0);
    const late = await runCli(['verify', '--scheme', 'standard-webhooks', '--capture', cap, '--secret', secret, '--now', String(t + 301)]);
    expect(late.code).toBe(1);
    expect(late.stdout).toMatch(/expired: timestamp is 5 min 1 s old \(tolerance 5 min\); the signature itself matches/);
    const tolerant = await runCli(['verify', '--scheme', 'standard-webhooks', '--capture', cap, '--secret', secret, '--now', String(t + 301), '--tolerance', '400']);
    expect(tolerant.code).toBe(0);

    // The provider named in the capture is used when none is given.
    const cg = file('cg.json', serializeCapture({ method: 'POST', path: '/', headers: { 'X-GLU-SIGNATURE': DOC_SIG }, body: Buffer.from(DOC_BODY), provider: 'customerglu' }));
    const old = await runCli(['verify', '--capture', cg, '--secret', DOC_TOKEN, '--json']);
    expect(JSON.parse(old.stdout)).toMatchObject({ valid: true, header: 'X-GLU-SIGNATURE' });
  });
});
