// One row of the inspector's list, as the page reads it, and the compact form `listen --ui` keeps and streams it in.
// Import-free, so that both the server (tsconfig.json) and the page (src/ui/web/tsconfig.json) compile the one
// declaration and the one expansion.
export interface Row {
  id: number;
  /** The listener's sequence number; null for a request the inspector sent elsewhere. */
  seq: number | null;
  kind: 'delivery' | 'sent';
  at: string;
  method: string;
  path: string;
  provider: string | null;
  /** The scheme that checked the signature (the provider's own, `--scheme`, or one the headers named). */
  scheme: string | null;
  event: string | null;
  verdict: string;
  /** The answer (the listener's, or the target's for a sent request); null when there was none. */
  status: number | null;
  sig: string;
  auth: string;
  schema: string;
  issues: number;
  /** Sequence number of the delivery this one duplicates. */
  dup: number | null;
  size: number;
  ms: number | null;
  problems: string[];
  origin: number | null;
  /** Where a sent request went (credentials masked). */
  target?: string;
}

/** The fields a delivery's row nearly always shares with the one before (same sender, same path, same verdicts). */
export type RowMiddle = Pick<Row, 'method' | 'path' | 'provider' | 'scheme' | 'event' | 'verdict' | 'status' | 'sig' | 'auth' | 'schema' | 'issues'>;

/**
 * A delivery's row as `listen --ui` keeps and streams it: its own fields in an array, and its middle as an index into
 * the listener's table of middles (sent beside the rows: `middles` in a list, a `middles` event in the stream), or
 * the middle itself once that table is full. About 60 bytes against the object's 290: a row is written for every
 * delivery and streamed to every open page.
 */
export type CompactRow = [id: number, seq: number | null, at: string, middle: number | RowMiddle, dup: number | null, size: number, ms: number | null, problems: string[], origin: number | null];

/** The middles a store's compact rows refer to, in index order (what a page needs to expand them). */
export interface MiddleTable {
  readonly values: readonly RowMiddle[];
  /** Each one's JSON text. */
  readonly json: readonly string[];
}

/** What a row whose middle is missing from the table shows (the table is always sent first: this is a fallback). */
const UNKNOWN: RowMiddle = { method: '?', path: '?', provider: null, scheme: null, event: null, verdict: 'unknown', status: null, sig: 'unknown', auth: 'none', schema: 'skipped', issues: 0 };

/** The row a kept row stands for: a compact row expanded (the object makeRow makes, key for key), or the row itself. */
export function expandRow(kept: Row | CompactRow, middles: ReadonlyArray<RowMiddle | undefined>): Row {
  if (!Array.isArray(kept)) return kept;
  const [id, seq, at, middle, dup, size, ms, problems, origin] = kept;
  const m = typeof middle === 'number' ? (middles[middle] ?? UNKNOWN) : middle;
  return {
    id,
    seq,
    kind: 'delivery',
    at,
    method: m.method,
    path: m.path,
    provider: m.provider,
    scheme: m.scheme,
    event: m.event,
    verdict: m.verdict,
    status: m.status,
    sig: m.sig,
    auth: m.auth,
    schema: m.schema,
    issues: m.issues,
    dup,
    size,
    ms,
    problems,
    origin,
  };
}

/**
 * Adds middles the listener sent (`from` is the index of the first) to a page's table. Assigned by index, never
 * replaced: the listener's table only grows and never changes an entry, and a list's table (made when the list was)
 * may be read after a `middles` event that already holds newer entries.
 */
export function learnMiddles(table: Array<RowMiddle | undefined>, from: number, middles: readonly RowMiddle[]): void {
  for (const [k, m] of middles.entries()) table[from + k] = m;
}
