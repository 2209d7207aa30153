// The inspector's own HTTP server: always 127.0.0.1, never the delivery address, so that `--host 0.0.0.0`
// exposes deliveries but never the inspector. Every request passes the checks in security.ts first.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { UsageError } from '../output/errors.js';
import * as api from './api.js';
import type { Assets } from './assets.js';
import { MAX_CLIENTS } from './events.js';
import { allowedHosts, check, SECURITY_HEADERS } from './security.js';

/** Requests to the API carry small JSON (an edited body at most): larger ones are refused. */
const MAX_REQUEST = 8 * 1024 * 1024;

export interface UiServer {
  port: number;
  close(): Promise<void>;
}

function answer(res: ServerResponse, a: api.Answer, head = false): void {
  if (res.headersSent || res.destroyed) return;
  const body = typeof a.body === 'string' ? Buffer.from(a.body, 'utf8') : a.body;
  res.writeHead(a.status, { ...SECURITY_HEADERS, 'content-type': a.type ?? 'text/plain; charset=utf-8', 'content-length': body.length, ...a.headers });
  res.end(head ? undefined : body);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST) {
        reject(Object.assign(new Error('request too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(Object.assign(new Error('the request body is not JSON'), { status: 400 }));
      }
    });
    req.on('error', reject);
  });
}

async function route(ctx: api.ApiContext, assets: Assets, token: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<api.Answer | undefined> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (method === 'GET' || method === 'HEAD') {
    if (path === '/' || path === '/index.html') return { status: 200, type: 'text/html; charset=utf-8', body: assets.page(token) };
    const asset = path.startsWith('/') ? assets.get(path.slice(1)) : undefined;
    if (asset) return { status: 200, type: asset.type, body: asset.body };
    if (path === '/api/info') return api.json(200, ctx.info());
    if (path === '/api/deliveries') return api.list(ctx, url);
    if (path === '/api/diff') return api.diff(ctx, url);
    if (path === '/api/search') return api.search(ctx, url);
    if (path === '/api/events') {
      if (ctx.hub.size >= MAX_CLIENTS) return api.json(503, { error: `more than ${MAX_CLIENTS} pages open: close one` });
      const last = req.headers['last-event-id'] ?? url.searchParams.get('after') ?? '0';
      ctx.hub.attach(res, /^\d{1,15}$/.test(String(last)) ? Number(last) : 0);
      return undefined;
    }
    const m = /^\/api\/deliveries\/(\d{1,15})(?:\/(capture|curl|scenario))?$/.exec(path);
    if (m) return m[2] ? api.exportOne(ctx, m[1]!, m[2], url) : api.detail(ctx, m[1]!);
    return api.json(404, { error: 'not found' });
  }
  if (method === 'POST') {
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) return api.json(415, { error: 'expected Content-Type: application/json' });
    if (path === '/api/resend') return api.resend(ctx, await readJson(req));
    if (path === '/api/export') return api.exportList(ctx, await readJson(req));
    return api.json(404, { error: 'not found' });
  }
  return { status: 405, body: 'method not allowed\n', headers: { allow: 'GET, HEAD, POST' } };
}

export async function startUiServer(ctx: api.ApiContext, assets: Assets, token: string, port: number, onError: (message: string) => void): Promise<UiServer> {
  let hosts = new Set<string>();
  const server: Server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5000 }, (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      answer(res, { status: 400, body: 'bad request\n' });
      return;
    }
    const refused = check(req, url, token, hosts, req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html'));
    if (refused) {
      req.resume();
      answer(res, { status: refused.status, body: `${refused.message}\n`, headers: { connection: 'close' } });
      return;
    }
    route(ctx, assets, token, req, res, url).then(
      (a) => a && answer(res, a, req.method === 'HEAD'),
      (e: Error & { status?: number }) => {
        if (!e.status) onError(`inspector: ${e.message}`);
        answer(res, api.json(e.status ?? 500, { error: e.message }));
      },
    );
  });
  server.on('clientError', (_e, socket: Socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new UsageError('port_in_use', `--ui-port ${port} is already in use`, 'pick another --ui-port, or leave it out for any free port'));
      else if (e.code === 'EACCES') reject(new UsageError('port_denied', `not allowed to listen on 127.0.0.1:${port}`, 'ports below 1024 need privileges: pick a higher --ui-port'));
      else reject(e);
    });
    // Loopback only, whatever --host the deliveries use.
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.on('error', (e) => onError(`inspector: ${e.message}`));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  hosts = allowedHosts(bound);
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
