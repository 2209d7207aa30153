// One row of the inspector's list, as the server sends it and the page reads it. Type-only and import-free, so
// both the server (tsconfig.json) and the page (src/ui/web/tsconfig.json) compile the one declaration.
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
