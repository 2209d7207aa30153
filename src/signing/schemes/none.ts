// No signature at all (the Reward plugin): keep the URL secret and use HTTPS.
import type { Scheme } from './types.js';

export const none: Scheme = {
  id: 'none',
  label: 'no signature',
  kind: 'none',
  summary: 'nothing: keep the URL secret and use HTTPS',
  needs: {},
  needsWhat: 'sends no signature',
  identifies: [],
  reads: () => [],
  sign: () => ({ headers: {}, query: {}, notes: ['this provider sends no signature (keep the URL secret and use HTTPS)'] }),
  verify: () => ({ status: 'unsigned', valid: true, reason: 'this provider does not sign deliveries' }),
  check: () => ({}),
  conformance: { family: () => ({ kind: 'none' }) },
  exported: () => ({ kind: 'none' }),
};
