// webhook.test.ts
import { describe, expect, it } from 'vitest';
import { deliveryCases, signedRequest } from 'cg-hooks/testing';
import 'cg-hooks/vitest';
import { createApp } from './app.js';

const token = 'test-token';
const url = 'http://localhost/webhooks/customerglu';

it('acknowledges a signed reward', async () => {
  const app = createApp({ token });
  const request = await signedRequest({ provider: 'customerglu', event: 'reward', url, secret: token, set: { rewardAmount: 250 } });
  const response = await app.request(request);
  expect(response.status).toBe(200);
});

describe('each conformance case, in-process', async () => {
  const app = createApp({ token });
  for (const c of await deliveryCases({ provider: 'customerglu', secret: token, url })) {
    it(`${c.name}: ${c.why}`, async () => {
      const { verdict, hint } = c.check(await app.fetch(c.request));
      expect(verdict, hint).not.toBe('fail');
    });
  }
});

it('conforms over HTTP', async () => {
  await expect(createApp({ token })).toConform({ provider: 'customerglu', secret: token, path: '/webhooks/customerglu' });
});
