// What the browser sees of an entry: a compact row for the list, and the masked report for the detail.
// Credentials are masked as on disk (src/core/redact.ts); configured secrets are scrubbed from anything we
// derived (reports, explanations) in case one turns up in a reason or a relayed answer.
import { maskHeaders, maskQuery, redactUrl } from '../core/redact.js';
import type { Row, RowMiddle } from './row.js';
import type { Entry, Extras, ReportLike } from './store.js';

export type { Row } from './row.js';

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const field = (v: unknown, name: string): unknown => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[name] : undefined);

/** The row of a new entry, made once as it arrives (the store keeps its JSON). */
export function makeRow(id: number, r: ReportLike, x: Extras | undefined, bodyLength: number): Row {
  const issues = field(r.schema, 'issues');
  const dup = field(r.duplicate, 'firstSeq');
  const sent = x?.kind === 'sent' ? x.sent : undefined;
  const row: Row = {
    id,
    seq: sent ? null : num(r.seq),
    kind: sent ? 'sent' : 'delivery',
    at: str(r.receivedAt),
    method: str(r.method, 'POST'),
    path: str(r.path, '/'),
    provider: typeof r.provider === 'string' ? r.provider : null,
    scheme: str(field(r.signature, 'scheme')) || null,
    event: typeof r.event === 'string' ? r.event : null,
    verdict: sent ? 'sent' : str(r.verdict, 'invalid'),
    status: sent ? (sent.status ?? null) : num(r.status),
    sig: str(field(r.signature, 'status'), 'unknown'),
    auth: str(field(r.auth, 'status'), 'none'),
    schema: str(field(r.schema, 'status'), 'skipped'),
    issues: Array.isArray(issues) ? issues.length : 0,
    dup: num(dup),
    size: num(r.size) ?? bodyLength,
    ms: sent ? (sent.latencyMs ?? null) : num(r.durationMs),
    problems: Array.isArray(r.problems) ? r.problems.filter((p): p is string => typeof p === 'string') : [],
    origin: x?.origin ?? null,
  };
  if (sent) row.target = redactUrl(sent.url);
  return row;
}

const jsonText = (s: string | null): string => (s === null ? 'null' : JSON.stringify(s));
const jsonNum = (n: number | null): string => (n === null ? 'null' : String(n));

/** The fields of a row that most deliveries share with the one before (same sender, same path, same verdicts). */
export type Middle = RowMiddle & {
  /** Their JSON, from `,"method":` to `"dup":`. */
  text: string;
};
let lastMiddle: Middle | undefined;

/**
 * The middle of a delivery's row (method … issues, up to `"dup":`): the previous delivery's when every field is the
 * same, which under a steady sender it nearly always is, else serialized anew.
 */
export function rowMiddle(r: ReportLike): Middle {
  const sig = r.signature as Record<string, unknown> | undefined;
  const list = field(r.schema, 'issues');
  const method = str(r.method, 'POST');
  const path = str(r.path, '/');
  const provider = typeof r.provider === 'string' ? r.provider : null;
  const scheme = str(field(sig, 'scheme')) || null;
  const event = typeof r.event === 'string' ? r.event : null;
  const verdict = str(r.verdict, 'invalid');
  const status = num(r.status);
  const sigStatus = str(field(sig, 'status'), 'unknown');
  const auth = str(field(r.auth, 'status'), 'none');
  const schema = str(field(r.schema, 'status'), 'skipped');
  const issues = Array.isArray(list) ? list.length : 0;
  const m = lastMiddle;
  if (
    m !== undefined &&
    m.path === path &&
    m.event === event &&
    m.verdict === verdict &&
    m.status === status &&
    m.sig === sigStatus &&
    m.schema === schema &&
    m.issues === issues &&
    m.auth === auth &&
    m.provider === provider &&
    m.scheme === scheme &&
    m.method === method
  )
    return m;
  const text =
    `,"method":${jsonText(method)},"path":${jsonText(path)},"provider":${jsonText(provider)},"scheme":${jsonText(scheme)},"event":${jsonText(event)}` +
    `,"verdict":${jsonText(verdict)},"status":${jsonNum(status)},"sig":${jsonText(sigStatus)},"auth":${jsonText(auth)},"schema":${jsonText(schema)},"issues":${issues},"dup":`;
  return (lastMiddle = { method, path, provider, scheme, event, verdict, status, sig: sigStatus, auth, schema, issues, text });
}

/** The problems of a row as JSON (the strings among them). */
export const problemsJson = (r: ReportLike): string => {
  const problems = Array.isArray(r.problems) ? r.problems : [];
  return problems.length === 0 ? '[]' : JSON.stringify(problems.filter((p): p is string => typeof p === 'string'));
};

/** Fields read from a report for a row, the way makeRow reads them. */
export const rowAt = (r: ReportLike): string => str(r.receivedAt);
export const rowDup = (r: ReportLike): number | null => num(field(r.duplicate, 'firstSeq'));
export const rowSize = (r: ReportLike, bodyLength: number): number => num(r.size) ?? bodyLength;
export { num as rowNum };

/**
 * `JSON.stringify(makeRow(…))` for a delivery, written directly: it runs on the listener's hot path for every
 * delivery. The middle of the row (method … issues) is serialized again only when it differs from the previous
 * delivery's (rowMiddle). Same fields, same order, same text (a property test compares the two). Under `listen --ui`
 * the store keeps the compact form instead (row-bytes.ts), and this text only for the rows that form does not hold.
 */
export function rowJson(id: number, r: ReportLike, x: Extras | undefined, bodyLength: number): string {
  if (x?.kind === 'sent') return JSON.stringify(makeRow(id, r, x, bodyLength)); // rare: the inspector's own requests
  const m = rowMiddle(r);
  return (
    `{"id":${id},"seq":${jsonNum(num(r.seq))},"kind":"delivery","at":${jsonText(rowAt(r))}${m.text}${jsonNum(rowDup(r))}` +
    `,"size":${jsonNum(rowSize(r, bodyLength))},"ms":${jsonNum(num(r.durationMs))},"problems":${problemsJson(r)},"origin":${jsonNum(x?.origin ?? null)}}`
  );
}

/** `{…head, "rows":[…]}` from the rows' JSON as kept, without serializing them again. */
export function rowsDocument(rowsJson: string, head: Record<string, unknown>): string {
  const open = JSON.stringify(head).slice(0, -1);
  return `${open}${open.length > 1 ? ',' : ''}"rows":[${rowsJson}]}`;
}

/** Query values may be strings or (repeated parameters) arrays of strings. */
export function queryOf(r: ReportLike): Record<string, string | string[]> {
  const q = r.query;
  if (typeof q !== 'object' || q === null) return {};
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

export function headersOf(r: ReportLike): Record<string, string> {
  const h = r.headers;
  if (typeof h !== 'object' || h === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Replaces every configured secret (long enough to be recognisable) found in derived text. */
export function makeScrubber(secrets: readonly string[]): <T>(value: T) => T {
  const words = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (words.length === 0) return (v) => v;
  return <T>(value: T): T => {
    const text = JSON.stringify(value);
    if (text === undefined || !words.some((w) => text.includes(JSON.stringify(w).slice(1, -1)))) return value;
    let out = text;
    for (const w of words) out = out.split(JSON.stringify(w).slice(1, -1)).join(`****(${w.length} chars)`);
    return JSON.parse(out) as T;
  };
}

/** The report as the browser may see it: credentials masked, no parsed body (the raw bytes go separately). */
export function publicReport(e: Entry): Record<string, unknown> {
  const r = e.report;
  const { body: _body, ...rest } = r;
  const out: Record<string, unknown> = { ...rest, headers: maskHeaders(headersOf(r)), query: maskQuery(queryOf(r)) };
  const forward = r.forward as Record<string, unknown> | undefined;
  if (forward && typeof forward.url === 'string') out.forward = { ...forward, url: redactUrl(forward.url) };
  return out;
}

/** The parsed body the listener kept (form fields, decoded bodies), for the views the raw bytes cannot give. */
export function keptBody(e: Entry): unknown {
  const body = e.report.body;
  return body === undefined ? undefined : body;
}
