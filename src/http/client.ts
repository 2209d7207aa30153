// A minimal raw HTTP client for relaying bytes unchanged (listen --forward-to, replay).
// node:http rather than fetch: fetch would add its own headers (accept, accept-encoding, user-agent).
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { NetworkError } from '../errors.js';

/** Connection-level headers that a relay must not copy (RFC 9110 §7.6.1), plus those it recomputes. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);

/** The end-to-end headers of a request: hop-by-hop ones and any named in its Connection header removed. */
export function endToEndHeaders(headers: Record<string, string>): Record<string, string> {
  const named = new Set((headers.connection ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && !named.has(lower)) out[lower] = value;
  }
  return out;
}

export interface RawRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** At most `maxResponseBytes` of the response body. */
  body: Buffer;
  latencyMs: number;
}

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

function networkError(e: NodeJS.ErrnoException, url: URL): NetworkError {
  const where = url.host;
  switch (e.code) {
    case 'ECONNREFUSED':
      return new NetworkError('connection_refused', `connection refused by ${where}`, 'is the receiver running on that port?');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetworkError('dns', `cannot resolve ${url.hostname}`);
    case 'ETIMEDOUT':
      return new NetworkError('timeout', `no response from ${where} in time`);
    case 'ECONNRESET':
      return new NetworkError('connection_reset', `${where} closed the connection`);
    default:
      return new NetworkError('network', `request to ${where} failed: ${e.message}`);
  }
}

/** Sends exactly these bytes with exactly these headers (plus Host and Content-Length). */
export function sendRaw(req: RawRequest, maxResponseBytes = 1024 * 1024): Promise<RawResponse> {
  const started = performance.now();
  const https = req.url.protocol === 'https:';
  return new Promise<RawResponse>((resolve, reject) => {
    const r = (https ? httpsRequest : httpRequest)(req.url, {
      method: req.method,
      headers: { ...req.headers, 'content-length': String(req.body.length) },
      agent: https ? agents.https : agents.http,
      timeout: req.timeoutMs,
    });
    let settled = false;
    const fail = (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      r.destroy();
      reject(networkError(e, req.url));
    };
    const timer = setTimeout(() => fail(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), req.timeoutMs);
    r.on('timeout', () => fail(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    r.on('error', fail);
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < maxResponseBytes) {
          chunks.push(chunk.subarray(0, maxResponseBytes - kept));
          kept += chunk.length;
        }
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers,
          body: Buffer.concat(chunks),
          latencyMs: Math.round((performance.now() - started) * 10) / 10,
        });
      });
    });
    r.end(req.body);
  });
}

/** Lets the process exit: keep-alive sockets would otherwise hold it open. */
export function closeClientConnections(): void {
  agents.http.destroy();
  agents.https.destroy();
}
