// app.ts: an Express receiver for mgPass webhooks.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { MgpassEvent } from 'cg-hooks';

export function createApp({ secret }: { secret: string }) {
  const app = express();
  const processed = new Map<string, MgpassEvent>();

  // express.raw, not express.json: the signature covers the bytes exactly as they arrived.
  app.post('/webhooks/mgpass', express.raw({ type: '*/*' }), (req, res) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const expected = createHmac('sha256', secret).update(body).digest();
    const given = Buffer.from(req.get('x-webhook-signature') ?? '', 'hex');
    // Compare lengths first: timingSafeEqual throws on a length mismatch.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).send('invalid signature');
      return;
    }
    let event: MgpassEvent;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      res.status(400).send('the body is not JSON');
      return;
    }
    // mgPass retries: a delivery seen before is acknowledged, not processed twice.
    const key = createHash('sha256').update(body).digest('hex');
    if (!processed.has(key)) processed.set(key, event); // …and credit event.data here
    res.sendStatus(200);
  });
  return app;
}
