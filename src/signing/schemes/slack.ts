// Slack: X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing secret, "v0:{timestamp}:{body}")), timestamp in its own header.
import { randomBytes } from 'node:crypto';
import { defineHmacScheme } from './define-hmac.js';

export const slack = defineHmacScheme({
  id: 'slack',
  label: 'Slack',
  summary: 'X-Slack-Signature: "v0=" + hex HMAC-SHA256 of "v0:{timestamp}:{body}"; X-Slack-Request-Timestamp',
  identifies: ['x-slack-signature'],
  alwaysSigns: true,
  // A Slack app's signing secret: 32 hex characters (as in Slack's documentation's example).
  keygen: () => randomBytes(16).toString('hex'),
  build: () => ({
    label: 'Slack',
    algorithm: 'sha256',
    encoding: 'hex',
    prefix: 'v0=',
    header: 'X-Slack-Signature',
    altHeaders: [],
    content: 'v0:t:body',
    key: 'utf8',
    timestampHeader: 'X-Slack-Request-Timestamp',
    signsParsedTimestamp: 'Number',
    freshness: { rejectsFuture: true, source: 'Slack\'s documentation rejects a request more than five minutes from local time, either way' },
  }),
});
