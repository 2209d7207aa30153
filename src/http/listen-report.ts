// From a request to a DeliveryReport, and from a report to the answer's body: the listener's pure parts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sha256hex } from './dedup.js';
import { MAX_DEPTH } from '../core/paths.js';
import { isCredentialHeader, maskHeaders, maskQuery, redactUrl } from '../core/redact.js';
import { parseBody } from './inspect-body.js';
import type { Analysis, DeliveryInput } from './inspect.js';
import type { DeliveryReport } from './listen-types.js';

/**
 * The header names of the last request whose map took the plain path (no name repeated, none "__proto__"), as sent
 * and as keys. A sender sends the same names in the same order every time: comparing the names as sent with those
 * costs less than lower-casing them (a new string each) and looking each one up in V8's string table as a key.
 */
let sentNames: string[] = [];
let keyNames: string[] = [];
/** Whether node's own map of a request with those names is the one headerMap makes (see requestHeaders). */
let nodeAgrees = false;
/** Whether none of those names is a credential's. */
let namesShowable = false;
/**
 * The last map made (or taken from node) for the remembered names when none is a credential's: shownHeaders gives
 * it back as it is without testing its names again. (Nothing between the map and its report adds a header.)
 */
let showable: Record<string, string> | undefined;

/** Whether the request sends the remembered names, in the same order (fresh strings: compared by content). */
function sameNames(raw: string[]): boolean {
  const n = raw.length >> 1;
  if (n !== sentNames.length || n === 0) return false;
  let k = 0;
  while (k < n && raw[2 * k] === sentNames[k]) k++;
  return k === n;
}

/** Header map from rawHeaders: lower-case names, every value kept (node drops some duplicates in req.headers). */
export function headerMap(raw: string[]): Record<string, string> {
  if (sameNames(raw)) {
    const n = raw.length >> 1;
    const out: Record<string, string> = {};
    for (let j = 0; j < n; j++) out[keyNames[j]!] = raw[2 * j + 1]!;
    showable = namesShowable ? out : undefined;
    return out;
  }
  showable = undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    // Own keys only: a "Constructor:" or "__proto__:" header is data, not Object.prototype's.
    const joined = Object.hasOwn(out, name) ? `${out[name]}, ${value}` : value;
    // Plain assignment is several times cheaper than defineProperty; only "__proto__" would hit a setter.
    if (name === '__proto__') Object.defineProperty(out, name, { value: joined, enumerable: true, writable: true, configurable: true });
    else out[name] = joined;
  }
  rememberNames(raw, out);
  return out;
}

/**
 * headerMap(req.rawHeaders), without making it when node's own req.headers is that map. Node's HTTP server builds
 * req.headers for every request anyway (it reads `host` and `expect` before the request is ours), from the same
 * rawHeaders: names lower-cased, in the order sent. The two differ only for a repeated name (node keeps the first
 * of some, joins others), "__proto__" (node's plain assignment drops it) and Set-Cookie (an array in node's): when
 * node's keys are the remembered ones (a plain map's: no "__proto__"; none is Set-Cookie), one for each name sent
 * (none repeated), they are the same map, and node's costs nothing more.
 */
export function requestHeaders(req: Pick<IncomingMessage, 'rawHeaders' | 'headers'>): Record<string, string> {
  const raw = req.rawHeaders;
  const n = keyNames.length;
  if (nodeAgrees && raw.length >> 1 === n) {
    // Node's keys against the remembered ones, in order: keys are interned strings, each comparison is of two
    // pointers (the names as sent are new strings each request, compared character by character, ~13 ns a name).
    const headers = req.headers as Record<string, string>;
    let k = 0;
    let same = true;
    for (const name in headers) {
      if (name !== keyNames[k++]) {
        same = false;
        break;
      }
    }
    if (same && k === n) {
      showable = namesShowable ? headers : undefined;
      return headers;
    }
  }
  return headerMap(raw);
}

/** Keeps the names for headerMap's plain path when this map had one key per name, in the order sent. */
function rememberNames(raw: string[], out: Record<string, string>): void {
  const keys = Object.keys(out);
  const n = raw.length >> 1;
  let plain = keys.length === n && !Object.hasOwn(out, '__proto__');
  // (An integer-like name, "123", is listed first by Object.keys: the order then differs and the path is not taken.)
  for (let k = 0; plain && k < n; k++) plain = keys[k] === raw[2 * k]!.toLowerCase();
  if (plain) {
    sentNames = [];
    for (let k = 0; k < n; k++) sentNames.push(raw[2 * k]!);
    keyNames = keys;
    nodeAgrees = !Object.hasOwn(out, 'set-cookie');
    namesShowable = !keys.some(credentialHeader);
  } else {
    sentNames = keyNames = [];
    nodeAgrees = namesShowable = false;
  }
}

export interface SplitUrl {
  path: string;
  /** Every value kept: a parameter given twice (`?a=1&a=2`) has an array of its values, in order. */
  query: Record<string, string | string[]>;
  /** The query string as received, without the `?` ("" when there is none). */
  rawQuery: string;
}

export function splitUrl(url: string): SplitUrl {
  const q = url.indexOf('?');
  if (q < 0) return { path: url, query: {}, rawQuery: '' };
  const rawQuery = url.slice(q + 1);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) {
    const value = Object.hasOwn(query, k) ? [...([] as string[]).concat(query[k]!), v] : v;
    Object.defineProperty(query, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return { path: url.slice(0, q), query, rawQuery };
}

/**
 * JSON.stringify recurses, so a body nested thousands deep (valid JSON, and a classic attack) would make the
 * report itself unwritable and the delivery would vanish from the output: such bodies are reported as text.
 */
function tooDeepToReport(parsed: unknown, raw: Buffer): boolean {
  if (raw.length < 2 * MAX_DEPTH || typeof parsed !== 'object' || parsed === null) return false;
  // Each level opens with a "{" or "[" byte: a body with fewer than MAX_DEPTH of them (memchr, no allocation)
  // cannot be that deep, and the walk below (an allocation per value) is skipped for nearly every body.
  if (bracketsBelow(raw, MAX_DEPTH)) return false;
  const stack: Array<[unknown, number]> = [[parsed, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

const OPENERS = [0x7b, 0x5b];

function bracketsBelow(raw: Buffer, limit: number): boolean {
  let count = 0;
  for (const byte of OPENERS) {
    for (let at = raw.indexOf(byte); at >= 0; at = raw.indexOf(byte, at + 1)) if (++count >= limit) return false;
  }
  return true;
}

// Formatting a date costs more than the rest of a delivery's bookkeeping; many deliveries share a millisecond.
let lastMs = 0;
let lastIso = '';
/** The monotonic time (performance.now()) of the last wall-clock reading, and of the one before lastMs began. */
let lastReadAt = -Infinity;
let turnedAfter = -Infinity;
/** Within this long after turnedAfter the wall clock still shows lastMs (its next millisecond begins 1 ms after). */
const SAME_MS = 0.9;

/**
 * The wall clock's time, formatted. Given the monotonic time (the listener reads it anyway, for durationMs), a
 * delivery within the millisecond the clock was last seen to turn to takes that millisecond without reading the
 * clock again (~40 ns a reading here, as much as performance.now()): lastMs began after the reading before it,
 * so the next one begins at least 1 ms after that. The margin (0.1 ms) covers the two readings' order and NTP's
 * slewing (0.05 % at most); a step of the wall clock (settimeofday) shows at most 1 ms late.
 */
export function isoNow(monotonic?: number): string {
  if (monotonic !== undefined && monotonic >= turnedAfter && monotonic - turnedAfter < SAME_MS) return lastIso;
  const ms = Date.now();
  if (ms !== lastMs) {
    turnedAfter = lastReadAt;
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  lastReadAt = monotonic ?? -Infinity;
  return lastIso;
}

/**
 * The analysis of a delivery the checks themselves failed on (a bug, or a body no check was ready for). The
 * delivery is still reported, counted and saved, and answered 500 so that its sender retries.
 */
export function failedAnalysis(input: DeliveryInput, error: Error): Analysis {
  let body: ReturnType<typeof parseBody>;
  try {
    body = parseBody(input);
  } catch {
    body = { kind: 'undecodable', error: 'the body could not be read' };
  }
  const reason = `not checked: the listener failed on this delivery (${error.message})`;
  const analysis: Analysis = {
    bodyKind: body.kind,
    provider: undefined,
    confidence: 0,
    event: null,
    signature: { status: 'not-checked', ok: false, reason },
    auth: { status: 'not-configured', ok: false, reason },
    schema: { status: 'skipped', issues: [] },
    sha256: sha256hex(input.body),
    status: 500,
    problems: ['internal error'],
  };
  if (body.parsed !== undefined) analysis.parsed = body.parsed;
  if (body.error !== undefined) analysis.bodyError = body.error;
  return analysis;
}

// Whether a header name carries a credential, remembered: the same few names come with every delivery, and the
// test (one regular expression of many alternatives) cost ~14 ns a name. Bounded: the names come from the network.
const credentialNames = new Map<string, boolean>();
const MAX_NAMES_KEPT = 256;

function credentialHeader(name: string): boolean {
  let known = credentialNames.get(name);
  if (known === undefined) {
    known = isCredentialHeader(name);
    if (name.length <= 64) {
      if (credentialNames.size >= MAX_NAMES_KEPT) credentialNames.clear();
      credentialNames.set(name, known);
    }
  }
  return known;
}

/** maskHeaders(headers, { keepScheme: false }), which gives the same object back when no name is a credential's. */
function shownHeaders(headers: Record<string, string>): Record<string, string> {
  if (headers === showable) return headers;
  for (const name in headers) if (credentialHeader(name)) return maskHeaders(headers, { keepScheme: false });
  return headers;
}

const MAX_KEY_SHOWN = 200;
const shortKey = (key: string) => (key.length > MAX_KEY_SHOWN ? `${key.slice(0, MAX_KEY_SHOWN)}…` : key);

/** The report of one delivery; credentials masked in what it shows (query, headers). */
export function buildReport(
  req: IncomingMessage,
  seq: number,
  at: { receivedAt: string; path: string; query: Record<string, string | string[]>; headers: Record<string, string>; size: number },
  body: Buffer,
  analysis: Analysis,
  firstSeq: number | undefined,
  tooLarge: boolean,
): DeliveryReport {
  const report: DeliveryReport = {
    type: 'delivery',
    seq,
    receivedAt: at.receivedAt,
    method: req.method ?? 'POST',
    // An absolute-form target (`POST http://user:password@host/hook`) carries its userinfo in the path.
    path: at.path.includes('@') ? redactUrl(at.path) : at.path,
    query: maskQuery(at.query),
    // Whole values masked, as captures hold them (replay and verify recognise `****(n chars)`).
    headers: shownHeaders(at.headers),
    remoteAddress: req.socket.remoteAddress ?? null,
    size: at.size,
    sha256: analysis.sha256,
    provider: analysis.provider?.id ?? null,
    confidence: analysis.confidence,
    event: analysis.event,
    verdict: analysis.problems.length === 0 ? 'valid' : 'invalid',
    problems: analysis.problems,
    signature: analysis.signature,
    auth: analysis.auth,
    schema: analysis.schema,
    bodyKind: analysis.bodyKind,
    duplicate: firstSeq === undefined || analysis.dedupKey === undefined ? null : { key: shortKey(analysis.dedupKey), firstSeq },
    dedupKey: analysis.dedupKey === undefined ? null : shortKey(analysis.dedupKey),
    status: analysis.status,
    statusReason: 'verdict',
    body:
      analysis.parsed !== undefined && !tooDeepToReport(analysis.parsed, body)
        ? analysis.parsed
        : tooLarge || analysis.bodyKind === 'undecodable' || analysis.encoding !== undefined
          ? null
          : body.toString('utf8'),
    durationMs: 0,
  };
  if (analysis.bodyError !== undefined) report.bodyError = analysis.bodyError;
  if (analysis.encoding !== undefined) report.contentEncoding = analysis.encoding;
  return report;
}

export const ACCEPTED = '{"status":"accepted"}\n';
export const DUPLICATE = '{"status":"duplicate"}\n';

/**
 * What a refused sender is told: the check that failed and where, never a reason text (those can hold the
 * configured credentials, e.g. WebEngage's license code).
 */
function unauthorized(report: Pick<DeliveryReport, 'signature' | 'auth'>): string {
  const s = report.signature;
  if (!s.ok) return `signature ${s.status}${s.header ? ` (${s.header})` : ''}`;
  return `${report.auth.kind ?? 'credential'} ${report.auth.status}`;
}

/** The answer's body for a status decided by the listener itself (not a forwarded one). */
export function answerBody(status: number, report: Pick<DeliveryReport, 'signature' | 'auth' | 'bodyError' | 'duplicate' | 'statusReason' | 'capture'>): unknown {
  if (report.statusReason === 'not-saved') return { error: 'not_saved', message: 'cg-hooks listen could not save this delivery (--save): try again later' };
  if (status >= 200 && status < 300) return report.duplicate ? DUPLICATE : ACCEPTED;
  if (report.statusReason === 'simulated') return { error: 'simulated_failure', message: `cg-hooks listen answered ${status} on purpose (--respond/--fail-first)` };
  if (status === 413) return { error: 'payload_too_large', message: report.bodyError };
  if (status === 401) return { error: 'unauthorized', message: unauthorized(report) };
  if (status === 400) return { error: 'bad_request', message: report.bodyError };
  return { error: 'internal', message: 'cg-hooks listen could not check this delivery: try again later' };
}

// The headers of the answers nearly every delivery gets, made once (node reads them and keeps nothing of them).
const ACCEPTED_HEADERS = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ACCEPTED) };
const DUPLICATE_HEADERS = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(DUPLICATE) };

export function reply(res: ServerResponse, status: number, body: unknown, extraHeaders?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  if (extraHeaders === undefined && (body === ACCEPTED || body === DUPLICATE)) {
    res.writeHead(status, body === ACCEPTED ? ACCEPTED_HEADERS : DUPLICATE_HEADERS);
    res.end(body);
    return;
  }
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : `${JSON.stringify(body)}\n`;
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (extraHeaders) Object.assign(headers, extraHeaders);
  res.writeHead(status, headers);
  res.end(text);
}
