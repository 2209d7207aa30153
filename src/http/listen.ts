// The listener: a node:http receiver that checks, records and answers every delivery. It never prints:
// each delivery becomes a DeliveryReport passed to onDelivery; the command decides how to show it.
// Its parts: listen-report.ts (request → report → answer), listen-forward.ts (--forward-to),
// listen-refuse.ts (requests that never become deliveries), ../core/capture-store.ts (--save).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { lastValues } from '../core/capture.js';
import { writeCapture } from '../core/capture-store.js';
import { withMapping } from '../core/mapped-provider.js';
import { redactUrl } from '../core/redact.js';
import { saveDirProblem } from '../core/save-dir.js';
import { UsageError } from '../errors.js';
import { MAX_BODY_LIMIT } from './limits.js';
import { loadAllProviders, loadProvider } from '../providers/index.js';
import { schemeById } from '../signing/index.js';
import { closeClientConnections } from './client.js';
import { loadExplain } from './explain-hook.js';
import { DedupTracker, inspectDelivery, type Analysis, type Credentials } from './inspect.js';
import { assertNotSelf, Forwarder } from './listen-forward.js';
import { answerBody, buildReport, failedAnalysis, isoNow, reply, requestHeaders, splitUrl } from './listen-report.js';
import { installRefusals } from './listen-refuse.js';
import { saveError } from './save-errors.js';
import type { DeliveryReport, Listener, ListenCallbacks, ListenOptions, ListenSummary } from './listen-types.js';

export type { DeliveryReport, Listener, ListenCallbacks, ListenOptions, ListenSummary } from './listen-types.js';
export { headerMap, splitUrl } from './listen-report.js';

export const DEFAULT_MAX_BODY = 1024 * 1024;

function emptySummary(): ListenSummary {
  return { deliveries: 0, valid: 0, invalid: 0, duplicates: 0, notSaved: 0, problems: {}, statuses: {}, clientErrors: 0 };
}

function forwardTarget(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new UsageError('bad_url', `--forward-to: "${redactUrl(text)}" is not a URL (expected http://host:port/path)`);
  }
}

/** A delivery's body as it arrives (see onData in startListener). */
class Arrival {
  /** A webhook body nearly always arrives in one chunk: an array only from the second. */
  first: Buffer | undefined = undefined;
  chunks: Buffer[] | undefined = undefined;
  size = 0;
  finished = false;
  /** The whole body once it has arrived, until it is checked. */
  body: Buffer | undefined = undefined;
  tooLarge = false;
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly n: number,
  ) {}
}
const ARRIVAL = Symbol('arrival');
type Arriving = IncomingMessage & { [ARRIVAL]?: Arrival };

export async function startListener(options: ListenOptions = {}, callbacks: ListenCallbacks = {}): Promise<Listener> {
  const fixedId = options.provider && options.provider !== 'auto' ? options.provider : undefined;
  const providers = withMapping(options.providers ?? (await loadAllProviders()), options.mapping, fixedId);
  const fixed = fixedId === undefined ? undefined : (providers.find((p) => p.id === fixedId) ?? (await loadProvider(fixedId)));
  if (options.scheme && !schemeById(options.scheme.id)) throw new UsageError('unknown_scheme', `unknown signing scheme "${options.scheme.id}"`);
  // An empty key is a missing one (`process.env.SECRET ?? ''`), never a key that HMACs and compares as any other.
  if ((options.secrets ?? []).includes('') || options.apiKey === '') {
    throw new UsageError('empty_secret', `an empty ${options.apiKey === '' ? 'API key' : 'secret'} would be checked as a key (an unset variable?)`, 'give the value, or leave it out: then nothing is checked against it');
  }
  const credentials: Credentials = { secrets: options.secrets ?? [] };
  if (options.apiKey !== undefined) credentials.apiKey = options.apiKey;
  if (options.user !== undefined) credentials.user = options.user;
  if (options.licenseCode !== undefined) credentials.licenseCode = options.licenseCode;
  const explain = options.explain === null ? undefined : (options.explain ?? (await loadExplain()));
  const maxBody = options.maxBody ?? DEFAULT_MAX_BODY;
  if (!(maxBody >= 1 && maxBody <= MAX_BODY_LIMIT)) throw new UsageError('bad_option', `maxBody: 1 to ${MAX_BODY_LIMIT} bytes (a body is held whole while it is checked), got ${maxBody}`);
  // Past this, even draining the body to answer 413 politely costs too much: answer and hang up.
  const hardCap = Math.max(16 * 1024 * 1024, 4 * maxBody);
  const forwarder = options.forwardTo === undefined ? undefined : new Forwarder(forwardTarget(options.forwardTo), options.forwardTimeoutMs ?? 10_000, options.forwardInsecure === true);
  const failStatus = options.respond ?? 500;
  const saveDir = options.saveDir;
  if (saveDir !== undefined) {
    const why = await saveDirProblem(saveDir);
    if (why !== undefined) throw new UsageError('unwritable_dir', `cannot save into --save directory ${saveDir}: ${why}`, 'give a directory you can write to, e.g. --save ./captures');
  }

  const dedup = new DedupTracker();
  const summary = emptySummary();
  let seq = 0;
  const warn = (message: string) => callbacks.onWarning?.(message);
  const inspectContext = { providers, fixed, credentials, explain, ...(options.scheme ? { scheme: options.scheme } : {}) };

  /** A delivery from its analysis to its answer (queued as it is for sendAnswers: no other object a delivery). */
  interface Pending {
    res: ServerResponse;
    report: DeliveryReport;
    started: number;
    /** As received: credentials in clear, for the relay only. */
    headers: Record<string, string>;
    rawQuery: string;
    trusted: boolean;
    dedupKey: string | undefined;
    /** The answer's status and body, set when the delivery is concluded. */
    status: number;
    answer: unknown;
    extra: Record<string, string> | undefined;
  }

  /** Everything decided from the request alone (no I/O): the verdicts and the answer by verdict. */
  function analyse(req: IncomingMessage, res: ServerResponse, n: number, body: Buffer, size: number, tooLarge: boolean): Pending {
    const started = performance.now();
    const receivedAt = isoNow(started);
    const headers = requestHeaders(req);
    // Nearly every delivery has no query: no copy of an empty query's last values (splitUrl returns at once without '?').
    const { path, query, rawQuery } = splitUrl(req.url ?? '/');
    const input = { method: req.method ?? 'POST', path, query: rawQuery === '' ? {} : lastValues(query), headers, body, tooLarge, size, maxDecoded: maxBody };
    let analysis: Analysis;
    try {
      analysis = inspectDelivery(input, inspectContext);
    } catch (e) {
      // Whatever a check does, the delivery is still reported, counted and saved (and answered 500: retry).
      warn(`delivery #${n} could not be checked: ${(e as Error).message}`);
      analysis = failedAnalysis(input, e as Error);
    }
    // A forged delivery is not a duplicate of anything: its key is whatever the forger wrote.
    const trusted = analysis.signature.ok && analysis.auth.ok;
    const firstSeq = trusted ? dedup.claim(analysis.dedupKey, n) : undefined;
    const report = buildReport(req, n, { receivedAt, path, query, headers, size }, body, analysis, firstSeq, tooLarge);
    const pending: Pending = { res, report, started, headers, rawQuery, trusted, dedupKey: analysis.dedupKey, status: 0, answer: undefined, extra: undefined };
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
    const { report } = p;
    if (saveDir !== undefined && !tooLarge) {
      // Credentials are masked on disk too (the report's query and headers are): captures end up in
      // repositories and bug reports.
      const capture = { receivedAt: report.receivedAt, method: report.method, path: report.path, query: report.query, headers: report.headers, body, remoteAddress: report.remoteAddress, provider: report.provider, event: report.event };
      try {
        report.capture = { path: await writeCapture(saveDir, capture, report.seq) };
      } catch (e) {
        const why = saveError(e as NodeJS.ErrnoException);
        report.capture = { error: why };
        warn(`could not save delivery #${report.seq}: ${why}`);
        // Acknowledged only once saved: a sender that is told 503 keeps the delivery and retries it.
        if (report.status >= 200 && report.status < 300) {
          report.status = 503;
          report.statusReason = 'not-saved';
          p.extra = { 'retry-after': '5' };
        }
        return; // not relayed either: it will come again
      }
    }
    if (forwarder && !tooLarge && report.statusReason !== 'simulated') {
      const relayed = await forwarder.relay(report, p.headers, body, p.rawQuery);
      p.answer = relayed.answer;
      if (relayed.extra) p.extra = relayed.extra;
    }
  }

  function conclude(p: Pending, body: Buffer): void {
    const { report } = p;
    if (p.trusted && !(report.status >= 200 && report.status < 300)) dedup.release(p.dedupKey, report.seq);
    // Reported before the answer goes out, so that whoever sees the answer can already see the report.
    report.durationMs = Math.round((performance.now() - p.started) * 100) / 100;
    record(report, body);
    p.status = report.status;
    p.answer ??= answerBody(report.status, report);
    answers.push(p);
    if (answers.length === 1 && !checking) setImmediate(sendAnswers);
  }

  // Answers leave together at the end of the event-loop turn instead of one by one as each delivery is
  // decided. On loopback, each write that wakes an idle sender costs more than inspecting a delivery; a burst
  // of writes wakes it once. Measured with 50 connections: +40-70% deliveries per second, half the system time.
  // A delivery stays in flight (close() waits for it) until its answer is written.
  const answers: Pending[] = [];
  function sendAnswers(): void {
    const batch = answers.splice(0);
    for (const a of batch) {
      try {
        reply(a.res, a.status, a.answer, a.extra);
      } catch (e) {
        // Not expected (forwarded headers are checked first), but a delivery must never be left hanging.
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
    if (report.capture?.error !== undefined) summary.notSaved++;
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
    let p: Pending;
    try {
      p = analyse(req, res, n, body, size, tooLarge);
      if (saveDir === undefined && forwarder === undefined) {
        // The common case stays synchronous: no promise per delivery.
        conclude(p, body);
        return;
      }
    } catch (e) {
      failed(res, n, e as Error);
      done();
      return;
    }
    saveAndForward(p, body, tooLarge)
      .then(() => conclude(p, body))
      .catch((e: Error) => {
        failed(res, n, e);
        done();
      });
  }

  // (Not a closure made in dispatch: one a delivery, nearly always unused.)
  function failed(res: ServerResponse, n: number, e: Error): void {
    warn(`delivery #${n} failed inside the listener: ${e.message}`);
    reply(res, 500, { error: 'internal', message: e.message });
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') {
      // Browsers and health checks are not deliveries: they must not count towards --expect.
      req.resume();
      reply(res, 200, method === 'HEAD' ? '' : 'cg-hooks listen: POST webhooks to any path\n', { 'content-type': 'text/plain; charset=utf-8' });
      return;
    }
    begin();
    const arrival = new Arrival(req, res, ++seq);
    (req as Arriving)[ARRIVAL] = arrival;
    req.on('data', onData);
    req.on('end', onEnd);
    // No 'error' listener: an aborted upload is reported once, on 'close' below, and Node emits no 'error' on a
    // request nobody listens to for one (IncomingMessage's _destroy checks listenerCount('error')).
    // on, not once: 'close' comes once, and once() wraps the handler in a bound function for every request.
    req.on('close', onClose);
  }

  // The handlers are shared by every request (`this` is the request, its body's state in one object on it): a
  // closure per handler per request, and the context they shared, cost more than that one object.
  function onData(this: Arriving, chunk: Buffer): void {
    const a = this[ARRIVAL]!;
    a.size += chunk.length;
    if (a.size <= maxBody) {
      if (a.first === undefined) a.first = chunk;
      else (a.chunks ??= [a.first]).push(chunk);
    } else a.first = a.chunks = undefined; // over the limit: stop keeping bytes, keep counting
    if (a.size > hardCap) {
      finish(a, true);
      this.pause();
    }
  }
  function onEnd(this: Arriving): void {
    const a = this[ARRIVAL]!;
    finish(a, a.size > maxBody);
  }
  function onClose(this: Arriving): void {
    const a = this[ARRIVAL]!;
    if (a.finished) return;
    a.finished = true;
    warn(`delivery #${a.n}: the client went away before sending the whole body`);
    done();
  }
  function finish(a: Arrival, tooLarge: boolean): void {
    if (a.finished) return;
    a.finished = true;
    const body = tooLarge ? Buffer.alloc(0) : a.chunks !== undefined ? Buffer.concat(a.chunks, a.size) : (a.first ?? Buffer.alloc(0));
    a.first = a.chunks = undefined;
    a.body = body;
    a.tooLarge = tooLarge;
    arrived.push(a);
    if (arrived.length === 1) setImmediate(checkArrived);
  }

  // Deliveries are checked together at the end of the event-loop turn, as their answers leave: one after the
  // other, with no socket read and parse in between, each check finds its code and data (the report line's last
  // head, the duplicate memory, the schemas) still in the caches. Then the answers go, without waiting another turn.
  const arrived: Arrival[] = [];
  let checking = false;
  function checkArrived(): void {
    const batch = arrived.splice(0);
    checking = true;
    for (const a of batch) {
      const body = a.body!;
      a.body = undefined;
      dispatch(a.req, a.res, a.n, body, a.size, a.tooLarge);
    }
    checking = false;
    if (answers.length > 0) sendAnswers();
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
  installRefusals(server, () => void summary.clientErrors++, warn);

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${host}:${options.port ?? 0}`;
      if (e.code === 'EADDRINUSE') reject(new UsageError('port_in_use', `port ${options.port} is already in use (${where})`, 'pick another --port, or --port 0 for any free port'));
      else if (e.code === 'EACCES') reject(new UsageError('port_denied', `not allowed to listen on ${where}`, 'ports below 1024 need privileges: pick a higher --port'));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new UsageError('bad_host', `cannot listen on ${where}: no such local address`));
      else reject(e);
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  server.on('error', (e) => warn(`server error: ${e.message}`));

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  if (forwarder) {
    try {
      await assertNotSelf(forwarder.target, { host, port });
    } catch (e) {
      await new Promise((resolve) => server.close(resolve));
      throw e;
    }
  }
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
