// conform(): the conformance suite in-process, against every kind of target, over real HTTP on 127.0.0.1.
// The oracle for "the same report as `cg-hooks test --json`" is the built binary, run against the same receiver.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { NetworkError, UsageError } from '../src/index.js';
import { conform, deliveryCases, describeReport, type ConformReport } from '../src/testing.js';
import { runCli } from './helpers/cli.js';
import { correct, hmacAuth, neverVerifies, startReceiver, type Receiver } from './helpers/receivers.js';

const SECRET = 'PbTJp694bmgrfJpJPQmrjGfjgq';
const MGPASS = { provider: 'mgpass', secret: SECRET, events: ['rewards.points_awarded', 'rewards.redeemed'] } as const;
const sign = (body: Buffer) => createHmac('sha256', SECRET).update(body).digest('hex');

/** A correct mgPass receiver over raw bytes: 401 on a bad signature, 400 on bad JSON, duplicates acknowledged. */
function answer(signature: string | undefined | null, body: Buffer): number {
  if (signature !== sign(body)) return 401;
  try {
    JSON.parse(body.toString('utf8'));
  } catch {
    return 400;
  }
  return 200;
}
const fetchReceiver = async (request: Request) => new Response(null, { status: answer(request.headers.get('x-webhook-signature'), Buffer.from(await request.arrayBuffer())) });
const nodeReceiver = (req: http.IncomingMessage, res: http.ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => res.writeHead(answer(req.headers['x-webhook-signature'] as string | undefined, Buffer.concat(chunks))).end());
};

/** True when something accepts TCP connections at the URL's host and port. */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

describe('conform() returns the report of `cg-hooks test --json`', () => {
  // Latency differs run to run; the tampered-body hint names the changed value, which differs with the payload.
  const comparable = (r: ConformReport) => ({ ...r, cases: r.cases.map((c) => ({ ...c, latencyMs: null, hint: c.name === 'tampered-body' ? c.hint?.replace(/\d+/g, 'N') : c.hint })) });

  for (const [label, handler] of [
    ['a correct receiver', correct(hmacAuth('sha256', 'X-Webhook-Signature', SECRET))],
    ['a receiver that never verifies', neverVerifies()],
  ] as const) {
    it(`for ${label} at a URL`, async () => {
      const receiver = await startReceiver(handler);
      receivers.push(receiver);
      const report = await conform(receiver.url, { provider: 'mgpass', secret: SECRET });
      const cli = await runCli(['test', receiver.url, '--provider', 'mgpass', '--secret', SECRET, '--json']);
      expect(comparable(report)).toEqual(comparable(JSON.parse(cli.stdout) as ConformReport));
      expect(report.ok).toBe(cli.code === 0);
    });
  }
});

describe('conform() targets', () => {
  it('a fetch-style handler, served over real HTTP on 127.0.0.1 and closed afterwards', async () => {
    const report = await conform(fetchReceiver, MGPASS);
    expect(describeReport(report)).toMatch(/^the mgpass receiver conforms: 11 of 11 cases passed/);
    expect(report.ok).toBe(true);
    expect(report.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await listening(report.url)).toBe(false);
  });

  it('an object with a fetch method (a Hono app), mounted at a path', async () => {
    const paths = new Set<string>();
    const app = {
      fetch: (request: Request) => {
        paths.add(new URL(request.url).pathname);
        return new URL(request.url).pathname === '/webhooks/mgpass' ? fetchReceiver(request) : new Response(null, { status: 404 });
      },
    };
    const report = await conform(app, { ...MGPASS, path: '/webhooks/mgpass' });
    expect(report.ok).toBe(true);
    expect([...paths]).toEqual(['/webhooks/mgpass']);
  });

  it('a Node (req, res) listener', async () => {
    const report = await conform(nodeReceiver, MGPASS);
    expect(report.ok).toBe(true);
    expect(await listening(report.url)).toBe(false);
  });

  it('an http.Server that is not listening: started on 127.0.0.1 for the run, closed afterwards', async () => {
    const server = http.createServer(nodeReceiver);
    const report = await conform(server, MGPASS);
    expect(report.ok).toBe(true);
    expect(server.listening).toBe(false);
  });

  it('an http.Server that is already listening: used where it is, and left running', async () => {
    const server = http.createServer(nodeReceiver);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const report = await conform(server, { ...MGPASS, path: '/hook?tenant=acme' });
      expect(report.ok).toBe(true);
      expect(report.url).toBe(`http://127.0.0.1:${(server.address() as { port: number }).port}/hook?tenant=acme`);
      expect(server.listening).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('sends the bytes and headers of deliveryCases() over the wire, unchanged', async () => {
    const pinned = { ...MGPASS, seed: 11, now: Date.UTC(2026, 3, 1) };
    const arrived: Array<{ body: Buffer; signature: string | null; contentType: string | null }> = [];
    const report = await conform(async (request: Request) => {
      const body = Buffer.from(await request.arrayBuffer());
      arrived.push({ body, signature: request.headers.get('x-webhook-signature'), contentType: request.headers.get('content-type') });
      return new Response(null, { status: answer(request.headers.get('x-webhook-signature'), body) });
    }, pinned);
    expect(report.ok).toBe(true);
    const cases = await deliveryCases({ ...pinned, url: 'http://localhost/' });
    expect(arrived.length).toBe(cases.length);
    for (const [i, c] of cases.entries()) {
      const request = c.request;
      expect(arrived[i]!.body.equals(Buffer.from(await request.arrayBuffer())), c.name).toBe(true);
      expect(arrived[i]!.signature, c.name).toBe(request.headers.get('x-webhook-signature'));
      expect(arrived[i]!.contentType, c.name).toBe(request.headers.get('content-type'));
    }
  });
});

describe('conform() when things go wrong', () => {
  it('a handler that throws: answered 500, what it threw reported by case, the server closed', async () => {
    const report = await conform(
      async (request: Request) => {
        const body = Buffer.from(await request.arrayBuffer());
        if (!request.headers.get('x-webhook-signature')) throw new TypeError('Cannot read properties of null (reading "length")');
        return new Response(null, { status: answer(request.headers.get('x-webhook-signature'), body) });
      },
      MGPASS,
    );
    expect(report.ok).toBe(false);
    expect(report.cases.filter((c) => c.verdict === 'fail').map((c) => c.name)).toEqual(['missing-signature']);
    expect(report.cases.find((c) => c.name === 'missing-signature')).toMatchObject({ status: 500, hint: expect.stringMatching(/crashed on a missing X-Webhook-Signature header/) });
    expect(report.thrown).toEqual([{ case: 'missing-signature', error: 'TypeError: Cannot read properties of null (reading "length")' }]);
    expect(describeReport(report)).toMatch(/thrown by the handler \(answered 500\):\n {2}missing-signature: TypeError/);
    expect(await listening(report.url)).toBe(false);
  });

  it('a Node listener that throws synchronously, or whose promise rejects: 500, and the test process stays up', async () => {
    let calls = 0;
    const report = await conform((req: http.IncomingMessage, res: http.ServerResponse) => {
      if (++calls % 2 === 0) throw new Error('sync boom');
      return Promise.reject(new Error('async boom'));
    }, { ...MGPASS, only: ['valid'] });
    expect(report.cases.filter((c) => c.verdict !== 'skip').map((c) => c.status)).toEqual([500, 500, 500]);
    expect(report.thrown?.map((t) => t.error)).toEqual(['Error: async boom', 'Error: sync boom', 'Error: async boom']);
    expect(report.proven).toBe(false);
    expect(await listening(report.url)).toBe(false);
  });

  it("describeReport names the kit's options where the report's hints name the command's flags", async () => {
    const report = await conform(() => new Response(null, { status: 401 }), { ...MGPASS, only: ['valid'] });
    expect(report.cases[0]?.hint).toMatch(/differs from --secret/);
    expect(describeReport(report)).toMatch(/^nothing proven: [\s\S]*✗ valid:rewards\.points_awarded: expected 2xx, got 401: .*differs from `secret`/);
  });

  it('a handler returning no Response is a 500 with a reason', async () => {
    const report = await conform((() => undefined) as unknown as (r: Request) => Response, { ...MGPASS, only: ['valid'] });
    expect(report.thrown?.[0]?.error).toBe('TypeError: the handler returned undefined, not a Response');
  });

  it("a fetch handler of two parameters is taken for a Node listener unless { as: 'fetch' }; the report says so", async () => {
    const route = async (request: Request, _context: { params: Record<string, string> }) => fetchReceiver(request);
    const guessed = await conform(route as unknown as (r: Request) => Response, { ...MGPASS, only: ['valid'] });
    expect(guessed.ok).toBe(false);
    expect(guessed.thrown?.[0]?.error).toMatch(/^TypeError: request\.headers\.get is not a function \(if this is a fetch-style handler taking \(request, context\), pass \{ as: 'fetch' \}\)$/);
    const told = await conform((request: Request) => route(request, { params: {} }), MGPASS);
    expect(told.ok).toBe(true);
    const asFetch = await conform(route as unknown as (r: Request) => Response, { ...MGPASS, as: 'fetch' });
    expect(asFetch.ok).toBe(true);
  });

  it('a handler that answers a Response while taken for a Node listener gets the { as: "fetch" } advice', async () => {
    const report = await conform((async (_request: unknown, _ctx: unknown) => new Response('ok')) as unknown as (r: Request) => Response, { ...MGPASS, only: ['valid'] });
    expect(report.thrown?.[0]?.error).toMatch(/it is a fetch-style handler: pass \{ as: 'fetch' \}/);
  });

  it('a handler that never answers: each case times out at timeoutMs, and the run still ends and closes', async () => {
    const report = await conform(() => new Promise<Response>(() => {}), { ...MGPASS, only: ['valid:rewards.points_awarded', 'wrong-secret'], timeoutMs: 300 });
    expect(report.cases.filter((c) => c.verdict !== 'skip').map((c) => [c.name, c.verdict, c.error?.code])).toEqual([
      ['valid:rewards.points_awarded', 'fail', 'timeout'],
      ['wrong-secret', 'fail', 'timeout'],
    ]);
    expect(await listening(report.url)).toBe(false);
  });

  it('an unreachable URL is a NetworkError naming the address', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await conform(`http://127.0.0.1:${port}/webhook`, MGPASS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'connection_refused', message: expect.stringMatching(new RegExp(`^conform: cannot reach the receiver: .*127\\.0\\.0\\.1:${port}`)) });
  });

  it('bad options and bad targets are usage errors, before anything is started', async () => {
    await expect(conform(fetchReceiver, { provider: 'mgpass' })).rejects.toMatchObject({ code: 'missing_secret', message: expect.stringMatching(/^conform: .*`secret`/) });
    await expect(conform(42 as unknown as string, MGPASS)).rejects.toBeInstanceOf(UsageError);
    await expect(conform(42 as unknown as string, MGPASS)).rejects.toMatchObject({ code: 'bad_target' });
    await expect(conform(fetchReceiver, { ...MGPASS, path: 'webhook' })).rejects.toMatchObject({ code: 'bad_option' });
    await expect(conform('http://127.0.0.1:9/x', { ...MGPASS, path: '/x' })).rejects.toMatchObject({ code: 'bad_option' });
    await expect(conform('ftp://example.com/', MGPASS)).rejects.toMatchObject({ code: 'bad_url' });
    // From JavaScript nothing checks the names: a misspelt option is said, not ignored (the default used instead).
    await expect(conform(fetchReceiver, { ...MGPASS, timeout: '1s' } as unknown as typeof MGPASS)).rejects.toMatchObject({ code: 'bad_option', message: 'conform: unknown option `timeout`', hint: 'did you mean `timeoutMs`?' });
    await expect(conform(fetchReceiver, { ...MGPASS, apikey: 'k' } as unknown as typeof MGPASS)).rejects.toMatchObject({ code: 'bad_option', hint: 'did you mean `apiKey`?' });
    await expect(conform(fetchReceiver, { ...MGPASS, retries: 3 } as unknown as typeof MGPASS)).rejects.toMatchObject({ message: 'conform: unknown option `retries`', hint: expect.stringMatching(/^the options are provider, secret, .*timeoutMs/) });
  });

  it('an abort stops the run early and still closes the server', async () => {
    const controller = new AbortController();
    let seen = 0;
    const report = await conform(
      async (request: Request) => {
        if (++seen === 2) controller.abort();
        return fetchReceiver(request);
      },
      { ...MGPASS, signal: controller.signal },
    );
    expect(report.ok).toBe(false);
    expect(seen).toBeLessThan(5);
    expect(await listening(report.url)).toBe(false);
  });
});
