// End-to-end: the built `cg-hooks test` against reference receivers (node:http on free 127.0.0.1 ports).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import {
  apiKeyAuth,
  basicAuth,
  closedPort,
  correct,
  crashes,
  hmacAuth,
  neverVerifies,
  rejectsDuplicates,
  reserializes,
  standardWebhooksAuth,
  startReceiver,
  type Handler,
  type Receiver,
} from './helpers/receivers.js';

const SECRET = 'PbTJp694bmgrfJpJPQmrjGfjgq';
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const dir = mkdtempSync(join(tmpdir(), 'cg-hooks-conformance-'));
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
  expected: string;
  status: number | null;
  latencyMs: number | null;
  verdict: 'pass' | 'fail' | 'warn' | 'skip';
  hint: string | null;
  required: boolean;
}
interface JsonReport {
  url: string;
  provider: string;
  cases: JsonCase[];
  summary: { passed: number; failed: number; warnings: number; skipped: number };
}

let junitCount = 0;
/** Runs `cg-hooks test … --json --junit file` and returns the exit code, the report and the parsed JUnit suite. */
async function conformance(url: string, args: string[]) {
  const junit = join(dir, `report-${++junitCount}.xml`);
  const r = await runCli(['test', url, ...args, '--json', '--junit', junit]);
  const xml = readFileSync(junit, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  const suite = parsed.testsuites.testsuite;
  const testcases = ([] as Array<Record<string, unknown>>).concat(suite.testcase ?? []);
  const report = r.stdout ? (JSON.parse(r.stdout) as JsonReport) : undefined;
  return { code: r.code, stderr: r.stderr, report: report!, suite, testcases, xml };
}

const failed = (report: JsonReport) => report.cases.filter((c) => c.verdict === 'fail').map((c) => c.name);
const byName = (report: JsonReport, name: string) => report.cases.find((c) => c.name === name)!;

describe('cg-hooks test: customerglu reference receivers', () => {
  const cg = ['--provider', 'customerglu', '--secret', SECRET];
  const auth = hmacAuth('sha1', 'X-CG-SIGNATURE', SECRET);

  it('passes a correct receiver: exit 0, every case passes, JUnit has no failures', async () => {
    const r = await receiver(correct(auth));
    const { code, report, suite, testcases } = await conformance(r.url, cg);
    expect(code).toBe(0);
    expect(report.provider).toBe('customerglu');
    expect(report.cases.map((c) => c.name)).toEqual([
      'valid:reward',
      'valid:nudge',
      'valid:raw-event',
      'valid:non-ascii',
      'duplicate',
      'wrong-secret',
      'missing-signature',
      'tampered-body',
      'truncated-signature',
      'garbage-signature',
      'malformed-json',
      'non-compact-body',
    ]);
    expect(report.summary).toEqual({ passed: 12, failed: 0, warnings: 0, skipped: 0 });
    expect(byName(report, 'wrong-secret').status).toBe(401);
    expect(byName(report, 'malformed-json').status).toBe(400);
    expect(typeof byName(report, 'valid:reward').latencyMs).toBe('number');
    expect(suite.tests).toBe('12');
    expect(suite.failures).toBe('0');
    expect(testcases).toHaveLength(12);
    // Exactly one request per case plus nothing else: no retries in a conformance run.
    expect(r.requests).toBe(12);
  });

  it('fails a receiver that never verifies, on exactly the forged cases', async () => {
    const r = await receiver(neverVerifies());
    const { code, report, suite, testcases } = await conformance(r.url, cg);
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['wrong-secret', 'missing-signature', 'tampered-body', 'truncated-signature', 'garbage-signature']);
    expect(byName(report, 'wrong-secret').hint).toBe('accepted a body signed with the wrong secret: the receiver does not verify signatures');
    expect(byName(report, 'missing-signature').hint).toContain('X-CG-SIGNATURE');
    expect(byName(report, 'tampered-body').hint).toMatch(/changed from .* after signing/);
    expect(suite.failures).toBe('5');
    const failures = testcases.filter((t) => t.failure !== undefined);
    expect(failures.map((t) => t.name)).toEqual(failed(report));
    expect((failures[0]!.failure as Record<string, string>).message).toContain('does not verify signatures');
  });

  it('warns (exit 0) about a receiver that re-serializes before verifying', async () => {
    const r = await receiver(reserializes('sha1', 'X-CG-SIGNATURE', SECRET));
    const { code, report, suite, testcases } = await conformance(r.url, cg);
    expect(code).toBe(0);
    expect(report.summary).toMatchObject({ failed: 0, warnings: 1 });
    const c = byName(report, 'non-compact-body');
    expect(c).toMatchObject({ verdict: 'warn', status: 401, required: false });
    expect(c.hint).toContain('re-serializes');
    expect(suite.failures).toBe('0');
    const warned = testcases.find((t) => t.name === 'non-compact-body')!;
    expect(String(warned['system-out'])).toMatch(/^warning: .*re-serializes/);
  });

  it('fails a receiver that crashes with 500 on a missing header, with the crash hint', async () => {
    const r = await receiver(crashes('sha1', 'X-CG-SIGNATURE', SECRET));
    const { code, report, suite } = await conformance(r.url, cg);
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['missing-signature', 'truncated-signature']);
    const missing = byName(report, 'missing-signature');
    expect(missing.status).toBe(500);
    expect(missing.hint).toMatch(/crashed on a missing X-CG-SIGNATURE header/);
    expect(byName(report, 'truncated-signature').hint).toMatch(/timingSafeEqual throws on a length mismatch/);
    expect(suite.failures).toBe('2');
  });

  it('fails a receiver that rejects duplicates, on the duplicate case only', async () => {
    const r = await receiver(rejectsDuplicates(auth));
    const { code, report, suite } = await conformance(r.url, cg);
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['duplicate']);
    expect(byName(report, 'duplicate').status).toBe(409);
    expect(byName(report, 'duplicate').hint).toMatch(/^rejected a duplicate with 409: .*de-duplicate on "[0-9a-f-]{36}"/);
    expect(suite.failures).toBe('1');
  });

  it('prints a table on stdout and the verdict on stderr', async () => {
    const r = await receiver(neverVerifies());
    const out = await runCli(['test', r.url, ...cg, '--only', 'valid:reward,wrong-secret']);
    expect(out.code).toBe(1);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^case\s+expected\s+got\s+verdict\s+hint$/);
    expect(out.stdout).toMatch(/wrong-secret\s+4xx\s+200 [\d.]+ ms\s+FAIL\s+accepted a body signed with the wrong secret/);
    expect(out.stdout).toMatch(/duplicate\s+2xx\s+-\s+skip\s+not selected \(--only\)/);
    expect(out.stderr).toContain('1 of 2 cases failed');
    expect(out.stderr).not.toContain(SECRET);
  });
});

describe('cg-hooks test: other schemes', () => {
  it('mgpass: the re-serializing sample receiver only warns; --only selects cases', async () => {
    const r = await receiver(reserializes('sha256', 'X-Webhook-Signature', 'mg-secret'));
    const { code, report } = await conformance(r.url, ['--provider', 'mgpass', '--secret', 'mg-secret', '--only', 'valid,non-compact-body', '--event', 'rewards.points_awarded']);
    expect(code).toBe(0);
    expect(report.cases.filter((c) => c.verdict !== 'skip').map((c) => c.name)).toEqual(['valid:rewards.points_awarded', 'non-compact-body']);
    expect(byName(report, 'non-compact-body').verdict).toBe('warn');
  });

  it('rehook (basic auth): passes a checking receiver, fails one that ignores credentials', async () => {
    const user = 'acme:pa55';
    const good = await receiver(correct(basicAuth(user)));
    const ok = await conformance(good.url, ['--provider', 'rehook', '--user', user, '--event', 'customer.rewarded']);
    expect(ok.code).toBe(0);
    expect(byName(ok.report, 'wrong-credentials')).toMatchObject({ status: 401, verdict: 'pass' });
    expect(byName(ok.report, 'no-credentials')).toMatchObject({ status: 401, verdict: 'pass' });

    const bad = await receiver(neverVerifies());
    const ko = await conformance(bad.url, ['--provider', 'rehook', '--user', user, '--event', 'customer.rewarded']);
    expect(ko.code).toBe(1);
    expect(failed(ko.report)).toEqual(['wrong-credentials', 'no-credentials']);
    expect(byName(ko.report, 'wrong-credentials').hint).toContain('does not check basic auth');
    expect(ko.suite.failures).toBe('2');
  });

  it('customerglu-events (API key): passes a receiver that checks X-API-KEY', async () => {
    const r = await receiver(correct(apiKeyAuth('cg-write-key-123')));
    const { code, report } = await conformance(r.url, ['--provider', 'customerglu-events', '--api-key', 'cg-write-key-123']);
    expect(code).toBe(0);
    expect(report.cases.map((c) => c.name)).toEqual(['valid:event', 'valid:non-ascii', 'duplicate', 'wrong-credentials', 'no-credentials', 'malformed-json']);
    expect(report.summary.failed).toBe(0);
  });

  it('standard-webhooks via --scheme: stale and future timestamps must be rejected', async () => {
    const args = ['--provider', 'customerglu', '--scheme', 'standard-webhooks', '--secret', WHSEC, '--event', 'reward'];
    const good = await receiver(correct(standardWebhooksAuth(WHSEC)));
    const ok = await conformance(good.url, args);
    expect(ok.code).toBe(0);
    expect(byName(ok.report, 'stale-timestamp')).toMatchObject({ verdict: 'pass', status: 401 });
    expect(byName(ok.report, 'future-timestamp')).toMatchObject({ verdict: 'pass', status: 401 });
    // Standard Webhooks signs raw bytes: the non-compact case is required here.
    expect(byName(ok.report, 'non-compact-body')).toMatchObject({ verdict: 'pass', required: true });

    const lax = await receiver(correct(standardWebhooksAuth(WHSEC, false)));
    const ko = await conformance(lax.url, args);
    expect(ko.code).toBe(1);
    expect(failed(ko.report)).toEqual(['stale-timestamp', 'future-timestamp']);
    expect(byName(ko.report, 'stale-timestamp').hint).toContain('replayed');
  });

  it('reward (unsigned): signature cases are skipped and said to be', async () => {
    const r = await receiver(neverVerifies());
    const { code, report, stderr, suite } = await conformance(r.url, ['--provider', 'reward']);
    expect(code).toBe(0);
    expect(report.summary).toEqual({ passed: 4, failed: 0, warnings: 0, skipped: 6 });
    expect(byName(report, 'wrong-secret')).toMatchObject({ verdict: 'skip', hint: 'reward does not sign deliveries' });
    expect(byName(report, 'valid:non-ascii')).toMatchObject({ verdict: 'skip', hint: expect.stringContaining('no free text') });
    expect(suite.skipped).toBe('6');
    expect(stderr).toBe('');
    const human = await runCli(['test', r.url, '--provider', 'reward']);
    expect(human.stderr).toContain('signature cases are skipped: reward does not sign deliveries');
  });
});

describe('cg-hooks test: usage and network', () => {
  it('exits 3 when the receiver cannot be reached, and says what to do', async () => {
    const port = await closedPort();
    const junit = join(dir, 'unreachable.xml');
    const r = await runCli(['test', `http://127.0.0.1:${port}/webhook`, '--provider', 'customerglu', '--secret', SECRET, '--junit', junit]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`cannot reach the receiver: nothing is listening on 127.0.0.1:${port}`);
    expect(r.stdout).toBe('');
    const suite = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8')).testsuites.testsuite;
    expect(suite.errors).toBe('1');
    const json = await runCli(['test', `http://127.0.0.1:${port}/webhook`, '--provider', 'customerglu', '--secret', SECRET, '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'connection_refused', message: expect.stringContaining('nothing is listening'), hint: expect.stringContaining('start your receiver') } });
  });

  it("a redirect's Location with a C1 control (CSI, 0x9b) is shown escaped in the table, kept as is in --json", async () => {
    const { createServer } = await import('node:net');
    const server = createServer((s) => {
      s.on('error', () => undefined);
      s.on('data', () => s.write(Buffer.concat([Buffer.from('HTTP/1.1 302 Found\r\nLocation: /x'), Buffer.from([0x9b]), Buffer.from('2J\r\nContent-Length: 0\r\n\r\n')])));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhook`;
      const r = await runCli(['test', url, '--provider', 'customerglu', '--secret', SECRET, '--only', 'valid:reward']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('redirect to /x\\x9b2J');
      expect(r.stdout).not.toContain('\u009b');
      const json = await runCli(['test', url, '--provider', 'customerglu', '--secret', SECRET, '--only', 'valid:reward', '--json']);
      expect(JSON.parse(json.stdout).cases[0].hint).toContain('/x\u009b2J');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a redirect that keeps the query (http → https) does not put WebEngage's secret or a token into the report", async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(301, { location: `https://u:pw@${req.headers.host}${req.url}&token=tok123` }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhook`;
      const junit = join(dir, 'redirect-secret.xml');
      const args = ['test', url, '--provider', 'webengage', '--secret', SECRET, '--license-code', '~2024c5d1', '--only', 'valid:event'];
      const { createHash } = await import('node:crypto');
      const credential = createHash('md5').update(`~2024c5d1:${SECRET}`).digest('hex');
      const human = await runCli([...args, '--junit', junit]);
      const json = await runCli([...args, '--json']);
      expect(human.code).toBe(1);
      expect(human.stdout).toContain('redirect to https://u:****@127.0.0.1');
      expect(JSON.parse(json.stdout).cases[0].hint).toMatch(/redirect to https:\/\/u:\*{4}@127\.0\.0\.1:\d+\/webhook\?eventType=event&licenseCode=~2024c5d1&secret=\*{4}&token=\*{4}\)/);
      for (const text of [human.stdout, human.stderr, json.stdout, readFileSync(junit, 'utf8')]) {
        expect(text).not.toContain(credential);
        expect(text).not.toContain('tok123');
        expect(text).not.toContain(':pw@');
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps going when the receiver hangs on a case, and fails that case', async () => {
    const auth = hmacAuth('sha1', 'X-CG-SIGNATURE', SECRET);
    const hangs: Handler = (req) => {
      if (req.headers['x-cg-signature'] === undefined) return 'hang';
      return correct(auth)(req);
    };
    const r = await receiver(hangs);
    const { code, report } = await conformance(r.url, ['--provider', 'customerglu', '--secret', SECRET, '--timeout', '300ms', '--only', 'missing-signature,wrong-secret']);
    expect(code).toBe(1);
    expect(byName(report, 'missing-signature')).toMatchObject({ verdict: 'fail', status: null, latencyMs: null, hint: expect.stringMatching(/^no response within 0.3 s to a forged delivery/) });
    expect(byName(report, 'wrong-secret')).toMatchObject({ verdict: 'pass', status: 401 });
  });

  it('exits 2 without the secret a signing scheme needs, and on an unknown case name', async () => {
    const r = await runCli(['test', 'http://127.0.0.1:9/webhook', '--provider', 'mgpass'], { env: { CG_HOOKS_SECRET: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mgPass signs deliveries: pass the receiver's secret with --secret/);
    const bad = await runCli(['test', 'http://127.0.0.1:9/webhook', '--provider', 'customerglu', '--secret', 's', '--only', 'wrong-secrt']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no case named "wrong-secrt" (did you mean "wrong-secret"?)');
  });

  it('--list prints the case names for a provider without a secret', async () => {
    const r = await runCli(['test', '--list', '--provider', 'customerglu', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { cases: Array<{ name: string; required: boolean }> };
    expect(list.cases.map((c) => c.name)).toContain('truncated-signature');
    expect(list.cases.find((c) => c.name === 'non-compact-body')!.required).toBe(false);
  });
});
