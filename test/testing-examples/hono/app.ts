// app.ts: a Hono receiver for CustomerGlu reward webhooks.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { CustomergluReward } from 'cg-hooks';

export function createApp({ token }: { token: string }) {
  const app = new Hono();
  const credited = new Set<string>();

  app.post('/webhooks/customerglu', async (c) => {
    const body = Buffer.from(await c.req.arrayBuffer());
    const expected = createHmac('sha1', token).update(body).digest();
    const given = Buffer.from(c.req.header('x-cg-signature') ?? '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return c.text('invalid signature', 401);
    let reward: Partial<CustomergluReward>;
    try {
      reward = JSON.parse(body.toString('utf8'));
    } catch {
      return c.text('the body is not JSON', 400);
    }
    // A retried delivery carries the same rewardId: acknowledge it, credit it once.
    const key = reward.rewardId ?? given.toString('hex');
    if (!credited.has(key)) credited.add(key); // …and credit the reward here
    return c.body(null, 200);
  });
  return app;
}
