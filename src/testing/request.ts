// signedRequest: one realistic delivery as a WHATWG Request, with exactly the bytes, headers and query the
// provider would send: the payload from the generator, the request from the same builder `cg-hooks send` uses.
import { buildSendRequest, prepareGenerator, UsageError, type GenerateOptions, type Mapping, type ProviderDef } from '../index.js';
import { headerPairs, libraryErrors, resolveProvider, secretList, type ProviderOptions } from './options.js';

export interface SignedRequestOptions extends ProviderOptions {
  /** The event (`'rewards.points_awarded'`, `'reward'`, …): `cg-hooks providers <id>` lists them. */
  event: string;
  /** The receiver's URL (absolute: a Request needs one); the provider's query parameters are added to it. */
  url: string | URL;
  /** A payload variant (`cg-hooks providers <id>` lists them). */
  variant?: string;
  /** Same seed, same bytes. Omitted: fresh ids every call. */
  seed?: number | string;
  /** The payload clock (ms since the epoch). Default: now (with a seed: 2026-01-01, so the bytes never change). */
  now?: number;
  /** Unix seconds signed by timestamped schemes (Standard Webhooks, Stripe, Slack). Default: now. */
  timestamp?: number;
  /** Deep-merged into the generated payload first. */
  data?: Record<string, unknown>;
  /** Dotted paths to set, in order, after `data`: `{ 'data.points': 250 }` or `[{ path: 'data.points', value: 250 }]`. */
  set?: Record<string, unknown> | ReadonlyArray<{ path: string; value: unknown }>;
  /** Dotted paths to remove, last. */
  unset?: readonly string[];
  /** Only ASCII in the generated text (default: names and amounts in other scripts, as real tenants' data has). */
  ascii?: boolean;
  /** A CustomerGlu tenant payload mapping (`{ id: '$rewardId', amount: '$rewardAmount' }`) or `parseMapping(…)`. */
  mapping?: Mapping | Record<string, unknown>;
}

/** A Request with its own copy of the bytes (a body can be read once; the bytes must not change under it). */
export function webRequest(url: string, headers: Record<string, string>, body: Uint8Array): Request {
  return new Request(url, { method: 'POST', headers, body: new Uint8Array(body) });
}

/** The `url` option checked: absolute http(s) (not echoed: a URL can carry credentials). */
export function absoluteUrl(url: string | URL, fn: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(String(url));
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new UsageError('bad_url', `${fn}: \`url\` must be an absolute http(s) URL such as http://localhost/webhook (a Request needs one)`);
  }
  return parsed.href;
}

/** `url` with these query parameters set (WebEngage's `secret`, `licenseCode`, `eventType`). */
export function withQuery(url: string, query: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.href;
}

export function generateOptions(o: SignedRequestOptions): GenerateOptions {
  const g: GenerateOptions = {};
  if (o.variant !== undefined) g.variant = o.variant;
  if (o.seed !== undefined) g.seed = o.seed;
  if (o.now !== undefined) g.now = o.now;
  if (o.data !== undefined) g.data = o.data;
  if (o.set !== undefined) {
    g.set = Array.isArray(o.set)
      ? (o.set as ReadonlyArray<{ path: string; value: unknown }>).map(({ path, value }) => ({ path, value }))
      : Object.entries(o.set as Record<string, unknown>).map(([path, value]) => ({ path, value }));
  }
  if (o.unset !== undefined) g.unset = [...o.unset];
  if (o.ascii !== undefined) g.ascii = o.ascii;
  if (o.mapping !== undefined) g.mapping = o.mapping;
  return g;
}

/**
 * One realistic, correctly signed delivery as a WHATWG `Request`: the bytes, headers and query parameters the
 * provider would send. Hand it to a fetch-style handler (`await app.fetch(request)`, `await POST(request)`) or
 * send it with `fetch(request)`.
 */
export async function signedRequest(options: SignedRequestOptions): Promise<Request> {
  const fn = 'signedRequest';
  const provider: ProviderDef = await resolveProvider(options.provider, fn);
  return libraryErrors(fn, () => {
    const delivery = prepareGenerator(provider, options.event, generateOptions(options)).make(0);
    const [secret] = secretList(options.secret);
    const headers = headerPairs(options.headers);
    const prepared = buildSendRequest({
      provider,
      url: absoluteUrl(options.url, fn),
      body: delivery.body,
      event: delivery.event,
      ...(options.scheme !== undefined ? { scheme: options.scheme } : {}),
      ...(secret !== undefined ? { secret } : {}),
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
      ...(options.user !== undefined ? { user: options.user } : {}),
      ...(options.licenseCode !== undefined ? { licenseCode: options.licenseCode } : {}),
      ...(options.custom !== undefined ? { custom: options.custom } : {}),
      ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
      ...(headers ? { headers } : {}),
    });
    return webRequest(prepared.url, prepared.headers, prepared.body);
  });
}
