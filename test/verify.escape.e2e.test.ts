// `cg-hooks verify` prints reasons and --explain findings that quote what the user passed (--signature) and what the
// network sent (a capture's headers): an escape sequence or a bare carriage return in them must be shown, never
// obeyed by the terminal (it could clear the screen, or overwrite "✗ invalid" with a fake "✓ valid").
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeCapture } from '../src/core/capture.js';
import { runCli } from './helpers/cli.js';

const BODY = '{"rewardId":"acdc71c6-08ad-4cd9-8c1e-3c812487b854","rewardAmount":15}';
// ESC [ 2 J clears the screen; the bare CR returns to the line's start; CSI (U+009B) and a bidi override act too.
const EVIL = '\x1b[2J\r\u009b31m\u202e✓ valid';
const SHOWN = '\\x1b[2J\\r\\x9b31m\\u202e✓ valid';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/;
let dir: string;
let body: string;
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const capture = (name: string, headers: Record<string, string>, provider: string) =>
  file(name, serializeCapture({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', ...headers }, query: {}, body: Buffer.from(BODY), provider }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cg-verify-escape-'));
  body = file('body.json', BODY);
});

/** Every run's human output, with and without --explain: shown escaped, no control character left raw. */
async function expectShownEscaped(args: string[], expectedExit = 1, variants: string[][] = [[], ['--explain']]): Promise<void> {
  for (const extra of variants) {
    const r = await runCli([...args, ...extra]);
    expect(r.code, r.stderr).toBe(expectedExit);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    // A reason cuts a long timestamp short (24 characters): the escapes come first.
    expect(r.stdout).toContain(SHOWN.slice(0, 21));
  }
}

describe('verify: user- and network-supplied text in the human output is escaped', () => {
  it('a --signature whose t= carries ESC [ 2 J and a bare \\r (quoted by the reason and by --explain)', async () => {
    const stripe = ['verify', '--scheme', 'stripe', '--secret', 'whsec_test', '--body', body, '--now', '1700000000'];
    // No v1= that reads as a signature: the malformed reason quotes the t= text.
    await expectShownEscaped([...stripe, '--signature', `t=1700000000${EVIL},v1=abc`]);
    // A well-formed v1= that does not match: the invalid reason and the --explain finding quote it.
    await expectShownEscaped([...stripe, '--signature', `t=1700000000${EVIL},v1=${'0'.repeat(64)}`]);
  });

  it('a GitHub --signature with them: --explain quotes the value it could not read', async () => {
    await expectShownEscaped(['verify', '--scheme', 'github', '--secret', 'gh-secret', '--body', body, '--signature', `sha256=${EVIL}`], 1, [['--explain']]);
  });

  it('captured headers cannot carry them: a capture with a control character in a header is refused (exit 2)', async () => {
    const path = capture('sw.json', { 'webhook-id': 'msg_1', 'webhook-timestamp': `1700000000${EVIL}`, 'webhook-signature': `v1,${'A'.repeat(43)}=` }, 'standard-webhooks');
    const r = await runCli(['verify', '--scheme', 'standard-webhooks', '--secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '--capture', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds a line break, a control character or a character outside Latin-1');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it('--json keeps the text as it is: JSON.stringify escapes the C0 controls itself', async () => {
    const r = await runCli(['verify', '--scheme', 'stripe', '--secret', 'whsec_test', '--body', body, '--now', '1700000000', '--signature', `t=1700000000${EVIL},v1=abc`, '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd()).not.toMatch(/[\x00-\x1f]/);
    expect(JSON.parse(r.stdout).reason).toContain(`t=1700000000${EVIL.slice(0, 14)}…`);
  });
});
