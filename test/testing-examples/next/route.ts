// app/api/webhooks/segment/route.ts: a Next.js route handler for Segment webhooks.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SegmentEvent } from 'cg-hooks';

const seen = new Set<string>();

export async function POST(request: Request): Promise<Response> {
  const body = Buffer.from(await request.arrayBuffer());
  const expected = createHmac('sha1', process.env.SEGMENT_SHARED_SECRET ?? '').update(body).digest();
  const given = Buffer.from(request.headers.get('x-signature') ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return Response.json({ error: 'invalid signature' }, { status: 401 });
  }
  let call: SegmentEvent;
  try {
    call = JSON.parse(body.toString('utf8'));
  } catch {
    return Response.json({ error: 'the body is not JSON' }, { status: 400 });
  }
  // Segment retries with the same messageId: answer 200 again, process once.
  if (call.messageId && !seen.has(call.messageId)) seen.add(call.messageId); // …and process the call here
  return Response.json({ ok: true });
}
