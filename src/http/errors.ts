import { formatDuration } from '../core/duration.js';

/** A network failure explained for a human: what happened, and what to do about it. */
export interface SendFailure {
  /** Stable code for --json: connection_refused, dns, connect_timeout, timeout, tls, connection_reset, … */
  code: string;
  message: string;
  hint?: string;
  /** The underlying error code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, …). */
  cause?: string;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** `host:port` with the scheme's default port filled in, as people type it. */
export function hostPort(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/** The most specific error code in undici's wrapping (cause chains, AggregateError for multi-address hosts). */
function errorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e = error as (NodeJS.ErrnoException & { cause?: unknown; errors?: unknown[] }) | undefined;
  let fallback: string | undefined;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && !code.startsWith('UND_ERR_SOCKET')) return code;
    fallback ??= code;
    e = (e.cause ?? e.errors?.[0]) as typeof e;
  }
  return fallback;
}

/** " within 300 ms", " within 10 s": how long was waited, in the words of the duration flags. */
export const within = (timeoutMs: number | undefined): string => (timeoutMs !== undefined ? ` within ${formatDuration(timeoutMs)}` : '');

/** Classifies a failed request into one helpful line. */
export function classifyError(error: unknown, url: URL, timeoutMs?: number): SendFailure {
  const code = errorCode(error);
  const where = hostPort(url);
  const message = (error as Error)?.message ?? String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return { code: 'connection_refused', message: `nothing is listening on ${where}`, hint: `start your receiver (or \`cg-hooks listen --port ${url.port || 80}\`) and check the host and port`, cause: code };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { code: 'dns', message: `cannot resolve host ${url.hostname}`, hint: 'check the spelling of the host, or use an IP address such as 127.0.0.1', cause: code };
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return { code: 'connect_timeout', message: `could not connect to ${where}${within(timeoutMs)}`, hint: 'is a firewall dropping the connection? raise --timeout if the host is slow', cause: code };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { code: 'timeout', message: `${where} accepted the connection but sent no response${within(timeoutMs)}`, hint: 'answer quickly (process webhooks asynchronously), or raise --timeout', cause: code };
    case 'UND_ERR_BODY_TIMEOUT':
      return { code: 'timeout', message: `${where} stopped sending its response body${within(timeoutMs)}`, hint: 'raise --timeout if the response is slow', cause: code };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { code: 'connection_reset', message: `${where} closed the connection without a complete response`, hint: url.protocol === 'http:' ? `the receiver crashed or closed the socket (check its logs); if it speaks HTTPS, use https://${url.host}${url.pathname}` : 'the receiver crashed or closed the socket: check its logs', cause: code };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { code: 'unreachable', message: `${where} is unreachable`, hint: 'check the network, VPN or host', cause: code };
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return { code: 'tls', message: `TLS handshake with ${where} failed: the server does not seem to speak HTTPS`, hint: `use http://${url.host}${url.pathname} if the receiver is plain HTTP`, cause: code };
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return { code: 'aborted', message: 'the request was aborted', cause: code };
  }
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))) {
    return { code: 'tls', message: `TLS certificate of ${where} rejected: ${message}`, hint: 'for a self-signed certificate on your own receiver, pass --insecure', cause: code };
  }
  return { code: 'network', message: `request to ${where} failed: ${message}`, ...(code ? { cause: code } : {}) };
}
