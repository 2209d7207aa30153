// The request a provider would send for exactly these bytes: pure (no I/O), so that planning (conformance,
// scenarios) can describe requests and src/http can send them. src/http/request.ts re-exports it.
import { UsageError } from '../errors.js';
import type { ProviderDef } from '../providers/types.js';
import { signRequest } from '../signing/index.js';
import type { SignOptions } from '../signing/index.js';
import { VERSION } from '../version.js';
import { HTTP_TOKEN } from './capture.js';
import { escapeTerminal, redactUrl } from './redact.js';

export const USER_AGENT = `cg-hooks/${VERSION}`;

/** One HTTP request, exactly as it goes on the wire (the body is sent byte for byte). */
export interface SendRequest {
  method?: string;
  /** Absolute http(s) URL, query included. */
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A request built for a provider, with what the user should know about it. */
export interface PreparedRequest extends SendRequest {
  method: string;
  /** Query parameters the provider adds (WebEngage), already in `url`. */
  query: Record<string, string>;
  /** Names of the headers the signing scheme set. */
  signedHeaders: string[];
  notes: string[];
}

/** The signing options (secret, API key, basic auth, WebEngage, timestamps…) plus what makes it a request. */
export interface BuildRequestInput extends SignOptions {
  provider: ProviderDef;
  url: string;
  body: Uint8Array;
  /** The event name: WebEngage's `eventType` query parameter defaults to it. */
  event?: string;
  /** `-H` extras, applied last (they win over everything, so a receiver's rejection path can be tested). */
  headers?: Array<[string, string]>;
  userAgent?: string;
}

/** Parses and checks a target URL: http(s) only, with a suggestion for the usual slips. */
export function parseTargetUrl(text: string, flag = '--to'): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  // `new URL` refuses a port past 65535 like any other bad URL: say what is really wrong.
  const port = /^https?:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)(?:[/?#]|$)/i.exec(text)?.[1];
  if (!url && port !== undefined && Number(port) > 65535) {
    throw new UsageError('bad_url', `${flag}: port ${port} is out of range (1-65535)`, 'use a full URL such as http://127.0.0.1:3000/webhook');
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    // Shown redacted: a mistyped URL still carries its user:password@ and ?token=.
    const shown = escapeTerminal(redactUrl(text));
    const guess = /^[\w.-]+:\d+(\/|$)/.test(text) || /^[\w.-]+(\/|$)/.test(text) ? ` (did you mean http://${shown}?)` : '';
    throw new UsageError('bad_url', `${flag}: "${shown}" is not an http(s) URL${guess}`, 'use a full URL such as http://127.0.0.1:3000/webhook');
  }
  return url;
}

/** `-H "Name: value"` → [name, value]; a usage error for anything else. */
export function parseHeader(text: string): [string, string] {
  const i = text.indexOf(':');
  const name = i > 0 ? text.slice(0, i).trim() : '';
  if (!HTTP_TOKEN.test(name)) {
    // Only the first word is echoed: a mistyped header is often a credential ("Authorization Bearer …").
    // Token characters only: "Authorization=Bearer …" shows as "Authorization", never the credential after it.
    const preview = (/^[!#$%&'*+.^_`|~0-9A-Za-z-]{0,40}/.exec(text)?.[0] ?? '') || '(empty)';
    throw new UsageError('bad_header', `-H "${preview}…": expected "Name: value"`, 'for example -H "X-Tenant: acme"');
  }
  const value = text.slice(i + 1).trim();
  if (/[\r\n\0]/.test(value)) throw new UsageError('bad_header', `-H ${name}: the value may not contain line breaks`);
  return [name, value];
}

function parseJsonOrUndefined(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Sets a header replacing any other spelling of the same name (HTTP names are case-insensitive). */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) delete headers[key];
  headers[name] = value;
}

export function hasHeader(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((k) => k.toLowerCase() === lower);
}

/**
 * Builds the request the provider would send for exactly these bytes: its headers, our User-Agent,
 * the signature (or auth) for the scheme, WebEngage's query parameters, then the user's `-H` extras.
 */
export function buildSendRequest(input: BuildRequestInput): PreparedRequest {
  const url = parseTargetUrl(input.url);
  const { provider: _p, url: _u, body: _b, event, headers: _h, userAgent: _a, ...signOptions } = input;
  const eventType = input.eventType ?? event;
  if (eventType !== undefined) signOptions.eventType = eventType;
  const signed = signRequest(input.provider.signing, input.body, signOptions);

  const headers: Record<string, string> = {};
  setHeader(headers, 'User-Agent', input.userAgent ?? USER_AGENT);
  // A provider that documents its own User-Agent (Segment) keeps it: the request should look like theirs.
  for (const [name, value] of Object.entries(input.provider.headers)) setHeader(headers, name, value);
  // Per-delivery headers (WebEngage's x-request-id) come from the body, so retries and --repeat copies share them.
  if (input.provider.deliveryHeaders) {
    const parsed = parseJsonOrUndefined(input.body);
    if (parsed !== undefined) for (const [name, value] of Object.entries(input.provider.deliveryHeaders(parsed))) setHeader(headers, name, value);
  }
  for (const [name, value] of Object.entries(signed.headers)) setHeader(headers, name, value);
  const notes = [...signed.notes];
  // Auth the user asked for explicitly is sent even when the provider's scheme does not use it.
  if (input.user !== undefined && !hasHeader(signed.headers, 'Authorization')) {
    setHeader(headers, 'Authorization', `Basic ${Buffer.from(input.user, 'utf8').toString('base64')}`);
  }
  if (input.apiKey !== undefined && !hasHeader(signed.headers, 'X-API-KEY')) setHeader(headers, 'X-API-KEY', input.apiKey);
  for (const [name, value] of input.headers ?? []) setHeader(headers, name, value);
  if (!hasHeader(headers, 'Content-Type')) setHeader(headers, 'Content-Type', 'application/json');

  for (const [key, value] of Object.entries(signed.query)) url.searchParams.set(key, value);
  return {
    method: 'POST',
    url: url.href,
    headers,
    body: input.body,
    query: signed.query,
    signedHeaders: Object.keys(signed.headers),
    notes,
  };
}

