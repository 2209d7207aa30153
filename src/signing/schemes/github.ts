// GitHub: X-Hub-Signature-256 = "sha256=" + hex(HMAC-SHA256(secret, body)), beside the legacy SHA-1 X-Hub-Signature.
import { defineHmacScheme } from './define-hmac.js';

export const github = defineHmacScheme({
  id: 'github',
  label: 'GitHub',
  summary: 'X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the body (and the legacy SHA-1 X-Hub-Signature)',
  identifies: ['x-hub-signature-256'],
  alwaysSigns: true,
  build: () => ({
    label: 'GitHub',
    algorithm: 'sha256',
    encoding: 'hex',
    prefix: 'sha256=',
    header: 'X-Hub-Signature-256',
    altHeaders: [],
    content: 'body',
    key: 'utf8',
    extra: [{ header: 'X-Hub-Signature', algorithm: 'sha1', prefix: 'sha1=' }],
  }),
});
