// HOOK POINT for the one-line `--explain` diagnosis of an invalid signature in `listen`.
// The diagnosis lives in src/signing (written in another step). Until it lands, the listener shows the
// verifier's reason only. To connect it: return a function that calls src/signing's explain for
// (provider.signing, {headers, query, body}, credentials) and returns its one-line summary.
import type { ExplainFn } from './inspect.js';

export async function loadExplain(): Promise<ExplainFn | undefined> {
  return undefined;
}
