// Which Standard Webhooks header set a delivery is read by, when it carries both webhook-{id,timestamp,signature}
// and svix-{id,timestamp,signature}. The two reference libraries differ: standardwebhooks reads only the three
// webhook-* headers and refuses a delivery without all three; svix reads each one as svix-X, else webhook-X. Taking
// each header webhook-first (as cg-hooks did) matches neither, and called valid a delivery both refuse (a
// webhook-signature over the webhook-id, its time only in svix-timestamp, beside another svix-id). Reading the set as
// one of them does means valid only where that library accepts, and never refused where both accept (both accept
// only with all three webhook-* headers there, which is standardwebhooks' reading).

const PAIRS = [
  ['webhook-id', 'svix-id'],
  ['webhook-timestamp', 'svix-timestamp'],
  ['webhook-signature', 'svix-signature'],
] as const;

/** Whether the delivery carries a header under both names, with different values. */
function differs(headers: Record<string, string>, webhook: string, svix: string): boolean {
  const a = headers[svix];
  if (a === undefined) return false;
  const b = headers[webhook];
  return b !== undefined && a !== b;
}

export interface HeaderSet {
  /** The delivery's headers without the set not read: the verifiers' lookups (webhook-X, then svix-X) find the chosen one. */
  headers: Record<string, string>;
  /** Which headers were read and why, for the reason: the two libraries would read different values. */
  note: string;
}

/**
 * The headers to verify a delivery by, or undefined when it is read the same whichever library's way (no header
 * sent under both names with different values: the usual delivery, with nothing copied).
 */
export function chooseHeaderSet(headers: Record<string, string>): HeaderSet | undefined {
  // On every delivery the listener checks: three lookups and nothing allocated unless both names are there.
  if (!differs(headers, 'webhook-id', 'svix-id') && !differs(headers, 'webhook-timestamp', 'svix-timestamp') && !differs(headers, 'webhook-signature', 'svix-signature')) return undefined;
  const allWebhook = PAIRS.every(([w]) => headers[w] !== undefined);
  const chosen = { ...headers };
  const read: string[] = [];
  for (const [w, s] of PAIRS) {
    const pick = allWebhook || headers[s] === undefined ? w : s;
    delete chosen[pick === w ? s : w];
    if (headers[pick] !== undefined) read.push(pick);
  }
  const how = allWebhook
    ? 'as the standardwebhooks library reads them (the svix library reads svix-id, svix-timestamp, svix-signature first)'
    : 'as the svix library reads them (svix-* first; the standardwebhooks library needs all three webhook-* headers)';
  return { headers: chosen, note: `headers read: ${read.join(', ')}, ${how}` };
}
