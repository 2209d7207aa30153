// replay under abuse: a huge save directory, edited or damaged captures, credentials in --to, masked WebEngage
// secrets. Nothing is sent until every capture was checked; nothing secret is printed.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureFiles } from '../src/commands/replay.js';
import { serializeCapture } from '../src/core/capture.js';
import { mask } from '../src/core/redact.js';
import { runCli } from './helpers/cli.js';

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cg-replay-abuse-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d)).on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const BODY = Buffer.from('{"rewardId":"r-1","rewardAmount":15}');
const good = () => serializeCapture({ method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json' }, body: BODY, provider: 'reward', event: 'trigger_event.created' });

describe('replay: every capture is checked before any is sent', () => {
  const edits: Array<[string, (doc: Record<string, unknown>) => void, RegExp]> = [
    ['a header value with CR/LF', (d) => ((d.headers as Record<string, string>)['x-note'] = 'a\r\nInjected: yes'), /header x-note holds a line break/],
    ['a header value outside Latin-1', (d) => ((d.headers as Record<string, string>)['x-name'] = 'Zoë ☃'), /header x-name holds .* outside Latin-1/],
    ['a header name with a space', (d) => ((d.headers as Record<string, string>)['bad name'] = 'x'), /header name "bad name" is not a valid HTTP header name/],
    ['a bad method', (d) => (d.method = 'PO ST'), /"method" "PO ST" is not an HTTP method/],
    ['a damaged bodyBase64 (cut short)', (d) => (d.bodyBase64 = (d.bodyBase64 as string).slice(0, -3)), /"bodyBase64" is damaged/],
    ['a damaged bodyBase64 (a character replaced)', (d) => (d.bodyBase64 = `${(d.bodyBase64 as string).slice(0, 5)}*${(d.bodyBase64 as string).slice(6)}`), /"bodyBase64" is damaged/],
  ];
  for (const [what, edit, message] of edits) {
    it(`${what}: exit 2 naming the file, nothing sent (not even the captures before it)`, async () => {
      const d = mkdtempSync(join(dir, 'edit-'));
      writeFileSync(join(d, '0001.json'), good());
      writeFileSync(join(d, '0002.json'), good());
      const doc = JSON.parse(good());
      edit(doc);
      writeFileSync(join(d, '0003.json'), JSON.stringify(doc));
      writeFileSync(join(d, '0004.json'), good());
      seen.length = 0;
      const r = await runCli(['replay', d, '--to', `http://${base}/webhook`]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: ${join(d, '0003.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a cg-hooks capture: `));
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('internal error');
      expect(seen).toHaveLength(0);
    });
  }

  it('a device in the save directory (a symlink to /dev/zero) is exit 2 naming it, not read forever', async () => {
    const d = mkdtempSync(join(dir, 'device-'));
    writeFileSync(join(d, '0001.json'), good());
    symlinkSync('/dev/zero', join(d, '0002.json'));
    seen.length = 0;
    const r = await runCli(['replay', d, '--to', `http://${base}/webhook`], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`cannot read capture ${join(d, '0002.json')}: not a regular file`);
    expect(seen).toHaveLength(0);
  });

  it('a directory of 135,000 captures is listed (streamed, in name order) without overflowing', async () => {
    const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    const many = mkdtempSync(join(shm, 'cg-replay-many-'));
    try {
      const n = 135_000;
      for (let i = n - 1; i >= 0; i--) closeSync(openSync(join(many, `${String(i).padStart(7, '0')}.json`), 'w'));
      writeFileSync(join(many, 'notes.txt'), 'not a capture');
      const files = await captureFiles([many]);
      expect(files.length).toBe(n);
      expect(files.at(0)).toBe(join(many, '0000000.json'));
      expect(files.at(n - 1)).toBe(join(many, `${String(n - 1).padStart(7, '0')}.json`));
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('replay never leaks', () => {
  it('--json does not print the --to URL\'s credentials', async () => {
    const file = join(dir, 'one.json');
    writeFileSync(file, good());
    const r = await runCli(['replay', file, '--to', `http://acme:pa55word@${base}/webhook?token=t0k3n&x=1`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/pa55word|t0k3n/);
    expect(JSON.parse(r.stdout.split('\n')[0]!).url).toBe(`http://acme:****@${base}/webhook?token=****&x=1`);
  });

  it('a capture that is not JSON: the character it stops at is quoted escaped, never as a raw control byte', async () => {
    const file = join(dir, 'escape.json');
    writeFileSync(file, '\x1b]0;owned\x07\x1b[31mred');
    const inObject = join(dir, 'escape-inside.json');
    writeFileSync(inObject, '{"version":\x1b[2J}');
    for (const [args, column] of [
      [['replay', file, '--to', `http://${base}/webhook`], 1],
      [['replay', inObject, '--to', `http://${base}/webhook`], 12],
      [['verify', '--capture', file, '--secret', 's3cret'], 1],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
      expect(r.stderr.split('\n')[0]).toBe(`error: ${args[1] === '--capture' ? args[2] : args[1]} is not valid JSON: line 1, column ${column}: unexpected "\\x1b", expected a JSON value`);
    }
  });

  it('a bad --to URL and a malformed -H are not echoed with their credentials', async () => {
    const file = join(dir, 'one.json');
    for (const args of [
      ['replay', file, '--to', 'http://acme:pa55word@[bad/webhook?token=t0k3n'],
      ['replay', file, '--to', 'ftp://acme:pa55word@host/x?token=t0k3n'],
      ['send', 'reward', 'trigger_event.created', '--to', 'http://acme:pa55word@[bad/x?token=t0k3n'],
      ['test', 'http://acme:pa55word@[bad/x?token=t0k3n', '--provider', 'reward'],
      ['send', 'reward', 'trigger_event.created', '--to', `http://${base}/x`, '-H', 'Authorization=Bearer-pa55word'],
      ['send', 'reward', 'trigger_event.created', '--to', `http://${base}/x`, '-H', 'X-Api-Key pa55word'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(/pa55word|t0k3n/);
    }
  });

  it('WebEngage: a masked secret parameter is never sent; --resign computes it again from --secret and the license code', async () => {
    const licenseCode = '~2024c5d1';
    const key = 'we-s3cret-key';
    const md5 = createHash('md5').update(`${licenseCode}:${key}`).digest('hex');
    const file = join(dir, 'webengage.json');
    writeFileSync(
      file,
      serializeCapture({ method: 'POST', path: '/we', query: { eventType: 'user_event', licenseCode, secret: mask(md5) }, headers: { 'content-type': 'application/json' }, body: BODY, provider: 'webengage', event: 'event' }),
    );
    seen.length = 0;
    const plain = await runCli(['replay', file, '--to', `http://${base}/we`]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(new URL(seen[0]!.url, 'http://x').searchParams.get('secret')).toBeNull();
    expect(plain.stderr).toContain('--license-code <code> --secret <key>');

    const resigned = await runCli(['replay', file, '--to', `http://${base}/we`, '--resign', '--secret', key, '--json']);
    expect(resigned.code, resigned.stderr).toBe(0);
    const query = new URL(seen[1]!.url, 'http://x').searchParams;
    expect(query.get('secret')).toBe(md5);
    expect(query.get('licenseCode')).toBe(licenseCode);
    expect(seen[1]!.body.equals(BODY)).toBe(true);
    expect(resigned.stdout).not.toContain(md5);
  });
});
