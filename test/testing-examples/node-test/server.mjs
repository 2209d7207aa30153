// server.mjs: a node:http receiver for mgPass webhooks.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const secret = process.env.MGPASS_WEBHOOK_SECRET ?? '';
const processed = new Set();

export const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhooks/mgpass') return void res.writeHead(404).end();
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const expected = createHmac('sha256', secret).update(body).digest();
    const given = Buffer.from(String(req.headers['x-webhook-signature'] ?? ''), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return void res.writeHead(401).end();
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      return void res.writeHead(400).end();
    }
    processed.add(createHash('sha256').update(body).digest('hex')); // a Set: a retried delivery is counted once
    res.writeHead(200).end();
  });
});
