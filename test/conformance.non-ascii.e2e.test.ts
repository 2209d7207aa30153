// valid:non-ascii against receivers that lose multi-byte text before checking the signature, as real ones do:
// a body decoded as Latin-1 (a servlet's default, Node's 'latin1'/'binary'), and a body re-serialized with ASCII
// escapes (Python's json.dumps with ensure_ascii, its default). Both are real HTTP servers on 127.0.0.1 run
// against the built binary; a correct receiver passes the same run.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { deliveryCases } from '../src/testing.js';
import { runCli } from './helpers/cli.js';
import { startReceiver, type Handler, type Incoming, type Receiver } from './helpers/receivers.js';

const SECRET = 'cg-token-non-ascii';
const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

const given = (req: Incoming) => String(req.headers['x-cg-signature'] ?? '');
const signatureOf = (text: string | Buffer) => createHmac('sha1', SECRET).update(text).digest('hex');
function same(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Checks the HMAC over what `text` makes of the body, answers 400 to a body that does not parse. */
function receiverOver(text: (body: Buffer) => string | Buffer): Handler {
  return (req) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      return 400;
    }
    void parsed;
    return same(given(req), signatureOf(text(req.body))) ? 200 : 401;
  };
}

/** `body.toString('latin1')`, then the HMAC over that string (which Node encodes as UTF-8): each é becomes Ã©. */
const latin1 = receiverOver((body) => body.toString('latin1'));
/** Python's `json.dumps(json.loads(body), separators=(',', ':'))`: compact, but every non-ASCII character escaped. */
const ensureAscii = receiverOver((body) => JSON.stringify(JSON.parse(body.toString('utf8'))).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
/** The raw bytes, as received. */
const correct = receiverOver((body) => body);

interface Report {
  ok: boolean;
  cases: Array<{ name: string; verdict: string; status: number | null; hint: string | null; description: string }>;
}

async function run(handler: Handler, extra: string[] = []): Promise<{ code: number | null; report: Report }> {
  const receiver = await startReceiver(handler);
  receivers.push(receiver);
  const r = await runCli(['test', receiver.url, '--provider', 'customerglu', '--secret', SECRET, '--seed', '14', '--json', ...extra]);
  expect(r.stdout, r.stderr).not.toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

const LOSSY = [/getBytes\(\)/, /LANG=C/, /Latin-1/, /ensure_ascii/];

describe('valid:non-ascii', () => {
  it('a receiver that decodes the body as Latin-1 before the HMAC fails it, with a hint naming the lossy charsets', async () => {
    const { code, report } = await run(latin1);
    expect(code).toBe(1);
    const text = report.cases.find((c) => c.name === 'valid:non-ascii')!;
    expect(text).toMatchObject({ verdict: 'fail', status: 401 });
    for (const word of LOSSY) expect(text.hint).toMatch(word);
    // It names the delivery it sent: an event and text with an emoji.
    expect(text.hint).toMatch(/\((reward|nudge|raw-event)[^:]*: ".*[\u{1F300}-\u{1FAFF}]/u);
  });

  it("a receiver that re-serializes with ASCII escapes (Python's json.dumps default) fails it, with the same hint", async () => {
    const { code, report } = await run(ensureAscii);
    expect(code).toBe(1);
    const text = report.cases.find((c) => c.name === 'valid:non-ascii')!;
    expect(text).toMatchObject({ verdict: 'fail', status: 401 });
    for (const word of LOSSY) expect(text.hint).toMatch(word);
  });

  it('a receiver that verifies the raw bytes passes every case', async () => {
    const { code, report } = await run(correct);
    expect(code).toBe(0);
    expect(report.cases.find((c) => c.name === 'valid:non-ascii')).toMatchObject({ verdict: 'pass', status: 200 });
    expect(report.cases.filter((c) => c.verdict !== 'pass')).toEqual([]);
  });

  it('alone (--only valid:non-ascii) against the Latin-1 receiver: the control goes first, the case still fails with the hint', async () => {
    const { code, report } = await run(latin1, ['--only', 'valid:non-ascii']);
    expect(code).toBe(1);
    const text = report.cases.find((c) => c.name === 'valid:non-ascii')!;
    expect(text.verdict).toBe('fail');
    for (const word of LOSSY) expect(text.hint).toMatch(word);
  });
});

describe('the case is listed and shared', () => {
  it('test --list shows it for every provider; Reward lists it as skipped, saying why', async () => {
    const cg = await runCli(['test', '--list', '--provider', 'customerglu', '--json']);
    const listed = JSON.parse(cg.stdout).cases.find((c: { name: string }) => c.name === 'valid:non-ascii');
    expect(listed).toEqual({ name: 'valid:non-ascii', expected: '2xx', required: true, description: 'a correctly authenticated delivery whose text has multi-byte UTF-8 (é, ₹) and an emoji' });
    const reward = await runCli(['test', '--list', '--provider', 'reward', '--json']);
    expect(JSON.parse(reward.stdout).cases.find((c: { name: string }) => c.name === 'valid:non-ascii').skip).toMatch(/^reward's payloads carry no free text/);
  });

  it("the testing kit's deliveryCases carry it: a signed body with 2- or 3-byte UTF-8 and an emoji", async () => {
    const cases = await deliveryCases({ provider: 'customerglu', secret: SECRET, url: 'http://127.0.0.1:9/hook', seed: 14 });
    const text = cases.find((c) => c.name === 'valid:non-ascii')!;
    expect(text).toMatchObject({ expect: '2xx', required: true, kind: 'non-ascii' });
    const body = Buffer.from(await text.request.arrayBuffer());
    expect(body.some((b) => b >= 0xf0)).toBe(true);
    expect(body.some((b) => b >= 0xc0 && b < 0xf0)).toBe(true);
    expect(text.request.headers.get('x-cg-signature')).toBe(signatureOf(body));
    expect(text.check(401)).toMatchObject({ verdict: 'fail', hint: expect.stringMatching(/Latin-1/) });
  });
});
