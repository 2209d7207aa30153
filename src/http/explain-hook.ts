// The one-line `--explain` diagnosis that `listen` shows under an invalid signature.
import { explain } from '../signing/index.js';
import type { ExplainFn } from './inspect.js';

/** A diagnosis tries a few thousand HMACs: bounded so that a flood of forged deliveries cannot stall the listener. */
const MAX_PER_SECOND = 20;
const MAX_BODY = 256 * 1024;

export async function loadExplain(): Promise<ExplainFn | undefined> {
  let windowStart = 0;
  let used = 0;
  return (provider, req, credentials) => {
    if (req.body.length > MAX_BODY) return undefined;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      used = 0;
    }
    if (++used > MAX_PER_SECOND) return undefined;
    const e = explain(provider.signing, { headers: req.headers, query: req.query, body: req.body }, credentials);
    return e.verdict === 'explained' || e.verdict === 'unexplained' ? e.summary : undefined;
  };
}
