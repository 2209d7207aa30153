// The listener: a node:http receiver that checks, records and answers every delivery. It never prints:
// each delivery becomes a DeliveryReport passed to onDelivery; the command decides how to show it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { writeCapture } from '../core/capture-store.js';
import { MAX_DEPTH } from '../core/paths.js';
import type { FieldIssue } from '../core/validate.js';
import { UsageError } from '../output/errors.js';
import { loadAllProviders, loadProvider } from '../providers/index.js';
import type { ProviderDef } from '../providers/types.js';
import { closeClientConnections, endToEndHeaders, sendRaw } from './client.js';
import { loadExplain } from './explain-hook.js';
import {
  DedupTracker,
  inspectDelivery,
  type AuthVerdict,
  type BodyKind,
  type Credentials,
  type ExplainFn,
  type SignatureVerdict,
  type SchemaVerdict,
} from './inspect.js';

export const DEFAULT_MAX_BODY = 1024 * 1024;

export interface ListenOptions {
  /** Default 127.0.0.1: a development receiver should not be reachable from the network by accident. */
  host?: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** "auto" (default) or a provider id. */
  provider?: string;
  /** Candidate secrets (rotation); also the WebEngage webhook secret key. */
  secrets?: string[];
  apiKey?: string;
  /** user:password for basic auth. */
  user?: string;
  licenseCode?: string;
  /** Bytes; larger bodies are answered 413. Default 1 MiB. */
  maxBody?: number;
  /** Directory for one capture file per delivery. */
  saveDir?: string;
  /** Relay every delivery's bytes to this URL and answer with its status. */
  forwardTo?: string;
  forwardTimeoutMs?: number;
  /** Answer with this status (all deliveries, or the first `failFirst`). */
  respond?: number;
  /** Answer the first n deliveries with `respond` (default 500), then normally. */
  failFirst?: number;
  /** Time allowed to receive the headers, and the whole request (slow clients). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Injected providers (tests); default: every provider. */
  providers?: ProviderDef[];
  /** Injected diagnosis; default: the --explain hook of src/signing. */
  explain?: ExplainFn | null;
}

export interface DeliveryReport {
  type: 'delivery';
  seq: number;
  receivedAt: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; credentials (Authorization, X-API-KEY) masked. */
  headers: Record<string, string>;
  remoteAddress: string | null;
  size: number;
  sha256: string;
  provider: string | null;
  /** Detection confidence 0..1 (1 when fixed with --provider). */
  confidence: number;
  event: string | null;
  verdict: 'valid' | 'invalid';
  problems: string[];
  signature: SignatureVerdict;
  auth: AuthVerdict;
  schema: SchemaVerdict;
  bodyKind: BodyKind;
  bodyError?: string;
  duplicate: { key: string; firstSeq: number } | null;
  dedupKey: string | null;
  /** The answer sent back. */
  status: number;
  /** Why that status: verdict, simulated failure (--respond/--fail-first) or forward. */
  statusReason: 'verdict' | 'simulated' | 'forwarded' | 'forward-failed';
  forward?: { url: string; status?: number; latencyMs?: number; error?: string; body?: string };
  capture?: { path?: string; error?: string };
  /** The parsed JSON (or form fields); for other bodies, their text. */
  body: unknown;
  /** Time from the end of the request to the decision (captures and forwarding included). */
  durationMs: number;
}

export interface ListenSummary {
  deliveries: number;
  valid: number;
  invalid: number;
  duplicates: number;
  /** Count per problem name ("signature invalid", "schema", "malformed-json", …). */
  problems: Record<string, number>;
  /** Count per answered status code. */
  statuses: Record<string, number>;
  /** Requests refused before they became deliveries (bad HTTP, header/request timeouts). */
  clientErrors: number;
}

export interface ListenCallbacks {
  /** `raw.body` is the delivery's bytes as received (the report holds the parsed form). */
  onDelivery?(report: DeliveryReport, raw: { body: Buffer }): void;
  /** Something worth knowing that is not a delivery (a client error, a failed capture write). */
  onWarning?(message: string): void;
}

export interface Listener {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight deliveries finish (responses and capture writes), returns the summary. */
  close(): Promise<ListenSummary>;
  summary(): ListenSummary;
}

const MASKED_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie']);

function maskHeaders(headers: Record<string, string>): Record<string, string> {
  if (!('authorization' in headers || 'proxy-authorization' in headers || 'x-api-key' in headers || 'cookie' in headers)) return headers;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = MASKED_HEADERS.has(k) ? `****(${v.length} chars)` : v;
  return out;
}

/** Header map from rawHeaders: lower-case names, every value kept (node drops some duplicates in req.headers). */
export function headerMap(raw: string[]): Record<string, string> {
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
  return out;
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

export function splitUrl(url: string): { path: string; query: Record<string, string> } {
  const q = url.indexOf('?');
  if (q < 0) return { path: url, query: {} };
  return { path: url.slice(0, q), query: Object.fromEntries(new URLSearchParams(url.slice(q + 1))) };
}

function emptySummary(): ListenSummary {
  return { deliveries: 0, valid: 0, invalid: 0, duplicates: 0, problems: {}, statuses: {}, clientErrors: 0 };
}

const ignore = () => undefined;

// Formatting a date costs more than the rest of a delivery's bookkeeping; many deliveries share a millisecond.
let lastMs = 0;
let lastIso = '';
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

const ACCEPTED = '{"status":"accepted"}\n';
const DUPLICATE = '{"status":"duplicate"}\n';

function reply(res: ServerResponse, status: number, body: unknown, extraHeaders?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : `${JSON.stringify(body)}\n`;
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (extraHeaders) Object.assign(headers, extraHeaders);
  res.writeHead(status, headers);
  res.end(text);
}

const answerBody = (status: number, report: Pick<DeliveryReport, 'problems' | 'signature' | 'auth' | 'bodyError' | 'duplicate'>) => {
  if (status === 413) return { error: 'payload_too_large', message: report.bodyError };
  if (status === 401) return { error: 'unauthorized', message: !report.signature.ok ? report.signature.reason : report.auth.reason };
  if (status === 400) return { error: 'bad_request', message: report.bodyError };
  if (status >= 200 && status < 300) return report.duplicate ? DUPLICATE : ACCEPTED;
  return { error: 'simulated_failure', message: `cg-hooks listen answered ${status} on purpose (--respond/--fail-first)` };
};

export async function startListener(options: ListenOptions = {}, callbacks: ListenCallbacks = {}): Promise<Listener> {
  const providers = options.providers ?? (await loadAllProviders());
  const fixedId = options.provider && options.provider !== 'auto' ? options.provider : undefined;
  const fixed = fixedId === undefined ? undefined : (providers.find((p) => p.id === fixedId) ?? (await loadProvider(fixedId)));
  const credentials: Credentials = { secrets: options.secrets ?? [] };
  if (options.apiKey !== undefined) credentials.apiKey = options.apiKey;
  if (options.user !== undefined) credentials.user = options.user;
  if (options.licenseCode !== undefined) credentials.licenseCode = options.licenseCode;
  const explain = options.explain === null ? undefined : (options.explain ?? (await loadExplain()));
  const maxBody = options.maxBody ?? DEFAULT_MAX_BODY;
  // Past this, even draining the body to answer 413 politely costs too much: answer and hang up.
  const hardCap = Math.max(16 * 1024 * 1024, 4 * maxBody);
  const forwardUrl = options.forwardTo === undefined ? undefined : new URL(options.forwardTo);
  const failStatus = options.respond ?? 500;
  if (options.saveDir !== undefined) {
    try {
      await mkdir(options.saveDir, { recursive: true });
    } catch (e) {
      throw new UsageError('unwritable_dir', `cannot create --save directory ${options.saveDir}: ${(e as Error).message}`);
    }
  }

  const dedup = new DedupTracker();
  const summary = emptySummary();
  let seq = 0;
  const warn = (message: string) => callbacks.onWarning?.(message);

  interface Pending {
    report: DeliveryReport;
    started: number;
    headers: Record<string, string>;
    trusted: boolean;
    dedupKey: string | undefined;
    answer?: unknown;
    extra?: Record<string, string>;
  }

  /** Everything decided from the request alone (no I/O): the verdicts and the answer by verdict. */
  function analyse(req: IncomingMessage, n: number, body: Buffer, size: number, tooLarge: boolean): Pending {
    const started = performance.now();
    const receivedAt = isoNow();
    const headers = headerMap(req.rawHeaders);
    const { path, query } = splitUrl(req.url ?? '/');
    const method = req.method ?? 'POST';
    const analysis = inspectDelivery({ method, path, query, headers, body, tooLarge, size }, { providers, fixed, credentials, explain });
    // A forged delivery is not a duplicate of anything: its key is whatever the forger wrote.
    const trusted = analysis.signature.ok && analysis.auth.ok;
    const firstSeq = trusted ? dedup.claim(analysis.dedupKey, n) : undefined;
    const duplicate = firstSeq === undefined || analysis.dedupKey === undefined ? null : { key: analysis.dedupKey, firstSeq };
    const report: DeliveryReport = {
      type: 'delivery',
      seq: n,
      receivedAt,
      method,
      path,
      query,
      headers: maskHeaders(headers),
      remoteAddress: req.socket.remoteAddress ?? null,
      size,
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
      duplicate,
      dedupKey: analysis.dedupKey ?? null,
      status: analysis.status,
      statusReason: 'verdict',
      body: analysis.parsed !== undefined && !tooDeepToReport(analysis.parsed, body) ? analysis.parsed : tooLarge ? null : body.toString('utf8'),
      durationMs: 0,
    };
    if (analysis.bodyError !== undefined) report.bodyError = analysis.bodyError;
    const pending: Pending = { report, started, headers, trusted, dedupKey: analysis.dedupKey };
    if (tooLarge) {
      report.status = 413;
      pending.extra = { connection: 'close' };
    } else if (simulate(n)) {
      report.status = failStatus;
      report.statusReason = 'simulated';
    }
    return pending;
  }

  const simulate = (n: number) => (options.respond !== undefined || options.failFirst !== undefined) && (options.failFirst === undefined || n <= options.failFirst);

  /** The slow parts, only when asked for: the capture file, then the relay. */
  async function saveAndForward(p: Pending, body: Buffer, tooLarge: boolean): Promise<void> {
    const { report, headers } = p;
    if (options.saveDir !== undefined && !tooLarge) {
      // Credentials are masked on disk too: captures end up in repositories and bug reports.
      const capture = { receivedAt: report.receivedAt, method: report.method, path: report.path, query: report.query, headers: maskHeaders(headers), body, remoteAddress: report.remoteAddress, provider: report.provider, event: report.event };
      try {
        report.capture = { path: await writeCapture(options.saveDir, capture, report.seq) };
      } catch (e) {
        report.capture = { error: (e as Error).message };
        warn(`could not save delivery #${report.seq}: ${(e as Error).message}`);
      }
    }
    if (forwardUrl && !tooLarge && report.statusReason !== 'simulated') {
      report.forward = { url: forwardUrl.href };
      try {
        const target = new URL(forwardUrl);
        for (const [k, v] of Object.entries(report.query)) if (!target.searchParams.has(k)) target.searchParams.set(k, v);
        const r = await sendRaw({ url: target, method: report.method, headers: endToEndHeaders(headers), body, timeoutMs: options.forwardTimeoutMs ?? 10_000 });
        report.forward.status = r.status;
        report.forward.latencyMs = r.latencyMs;
        report.forward.body = r.body.subarray(0, 2048).toString('utf8');
        report.status = r.status;
        report.statusReason = 'forwarded';
        p.answer = r.body;
        const type = r.headers['content-type'];
        if (typeof type === 'string') p.extra = { 'content-type': type };
      } catch (e) {
        report.forward.error = (e as Error).message;
        report.status = 502;
        report.statusReason = 'forward-failed';
        p.answer = { error: 'bad_gateway', message: `--forward-to ${forwardUrl.href}: ${(e as Error).message}` };
      }
    }
  }

  function conclude(res: ServerResponse, p: Pending, body: Buffer): void {
    const { report } = p;
    if (p.trusted && !(report.status >= 200 && report.status < 300)) dedup.release(p.dedupKey, report.seq);
    // Reported before the answer goes out, so that whoever sees the answer can already see the report.
    report.durationMs = Math.round((performance.now() - p.started) * 100) / 100;
    record(report, body);
    answers.push({ res, status: report.status, body: p.answer ?? answerBody(report.status, report), extra: p.extra });
    if (answers.length === 1) setImmediate(sendAnswers);
  }

  // Answers leave together at the end of the event-loop turn instead of one by one as each delivery is
  // decided. On loopback, each write that wakes an idle sender costs more than inspecting a delivery; a burst
  // of writes wakes it once. Measured with 50 connections: +40-70% deliveries per second, half the system time.
  // A delivery stays in flight (close() waits for it) until its answer is written.
  const answers: Array<{ res: ServerResponse; status: number; body: unknown; extra: Record<string, string> | undefined }> = [];
  function sendAnswers(): void {
    const batch = answers.splice(0);
    for (const a of batch) {
      try {
        reply(a.res, a.status, a.body, a.extra);
      } catch (e) {
        // e.g. a forwarded Content-Type that node refuses to write: the sender still gets an answer.
        warn(`could not answer a delivery: ${(e as Error).message}`);
        try {
          if (a.res.headersSent) a.res.destroy(); // half an answer: cutting the connection is the honest end
          else reply(a.res, 500, { error: 'internal', message: (e as Error).message });
        } catch {
          a.res.destroy();
        }
      }
      done();
    }
  }

  function record(report: DeliveryReport, body: Buffer): void {
    summary.deliveries++;
    if (report.verdict === 'valid') summary.valid++;
    else summary.invalid++;
    if (report.duplicate) summary.duplicates++;
    for (const p of report.problems) summary.problems[p] = (summary.problems[p] ?? 0) + 1;
    summary.statuses[report.status] = (summary.statuses[report.status] ?? 0) + 1;
    try {
      callbacks.onDelivery?.(report, { body });
    } catch (e) {
      warn(`delivery callback failed: ${(e as Error).message}`);
    }
  }

  // In-flight deliveries, counted rather than kept as promises: close() waits for the count to reach zero.
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const begin = () => void inFlight++;
  const done = () => {
    if (--inFlight === 0 && idle) idle();
  };

  function dispatch(req: IncomingMessage, res: ServerResponse, n: number, body: Buffer, size: number, tooLarge: boolean): void {
    const fail = (e: Error) => {
      warn(`delivery #${n} failed inside the listener: ${e.message}`);
      reply(res, 500, { error: 'internal', message: e.message });
    };
    let p: Pending;
    try {
      p = analyse(req, n, body, size, tooLarge);
      if (options.saveDir === undefined && forwardUrl === undefined) {
        // The common case stays synchronous: no promise per delivery.
        conclude(res, p, body);
        return;
      }
    } catch (e) {
      fail(e as Error);
      done();
      return;
    }
    saveAndForward(p, body, tooLarge)
      .then(() => conclude(res, p, body))
      .catch((e: Error) => {
        fail(e);
        done();
      });
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') {
      // Browsers and health checks are not deliveries: they must not count towards --expect.
      req.resume();
      reply(res, 200, method === 'HEAD' ? '' : 'cg-hooks listen: POST webhooks to any path\n', { 'content-type': 'text/plain; charset=utf-8' });
      return;
    }
    const n = ++seq;
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    begin();
    const finish = (tooLarge: boolean) => {
      if (finished) return;
      finished = true;
      const body = tooLarge ? Buffer.alloc(0) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      chunks.length = 0;
      dispatch(req, res, n, body, size, tooLarge);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBody) chunks.push(chunk);
      else if (chunks.length > 0) chunks.length = 0; // over the limit: stop keeping bytes, keep counting
      if (size > hardCap) {
        finish(true);
        req.pause();
      }
    });
    req.on('end', () => finish(size > maxBody));
    req.on('error', ignore); // an aborted upload: reported once, on 'close' below
    req.once('close', () => {
      if (finished) return;
      finished = true;
      warn(`delivery #${n}: the client went away before sending the whole body`);
      done();
    });
  }

  const server: Server = createServer({
    // Checked every second (default 30 s) so slow clients are cut off close to their deadline.
    connectionsCheckingInterval: 1000,
    headersTimeout: options.headersTimeoutMs ?? 10_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: 5000,
  });
  server.on('request', onRequest);
  server.on('checkContinue', (req, res) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) {
      // The client waits for our go-ahead: refuse without reading the body.
      begin();
      dispatch(req, res, ++seq, Buffer.alloc(0), declared, true);
      return;
    }
    res.writeContinue();
    onRequest(req, res);
  });
  // Without these, node hangs up on CONNECT without a word, and stops parsing an Upgrade request after its
  // headers (its body never arrives; a bad one left the client hanging): refuse both with a proper answer.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    summary.clientErrors++;
    socket.on('error', () => socket.destroy());
    warn(`refused a request from ${socket.remoteAddress ?? '?'}: CONNECT (tunnels) is not supported`);
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nallow: POST, PUT, PATCH, DELETE, GET, HEAD, OPTIONS\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    summary.clientErrors++;
    socket.on('error', () => socket.destroy());
    warn(`refused a request from ${socket.remoteAddress ?? '?'}: Upgrade: ${String(req.headers.upgrade ?? '').slice(0, 40)} is not supported`);
    const text = `${JSON.stringify({ error: 'upgrade_not_supported', message: 'cg-hooks listen does not upgrade connections: send the webhook without an Upgrade header' })}\n`;
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  });
  server.on('clientError', (e: NodeJS.ErrnoException, socket: Socket) => {
    summary.clientErrors++;
    const code = e.code ?? '';
    if (code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    warn(`refused a request from ${socket.remoteAddress ?? '?'}: ${status.slice(4)} (${code || e.message})`);
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${options.host ?? '127.0.0.1'}:${options.port ?? 0}`;
      if (e.code === 'EADDRINUSE') reject(new UsageError('port_in_use', `port ${options.port} is already in use (${where})`, 'pick another --port, or --port 0 for any free port'));
      else if (e.code === 'EACCES') reject(new UsageError('port_denied', `not allowed to listen on ${where}`, 'ports below 1024 need privileges: pick a higher --port'));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new UsageError('bad_host', `cannot listen on ${where}: no such local address`));
      else reject(e);
    });
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  server.on('error', (e) => warn(`server error: ${e.message}`));

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const host = options.host ?? '127.0.0.1';
  // A wildcard bind is reachable on loopback: print a URL that can be pasted.
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<ListenSummary> | undefined;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    summary: () => ({ ...summary, problems: { ...summary.problems }, statuses: { ...summary.statuses } }),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // In-flight deliveries finish (capture written, answer sent); then any keep-alive socket is cut.
        const grace = setTimeout(() => server.closeAllConnections(), 5000);
        if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
        server.closeIdleConnections();
        await Promise.race([stopped, new Promise((r) => setTimeout(r, 1000).unref())]);
        server.closeAllConnections();
        clearTimeout(grace);
        closeClientConnections();
        return { ...summary };
      })();
      return closing;
    },
  };
}
