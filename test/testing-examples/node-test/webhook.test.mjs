// webhook.test.mjs: run with `node --test`
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conform, describeReport } from 'cg-hooks/testing';

process.env.MGPASS_WEBHOOK_SECRET = 'test-secret';
const { server } = await import('./server.mjs');

test('conforms to mgPass deliveries', async () => {
  const report = await conform(server, { provider: 'mgpass', secret: 'test-secret', path: '/webhooks/mgpass' });
  assert.ok(report.ok, describeReport(report));
});
