// The one-line `--explain` diagnosis that `listen` shows under an invalid signature.
import { explain } from '../signing/index.js';
import type { ExplainFn } from './inspect.js';

/**
 * A diagnosis tries a few thousand HMACs over the body, on the event loop: bounded by CPU time, not by count,
 * so that a flood of large forged deliveries cannot stall the listener (20 forged 220 KB bodies a second
 * used to delay a valid delivery by a second). Typical webhook bodies take a few milliseconds.
 */
const BUDGET_MS_PER_SECOND = 150;
const MAX_BODY = 64 * 1024;

export async function loadExplain(): Promise<ExplainFn | undefined> {
  let windowStart = 0;
  let spent = 0;
  return (provider, req, credentials, scheme, custom) => {
    if (req.body.length > MAX_BODY) return undefined;
    const now = performance.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      spent = 0;
    }
    if (spent >= BUDGET_MS_PER_SECOND) return undefined;
    try {
      const spec = provider?.signing ?? { scheme: scheme!, secretRequired: false, description: scheme! };
      const options = { ...credentials, ...(scheme !== undefined ? { scheme } : {}), ...(custom !== undefined ? { custom } : {}) };
      const e = explain(spec, { headers: req.headers, query: req.query, body: req.body }, options);
      return e.verdict === 'explained' || e.verdict === 'unexplained' ? e.summary : undefined;
    } finally {
      spent += performance.now() - now;
    }
  };
}
