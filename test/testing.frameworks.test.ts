// conform() against real frameworks: the correct receivers of docs/testing.md pass (test/testing-examples/), and
// broken ones written with the same frameworks fail on exactly the cases their bug explains.
import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { conform, type ConformReport } from '../src/testing.js';
import { createApp as expressApp } from './testing-examples/express/app.js';
import { createApp as honoApp } from './testing-examples/hono/app.js';
import { POST as nextRoute } from './testing-examples/next/route.js';

const SECRET = 'test-secret';
const SIGNATURE_CASES = ['wrong-secret', 'missing-signature', 'tampered-body', 'truncated-signature', 'garbage-signature'];
const named = (r: ConformReport, verdict: 'fail' | 'warn') => r.cases.filter((c) => c.verdict === verdict).map((c) => c.name);
const hex = (algorithm: string, data: Buffer | string) => createHmac(algorithm, SECRET).update(data).digest('hex');
const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('Express (mgPass)', () => {
  const options = { provider: 'mgpass', secret: SECRET, path: '/webhooks/mgpass' } as const;

  it('the docs example conforms', async () => {
    const report = await conform(expressApp({ secret: SECRET }), options);
    expect(named(report, 'fail')).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("verifying JSON.stringify(req.body) (express.json()) is a warning only: mgPass's own samples do it", async () => {
    const app = express();
    app.post('/webhooks/mgpass', express.json(), (req, res) => {
      res.sendStatus(req.get('x-webhook-signature') === hex('sha256', JSON.stringify(req.body)) ? 200 : 401);
    });
    const report = await conform(app, options);
    expect(report.ok).toBe(true);
    expect(named(report, 'warn')).toEqual(['non-compact-body']);
    expect(report.cases.find((c) => c.name === 'non-compact-body')?.hint).toMatch(/re-serializes the parsed body \(JSON\.stringify\(req\.body\)\)/);
  });

  it('ignoring signatures fails every signature case', async () => {
    const app = express();
    app.post('/webhooks/mgpass', express.raw({ type: '*/*' }), (req, res) => {
      res.sendStatus(parses(String(req.body)) ? 200 : 400);
    });
    const report = await conform(app, options);
    expect(named(report, 'fail')).toEqual(SIGNATURE_CASES);
    expect(report.ok).toBe(false);
  });

  it('a 500 on duplicates (a unique constraint) fails the duplicate case', async () => {
    const inserted = new Set<string>();
    const app = express();
    app.post('/webhooks/mgpass', express.raw({ type: '*/*' }), (req, res) => {
      const body = req.body as Buffer;
      if (req.get('x-webhook-signature') !== hex('sha256', body)) return void res.sendStatus(401);
      if (!parses(body.toString())) return void res.sendStatus(400);
      if (inserted.has(body.toString())) throw new Error('duplicate key value violates unique constraint');
      inserted.add(body.toString());
      res.sendStatus(200);
    });
    const report = await conform(app, options);
    expect(named(report, 'fail')).toEqual(['duplicate']);
    expect(report.cases.find((c) => c.name === 'duplicate')).toMatchObject({ status: 500, hint: expect.stringMatching(/crashed/) });
  });

  it("timingSafeEqual on whatever arrived (the providers' samples) fails as a crash on missing and odd-length signatures", async () => {
    const app = express();
    app.post('/webhooks/mgpass', express.raw({ type: '*/*' }), (req, res) => {
      const given = Buffer.from(req.get('x-webhook-signature') as string);
      if (!timingSafeEqual(given, Buffer.from(hex('sha256', req.body as Buffer)))) return void res.sendStatus(401);
      res.sendStatus(parses(String(req.body)) ? 200 : 400);
    });
    const report = await conform(app, options);
    expect(named(report, 'fail')).toEqual(['missing-signature', 'truncated-signature']);
    for (const c of report.cases.filter((c) => c.verdict === 'fail')) expect(c).toMatchObject({ status: 500, hint: expect.stringMatching(/crashed/) });
  });
});

describe('Hono (CustomerGlu)', () => {
  const options = { provider: 'customerglu', secret: SECRET, path: '/webhooks/customerglu' } as const;

  it('the docs example conforms', async () => {
    const report = await conform(honoApp({ token: SECRET }), options);
    expect(named(report, 'fail')).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('answering 500 to a duplicate fails the duplicate case', async () => {
    const seen = new Set<string>();
    const app = new Hono();
    app.post('/webhooks/customerglu', async (c) => {
      const body = Buffer.from(await c.req.arrayBuffer());
      if (c.req.header('x-cg-signature') !== hex('sha1', body)) return c.text('invalid', 401);
      if (!parses(body.toString())) return c.text('bad json', 400);
      const key = body.toString();
      if (seen.has(key)) return c.text('already processed', 500);
      seen.add(key);
      return c.text('ok');
    });
    const report = await conform(app, options);
    expect(named(report, 'fail')).toEqual(['duplicate']);
  });

  it('ignoring signatures fails every signature case', async () => {
    const app = new Hono();
    app.post('/webhooks/customerglu', async (c) => (parses(await c.req.text()) ? c.text('ok') : c.text('bad json', 400)));
    const report = await conform(app, options);
    expect(named(report, 'fail')).toEqual(SIGNATURE_CASES);
  });
});

describe('Next.js route handler (Segment), as a fetch handler', () => {
  const options = { provider: 'segment', secret: SECRET } as const;

  it('the docs example conforms', async () => {
    process.env.SEGMENT_SHARED_SECRET = SECRET;
    const report = await conform(nextRoute, options);
    expect(named(report, 'fail')).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('verifying JSON.stringify(await request.json()) fails non-compact-body: Segment signs the raw bytes', async () => {
    async function POST(request: Request) {
      let parsed: unknown;
      try {
        parsed = await request.json();
      } catch {
        return new Response(null, { status: 400 });
      }
      return new Response(null, { status: request.headers.get('x-signature') === hex('sha1', JSON.stringify(parsed)) ? 200 : 401 });
    }
    const report = await conform(POST, options);
    expect(named(report, 'fail')).toEqual(['non-compact-body']);
    expect(report.cases.find((c) => c.name === 'non-compact-body')?.hint).toMatch(/verify the body exactly as received/);
  });

  it('ignoring signatures fails every signature case', async () => {
    const report = await conform(async (request: Request) => new Response(null, { status: parses(await request.text()) ? 200 : 400 }), options);
    expect(named(report, 'fail')).toEqual(SIGNATURE_CASES);
  });
});

describe('Fastify (Rehook, HTTP Basic auth): its http.Server after ready()', () => {
  const options = { provider: 'rehook', user: 'acme:pa55', path: '/webhooks/rehook' } as const;
  const expected = Buffer.from(`Basic ${Buffer.from('acme:pa55').toString('base64')}`);

  async function fastifyApp(checkAuth: boolean) {
    const app = Fastify();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.post('/webhooks/rehook', async (req, reply) => {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (checkAuth && (given.length !== expected.length || !timingSafeEqual(given, expected))) return reply.code(401).send();
      if (!parses(String(req.body))) return reply.code(400).send();
      return reply.code(200).send();
    });
    await app.ready();
    return app;
  }

  it('a correct receiver conforms, and the server is closed afterwards', async () => {
    const app = await fastifyApp(true);
    const report = await conform(app.server, options);
    expect(named(report, 'fail')).toEqual([]);
    expect(report.cases.map((c) => c.name)).toContain('wrong-credentials');
    expect(report.ok).toBe(true);
    expect(app.server.listening).toBe(false);
  });

  it('one that does not check credentials fails wrong-credentials and no-credentials', async () => {
    const app = await fastifyApp(false);
    const report = await conform(app.server, options);
    expect(named(report, 'fail')).toEqual(['wrong-credentials', 'no-credentials']);
  });
});
