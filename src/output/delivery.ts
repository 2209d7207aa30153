// Human-readable lines for `listen`: pure functions from a DeliveryReport / summary to text.
// Everything that came from the network (path, query, event, keys, reasons, bodies) goes through escapeTerminal:
// a body must not be able to move the cursor, write the clipboard or forge a line of this output.
import type { ChalkInstance } from 'chalk';
import { jsonText, safeJsonBytes } from '../core/json-text.js';
import { escapeTerminal, maskQuery, MASKED_VALUE } from '../core/redact.js';
import type { DeliveryReport, ListenSummary } from '../http/listen.js';
import { ReportHeadEncoder } from '../http/listen-json.js';
import type { OpenObject, OutputLine } from './stream-writer.js';

const safe = (text: unknown) => escapeTerminal(String(text));

export interface DeliveryFormat {
  /** Whole body, however long. Otherwise bodies are cut to `maxBodyLines`. */
  full: boolean;
  maxBodyLines: number;
  style: ChalkInstance;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function signatureText(r: DeliveryReport, c: ChalkInstance): string {
  const s = r.signature;
  const via = s.header ? ` (${s.header})` : '';
  switch (s.status) {
    case 'valid':
      return c.green(`✓ signature valid${via}`);
    case 'invalid':
      return c.red(`✗ signature invalid${via}`);
    case 'missing':
      return c.red('✗ signature missing');
    case 'malformed':
      return c.red(`✗ signature malformed${via}`);
    case 'expired':
      return c.red('✗ signature expired');
    case 'unsigned':
      return c.dim('– not signed by this provider');
    case 'not-checked':
      return c.yellow('? signature not checked (no --secret)');
    case 'unknown-provider':
      return c.dim('– signature not checked');
  }
}

function authText(r: DeliveryReport, c: ChalkInstance): string | undefined {
  const a = r.auth;
  const kind = a.kind ?? 'auth';
  switch (a.status) {
    case 'none':
      return undefined;
    case 'valid':
      return c.green(`✓ ${kind} ok`);
    case 'not-configured':
      return c.dim(`– ${kind} not checked`);
    default:
      return c.red(`✗ ${kind} ${a.status}`);
  }
}

function schemaText(r: DeliveryReport, c: ChalkInstance): string | undefined {
  const errors = r.schema.issues.length + (r.schema.moreIssues ?? 0);
  switch (r.schema.status) {
    case 'valid':
      return c.green('✓ schema');
    case 'invalid':
      return c.red(`✗ schema (${errors} ${errors === 1 ? 'error' : 'errors'})`);
    case 'not-checked':
      return c.yellow('? schema not checked');
    case 'unknown-event':
      return c.yellow('? unknown event');
    default:
      return undefined;
  }
}

function statusText(status: number, c: ChalkInstance): string {
  const text = `→ ${status}`;
  return status >= 200 && status < 300 ? c.green(text) : status >= 500 ? c.magenta(text) : c.red(text);
}

/** A form body as its fields, one `name=value` a line (decoded), not as the JSON object it was parsed into. */
function formText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const lines: string[] = [];
  for (const [name, value] of Object.entries(body)) for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}=${String(v)}`);
  return lines.join('\n');
}

function bodyLines(r: DeliveryReport, f: DeliveryFormat): string[] {
  if (r.body === null || r.body === undefined || r.body === '') return [];
  const form = r.bodyKind === 'form' ? formText(r.body) : undefined;
  const text = escapeTerminal(form ?? (typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2)), { multiline: true });
  const lines = text.split('\n');
  if (f.full || lines.length <= f.maxBodyLines) return lines;
  return [...lines.slice(0, f.maxBodyLines), f.style.dim(`… ${lines.length - f.maxBodyLines} more lines (--full shows the whole body)`)];
}

/** What a relayed target answered, on one line: escaped (it came from the network), cut to 120 characters. */
export function bodyExcerpt(body: string, max = 120): string {
  const flat = body.replace(/\s*\r?\n\s*/g, ' ').trim();
  const cut = [...flat];
  return escapeTerminal(cut.length > max ? `${cut.slice(0, max).join('')}…` : flat);
}

/** `?a=1&a=2&secret=****(32 chars)`: every value, credentials masked, readable (the mask is not percent-encoded). */
export function formatQuery(query: Record<string, string | string[]>): string {
  const parts: string[] = [];
  const masked = maskQuery(query);
  for (const name in masked) {
    const v = masked[name]!;
    for (const value of Array.isArray(v) ? v : [v]) {
      parts.push(MASKED_VALUE.test(value) ? `${encodeURIComponent(name)}=${value}` : new URLSearchParams([[name, value]]).toString());
    }
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export function formatDelivery(r: DeliveryReport, f: DeliveryFormat): string {
  const c = f.style;
  const time = r.receivedAt.slice(11, 19);
  const query = c.dim(safe(formatQuery(r.query)));
  const who = r.provider ? `${c.cyan(r.provider)} ${r.event === null ? c.yellow('?') : safe(r.event)}` : c.yellow('unknown provider');
  const checks = [signatureText(r, c), authText(r, c), schemaText(r, c)].filter(Boolean).join('  ');
  const head = `${c.dim(`#${r.seq} ${time}`)} ${c.bold(safe(r.method))} ${safe(r.path)}${query}  ${who}  ${checks}  ${statusText(r.status, c)}  ${c.dim(formatBytes(r.size))}`;
  const lines = [head];
  // One reason once: a body over --max-body makes the signature and the auth "not checked" for the same reason.
  const said = new Set<string>();
  const detail = (text: string) => {
    if (said.has(text)) return;
    said.add(text);
    lines.push(`    ${text}`);
  };
  const sizeSaid = r.bodyError !== undefined && r.status === 413;
  if (r.duplicate) detail(c.yellow(`duplicate of #${r.duplicate.firstSeq} (${safe(r.duplicate.key)}): a receiver must acknowledge it (2xx) without processing it twice`));
  if (!r.signature.ok && !(sizeSaid && /--max-body/.test(r.signature.reason))) detail(c.red(safe(r.signature.reason)));
  if (r.signature.explain) detail(c.yellow(`explain: ${safe(r.signature.explain)}`));
  if (!r.auth.ok && !(sizeSaid && /--max-body/.test(r.auth.reason))) detail(c.red(safe(r.auth.reason)));
  if (r.contentEncoding) detail(c.yellow(`Content-Encoding: ${safe(r.contentEncoding)} (the signature covers the compressed bytes)${r.bodyError ? '' : '; shown decoded'}`));
  if (r.bodyError) detail(c.red(safe(r.bodyError)));
  if (r.schema.reason) detail(c.yellow(safe(r.schema.reason)));
  const issues = r.schema.issues;
  for (const issue of issues.slice(0, 10)) detail(c.red(`${safe(issue.path)}: ${safe(issue.message)}`));
  const more = issues.length - Math.min(issues.length, 10) + (r.schema.moreIssues ?? 0);
  if (more > 0) detail(c.red(`… and ${more} more schema errors`));
  if (r.statusReason === 'simulated') detail(c.magenta(`answered ${r.status} on purpose (--respond/--fail-first): watch the sender retry`));
  if (r.forward) {
    const fw = r.forward;
    if (fw.error) {
      detail(c.red(`forward to ${safe(fw.url)} failed: ${safe(fw.error)}`));
      if (fw.hint) detail(c.dim(`hint: ${safe(fw.hint)}`));
    } else detail(`forwarded to ${safe(fw.url)}: answered ${fw.status} in ${fw.latencyMs} ms  ${c.dim(fw.body ? bodyExcerpt(fw.body) : '(empty body)')}`);
  }
  if (r.capture?.path) detail(c.dim(`saved ${safe(r.capture.path)}`));
  if (r.capture?.error) detail(c.red(`not saved: ${safe(r.capture.error)}${r.statusReason === 'not-saved' ? ` (answered ${r.status}: the sender should retry)` : ''}`));
  // Not through detail(): its once-only rule is for reasons, and a body repeats lines ("  },") that must all show.
  for (const line of bodyLines(r, f)) lines.push(`    ${c.dim(line)}`);
  return lines.join('\n');
}

export function formatSummary(s: ListenSummary, c: ChalkInstance): string {
  const parts = [`${s.deliveries} ${s.deliveries === 1 ? 'delivery' : 'deliveries'}: ${c.green(`${s.valid} valid`)}, ${s.invalid > 0 ? c.red(`${s.invalid} invalid`) : `${s.invalid} invalid`}`];
  const problems = Object.entries(s.problems).map(([name, n]) => `${name} ×${n}`);
  if (problems.length > 0) parts[0] += ` (${problems.join(', ')})`;
  if (s.duplicates > 0) parts.push(c.yellow(`${s.duplicates} ${s.duplicates === 1 ? 'duplicate' : 'duplicates'}`));
  if (s.notSaved > 0) parts.push(c.red(`${s.notSaved} not saved`));
  const statuses = Object.entries(s.statuses).map(([code, n]) => `${code} ×${n}`);
  if (statuses.length > 0) parts.push(`answered ${statuses.join(', ')}`);
  if (s.clientErrors > 0) parts.push(`${s.clientErrors} refused at the HTTP level`);
  return parts.join('; ');
}

/**
 * The NDJSON line for a delivery. A JSON body that arrived on one line is embedded as received rather than
 * serialized again: the numbers keep their spelling (1.0 stays 1.0), and it is cheaper.
 */
export function deliveryJsonLine(report: DeliveryReport, raw?: { body: Buffer }): string {
  const parts = deliveryJsonParts(report, raw);
  return typeof parts === 'string' ? parts : parts.map((p) => (typeof p === 'string' ? p : p instanceof Uint8Array ? Buffer.from(p).toString('utf8') : p.openObject.slice(0, -1))).join('');
}

/** A JSON object's text, written without its closing brace (one byte): a sliced copy was a rope to flatten. */
const BODY_MEMBER = ',"body":';

const heads = new ReportHeadEncoder();
const LINE_END = Buffer.from('}\n');

/**
 * deliveryJsonLine as the parts an OutputSink takes: the report's text up to `,"body":` (as bytes from
 * src/http/listen-json.ts, valid until the next line: push them at once; or JSON.stringify's text, still
 * open), the body's bytes as they arrived (valid UTF-8: a 'json' body passed isUtf8; decoded only to escape a bidi
 * or C1 control, core/json-text.ts), then the end of the line. Never decoded only to be encoded back. */
export function deliveryJsonParts(report: DeliveryReport, raw?: { body: Buffer }): OutputLine {
  // A body that arrived encoded (gzip) is not its JSON: the decoded form is serialized.
  if (report.bodyKind !== 'json' || report.contentEncoding !== undefined || raw === undefined || raw.body.indexOf(10) >= 0 || raw.body.indexOf(13) >= 0) return `${jsonText(report)}\n`;
  const body = report.body;
  // Set to undefined (JSON.stringify skips it) instead of copying the object without it: no new object shape.
  report.body = undefined;
  try {
    const bytes = heads.encode(report);
    lastHead = bytes === undefined ? jsonText(report) : undefined;
    lastReport = report; // only once made: a report that could not be serialized has no head to take
    return bytes === undefined ? [{ openObject: lastHead! }, BODY_MEMBER, safeJsonBytes(raw.body), '}\n'] : [bytes, safeJsonBytes(raw.body), LINE_END];
  } finally {
    report.body = body;
  }
}

// The report deliveryJsonLine serialized last: `listen --ui` takes its head from here, in the same callback.
let lastReport: DeliveryReport | undefined;
let lastHead: string | undefined;

// The head deliveryJsonLine just made of this report, once (else undefined): the encoder's UTF-8 without its closing
// `}` (a view: copy it at once; decoded into text it was ~2 KB of garbage a delivery), or JSON.stringify's text.
export function takeReportHeadBytes(report: DeliveryReport): Buffer | string | undefined {
  if (report !== lastReport) return undefined;
  lastReport = undefined;
  return lastHead ?? heads.headBytes();
}


export { MAX_BUFFERED, streamWriter, type OpenObject, type OutputLine, type OutputSink, type SinkEvents } from './stream-writer.js';
