// Stripe: Stripe-Signature = "t={timestamp},v1=" + hex(HMAC-SHA256(secret, "{timestamp}.{body}")); during a secret
// rotation Stripe sends one v1= per active secret.
import { defineHmacScheme, randomBase62 } from './define-hmac.js';

export const stripe = defineHmacScheme({
  id: 'stripe',
  label: 'Stripe',
  summary: 'Stripe-Signature: "t={timestamp},v1=" + hex HMAC-SHA256 of "{timestamp}.{body}" (one v1= per key)',
  identifies: ['stripe-signature'],
  alwaysSigns: true,
  looksLike: 'Stripe signatures look like t=<unix seconds>,v1=<hex>',
  // An endpoint's signing secret as the Dashboard shows it: "whsec_" + 32 letters and digits, used as text.
  keygen: () => `whsec_${randomBase62(32)}`,
  build: () => ({
    label: 'Stripe',
    algorithm: 'sha256',
    encoding: 'hex',
    prefix: 'v1=',
    header: 'Stripe-Signature',
    altHeaders: [],
    content: 't.body',
    key: 'utf8',
    list: 'stripe',
    signsParsedTimestamp: 'parseInt',
    freshness: { rejectsFuture: false, source: 'Stripe\'s official libraries check only a delivery\'s age (timestamp older than the tolerance)' },
  }),
});
