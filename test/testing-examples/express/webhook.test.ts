// webhook.test.ts
import { expect, it } from 'vitest';
import 'cg-hooks/vitest';
import { createApp } from './app.js';

it('answers mgPass deliveries as mgPass expects', async () => {
  const app = createApp({ secret: 'test-secret' });
  await expect(app).toConform({ provider: 'mgpass', secret: 'test-secret', path: '/webhooks/mgpass' });
});
