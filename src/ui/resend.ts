// Edit → re-sign → resend. The page sends its edits; the listener process rebuilds the request, signs it with
// its own secret (the browser never has it) and sends it to the listener itself, the --forward-to target or
// a URL the user typed in the page. Nothing else can be a target: the token gates the endpoint.
import { randomBytes } from 'node:crypto';
import { MASKED_VALUE } from '../core/redact.js';
import { endToEndHeaders, sendRaw } from '../http/client.js';
import type { ProviderDef, SchemeId } from '../providers/types.js';
import { sign } from '../signing/api.js';
import type { Credentials } from './explain.js';
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

/** Header names (lower-case) and query names a scheme sets: learnt by signing with placeholder credentials. */
function signedNames(provider: ProviderDef, scheme: string | undefined): { headers: string[]; query: string[] } {
  try {
    const s = sign(provider, Buffer.alloc(0), { secret: 'x', apiKey: 'x', user: 'x:x', licenseCode: 'x', ...(scheme ? { scheme: scheme as SchemeId } : {}) });
    return { headers: Object.keys(s.headers).map((h) => h.toLowerCase()), query: Object.keys(s.query) };
  } catch {
    return { headers: [], query: [] };
  }
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) delete headers[k];
  headers[lower] = value;
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
export function prepareResend(input: ResendInput, origin: Entry, provider: ProviderDef | undefined, creds: Credentials, listenerUrl: string, forwardTo: string | undefined): PreparedResend {
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

  const scheme = creds.scheme;
  if (input.signature === 'resign' || input.signature === 'strip') {
    if (!provider) throw new ResendError('no provider recognised for this delivery: it can only be sent with its original headers (keep the signature)');
    const names = signedNames(provider, scheme);
    for (const h of names.headers) delete headers[h];
    for (const q of names.query) url.searchParams.delete(q);
    if (input.signature === 'strip') notes.push(`sent without ${[...names.headers, ...names.query].join(', ') || 'a signature'}`);
  }
  if (input.signature === 'resign' && provider) {
    const eventType = url.searchParams.get('eventType') ?? undefined;
    const index = (origin.report.signature as { secretIndex?: number } | undefined)?.secretIndex ?? 0;
    const secret = creds.secrets[index] ?? creds.secrets[0];
    const options = {
      ...(secret !== undefined ? { secret } : {}),
      ...(creds.apiKey !== undefined ? { apiKey: creds.apiKey } : {}),
      ...(creds.user !== undefined ? { user: creds.user } : {}),
      ...(creds.licenseCode !== undefined ? { licenseCode: creds.licenseCode } : {}),
      ...(eventType !== undefined ? { eventType } : {}),
      ...(scheme ? { scheme: scheme as SchemeId } : {}),
    };
    let signed;
    try {
      signed = sign(provider, body, options);
    } catch (e) {
      throw new ResendError(`cannot re-sign for ${provider.id}: ${(e as Error).message} (start listen with --secret, or keep the original signature)`);
    }
    for (const [k, v] of Object.entries(signed.headers)) setHeader(headers, k, v);
    for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
    notes.push(...signed.notes);
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
  error?: string;
  response?: string;
}

export async function send(p: PreparedResend, extraHeaders: Record<string, string> = {}): Promise<ResendOutcome> {
  try {
    const r = await sendRaw({ url: p.url, method: p.method, headers: { ...p.headers, ...extraHeaders }, body: p.body, timeoutMs: 10_000 }, 4096);
    return { status: r.status, latencyMs: r.latencyMs, response: r.body.subarray(0, 2048).toString('utf8') };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export const newNonce = () => randomBytes(12).toString('hex');
