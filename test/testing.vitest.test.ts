// cg-hooks/vitest: the toConform matcher, registered by importing the module.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import '../src/vitest.js';

const SECRET = 'PbTJp694bmgrfJpJPQmrjGfjgq';
const OPTIONS = { provider: 'mgpass', secret: SECRET, events: ['rewards.points_awarded'] } as const;

async function receiver(request: Request, { verify = true, crashOnDuplicate = false, seen = new Set<string>() } = {}): Promise<Response> {
  const body = Buffer.from(await request.arrayBuffer());
  const signature = request.headers.get('x-webhook-signature');
  if (verify && signature !== createHmac('sha256', SECRET).update(body).digest('hex')) return new Response('bad signature', { status: 401 });
  try {
    JSON.parse(body.toString('utf8'));
  } catch {
    return new Response('bad json', { status: 400 });
  }
  if (crashOnDuplicate && signature !== null) {
    if (seen.has(signature)) throw new Error('duplicate key value violates unique constraint "deliveries_pkey"');
    seen.add(signature);
  }
  return new Response(null, { status: 204 });
}

describe('expect(handler).toConform()', () => {
  it('passes for a correct receiver', async () => {
    await expect((request: Request) => receiver(request)).toConform(OPTIONS);
  });

  it('fails for a receiver that ignores signatures, listing each failed case with its hint', async () => {
    const failure = await expect((request: Request) => receiver(request, { verify: false })).toConform(OPTIONS).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failure?.message).toMatch(/^the mgpass receiver does not conform: 5 of 9 cases failed/);
    for (const name of ['wrong-secret', 'missing-signature', 'tampered-body', 'truncated-signature', 'garbage-signature']) {
      expect(failure?.message).toMatch(new RegExp(`\\n {2}✗ ${name}: expected 4xx, got 204: accepted `));
    }
    expect(failure?.message).not.toMatch(/✗ (valid|duplicate|malformed-json)/);
  });

  it('fails for a receiver that crashes on duplicates, naming the case and what it threw', async () => {
    const seen = new Set<string>();
    await expect(expect((request: Request) => receiver(request, { crashOnDuplicate: true, seen })).toConform(OPTIONS)).rejects.toThrow(
      /✗ duplicate: expected 2xx, got 500: answered 500 to a duplicate delivery[\s\S]*thrown by the handler \(answered 500\):\n {2}duplicate: Error: duplicate key value violates unique constraint/,
    );
  });

  it('.not passes for a receiver that does not conform, and fails with a message for one that does', async () => {
    await expect((request: Request) => receiver(request, { verify: false })).not.toConform(OPTIONS);
    await expect(expect((request: Request) => receiver(request)).not.toConform(OPTIONS)).rejects.toThrow(/^expected the receiver not to conform, but it does: the mgpass receiver conforms/);
  });

  it('bad options fail the test, with or without .not (a usage error is never a pass)', async () => {
    await expect(expect((request: Request) => receiver(request)).toConform({ provider: 'mgpass' })).rejects.toThrow(/^conform: .*`secret`/);
    await expect(expect((request: Request) => receiver(request)).not.toConform({ provider: 'mgpass' })).rejects.toThrow(/^conform: .*`secret`/);
  });
});
