// What conform() can test, made reachable over real HTTP on 127.0.0.1: a URL as it is; a fetch-style handler
// (Hono, Next.js route handlers) or a Node listener (Express, node:http) behind a node:http server on an ephemeral
// port; an http.Server on such a port. Fetch handlers go over the wire too, not in-process: the conformance run
// then sends exactly what `cg-hooks test` sends, through the same client, and the handler receives a Request
// built from the bytes and headers that arrived, as its framework's Node adapter would build it.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../index.js';

/** A fetch-style handler: Hono's `app.fetch`, a Next.js route handler (`export async function POST(req)`), … */
export type FetchHandler = (request: Request) => Response | Promise<Response>;
/** A Node request listener: an Express or Connect app, the function given to `http.createServer`. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * A URL (the receiver is already running), a fetch-style handler, an object with one (a Hono app, `{ fetch }`),
 * a Node listener (an Express app), or an `http.Server` (Fastify's `app.server` after `await app.ready()`).
 */
export type ConformTarget = string | URL | FetchHandler | NodeListener | { fetch: FetchHandler } | http.Server;

export interface ServeOptions {
  /** The path (and query) the receiver is mounted at, for handlers and servers. Default `/`. */
  path?: string;
  /** How to call a function target. Default: a function of two or more parameters is a Node listener (`(req, res)`), else a fetch handler. */
  as?: 'fetch' | 'node';
  /** Called with whatever a handler threw (or rejected with); it is answered 500, as frameworks do. */
  onThrown?(error: unknown): void;
}

export interface Served {
  url: string;
  /** What the target is, in a few words, for messages. */
  kind: 'url' | 'fetch handler' | 'node listener' | 'http.Server';
  /** Stops what was started for the run (never a server that was already listening). */
  close(): Promise<void>;
}

/** Request bodies the bridge buffers for a fetch handler: far above any delivery, bounded all the same. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as PromiseLike<unknown> | undefined)?.then === 'function';
const isResponse = (v: unknown): v is Response =>
  v instanceof Response || (typeof v === 'object' && v !== null && typeof (v as Response).status === 'number' && typeof (v as Response).headers?.forEach === 'function' && 'body' in v);

function answer500(res: ServerResponse, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The Request a fetch handler gets: the URL, method, headers (repeats kept) and body bytes that arrived. */
async function toWebRequest(req: IncomingMessage, origin: string): Promise<Request | undefined> {
  const body = await readBody(req);
  if (body === undefined) return undefined;
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), { method, headers, ...(hasBody ? { body: new Uint8Array(body) } : {}) });
}

/** Writes a fetch Response to Node's response, streaming its body and stopping when the client goes away. */
async function writeWebResponse(response: Response, res: ServerResponse): Promise<void> {
  const cookies = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.writeHead(response.status, response.statusText || undefined);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.once('close', () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) await new Promise<void>((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
  }
  res.end();
}

function fetchBridge(handler: FetchHandler, origin: () => string, onThrown: (e: unknown) => void): http.RequestListener {
  return (req, res) => {
    void (async () => {
      let request: Request | undefined;
      try {
        request = await toWebRequest(req, origin());
      } catch {
        // The client went away mid-body: nobody is waiting for an answer, and the handler is not at fault.
        res.destroy();
        return;
      }
      if (!request) {
        res.writeHead(413).end();
        return;
      }
      let response: unknown;
      try {
        response = await handler(request);
      } catch (e) {
        onThrown(e);
        answer500(res, 'the handler threw');
        return;
      }
      if (!isResponse(response)) {
        onThrown(new TypeError(`the handler returned ${response === null ? 'null' : typeof response}, not a Response`));
        answer500(res, 'the handler returned no Response');
        return;
      }
      await writeWebResponse(response, res);
    })().catch((e: unknown) => {
      onThrown(e);
      answer500(res, 'the handler threw');
    });
  };
}

/** A Node listener that throws (or whose promise rejects) is answered 500 instead of taking the test process down. */
function guardedListener(listener: NodeListener, onThrown: (e: unknown) => void, guessed: boolean): http.RequestListener {
  return (req, res) => {
    const failed = (e: unknown) => {
      // Taken for a Node listener by its two parameters, a fetch handler (req, context) fails on `req.headers.get`.
      if (guessed && e instanceof TypeError && /is not a function/.test(e.message)) {
        e.message += ` (if this is a fetch-style handler taking (request, context), pass { as: 'fetch' })`;
      }
      onThrown(e);
      answer500(res, 'the listener threw');
    };
    try {
      const result = listener(req, res);
      if (isThenable(result)) {
        result.then((value) => {
          // A fetch handler taken for a Node listener (two parameters): say so rather than hang the case.
          if (isResponse(value) && !res.headersSent) failed(new UsageError('bad_target', "conform: the handler returned a Response, so it is a fetch-style handler: pass { as: 'fetch' }"));
        }, failed);
      }
    } catch (e) {
      failed(e);
    }
  };
}

function listen(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function stop(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open until they time out.
    server.closeAllConnections();
  });
}

function urlOn(server: http.Server, path: string): string {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new UsageError('bad_target', 'conform: the http.Server listens on a pipe, not a TCP port: pass its URL, or a server that is not listening yet');
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return new URL(path, `http://${host}:${(address as AddressInfo).port}`).href;
}

function checkedPath(path: string | undefined): string {
  const p = path ?? '/';
  if (!p.startsWith('/') || p.startsWith('//')) throw new UsageError('bad_option', `conform: \`path\` must start with a single "/" (the path the receiver is mounted at, e.g. "/webhooks/mgpass")`);
  return p;
}

/** Makes the target reachable on 127.0.0.1 for the run. The caller must `close()` it (in a finally). */
export async function serve(target: ConformTarget, options: ServeOptions = {}): Promise<Served> {
  const onThrown = options.onThrown ?? (() => {});
  if (typeof target === 'string' || target instanceof URL) {
    if (options.path !== undefined) throw new UsageError('bad_option', 'conform: `path` is for handlers and servers; with a URL target, put the path in the URL');
    return { url: String(target), kind: 'url', close: async () => {} };
  }
  const path = checkedPath(options.path);
  if (target instanceof http.Server) {
    if (target.listening) return { url: urlOn(target, path), kind: 'http.Server', close: async () => {} };
    await listen(target);
    return { url: urlOn(target, path), kind: 'http.Server', close: () => stop(target) };
  }
  let listener: http.RequestListener;
  let kind: Served['kind'];
  const origin = { href: 'http://127.0.0.1' };
  if (typeof target === 'function') {
    const fn = target as (...args: unknown[]) => unknown;
    // Express and Connect apps are functions with .handle; otherwise (req, res) has two parameters, a fetch handler one.
    const framework = typeof (fn as { handle?: unknown }).handle === 'function';
    const node = options.as ? options.as === 'node' : framework || fn.length >= 2;
    kind = node ? 'node listener' : 'fetch handler';
    listener = node ? guardedListener(fn as NodeListener, onThrown, !options.as && !framework) : fetchBridge(fn as FetchHandler, () => origin.href, onThrown);
  } else if (typeof target === 'object' && target !== null && typeof (target as { fetch?: unknown }).fetch === 'function') {
    const app = target as { fetch: FetchHandler };
    kind = 'fetch handler';
    listener = fetchBridge((request) => app.fetch(request), () => origin.href, onThrown);
  } else {
    throw new UsageError('bad_target', 'conform: the target must be a URL, a fetch-style handler (req: Request) => Response, an object with a fetch method (a Hono app), a Node (req, res) listener (an Express app) or an http.Server');
  }
  const server = http.createServer(listener);
  await listen(server);
  origin.href = new URL(urlOn(server, '/')).origin;
  return { url: urlOn(server, path), kind, close: () => stop(server) };
}
