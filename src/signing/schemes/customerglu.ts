// CustomerGlu's webhooks: X-CG-SIGNATURE = hex(HMAC-SHA1(token, body)), sent only when a token is configured.
import { defineHmacScheme } from './define-hmac.js';

export const customerglu = defineHmacScheme({
  id: 'customerglu',
  label: 'CustomerGlu',
  summary: 'X-CG-SIGNATURE: hex HMAC-SHA1 of the body (older: X-GLU-SIGNATURE)',
  alwaysSigns: false,
  // Its own sample receivers verify JSON.stringify(req.body), not the raw bytes.
  reserializingSamples: true,
  build: (spec) => ({
    label: 'CustomerGlu',
    algorithm: spec?.algorithm ?? 'sha1',
    encoding: spec?.encoding ?? 'hex',
    prefix: '',
    header: spec?.header ?? 'X-CG-SIGNATURE',
    altHeaders: spec?.altHeaders ?? ['X-GLU-SIGNATURE'],
    content: 'body',
    key: 'utf8',
  }),
});
