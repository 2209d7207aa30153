// What the page can take away: a capture file (the --save format), a curl line, NDJSON of a list, and a
// scenario step (`{ id, event, set }`). Credentials stay masked in all of them, as in captures on disk.
import { stringify } from 'yaml';
import { serializeCapture } from '../core/capture.js';
import { maskHeaders, maskQuery, redactUrl } from '../core/redact.js';
import { endToEndHeaders } from '../http/client.js';
import { curlCommand } from '../http/curl.js';
import type { Entry } from './store.js';
import { headersOf, publicReport, queryOf } from './views.js';
import { jsonText } from '../core/json-text.js';

function requestOf(e: Entry): { method: string; path: string; query: Record<string, string | string[]>; headers: Record<string, string> } {
  if (e.sent) {
    const url = new URL(e.sent.url);
    const query: Record<string, string | string[]> = Object.create(null); // a parameter named __proto__ is data
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
    }
    return { method: e.sent.method, path: url.pathname, query, headers: e.sent.headers };
  }
  return { method: String(e.report.method ?? 'POST'), path: String(e.report.path ?? '/'), query: queryOf(e.report), headers: headersOf(e.report) };
}

export function captureFile(e: Entry): string {
  const r = requestOf(e);
  return serializeCapture({
    receivedAt: String(e.report.receivedAt ?? new Date().toISOString()),
    method: r.method,
    path: r.path,
    query: maskQuery(r.query),
    headers: maskHeaders(r.headers),
    body: e.body,
    remoteAddress: typeof e.report.remoteAddress === 'string' ? e.report.remoteAddress : null,
    provider: e.provider,
    event: e.event,
  });
}

/**
 * A curl line that sends the same bytes to `base` (the listener by default); masked credentials stay masked.
 * `relay`: base is the --forward-to target, and the URL is the one the listener relays to (the target's path and
 * query, then the delivery's parameters the target does not set), its own credentials masked too.
 */
export function curlLine(e: Entry, base: string, relay = false): string {
  const r = requestOf(e);
  const url = relay ? new URL(base) : new URL(r.path.startsWith('/') ? r.path : `/${r.path}`, base);
  const own = new Set(relay ? url.searchParams.keys() : []);
  for (const [k, v] of Object.entries(maskQuery(r.query))) if (!own.has(k)) for (const x of Array.isArray(v) ? v : [v]) url.searchParams.append(k, x);
  const line = curlCommand({ method: r.method, url: relay ? redactUrl(url.href) : url.href, headers: maskHeaders(endToEndHeaders(r.headers)), body: e.body });
  return line ?? '# this body holds NUL bytes, which a shell argument cannot carry: export the capture file and use `cg-hooks replay`';
}

function parsedBody(e: Entry): unknown {
  try {
    return JSON.parse(e.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** One NDJSON line per entry: the masked report and its body (JSON when it parses, text otherwise). */
export function ndjsonLine(e: Entry, scrub: <T>(v: T) => T): string {
  const parsed = parsedBody(e);
  const line = { ...publicReport(e), id: e.id, origin: e.origin ?? null, ...(e.sent ? { sent: { ...e.sent, url: redactUrl(e.sent.url), headers: maskHeaders(e.sent.headers) } } : {}), body: parsed !== undefined ? parsed : e.body.toString('utf8') };
  return `${jsonText(scrub(line))}\n`;
}

/** `a.b` path segment: a literal dot or backslash in a key is escaped, as `--set` and scenario `set` read it. */
const segment = (k: string) => k.replace(/[\\.[\]]/g, (c) => `\\${c}`);

function leaves(value: unknown, path: string, out: Record<string, unknown>, depth: number): void {
  if (depth > 64 || typeof value !== 'object' || value === null) {
    out[path] = value;
    return;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [segment(k), v] as const);
  if (entries.length === 0) {
    if (path !== '') out[path] = value; // an empty object or array stays one
    return;
  }
  for (const [k, v] of entries) leaves(v, k.startsWith('[') ? `${path}${k}` : path === '' ? k : `${path}.${k}`, out, depth + 1);
}

/** A scenario step that sends this event again with the same field values. */
export function scenarioStep(e: Entry): string | undefined {
  const parsed = parsedBody(e);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const event = e.event ?? 'unknown-event';
  const provider = e.provider ?? 'unknown';
  const seq = typeof e.report.seq === 'number' && e.kind === 'delivery' ? e.report.seq : e.id;
  const id = `${event.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'step'}-${seq}`;
  const set: Record<string, unknown> = {};
  leaves(parsed, '', set, 0);
  const head = `# ${provider} ${event}, delivery #${seq} received ${String(e.report.receivedAt ?? '')}: a step for a scenario with "provider: ${provider}"\n`;
  return head + stringify([{ id, event, set }], { lineWidth: 0 });
}
