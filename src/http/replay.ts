// Resends captures: the same bytes and end-to-end headers, or re-signed for the capture's provider.
import { createHash } from 'node:crypto';
import { lastValues, queryPairs, type Capture } from '../core/capture.js';
import { CliError, UsageError } from '../output/errors.js';
import { loadProvider } from '../providers/index.js';
import type { ProviderDef } from '../providers/types.js';
import { signRequest } from '../signing/index.js';
import { closeClientConnections, endToEndHeaders, sendRaw } from './client.js';

const MASKED_CREDENTIAL = /^\*{4}\(\d+ chars\)$/;

export interface ReplayOptions {
  /** Where to send: this exact URL; the capture's query parameters are added unless the URL sets them. */
  to: string;
  /** Replace the signature (and credentials) with fresh ones for these bytes. */
  resign?: boolean;
  secret?: string;
  apiKey?: string;
  user?: string;
  licenseCode?: string;
  /** Sign as this provider instead of the one recorded in the capture. */
  provider?: string;
  timeoutMs?: number;
}

export interface ReplayItem {
  capture: Capture;
  /** Where it came from, for reports. */
  file?: string;
}

export interface ReplayResult {
  type: 'replay';
  file: string | null;
  method: string;
  url: string;
  provider: string | null;
  event: string | null;
  resigned: boolean;
  bytes: number;
  sha256: string;
  ok: boolean;
  status?: number;
  latencyMs?: number;
  /** The receiver's answer, cut to 2 KB. */
  response?: string;
  /** Credential headers that were masked in the capture and so not sent (Authorization, X-API-KEY). */
  droppedHeaders: string[];
  error?: { code: string; message: string; exitCode: number };
}

export interface PreparedRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
  droppedHeaders: string[];
}

/** Builds the request for one capture. Pure apart from the signing clock (which provider schemes do not use). */
export function buildReplayRequest(capture: Capture, options: ReplayOptions, provider?: ProviderDef): PreparedRequest {
  const url = new URL(options.to);
  const headers = endToEndHeaders(capture.headers);
  // Captures hold credentials masked ("****(n chars)"): never send the mask; --resign --user/--api-key adds real ones.
  const masked = Object.keys(headers).filter((k) => MASKED_CREDENTIAL.test(headers[k]!));
  for (const k of masked) delete headers[k];
  const given = new Set(url.searchParams.keys());
  for (const [k, v] of queryPairs(capture.query)) if (!given.has(k)) url.searchParams.append(k, v);
  if (options.resign) {
    if (!provider) {
      throw new UsageError('unknown_capture_provider', 'this capture names no provider, so it cannot be re-signed (pass --provider <id>)', 'run `cg-hooks providers` for the provider ids');
    }
    const spec = provider.signing;
    for (const name of [spec.header, ...(spec.altHeaders ?? [])]) if (name) delete headers[name.toLowerCase()];
    const signed = signRequest(spec, capture.body, {
      secret: options.secret,
      apiKey: options.apiKey,
      user: options.user,
      licenseCode: options.licenseCode,
      eventType: lastValues(capture.query).eventType ?? capture.event ?? undefined,
    });
    for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
    // Fresh credentials win over the captured ones (WebEngage's secret lives in the query).
    for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
  }
  // Re-signing may have put a real credential back under a masked name.
  return { url, method: capture.method, headers, body: capture.body, droppedHeaders: masked.filter((k) => !(k in headers)) };
}

export interface ReplayCallbacks {
  onResult?(result: ReplayResult): void;
}

/** Sends every capture in order, one at a time (order matters to a receiver's de-duplication); stops at a network failure. */
export async function replayCaptures(items: ReplayItem[], options: ReplayOptions, callbacks: ReplayCallbacks = {}): Promise<ReplayResult[]> {
  const providers = new Map<string, ProviderDef>();
  const providerFor = async (id: string | null) => {
    const key = options.provider ?? id;
    if (key === null || key === undefined) return undefined;
    if (!providers.has(key)) providers.set(key, await loadProvider(key));
    return providers.get(key);
  };
  // Everything that can be wrong with the input is checked before the first request goes out.
  const prepared: Array<{ item: ReplayItem; request: PreparedRequest }> = [];
  for (const item of items) {
    const provider = options.resign ? await providerFor(item.capture.provider) : undefined;
    try {
      prepared.push({ item, request: buildReplayRequest(item.capture, options, provider) });
    } catch (e) {
      if (e instanceof UsageError && item.file) throw new UsageError(e.code, `${item.file}: ${e.message}`, e.hint);
      throw e;
    }
  }
  const results: ReplayResult[] = [];
  try {
    for (const { item, request } of prepared) {
      const base = {
        type: 'replay' as const,
        file: item.file ?? null,
        method: request.method,
        url: request.url.href,
        provider: item.capture.provider,
        event: item.capture.event,
        resigned: options.resign === true,
        bytes: request.body.length,
        sha256: createHash('sha256').update(request.body).digest('hex'),
        droppedHeaders: request.droppedHeaders,
      };
      let result: ReplayResult;
      try {
        const r = await sendRaw({ url: request.url, method: request.method, headers: request.headers, body: request.body, timeoutMs: options.timeoutMs ?? 10_000 });
        result = { ...base, ok: r.status >= 200 && r.status < 300, status: r.status, latencyMs: r.latencyMs, response: r.body.subarray(0, 2048).toString('utf8') };
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        result = { ...base, ok: false, error: { code: e.code, message: e.message, exitCode: e.exitCode } };
      }
      results.push(result);
      callbacks.onResult?.(result);
      // The next ones would fail the same way (or wait out the same timeout): stop here.
      if (result.error) break;
    }
  } finally {
    closeClientConnections();
  }
  return results;
}
