// Resends captures: the same bytes and end-to-end headers, or re-signed for the capture's provider.
import { createHash } from 'node:crypto';
import { lastValues, queryPairs, type Capture } from '../core/capture.js';
import { MASKED_VALUE, redactUrl } from '../core/redact.js';
import { CliError, UsageError } from '../errors.js';
import { loadProvider } from '../providers/index.js';
import type { ProviderDef } from '../providers/types.js';
import { signRequest } from '../signing/index.js';
import { closeClientConnections, endToEndHeaders, sendRaw } from './client.js';

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
  /** Accept self-signed or otherwise invalid TLS certificates. */
  insecure?: boolean;
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
  /** Credentials that were masked in the capture and so not sent: headers (Authorization, X-API-KEY) and query parameters ("secret (query)"). */
  droppedHeaders: string[];
  /** A network failure, in the vocabulary of `send` (errors.ts): code, message, what to do. */
  error?: { code: string; message: string; hint?: string; exitCode: number };
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
  const masked = Object.keys(headers).filter((k) => MASKED_VALUE.test(headers[k]!));
  for (const k of masked) delete headers[k];
  const given = new Set(url.searchParams.keys());
  const maskedQuery: string[] = [];
  for (const [k, v] of queryPairs(capture.query)) {
    if (MASKED_VALUE.test(v)) maskedQuery.push(k);
    else if (!given.has(k)) url.searchParams.append(k, v);
  }
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
      // WebEngage's license code travels in the clear in the URL: the capture's own one serves.
      licenseCode: options.licenseCode ?? lastValues(capture.query).licenseCode,
      eventType: lastValues(capture.query).eventType ?? capture.event ?? undefined,
    });
    for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
    // Fresh credentials win over the captured ones (WebEngage's secret lives in the query).
    for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
  }
  // Re-signing may have put a real credential back under a masked name.
  const dropped = [...masked.filter((k) => !(k in headers)), ...maskedQuery.filter((k) => !url.searchParams.has(k)).map((k) => `${k} (query)`)];
  return { url, method: capture.method, headers, body: capture.body, droppedHeaders: dropped };
}

export interface ReplayCallbacks {
  onResult?(result: ReplayResult): void;
  /** While every capture is checked before the first is sent (large directories take a while). */
  onChecked?(done: number, total: number): void;
}

/** What a replay did, without keeping every result (a directory can hold hundreds of thousands). */
export interface ReplaySummary {
  replayed: number;
  ok: number;
  /** Set when a network failure stopped the replay: the rest were not sent. */
  networkError: boolean;
  /** Every credential left out because the capture held it masked, across all replayed captures (at most one of each name). */
  droppedHeaders: string[];
}

/** Captures read one at a time, so that memory does not grow with their number. */
interface CaptureSource {
  count: number;
  get(index: number): ReplayItem;
}

/** Sends every capture in order, one at a time (order matters to a receiver's de-duplication); stops at a network failure. */
async function replaySource(source: CaptureSource, options: ReplayOptions, callbacks: ReplayCallbacks): Promise<ReplaySummary> {
  const providers = new Map<string, ProviderDef>();
  const providerFor = async (id: string | null) => {
    const key = options.provider ?? id;
    if (key === null || key === undefined) return undefined;
    if (!providers.has(key)) providers.set(key, await loadProvider(key));
    return providers.get(key);
  };
  const prepare = async (item: ReplayItem): Promise<PreparedRequest> => {
    const provider = options.resign ? await providerFor(item.capture.provider) : undefined;
    try {
      return buildReplayRequest(item.capture, options, provider);
    } catch (e) {
      if (e instanceof UsageError && item.file) throw new UsageError(e.code, `${item.file}: ${e.message}`, e.hint);
      throw e;
    }
  };
  // Everything that can be wrong with the input is checked before the first request goes out; each capture is
  // read again when it is sent, so that only one is in memory at a time.
  for (let i = 0; i < source.count; i++) {
    await prepare(source.get(i));
    callbacks.onChecked?.(i + 1, source.count);
  }
  const summary: ReplaySummary = { replayed: 0, ok: 0, networkError: false, droppedHeaders: [] };
  const dropped = new Set<string>();
  try {
    for (let i = 0; i < source.count; i++) {
      const item = source.get(i);
      const request = await prepare(item);
      const base = {
        type: 'replay' as const,
        file: item.file ?? null,
        method: request.method,
        url: redactUrl(request.url.href),
        provider: item.capture.provider,
        event: item.capture.event,
        resigned: options.resign === true,
        bytes: request.body.length,
        sha256: createHash('sha256').update(request.body).digest('hex'),
        droppedHeaders: request.droppedHeaders,
      };
      let result: ReplayResult;
      try {
        const r = await sendRaw({ url: request.url, method: request.method, headers: request.headers, body: request.body, timeoutMs: options.timeoutMs ?? 10_000, ...(options.insecure ? { insecure: true } : {}) });
        result = { ...base, ok: r.status >= 200 && r.status < 300, status: r.status, latencyMs: r.latencyMs, response: r.body.subarray(0, 2048).toString('utf8') };
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        result = { ...base, ok: false, error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), exitCode: e.exitCode } };
      }
      summary.replayed++;
      if (result.ok) summary.ok++;
      for (const name of result.droppedHeaders) dropped.add(name);
      callbacks.onResult?.(result);
      // The next ones would fail the same way (or wait out the same timeout): stop here.
      if (result.error) {
        summary.networkError = true;
        break;
      }
    }
  } finally {
    closeClientConnections();
  }
  summary.droppedHeaders = [...dropped];
  return summary;
}

/** Replays captures already in memory; returns every result. */
export async function replayCaptures(items: ReplayItem[], options: ReplayOptions, callbacks: ReplayCallbacks = {}): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  await replaySource({ count: items.length, get: (i) => items[i]! }, options, {
    ...callbacks,
    onResult: (r) => {
      results.push(r);
      callbacks.onResult?.(r);
    },
  });
  return results;
}

/** Replays capture files, reading each when it is needed: memory stays flat however many there are. */
export function replayFiles(files: { readonly length: number; at(index: number): string | undefined }, read: (file: string) => Capture, options: ReplayOptions, callbacks: ReplayCallbacks = {}): Promise<ReplaySummary> {
  return replaySource(
    {
      count: files.length,
      get: (i) => {
        const file = files.at(i)!;
        return { file, capture: read(file) };
      },
    },
    options,
    callbacks,
  );
}
