// Edit → re-sign → resend. The page sends its edits; the listener process rebuilds the request, signs it with
// its own secret (the browser never has it) and sends it to the listener itself, the --forward-to target or
// a URL the user typed in the page. Nothing else can be a target: the token gates the endpoint.
import { randomBytes } from 'node:crypto';
import { MASKED_VALUE, redactUrl } from '../core/redact.js';
import { DEFAULT_TIMEOUT_MS, endToEndHeaders, exchangeRaw } from '../http/client.js';
import type { SignOptions, SignedRequest } from '../signing/types.js';
import type { Credentials } from './explain.js';
import type { EntryScheme } from './scheme.js';
import type { Entry } from './store.js';
import { headersOf, queryOf } from './views.js';

export type SignatureMode = 'resign' | 'keep' | 'strip';
export type TargetKind = 'listener' | 'forward' | 'url';

export interface ResendInput {
  id: number;
  /** The edited body as text; absent: the original bytes, unchanged. */
  body?: string;
  /** The headers to send (name → value) as edited; absent: the original ones. */
  headers?: Record<string, string>;
  signature: SignatureMode;
  target: TargetKind;
  /** With target "url": where to send. */
  url?: string;
}

export interface PreparedResend {
  url: URL;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  notes: string[];
}

/** The header that lets the inspector recognise its own resend when the listener reports it. */
export const RESEND_HEADER = 'x-cg-hooks-resend';

export class ResendError extends Error {}

const isMasked = (v: string) => MASKED_VALUE.test(v) || /\*{4}\(\d+ chars\)/.test(v);

/** The options the listener's credentials give a scheme's sign(): the key that verified the delivery first. */
function signOptions(es: EntryScheme, creds: Credentials, secretIndex: number | undefined, eventType: string | undefined): SignOptions {
  const secret = creds.secrets[secretIndex ?? 0] ?? creds.secrets[0];
  return {
    ...(secret !== undefined ? { secret } : {}),
    ...(creds.apiKey !== undefined ? { apiKey: creds.apiKey } : {}),
    ...(creds.user !== undefined ? { user: creds.user } : {}),
    ...(creds.licenseCode !== undefined ? { licenseCode: creds.licenseCode } : {}),
    ...(eventType !== undefined ? { eventType } : {}),
    ...(es.custom !== undefined ? { custom: es.custom } : {}),
  };
}

/**
 * Header names (lower-case) and query names a scheme reads or sets: what `reads()` names, and what signing these
 * bytes adds (timestamps, ids, a query credential), learnt from the signature itself or, failing that, from
 * signing with placeholder credentials.
 */
function schemeNames(es: EntryScheme, signed: SignedRequest | undefined): { headers: string[]; query: string[] } {
  let s = signed;
  if (!s) {
    try {
      s = es.scheme.sign(Buffer.alloc(0), { secret: 'x', apiKey: 'x', user: 'x:x', licenseCode: 'x', ...(es.custom !== undefined ? { custom: es.custom } : {}) }, es.own);
    } catch {
      s = undefined; // a scheme whose keys have a format (whsec_…): what it reads is enough
    }
  }
  const headers = new Set(es.scheme.reads(es.own, es.custom).map((h) => h.toLowerCase()));
  for (const h of Object.keys(s?.headers ?? {})) headers.add(h.toLowerCase());
  return { headers: [...headers], query: Object.keys(s?.query ?? {}) };
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) delete headers[k];
  headers[lower] = value;
}

/**
 * Signs the bytes. A scheme that signs a message id (Standard Webhooks' webhook-id) gets a fresh one, found by
 * signing with a probe id and seeing which header carries it; when the bytes are the original ones the resend is a
 * retry of the same message, so the original id is signed again (a receiver that de-duplicates by it must treat it
 * as one), while edited bytes are a new message with a new id.
 */
function resign(es: EntryScheme, body: Buffer, options: SignOptions, given: Record<string, string>, unchanged: boolean, notes: string[]): SignedRequest {
  const probe = `msg_${randomBytes(12).toString('base64url')}`;
  const signed = es.scheme.sign(body, { ...options, id: probe }, es.own);
  const idHeader = Object.keys(signed.headers).find((k) => signed.headers[k] === probe);
  if (!idHeader) return signed;
  const original = Object.entries(given).find(([k]) => k.toLowerCase() === idHeader.toLowerCase())?.[1];
  if (unchanged && original && !isMasked(original)) {
    notes.push(`${idHeader} kept (${original}): the same bytes are a retry of the same message`);
    return es.scheme.sign(body, { ...options, id: original }, es.own);
  }
  notes.push(`new ${idHeader}: ${unchanged ? 'the original delivery had none' : 'edited bytes are a new message'}`);
  return signed;
}

export function targetUrl(input: ResendInput, listenerUrl: string, forwardTo: string | undefined, path: string): URL {
  if (input.target === 'listener') return new URL(path.startsWith('/') ? path : `/${path}`, listenerUrl);
  if (input.target === 'forward') {
    if (!forwardTo) throw new ResendError('the listener was started without --forward-to: choose the listener or type a URL');
    return new URL(forwardTo);
  }
  let url: URL;
  try {
    url = new URL(String(input.url ?? '').trim());
  } catch {
    throw new ResendError('the URL is not valid: type a full URL such as http://127.0.0.1:8080/webhook');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ResendError(`only http:// and https:// URLs can be sent to, not ${url.protocol}`);
  return url;
}

/** Builds the request: original (or edited) headers and bytes, then the signature as asked. */
export function prepareResend(input: ResendInput, origin: Entry, es: EntryScheme | undefined, creds: Credentials, listenerUrl: string, forwardTo: string | undefined): PreparedResend {
  const notes: string[] = [];
  const sentBefore = origin.sent;
  const path = sentBefore ? sentBefore.path : String(origin.report.path ?? '/');
  const method = sentBefore ? sentBefore.method : String(origin.report.method ?? 'POST');
  const body = input.body === undefined ? origin.body : Buffer.from(input.body, 'utf8');
  const given = input.headers ?? (sentBefore ? sentBefore.headers : headersOf(origin.report));
  const headers = endToEndHeaders(Object.fromEntries(Object.entries(given).filter(([k, v]) => typeof v === 'string' && k.trim() !== '').map(([k, v]) => [k.trim().toLowerCase(), v])));
  delete headers[RESEND_HEADER];
  if (input.body !== undefined && headers['content-encoding'] && headers['content-encoding'] !== 'identity') {
    delete headers['content-encoding'];
    notes.push('Content-Encoding removed: the edited body is sent as plain text');
  }
  const url = targetUrl(input, listenerUrl, forwardTo, path);
  // The original query (WebEngage's eventType, …) goes along unless the target URL sets the parameter itself.
  for (const [k, v] of Object.entries(queryOf(origin.report))) {
    const values = (Array.isArray(v) ? v : [v]).filter((x) => !isMasked(x));
    if (!url.searchParams.has(k)) for (const x of values) url.searchParams.append(k, x);
  }

  if (input.signature === 'resign' || input.signature === 'strip') {
    if (!es) throw new ResendError('no provider or signing scheme recognised for this delivery: it can only be sent with its original headers (keep the signature)');
    let signed: SignedRequest | undefined;
    if (input.signature === 'resign') {
      const eventType = url.searchParams.get('eventType') ?? undefined;
      const index = (origin.report.signature as { secretIndex?: number } | undefined)?.secretIndex;
      try {
        signed = resign(es, body, signOptions(es, creds, index, eventType), given, body.equals(origin.body), notes);
      } catch (e) {
        throw new ResendError(`cannot re-sign with ${es.scheme.label}: ${(e as Error).message} (start listen with the signing key, or keep the original signature)`);
      }
    }
    const names = schemeNames(es, signed);
    for (const h of names.headers) delete headers[h];
    for (const q of names.query) url.searchParams.delete(q);
    if (signed) {
      for (const [k, v] of Object.entries(signed.headers)) setHeader(headers, k, v);
      for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
      notes.push(`re-signed with ${es.scheme.label}`, ...signed.notes);
    } else notes.push(`sent without ${[...names.headers, ...names.query].join(', ') || 'a signature'}`);
  }
  // Credentials the report holds masked cannot be sent: the listener never kept them in clear.
  for (const [k, v] of Object.entries(headers)) {
    if (isMasked(v)) {
      delete headers[k];
      notes.push(`${k} not sent: the original value is masked and was not kept`);
    }
  }
  return { url, method, path: url.pathname, headers, body, notes };
}

export interface ResendOutcome {
  status?: number;
  latencyMs?: number;
  /** A network failure in the words `send` uses (connection refused, timeout…), with what to do about it. */
  error?: string;
  code?: string;
  hint?: string;
  response?: string;
}

/** Sends through the one HTTP client (src/http/client.ts): its timeouts, and its failure vocabulary. */
export async function send(p: PreparedResend, extraHeaders: Record<string, string> = {}, insecure = false): Promise<ResendOutcome> {
  const r = await exchangeRaw({ url: p.url, method: p.method, headers: { ...p.headers, ...extraHeaders }, body: p.body, timeoutMs: DEFAULT_TIMEOUT_MS, ...(insecure ? { insecure } : {}) }, 4096);
  const latencyMs = Math.round(r.latencyMs * 10) / 10;
  if (r.error || !r.response) {
    const f = r.error ?? { code: 'no_response', message: 'no response' };
    return { latencyMs, error: redactUrl(f.message), code: f.code, ...(f.hint !== undefined ? { hint: redactUrl(f.hint) } : {}) };
  }
  return { status: r.response.status, latencyMs, response: r.response.body.subarray(0, 2048).toString('utf8') };
}

export const newNonce = () => randomBytes(12).toString('hex');
