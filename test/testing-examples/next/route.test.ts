// route.test.ts
import { expect, it } from 'vitest';
import { signedRequest } from 'cg-hooks/testing';
import 'cg-hooks/vitest';
import { POST } from './route.js';

process.env.SEGMENT_SHARED_SECRET = 'test-secret';

it('accepts a signed track call', async () => {
  const request = await signedRequest({ provider: 'segment', event: 'track', url: 'http://localhost/api/webhooks/segment', secret: 'test-secret' });
  const response = await POST(request);
  expect(response.status).toBe(200);
});

it('conforms', async () => {
  await expect(POST).toConform({ provider: 'segment', secret: 'test-secret' });
});
