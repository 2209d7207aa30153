// `cg-hooks listen` as a user runs it: the built binary, real HTTP, deliveries signed independently.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../src/core/capture.js';
import { maskQuery } from '../src/core/redact.js';
import { prepareGenerator } from '../src/core/generate.js';
import { loadAllProviders } from '../src/providers/index.js';
import type { ProviderDef } from '../src/providers/types.js';
import { signRequest } from '../src/signing/index.js';
import { BIN } from './helpers/cli.js';
import { post, startListen, withQuery, type ListenProcess } from './helpers/listener.js';

const SECRET = 's3cret-listen';
const API_KEY = 'write-key-123';
const USER = 'rehook-user:pa55';
const LICENSE = '~2024c5d1';
const CREDS = ['--secret', SECRET, '--api-key', API_KEY, '--user', USER, '--license-code', LICENSE];

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Case {
  provider: ProviderDef;
  event: string;
  aliases: string[];
  variant?: string;
  body: Buffer;
  headers: Record<string, string>;
  query: Record<string, string>;
}

function signed(provider: ProviderDef, event: string, body: Buffer, secret = SECRET) {
  const s = signRequest(provider.signing, body, { secret, apiKey: API_KEY, user: USER, licenseCode: LICENSE, eventType: event });
  return { headers: { ...provider.headers, ...s.headers }, query: s.query };
}

let providers: ProviderDef[];
let cases: Case[];
let dir: string;

beforeAll(async () => {
  providers = await loadAllProviders();
  cases = [];
  for (const provider of providers) {
    for (const e of provider.events) {
      for (const variant of e.variants?.length ? e.variants.map((v) => v.name) : [undefined]) {
        const d = prepareGenerator(provider, e.name, { seed: `${provider.id}/${e.name}/${variant}`, variant, now: Date.now() }).make(0);
        cases.push({ provider, event: e.name, aliases: [e.name, ...(e.aliases ?? [])], variant, body: d.body, ...signed(provider, e.name, d.body) });
      }
    }
  }
  dir = mkdtempSync(join(tmpdir(), 'cg-listen-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('listen: every provider and event', () => {
  it('accepts every signed delivery as valid, detects provider and event, saves byte-identical captures', async () => {
    const save = join(dir, 'all');
    const l = await startListen([...CREDS, '--save', save, '--expect', String(cases.length), '--timeout', '15']);
    const answers: Array<Awaited<ReturnType<typeof post>>> = [];
    for (const c of cases) answers.push(await post(withQuery(`${l.url}/webhook`, c.query), c.body, c.headers));
    const { code, stderr } = await l.exited;
    const reports = l.deliveries();
    expect(reports).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      const r = reports.find((x) => x.seq === i + 1)!;
      const label = `${c.provider.id} ${c.event} ${c.variant ?? ''}`;
      expect(answers[i]!.status, label).toBe(200);
      expect({ label, provider: r.provider, verdict: r.verdict, problems: r.problems }).toEqual({ label, provider: c.provider.id, verdict: 'valid', problems: [] });
      expect(c.aliases, label).toContain(r.event);
      expect(['valid', 'unsigned'], label).toContain(r.signature.status);
      expect(['valid', 'none'], label).toContain(r.auth.status);
      expect(r.sha256).toBe(sha256(c.body));
      const capture = readCapture(r.capture.path);
      expect(sha256(capture.body), label).toBe(sha256(c.body));
      expect(capture.body.equals(c.body)).toBe(true);
      expect(capture.provider).toBe(c.provider.id);
      // Credentials are saved masked (never on disk: WebEngage's `secret` too); everything else as it arrived.
      expect(capture.query).toEqual(maskQuery(c.query));
      for (const [name, value] of Object.entries(c.headers)) {
        const masked = ['authorization', 'x-api-key'].includes(name.toLowerCase());
        expect(capture.headers[name.toLowerCase()], `${label} ${name}`).toBe(masked ? `****(${value.length} chars)` : value);
      }
    });
    expect(readdirSync(save).filter((f) => f.endsWith('.json'))).toHaveLength(cases.length);
    expect(readdirSync(save).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(code, stderr).toBe(0);
    const summary = l.events.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', reason: 'expect', deliveries: cases.length, valid: cases.length, invalid: 0 });
  });

  it('answers 401 and marks invalid: tampered, unsigned and wrong-secret deliveries', async () => {
    const l = await startListen(CREDS);
    try {
      const expected: Array<{ label: string; status: number }> = [];
      const got: Array<{ label: string; status: number }> = [];
      for (const c of cases.filter((x) => x.variant === undefined || x.variant === x.provider.events.find((e) => e.name === x.event)!.variants![0]!.name)) {
        const scheme = c.provider.signing.scheme;
        if (scheme === 'none') continue;
        const attempts: Array<[string, Buffer, ReturnType<typeof signed>]> = [];
        const stripped = { headers: { ...c.provider.headers }, query: {} as Record<string, string> };
        attempts.push(['unsigned', c.body, stripped]);
        attempts.push(['wrong secret', c.body, signRequestWrong(c)]);
        // Only an HMAC covers the body: for API keys, basic auth and WebEngage a changed body is still authentic.
        if (['customerglu', 'mgpass', 'segment'].includes(scheme)) {
          const tampered = Buffer.from(c.body.toString('utf8').replace(/"(\w+)":"/, '"$1":"x'));
          attempts.push(['tampered', tampered, { headers: c.headers, query: c.query }]);
        }
        for (const [kind, body, s] of attempts) {
          const label = `${c.provider.id} ${c.event} ${kind}`;
          const reply = await post(withQuery(`${l.url}/webhook`, s.query), body, s.headers);
          expected.push({ label, status: 401 });
          got.push({ label, status: reply.status });
        }
      }
      expect(got).toEqual(expected);
      const reports = await l.waitForDeliveries(expected.length);
      for (const r of reports) {
        expect(r.verdict).toBe('invalid');
        expect(r.status).toBe(401);
        expect(r.duplicate).toBeNull();
      }
    } finally {
      await l.stop();
    }
  });
});

function signRequestWrong(c: Case) {
  const s = signRequest(c.provider.signing, c.body, { secret: 'not-the-secret', apiKey: 'wrong-key', user: 'rehook-user:wrong', licenseCode: LICENSE, eventType: c.event });
  return { headers: { ...c.provider.headers, ...s.headers }, query: s.query };
}

describe('listen: deliveries signed by Python', () => {
  const vectors = JSON.parse(readFileSync(new URL('../fixtures/deliveries/python-signed.json', import.meta.url), 'utf8')) as {
    secret: string;
    licenseCode: string;
    deliveries: Array<{ provider: string; event: string | null; headers: Record<string, string>; query: Record<string, string>; bodyBase64: string; sha256: string }>;
  };
  for (const v of vectors.deliveries) {
    it(`verifies ${v.provider}'s signature made by Python's hmac`, async () => {
      const body = Buffer.from(v.bodyBase64, 'base64');
      expect(sha256(body)).toBe(v.sha256);
      const l = await startListen(['--provider', v.provider, '--secret', vectors.secret, '--license-code', vectors.licenseCode, '--expect', '2', '--timeout', '10']);
      const good = await post(withQuery(`${l.url}/hook`, v.query), body, v.headers);
      const bad = await post(withQuery(`${l.url}/hook`, v.query), Buffer.concat([body, Buffer.from('\n')]), v.headers);
      const [first, second] = await l.waitForDeliveries(2);
      await l.exited;
      expect(good.status).toBe(200);
      expect(first!.sha256).toBe(v.sha256);
      expect(first!.signature.status === 'valid' || first!.auth.status === 'valid').toBe(true);
      // A trailing newline breaks an HMAC over the body (the WebEngage secret does not cover the body).
      if (v.provider !== 'webengage') {
        expect(bad.status).toBe(401);
        expect(second!.signature.status).toBe('invalid');
      }
    });
  }
});

describe('listen: bad input never stops it', () => {
  let l: ListenProcess;
  let save: string;
  beforeAll(async () => {
    save = join(dir, 'bad');
    l = await startListen(['--secret', SECRET, '--max-body', '1kb', '--save', save, '--request-timeout', '1']);
  });
  afterAll(async () => {
    await l.stop();
  });
  const valid = () => cases.find((c) => c.provider.id === 'customerglu' && c.event === 'reward')!;

  it('413 over --max-body, then the next delivery is still accepted', async () => {
    const before = l.deliveries().length;
    const big = Buffer.from(JSON.stringify({ rewardId: 'x', pad: 'a'.repeat(4000) }));
    const r1 = await post(`${l.url}/webhook`, big);
    expect(r1.status).toBe(413);
    const c = valid();
    const r2 = await post(`${l.url}/webhook`, c.body, c.headers);
    expect(r2.status).toBe(200);
    const [tooBig, ok] = (await l.waitForDeliveries(before + 2)).slice(before);
    expect(tooBig).toMatchObject({ status: 413, bodyKind: 'too-large', verdict: 'invalid', size: big.length });
    expect(tooBig!.capture).toBeUndefined();
    expect(ok).toMatchObject({ status: 200, verdict: 'valid' });
  });

  it('413, not 400, for a gzip body that decodes past --max-body; the compressed bytes are captured as they came', async () => {
    const before = l.deliveries().length;
    const { gzipSync } = await import('node:zlib');
    const bomb = gzipSync(JSON.stringify({ rewardId: 'x', pad: 'a'.repeat(8000) }));
    expect(bomb.length).toBeLessThan(1024);
    const r = await post(`${l.url}/webhook`, bomb, { 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ error: 'payload_too_large', message: expect.stringContaining('decodes to more than 1024 bytes (--max-body)') });
    const [report] = (await l.waitForDeliveries(before + 1)).slice(before);
    expect(report).toMatchObject({ status: 413, bodyKind: 'too-large', contentEncoding: 'gzip', problems: ['too large'], body: null });
    expect(readCapture(report!.capture.path).body.equals(bomb)).toBe(true);
  });

  it('400 on malformed JSON, invalid UTF-8 and form bodies, each captured raw', async () => {
    const before = l.deliveries().length;
    const bodies: Array<[Buffer, Record<string, string>, string]> = [
      [Buffer.from('{"rewardId": "a",'), {}, 'malformed-json'],
      [Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {}, 'invalid-utf8'],
      [Buffer.from('a=1&b=two+words'), { 'content-type': 'application/x-www-form-urlencoded' }, 'form'],
      [Buffer.alloc(0), {}, 'empty'],
    ];
    for (const [body, headers] of bodies) expect((await post(`${l.url}/webhook`, body, headers)).status).toBe(400);
    const reports = (await l.waitForDeliveries(before + bodies.length)).slice(before);
    reports.forEach((r, i) => {
      expect(r.bodyKind).toBe(bodies[i]![2]);
      expect(r.status).toBe(400);
      expect(readCapture(r.capture.path).body.equals(bodies[i]![0])).toBe(true);
    });
    expect(reports[2]!.body).toEqual({ a: '1', b: 'two words' });
    const c = valid();
    expect((await post(`${l.url}/webhook`, c.body, c.headers)).status).toBe(200);
  });

  it('cuts off a client that never finishes its headers (408) and keeps serving', async () => {
    const { port, hostname } = new URL(l.url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(5000);
    const c = valid();
    expect((await post(`${l.url}/webhook`, c.body, c.headers)).status).toBe(200);
  });

  it('serves 200 concurrent connections without dropping one', async () => {
    const cg = providers.find((p) => p.id === 'customerglu')!;
    const body = prepareGenerator(cg, 'reward', { seed: 'concurrent' }).make(0).body;
    const c = { body, headers: signed(cg, 'reward', body).headers };
    const replies = await Promise.all(Array.from({ length: 200 }, () => post(`${l.url}/webhook`, c.body, c.headers)));
    expect(replies.map((r) => r.status).every((s) => s === 200)).toBe(true);
    const hash = sha256(body);
    const reports = await l.waitForMatching(200, (r) => r.sha256 === hash);
    expect(new Set(reports.map((r) => r.seq)).size).toBe(200);
    expect(reports.filter((r) => r.duplicate).length).toBe(199); // the same delivery 200 times at once: one original
  });

  it('GET is not a delivery', async () => {
    await new Promise((res) => setTimeout(res, 100)); // lines of earlier deliveries are written in batches
    const before = l.deliveries().length;
    const r = await post(`${l.url}/`, '', {}, 'GET');
    expect(r.status).toBe(200);
    expect(r.body).toContain('cg-hooks listen');
    await new Promise((res) => setTimeout(res, 100));
    expect(l.deliveries().length).toBe(before);
  });
});

describe('listen: answers, relaying and exit codes', () => {
  it('--forward-to relays the same bytes and end-to-end headers and answers with the target status', async () => {
    const seen: Array<{ body: Buffer; headers: IncomingMessage['headers']; url: string }> = [];
    const target = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        seen.push({ body: Buffer.concat(chunks), headers: req.headers, url: req.url ?? '' });
        res.writeHead(202, { 'content-type': 'text/plain' }).end('queued');
      });
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const port = (target.address() as { port: number }).port;
    const l = await startListen(['--secret', SECRET, '--forward-to', `http://127.0.0.1:${port}/receiver`, '--expect', '1', '--timeout', '10']);
    const c = cases.find((x) => x.provider.id === 'customerglu')!;
    const reply = await post(`${l.url}/webhook?src=cg`, c.body, { ...c.headers, 'x-custom': 'kept', connection: 'keep-alive' });
    const { code } = await l.exited;
    target.close();
    expect(reply.status).toBe(202);
    expect(reply.body).toBe('queued');
    expect(seen).toHaveLength(1);
    expect(sha256(seen[0]!.body)).toBe(sha256(c.body));
    expect(seen[0]!.url).toBe('/receiver?src=cg');
    expect(seen[0]!.headers['x-cg-signature']).toBe(c.headers['X-CG-SIGNATURE']);
    expect(seen[0]!.headers['x-custom']).toBe('kept');
    const [r] = l.deliveries();
    expect(r).toMatchObject({ status: 202, statusReason: 'forwarded', verdict: 'valid', forward: { status: 202 } });
    expect(code).toBe(0);
  });

  it('--fail-first n --respond code: the first n answered with the code, the retry accepted and not a duplicate', async () => {
    const l = await startListen(['--secret', SECRET, '--fail-first', '2', '--respond', '503', '--expect', '4', '--timeout', '10']);
    const c = cases.find((x) => x.provider.id === 'customerglu' && x.event === 'reward')!;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(`${l.url}/webhook`, c.body, c.headers)).status);
    await l.exited;
    expect(statuses).toEqual([503, 503, 200, 200]);
    const reports = l.deliveries();
    expect(reports.map((r) => r.duplicate?.firstSeq ?? null)).toEqual([null, null, null, 3]);
    expect(reports.every((r) => r.verdict === 'valid')).toBe(true);
  });

  it('an invalid signature gets the one-line --explain diagnosis', async () => {
    const l = await startListen(['--secret', SECRET, '--expect', '1', '--timeout', '10']);
    const c = cases.find((x) => x.provider.id === 'customerglu' && x.event === 'reward')!;
    // Signed over the compact bytes, sent pretty-printed: the classic re-serialization mismatch.
    const pretty = Buffer.from(JSON.stringify(JSON.parse(c.body.toString('utf8')), null, 2));
    expect((await post(`${l.url}/webhook`, pretty, c.headers)).status).toBe(401);
    await l.exited;
    const [r] = l.deliveries();
    expect(r!.signature.status).toBe('invalid');
    expect(r!.signature.explain).toMatch(/JSON\.stringify\(JSON\.parse\(body\)\)/);
    expect(r!.signature.explain).not.toContain('\n');
  });

  it('--expect exits 1 when a delivery was invalid', async () => {
    const l = await startListen(['--secret', SECRET, '--expect', '1', '--timeout', '10']);
    const c = cases.find((x) => x.provider.id === 'customerglu')!;
    await post(`${l.url}/webhook`, c.body, { ...c.headers, 'X-CG-SIGNATURE': '0'.repeat(40) });
    const { code } = await l.exited;
    expect(code).toBe(1);
  });

  it('--expect n reached by a burst of n concurrent deliveries: every sender still gets its answer (exit 0)', async () => {
    // Answers are written together at the end of an event-loop turn; stopping on the nth report must not drop them.
    const l = await startListen(['--secret', SECRET, '--expect', '40', '--timeout', '15']);
    const c = cases.find((x) => x.provider.id === 'customerglu')!;
    const replies = await Promise.all(Array.from({ length: 40 }, () => post(`${l.url}/webhook`, c.body, c.headers)));
    const { code } = await l.exited;
    expect(replies.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(code).toBe(0);
    expect(l.events.at(-1)).toMatchObject({ type: 'summary', reason: 'expect', deliveries: 40, valid: 40 });
  });

  it('--timeout before --expect is reached exits 1 and says so', async () => {
    const l = await startListen(['--expect', '2', '--timeout', '0.5']);
    const c = cases.find((x) => x.provider.id === 'customerglu')!;
    await post(`${l.url}/webhook`, c.body, c.headers);
    const { code, stderr } = await l.exited;
    expect(code).toBe(1);
    expect(stderr).toContain('ready on');
    expect(l.events.at(-1)).toMatchObject({ type: 'summary', reason: 'timeout', deliveries: 1, exitCode: 1 });
  });

  it('Ctrl-C closes cleanly with a summary by verdict (exit 130)', async () => {
    const l = await startListen(['--secret', SECRET]);
    const c = cases.find((x) => x.provider.id === 'customerglu')!;
    await post(`${l.url}/webhook`, c.body, c.headers);
    await post(`${l.url}/webhook`, c.body, {});
    await l.waitForDeliveries(2);
    const { code } = await l.stop('SIGINT');
    expect(code).toBe(130);
    expect(l.events.at(-1)).toMatchObject({ type: 'summary', reason: 'interrupt', deliveries: 2, valid: 1, invalid: 1, problems: { 'signature missing': 1 } });
  });

  it('human output: a line per delivery with its verdicts on stdout, summary on stderr, secrets masked', async () => {
    const child = spawn(process.execPath, [BIN, 'listen', '--secret', SECRET, '--api-key', API_KEY, '--expect', '2', '--timeout', '10'], {
      env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    const url = await new Promise<string>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d;
        const m = /ready on (http:\/\/\S+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
    });
    const c = cases.find((x) => x.provider.id === 'customerglu' && x.event === 'reward')!;
    await post(`${url}/webhook`, c.body, c.headers);
    await post(`${url}/webhook`, c.body, { ...c.headers, 'X-CG-SIGNATURE': 'f'.repeat(40) });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^#1 \d\d:\d\d:\d\d POST \/webhook {2}customerglu reward {2}✓ signature valid \(X-CG-SIGNATURE\) {2}✓ schema {2}→ 200/);
    expect(stdout).toMatch(/#2 .*✗ signature invalid \(X-CG-SIGNATURE\).*→ 401/);
    expect(stdout).toContain('X-CG-SIGNATURE does not match the body');
    expect(stdout).toContain('"rewardId"'); // the body, pretty (not a terminal: in full)
    expect(stderr).toMatch(/2 deliveries: 1 valid, 1 invalid \(signature invalid ×1\)/);
    expect(stdout + stderr).not.toContain(SECRET);
    expect(stdout + stderr).not.toContain(API_KEY);
  });
});
