// Requests refused before they become deliveries (broken HTTP, header/request timeouts, CONNECT):
// answered once, counted once per connection, and closed gently enough that the client reads the answer.
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long a refused connection keeps being read (and the bytes dropped) before it is closed. Closing a socket
 * that still has unread bytes makes the kernel reset the connection, and a client still sending its body then
 * gets EPIPE or ECONNRESET instead of the answer ("lingering close", as web servers do it).
 */
const LINGER_MS = 2000;

const STATUS_LINE: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

export function installRefusals(server: Server, onRefused: () => void, warn: (message: string) => void): void {
  const refused = new WeakSet<Socket>();

  const linger = (socket: Socket, answer: string | undefined) => {
    socket.on('error', () => socket.destroy());
    if (answer !== undefined && socket.writable) socket.end(answer);
    else if (socket.writable) socket.end();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };

  /** Counts and answers a refusal once per connection; the parser reports a broken stream again on every chunk. */
  const refuse = (socket: Socket, answer: string, why: string) => {
    if (refused.has(socket)) return;
    refused.add(socket);
    onRefused();
    warn(`refused a request from ${socket.remoteAddress ?? '?'}: ${why}`);
    // A complete delivery on this connection still being answered (pipelining: a good request, then garbage):
    // its answer goes out first and is the last thing written; writing ours now would give its sender our status.
    // (A request whose own body is what broke is never answered otherwise: it gets our answer.)
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (inFlight && !inFlight.writableFinished && inFlight.req?.complete) inFlight.once('close', () => linger(socket, undefined));
    else linger(socket, answer);
  };

  server.on('clientError', (e: NodeJS.ErrnoException, socket: Socket) => {
    const code = e.code ?? '';
    if (code === 'ECONNRESET') {
      // The client is gone: nobody to answer, nothing to count.
      socket.destroy();
      return;
    }
    const status = STATUS_LINE[code] ?? '400 Bad Request';
    refuse(socket, `HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, `${status.slice(4)} (${code || e.message})`);
  });

  // Without this, node hangs up on CONNECT without a word: refuse it with a proper answer. An Upgrade request
  // (`curl --http2` sends every request with `Upgrade: h2c`) has no 'upgrade' listener on purpose: node then reads
  // it as the plain HTTP/1.1 request it also is (a server may ignore Upgrade, RFC 9110 7.8), so it is a delivery.
  server.on('connect', (_req, socket: Socket) => {
    const answer = 'HTTP/1.1 405 Method Not Allowed\r\nallow: POST, PUT, PATCH, DELETE, GET, HEAD, OPTIONS\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';
    refuse(socket, answer, 'CONNECT (tunnels) is not supported');
  });
}
