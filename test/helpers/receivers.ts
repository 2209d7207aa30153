// Reference webhook receivers for the conformance tests: small node:http servers, each with one known
// behaviour (correct, never verifies, re-serializes, crashes, rejects duplicates), on free 127.0.0.1 ports.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Incoming {
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Answers a status, or throws (then the server answers 500, as frameworks' default error handlers do), or hangs. */
export type Handler = (req: Incoming) => number | 'hang';

export interface Receiver {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function startReceiver(handler: Handler): Promise<Receiver> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      let status: number | 'hang';
      try {
        status = handler({ url: new URL(req.url ?? '/', 'http://127.0.0.1'), headers: req.headers, body: Buffer.concat(chunks) });
      } catch {
        status = 500;
      }
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** How a receiver authenticates a request: true when it is genuine. Must never throw (that is the crashing receiver's job). */
export type Auth = (req: Incoming) => boolean;

function safeEqualText(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const header = (req: Incoming, name: string) => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** hex(hmac(secret, raw body)) in one header: CustomerGlu (sha1, X-CG-SIGNATURE), mgPass (sha256, X-Webhook-Signature). */
export function hmacAuth(algorithm: 'sha1' | 'sha256', name: string, secret: string): Auth {
  return (req) => safeEqualText(header(req, name), createHmac(algorithm, secret).update(req.body).digest('hex'));
}

export function basicAuth(user: string): Auth {
  return (req) => safeEqualText(header(req, 'authorization'), `Basic ${Buffer.from(user).toString('base64')}`);
}

export function apiKeyAuth(key: string): Auth {
  return (req) => safeEqualText(header(req, 'x-api-key'), key);
}

/** Standard Webhooks' signature, with or without its timestamp tolerance. */
export function standardWebhooksAuth(secret: string, checkTimestamp = true): Auth {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return (req) => {
    const id = header(req, 'webhook-id');
    const t = header(req, 'webhook-timestamp');
    const sig = header(req, 'webhook-signature');
    if (!id || !t || !sig || !/^\d+$/.test(t)) return false;
    if (checkTimestamp && Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
    const expected = `v1,${createHmac('sha256', key).update(`${id}.${t}.`).update(req.body).digest('base64')}`;
    return sig.split(' ').some((s) => safeEqualText(s, expected));
  };
}

function parses(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

const digest = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** Authenticates the raw bytes, answers 400 to bad JSON, acknowledges duplicates. */
export function correct(auth: Auth): Handler {
  return (req) => (!auth(req) ? 401 : !parses(req.body) ? 400 : 200);
}

/** Parses, but never checks a signature or credential. */
export function neverVerifies(): Handler {
  return (req) => (parses(req.body) ? 200 : 400);
}

/** Like the providers' sample receivers: verifies hmac(JSON.stringify(JSON.parse(body))), not the bytes received. */
export function reserializes(algorithm: 'sha1' | 'sha256', name: string, secret: string): Handler {
  return (req) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      return 400;
    }
    const expected = createHmac(algorithm, secret).update(JSON.stringify(parsed)).digest('hex');
    return safeEqualText(header(req, name), expected) ? 200 : 401;
  };
}

/** The seed samples' bug: timingSafeEqual on whatever arrived, which throws on a missing header or a length mismatch. */
export function crashes(algorithm: 'sha1' | 'sha256', name: string, secret: string): Handler {
  return (req) => {
    const given = header(req, name) as string;
    const expected = createHmac(algorithm, secret).update(req.body).digest('hex');
    if (!timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return 401;
    return parses(req.body) ? 200 : 400;
  };
}

/** Correct, except that a delivery it has already seen gets 409 Conflict. */
export function rejectsDuplicates(auth: Auth): Handler {
  const seen = new Set<string>();
  return (req) => {
    if (!auth(req)) return 401;
    if (!parses(req.body)) return 400;
    const key = digest(req.body);
    if (seen.has(key)) return 409;
    seen.add(key);
    return 200;
  };
}
