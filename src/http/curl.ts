import type { SendRequest } from './request.js';

/**
 * Quotes one argument for a POSIX shell. Printable UTF-8 goes in single quotes ('\'' for a quote);
 * anything with control characters or invalid UTF-8 uses bash/zsh $'…' with \xHH escapes, so the exact
 * bytes survive copy and paste.
 */
export function shellQuote(value: string | Uint8Array): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const text = bytes.toString('utf8');
  const roundTrips = Buffer.from(text, 'utf8').equals(bytes);
  // Newlines and tabs are safe inside single quotes; other control bytes would not survive a terminal.
  // eslint-disable-next-line no-control-regex
  if (roundTrips && !/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) {
    if (text !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
    return `'${text.replace(/'/g, `'\\''`)}'`;
  }
  let out = "$'";
  for (const b of bytes) {
    if (b === 0x27) out += "\\'";
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}'`;
}

export interface CurlOptions {
  insecure?: boolean;
  /** Per-request timeout for curl, in ms. */
  timeoutMs?: number;
}

/**
 * A curl command that sends the same method, URL, headers and body bytes. `--data-raw` sends its
 * argument verbatim (no @file, no newline stripping), and every header we send is given explicitly.
 * A body containing NUL bytes cannot be a shell argument: undefined then.
 */
export function curlCommand(request: SendRequest, o: CurlOptions = {}): string | undefined {
  if (request.body.includes(0)) return undefined;
  const parts = ['curl', '-sS', '-i'];
  if (o.insecure) parts.push('-k');
  if (o.timeoutMs !== undefined) parts.push('--max-time', String(Math.max(1, Math.ceil(o.timeoutMs / 1000))));
  const method = request.method ?? 'POST';
  if (method !== 'POST') parts.push('-X', method);
  parts.push(shellQuote(request.url));
  for (const [name, value] of Object.entries(request.headers)) parts.push('-H', shellQuote(`${name}: ${value}`));
  // curl adds "Accept: */*" on its own; an empty header removes it so the receiver sees what send sends.
  if (!Object.keys(request.headers).some((k) => k.toLowerCase() === 'accept')) parts.push('-H', shellQuote('Accept:'));
  parts.push('--data-raw', shellQuote(request.body));
  return parts.join(' ');
}

/**
 * The request head exactly as `send` puts it on the wire (undici's HTTP/1.1 framing: lower-case host,
 * connection and content-length around our headers), for `--dry-run`. The body follows as raw bytes.
 */
export function rawRequestHead(request: SendRequest): string {
  const url = new URL(request.url);
  const lines = [`${request.method ?? 'POST'} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
  if (!Object.keys(request.headers).some((k) => k.toLowerCase() === 'content-length')) lines.push(`content-length: ${request.body.byteLength}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
