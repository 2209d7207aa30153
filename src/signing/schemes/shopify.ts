// Shopify: X-Shopify-Hmac-SHA256 = base64(HMAC-SHA256(app secret, body)).
import { randomBytes } from 'node:crypto';
import { defineHmacScheme } from './define-hmac.js';

export const shopify = defineHmacScheme({
  id: 'shopify',
  label: 'Shopify',
  summary: 'X-Shopify-Hmac-SHA256: base64 HMAC-SHA256 of the body',
  identifies: ['x-shopify-hmac-sha256'],
  alwaysSigns: true,
  // An app's client secret, as Shopify issues it: "shpss_" + 32 hex characters.
  keygen: () => `shpss_${randomBytes(16).toString('hex')}`,
  build: () => ({ label: 'Shopify', algorithm: 'sha256', encoding: 'base64', prefix: '', header: 'X-Shopify-Hmac-SHA256', altHeaders: [], content: 'body', key: 'utf8' }),
});
