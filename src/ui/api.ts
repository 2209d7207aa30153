// The inspector's JSON API: the list (paged), one delivery in full, diffs, body search, exports and resend.
import { isUtf8 } from 'node:buffer';
import { maskHeaders, redactUrl } from '../core/redact.js';
import type { ProviderDef } from '../providers/types.js';
import { diffBodies } from './diff.js';
import type { EventHub } from './events.js';
import { explainEntry, providerById, whyNotExplained, type Credentials } from './explain.js';
import { captureFile, curlLine, ndjsonLine, scenarioStep } from './exports.js';
import { newNonce, prepareResend, RESEND_HEADER, ResendError, send, type ResendInput } from './resend.js';
import { entryScheme, signingView, type EntryScheme } from './scheme.js';
import type { DeliveryStore, Entry } from './store.js';
import { expandRow, type CompactRow, type Row } from './row.js';
import { keptBody, publicReport, rowsDocument } from './views.js';

export interface Answer {
  status: number;
  type?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export interface ApiContext {
  store: DeliveryStore;
  hub: EventHub;
  creds: Credentials;
  scrub: <T>(v: T) => T;
  listenerUrl(): string;
  forwardTo: string | undefined;
  /** `--insecure` with `--forward-to`: a resend to that target accepts its self-signed certificate too. */
  forwardInsecure: boolean;
  /** The provider fixed with --provider, if any. */
  fixedProvider: string | undefined;
  /** `provider:event` pairs that arrive in a tenant's shape (`listen --mapping`). */
  mappedEvents?: ReadonlySet<string>;
  info(): Record<string, unknown>;
  /** Resends in flight to the listener: nonce → origin id, then the id of the delivery it became. */
  pending: Map<string, { origin: number; entry?: number }>;
}

export const json = (status: number, value: unknown): Answer => ({ status, type: 'application/json; charset=utf-8', body: `${JSON.stringify(value)}\n` });
const text = (status: number, value: string, type = 'text/plain; charset=utf-8', headers?: Record<string, string>): Answer => ({ status, type, body: value, ...(headers ? { headers } : {}) });
const problem = (status: number, message: string) => json(status, { error: message });

function intParam(v: string | null | undefined, fallback: number): number {
  if (v === null || v === undefined || !/^\d{1,15}$/.test(v)) return fallback;
  return Number(v);
}

function entryOr404(ctx: ApiContext, id: string | undefined): Entry | Answer {
  const e = ctx.store.get(intParam(id, -1));
  return e ?? problem(404, `no delivery #${id ?? '?'} in memory (it may have been evicted: the inspector keeps the last ${ctx.store.options.keep})`);
}

const isAnswer = (v: unknown): v is Answer => typeof v === 'object' && v !== null && 'status' in v && 'body' in v;

/** The entry's provider (or the one --provider fixes) and the scheme that checks it, from the registry. */
async function schemeOfEntry(ctx: ApiContext, e: Entry): Promise<{ provider: ProviderDef | undefined; es: EntryScheme | undefined }> {
  const providerId = e.provider ?? ctx.fixedProvider;
  const provider = providerId === undefined ? undefined : await providerById(providerId);
  return { provider, es: entryScheme(e.report, provider, ctx.creds.scheme) };
}

export function list(ctx: ApiContext, url: URL): Answer {
  const after = intParam(url.searchParams.get('after'), 0);
  const limit = Math.min(intParam(url.searchParams.get('limit'), 5000), 10_000);
  const store = ctx.store;
  const head = (last: number, count: number) => ({ first: store.firstId, last: store.lastId, evicted: store.evicted, more: count > 0 && last < store.lastId });
  if (url.searchParams.get('compact') === '1') {
    // The page's form: the rows as kept (compact, row.ts) and the table of middles they refer to, made as bytes
    // around the rows' kept bytes: a page catching up asks for thousands of rows, which as strings were decoded,
    // joined and encoded again, each copy megabytes of fresh memory.
    const open = (last: number, count: number) => `${JSON.stringify(head(last, count)).slice(0, -1)},"middles":[${store.middles.json.join(',')}],"rows":[`;
    return { status: 200, type: 'application/json; charset=utf-8', body: store.rowsMessage(after, limit, open, ']}\n').bytes };
  }
  // For scripts: whole row objects, as documented (docs/inspector.md).
  const kept = store.rowsJson(after, limit);
  const rows = (JSON.parse(`[${kept.json}]`) as Array<Row | CompactRow>).map((r) => JSON.stringify(expandRow(r, store.middles.values)));
  return { status: 200, type: 'application/json; charset=utf-8', body: `${rowsDocument(rows.join(','), head(kept.last, kept.count))}\n` };
}

export async function detail(ctx: ApiContext, id: string): Promise<Answer> {
  const e = entryOr404(ctx, id);
  if (isAnswer(e)) return e;
  const { es } = await schemeOfEntry(ctx, e);
  const why = whyNotExplained(e, es);
  if (why === undefined && e.explanation === undefined && es) {
    try {
      e.explanation = explainEntry(e, es, ctx.creds);
    } catch (err) {
      e.explanation = { error: (err as Error).message };
    }
  }
  const previous = e.kind === 'delivery' ? ctx.store.previousSameEvent(e) : undefined;
  const kept = keptBody(e);
  return json(200, ctx.scrub({
    row: e.row,
    report: publicReport(e),
    bodyBase64: e.body.toString('base64'),
    utf8: isUtf8(e.body),
    ...(kept !== undefined && typeof kept === 'object' ? { parsed: kept } : {}),
    previous: previous?.id ?? null,
    origin: e.origin ?? null,
    resends: e.resends ?? [],
    signing: signingView(es),
    ...(e.resend ? { resend: e.resend } : {}),
    ...(e.sent ? { sent: { ...e.sent, url: redactUrl(e.sent.url), headers: maskHeaders(e.sent.headers) } } : {}),
    ...(e.explanation !== undefined ? { explanation: e.explanation } : { explainNote: why }),
  }));
}

export function diff(ctx: ApiContext, url: URL): Answer {
  const a = entryOr404(ctx, url.searchParams.get('a') ?? undefined);
  if (isAnswer(a)) return a;
  const bParam = url.searchParams.get('b');
  const b = bParam === null || bParam === 'previous' ? ctx.store.previousSameEvent(a) : ctx.store.get(intParam(bParam, -1));
  if (!b) return problem(404, bParam === null || bParam === 'previous' ? `no earlier ${String(a.event ?? 'delivery')} in memory to compare #${a.id} with` : `no delivery #${bParam} in memory`);
  return json(200, { a: b.row, b: a.row, ...diffBodies(b.body, a.body) });
}

export function search(ctx: ApiContext, url: URL): Answer {
  const q = (url.searchParams.get('q') ?? '').slice(0, 500);
  return json(200, ctx.scrub({ q, ids: q === '' ? [] : ctx.store.search(q) }));
}

export function exportOne(ctx: ApiContext, id: string, what: string, url: URL): Answer {
  const e = entryOr404(ctx, id);
  if (isAnswer(e)) return e;
  const name = `${e.provider ?? 'unknown'}-${e.event ?? 'unknown'}-${e.id}`.replace(/[^A-Za-z0-9._-]+/g, '_');
  switch (what) {
    case 'capture':
      return text(200, captureFile(e), 'application/json; charset=utf-8', { 'content-disposition': `attachment; filename="${name}.json"` });
    case 'curl': {
      const relay = url.searchParams.get('to') === 'forward' && ctx.forwardTo !== undefined;
      return text(200, `${ctx.scrub(curlLine(e, relay ? ctx.forwardTo! : ctx.listenerUrl(), relay))}\n`);
    }
    case 'scenario': {
      // A scenario sends the provider's own shape, so paths read from a tenant-shaped body would not apply.
      if (ctx.mappedEvents?.has(`${e.provider}:${e.event}`)) return problem(409, `this ${e.provider} ${e.event} delivery follows the listener's --mapping, and a scenario sends ${e.provider}'s own payload shape, where its paths would not apply: export the capture instead (cg-hooks replay sends it as it arrived)`);
      const step = scenarioStep(e);
      return step === undefined ? problem(409, 'only a JSON object body can become a scenario step') : text(200, ctx.scrub(step), 'text/yaml; charset=utf-8');
    }
    default:
      return problem(404, 'unknown export');
  }
}

export function exportList(ctx: ApiContext, input: unknown): Answer {
  const ids = (input as { ids?: unknown })?.ids;
  if (!Array.isArray(ids) || ids.length > 100_000) return problem(400, 'expected {"ids": [1, 2, …]}');
  let out = '';
  for (const id of ids) {
    const e = typeof id === 'number' ? ctx.store.get(id) : undefined;
    if (e) out += ndjsonLine(e, ctx.scrub);
  }
  return text(200, out, 'application/x-ndjson; charset=utf-8', { 'content-disposition': 'attachment; filename="deliveries.ndjson"' });
}

function resendInput(v: unknown): ResendInput | string {
  if (typeof v !== 'object' || v === null) return 'expected a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'number') return '"id" must be a number';
  if (o.body !== undefined && typeof o.body !== 'string') return '"body" must be a string';
  if (o.headers !== undefined && (typeof o.headers !== 'object' || o.headers === null || Object.values(o.headers).some((h) => typeof h !== 'string'))) return '"headers" must map names to strings';
  if (!['resign', 'keep', 'strip'].includes(String(o.signature))) return '"signature" must be resign, keep or strip';
  if (!['listener', 'forward', 'url'].includes(String(o.target))) return '"target" must be listener, forward or url';
  return o as unknown as ResendInput;
}

export async function resend(ctx: ApiContext, body: unknown): Promise<Answer> {
  const input = resendInput(body);
  if (typeof input === 'string') return problem(400, input);
  const origin = ctx.store.get(input.id);
  if (!origin) return problem(404, `no delivery #${input.id} in memory`);
  const { es } = await schemeOfEntry(ctx, origin);
  let prepared;
  try {
    prepared = prepareResend(input, origin, es, ctx.creds, ctx.listenerUrl(), ctx.forwardTo);
  } catch (e) {
    if (e instanceof ResendError) return problem(400, e.message);
    throw e;
  }
  const mode = input.signature;
  if (input.target === 'listener') {
    // The listener reports the delivery before answering it: by the time the answer is here, so is the row.
    const nonce = newNonce();
    ctx.pending.set(nonce, { origin: origin.id });
    const outcome = await send(prepared, { [RESEND_HEADER]: nonce });
    const entryId = ctx.pending.get(nonce)?.entry;
    ctx.pending.delete(nonce);
    const entry = entryId === undefined ? undefined : ctx.store.get(entryId);
    if (entry) {
      const { response: _response, ...answered } = outcome;
      entry.resend = { mode, ...answered };
    }
    ctx.hub.updated(origin.id);
    return json(200, ctx.scrub({ id: entry?.id ?? null, url: redactUrl(prepared.url.href), ...outcome, notes: prepared.notes }));
  }
  const outcome = await send(prepared, {}, input.target === 'forward' && ctx.forwardInsecure);
  const stub = { receivedAt: new Date().toISOString(), method: prepared.method, path: prepared.path, provider: origin.provider, event: origin.event, size: prepared.body.length };
  const id = ctx.store.addSent({ url: prepared.url.href, method: prepared.method, path: prepared.path, headers: prepared.headers, ...outcome }, prepared.body, origin.id, stub);
  ctx.hub.changed();
  ctx.hub.updated(origin.id);
  return json(200, ctx.scrub({ id, url: redactUrl(prepared.url.href), ...outcome, notes: prepared.notes }));
}
