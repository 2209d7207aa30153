// `cg-hooks verify` exit codes say what happened: 1 for any signature that is there and does not verify (whatever
// its length, case or prefix), 2 only for usage errors, and captures that cannot be verified say exactly why.
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeCapture } from '../src/core/capture.js';
import { mask } from '../src/core/redact.js';
import { runCli } from './helpers/cli.js';

const BODY = '{"rewardId":"acdc71c6-08ad-4cd9-8c1e-3c812487b854","rewardAmount":15}';
let dir: string;
let body: string;
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const capture = (name: string, headers: Record<string, string>, provider: string, query: Record<string, string> = {}) =>
  file(name, serializeCapture({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', ...headers }, query, body: Buffer.from(BODY), provider }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cg-verify-exit-'));
  body = file('body.json', BODY);
});

describe('verify: an empty --signature is nothing to check, not a failed check', () => {
  it('exit 2 with one line naming the flag, as text and --json (an unset shell variable)', async () => {
    for (const signature of ['', '  ']) {
      const r = await runCli(['verify', 'customerglu', '--secret', 's3cret', '--body', body, '--signature', signature]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: --signature is empty \(an unset shell variable\?\)\n/);
      const j = await runCli(['verify', 'customerglu', '--secret', 's3cret', '--body', body, '--signature', signature, '--json']);
      expect(j.code).toBe(2);
      expect(JSON.parse(j.stdout).error.code).toBe('missing_signature');
    }
  });
});

describe('verify: a signature that is present but does not verify is a failed check (exit 1)', () => {
  const sha256 = createHmac('sha256', 's3cret').update(BODY).digest('hex');
  const cases: Array<[string, string[]]> = [
    ['too short', ['customerglu', '--signature', 'abc']],
    ['a prefix the scheme does not use', ['customerglu', '--signature', `sha256=${createHmac('sha1', 's3cret').update(BODY).digest('hex')}`]],
    ['a 40-hex value for a SHA-256 scheme', ['--scheme', 'github', '--signature', `sha256=${'a'.repeat(40)}`]],
    ['no prefix where the scheme has one', ['--scheme', 'github', '--signature', sha256]],
    ['upper-case hex', ['--scheme', 'github', '--signature', `sha256=${sha256.toUpperCase()}`]],
    ['a Stripe header without v1=', ['--scheme', 'stripe', '--signature', 'abc']],
    ['not base64 for a base64 scheme', ['--scheme', 'shopify', '--signature', '%%%not-base64%%%']],
  ];
  for (const [what, args] of cases) {
    it(what, async () => {
      const r = await runCli(['verify', ...args, '--body', body, '--secret', 's3cret']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^✗ (malformed signature|invalid): /);
      expect(r.stderr).not.toMatch(/^error:/m);
      const json = await runCli(['verify', ...args, '--body', body, '--secret', 's3cret', '--json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, status: expect.stringMatching(/^(malformed|invalid)$/) });
    });
  }

  it('the diagnosis says what a good signature looks like', async () => {
    const r = await runCli(['verify', '--scheme', 'github', '--body', body, '--secret', 's3cret', '--signature', `sha256=${'a'.repeat(40)}`]);
    expect(r.stdout).toContain('expected 64 hex characters (HMAC-SHA256), got 40 characters');
    expect(r.stderr).toContain('hint: GitHub sends "sha256=" + 64 hex characters in X-Hub-Signature-256');
  });
});

describe('verify: exit 2 only for usage errors', () => {
  it('a timestamped scheme verified from --body without --timestamp or --id', async () => {
    const slack = await runCli(['verify', '--scheme', 'slack', '--body', body, '--secret', 's', '--signature', `v0=${'a'.repeat(64)}`]);
    expect(slack.code).toBe(2);
    expect(slack.stderr).toContain('Slack signs a timestamp: with --body, pass the X-Slack-Request-Timestamp value as --timestamp');
    const sw = await runCli(['verify', '--scheme', 'standard-webhooks', '--body', body, '--secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '--timestamp', '1614265330', '--signature', 'v1,abc']);
    expect(sw.code).toBe(2);
    expect(sw.stderr).toContain('pass the webhook-id value as --id');
  });

  it('an empty stdin', async () => {
    const r = await runCli(['verify', 'customerglu', '--body', '-', '--secret', 's', '--signature', 'abc'], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--body -: stdin was empty');
  });
});

describe('verify --capture: what cannot be verified says exactly why', () => {
  it('a credential masked when the capture was saved: "masked", exit 1, no credential asked for, never "missing signature"', async () => {
    const captures: Array<[string, string, Record<string, string>, Record<string, string>, string]> = [
      ['events.json', 'customerglu-events', { 'x-api-key': mask('k-123456') }, {}, 'X-API-KEY header'],
      ['rehook.json', 'rehook', { authorization: mask('Basic dTpw') }, {}, 'Authorization header'],
      ['segment.json', 'segment', { 'x-api-key': mask('k-123456') }, {}, 'X-API-KEY header'],
      ['webengage.json', 'webengage', {}, { licenseCode: '~abc', secret: mask('0123456789abcdef0123456789abcdef') }, 'secret query parameter'],
    ];
    for (const [name, provider, headers, query, what] of captures) {
      const path = capture(name, headers, provider, query);
      for (const extra of [[], ['--secret', 'sss', '--api-key', 'k', '--user', 'u:p']]) {
        const r = await runCli(['verify', '--capture', path, ...extra]);
        expect(r.code, `${provider} ${r.stderr}`).toBe(1);
        expect(r.stdout, provider).toBe(`✗ cannot be verified: the ${what} in this capture was masked when it was saved (cg-hooks never writes credentials to disk)\n`);
        expect(r.stdout + r.stderr).not.toContain('missing signature');
      }
      const json = await runCli(['verify', '--capture', path, '--json']);
      expect(JSON.parse(json.stdout), provider).toMatchObject({ valid: false, status: 'masked' });
    }
  });

  it('a provider that does not sign: "nothing to verify", exit 0, no credential asked for', async () => {
    const reward = capture('reward.json', {}, 'reward');
    const r = await runCli(['verify', '--capture', reward]);
    expect(r).toMatchObject({ code: 0, stdout: '– nothing to verify: reward does not sign deliveries\n' });
    const rehook = capture('rehook-plain.json', {}, 'rehook');
    const plain = await runCli(['verify', '--capture', rehook]);
    expect(plain).toMatchObject({ code: 0, stdout: '– nothing to verify: rehook does not sign deliveries, and this one carries no Authorization header\n' });
    expect(JSON.parse((await runCli(['verify', '--capture', rehook, '--json'])).stdout)).toMatchObject({ status: 'unsigned' });
  });
});
