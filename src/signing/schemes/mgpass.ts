// mgPass: X-Webhook-Signature = hex(HMAC-SHA256(secret, body)) on every delivery.
import { defineHmacScheme } from './define-hmac.js';

export const mgpass = defineHmacScheme({
  id: 'mgpass',
  label: 'mgPass',
  summary: 'X-Webhook-Signature: hex HMAC-SHA256 of the body',
  alwaysSigns: false,
  // Its own sample receivers verify JSON.stringify(req.body), not the raw bytes.
  reserializingSamples: true,
  build: (spec) => ({
    label: 'mgPass',
    algorithm: spec?.algorithm ?? 'sha256',
    encoding: spec?.encoding ?? 'hex',
    prefix: '',
    header: spec?.header ?? 'X-Webhook-Signature',
    altHeaders: spec?.altHeaders ?? [],
    content: 'body',
    key: 'utf8',
  }),
});
