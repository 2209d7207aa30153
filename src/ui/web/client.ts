// The page's side of the API. The token travels in a header (never in a Referer: the policy is no-referrer).
import { expandRow, learnMiddles, type CompactRow, type Row, type RowMiddle } from '../row.js';

export { learnMiddles };
export type { Row, RowMiddle };

export interface RowsPage {
  first: number;
  last?: number;
  evicted: number;
  more?: boolean;
  rows: Row[];
}

/** A list as the listener sends it to the page (`?compact=1`, and the stream's `rows`): rows as kept (row.ts). */
export interface KeptPage extends Omit<RowsPage, 'rows'> {
  /** The whole table of middles (a list from the API; the stream sends them as `middles` events instead). */
  middles?: RowMiddle[];
  rows: Array<Row | CompactRow>;
}

/** A kept page's rows expanded with the middles the page knows. */
export const expandPage = (page: KeptPage, middles: ReadonlyArray<RowMiddle | undefined>): RowsPage => ({ ...page, rows: page.rows.map((r) => expandRow(r, middles)) });

export interface Finding {
  cause: string;
  title: string;
  detail: string[];
  fix?: string;
  offset?: number;
  excerpt?: { given: string; signed: string };
}

export interface Detail {
  row: Row;
  report: Record<string, any>;
  bodyBase64: string;
  utf8: boolean;
  parsed?: unknown;
  previous: number | null;
  origin: number | null;
  resends: number[];
  /** The scheme that checked this delivery (and re-signs it), from the listener's registry; null when none. */
  signing: { id: string; label: string; kind: string } | null;
  resend?: { status?: number; latencyMs?: number; error?: string; mode: string };
  sent?: { url: string; method: string; path: string; headers: Record<string, string>; status?: number; latencyMs?: number; error?: string; response?: string };
  explanation?: { verdict: string; summary: string; findings: Finding[]; match?: Record<string, string>; error?: string };
  explainNote?: string;
}

export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

export interface Diff {
  a: Row;
  b: Row;
  mode: 'json' | 'bytes';
  equal: boolean;
  changes: Change[];
  truncated: boolean;
  firstByte: number;
}

export interface Info {
  version: string;
  listener: string;
  forwardTo: string | null;
  provider: string;
  /** The scheme `listen --scheme` fixes, if any. */
  scheme: string | null;
  secrets: number;
  apiKey: boolean;
  user: boolean;
  keep: number;
  maxBytes: number;
}

export interface ResendResult {
  id: number | null;
  url: string;
  status?: number;
  latencyMs?: number;
  error?: string;
  /** What to do about a network failure (the words `cg-hooks send` uses). */
  hint?: string;
  response?: string;
  notes: string[];
}

export const token = new URLSearchParams(location.search).get('token') ?? '';

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(path, { ...init, headers: { 'x-cg-hooks-token': token, ...(init.headers as Record<string, string> | undefined) }, cache: 'no-store' });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: string };
      if (body.error) message = body.error;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(message);
  }
  return res;
}

export const getJson = async <T>(path: string): Promise<T> => (await call(path)).json() as Promise<T>;
export const getText = async (path: string): Promise<string> => (await call(path)).text();
export const getBlob = async (path: string): Promise<Blob> => (await call(path)).blob();
export const postJson = async <T>(path: string, body: unknown): Promise<T> =>
  (await call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<T>;
export const postBlob = async (path: string, body: unknown): Promise<Blob> =>
  (await call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).blob();

export function events(after: number): EventSource {
  return new EventSource(`/api/events?token=${encodeURIComponent(token)}&after=${after}`);
}

export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
