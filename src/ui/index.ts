// `cg-hooks listen --ui`: a local web inspector fed by the listener's public callbacks. It does not reach into
// the listener: it sees each DeliveryReport and its raw bytes, keeps the last N, and serves a page, an API and
// an event stream from its own loopback-only server. Loaded lazily: listen without --ui never imports this.
import * as z from 'zod/mini';
import type { Listener, ListenCallbacks, ListenOptions, DeliveryReport } from '../http/listen.js';
import { UsageError } from '../output/errors.js';
import type { ApiContext } from './api.js';
import { loadAssets, type Assets } from './assets.js';
import { EventHub } from './events.js';
import type { Credentials } from './explain.js';
import { RESEND_HEADER } from './resend.js';
import { newToken } from './security.js';
import { startUiServer } from './server.js';
import { DeliveryStore, type ReportLike } from './store.js';
import { makeScrubber } from './views.js';
import { CompactRows } from './row-bytes.js';
import { redactUrl } from '../core/redact.js';
import { loadAllProviders } from '../providers/index.js';
import { VERSION } from '../version.js';

export const DEFAULT_KEEP = 10_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface InspectorOptions {
  /** 127.0.0.1 port for the page; 0 (default) picks a free one. */
  port?: number;
  /** Deliveries kept in memory (default 10,000), also bounded by `maxBytes`. */
  keep?: number;
  maxBytes?: number;
  /** Tests: another directory of built assets. */
  assetsDir?: URL;
  onWarning?(message: string): void;
}

export interface Inspector {
  /** The page's address, token included: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  port: number;
  token: string;
  /** Feeds one delivery in (what the listener's onDelivery receives). */
  onDelivery(report: DeliveryReport | ReportLike, raw: { body: Buffer }): void;
  /** The command's callbacks with the inspector's added. */
  wrap(callbacks: ListenCallbacks): ListenCallbacks;
  /** Tells the inspector where the listener is; its close() also closes the inspector. */
  attach(listener: Listener): Listener;
  close(): Promise<void>;
  /** For tests and the bench. */
  stats(): { kept: number; bytes: number; evicted: number; clients: number; skipped: number };
}

export async function startInspector(listen: ListenOptions, options: InspectorOptions = {}): Promise<Inspector> {
  const assets: Assets = loadAssets(options.assetsDir);
  const rows = new CompactRows();
  const store = new DeliveryStore({ keep: options.keep ?? DEFAULT_KEEP, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES }, rows.write, rows);
  const hub = new EventHub(store);
  const token = newToken();
  const creds: Credentials = {
    secrets: listen.secrets ?? [],
    ...(listen.apiKey !== undefined ? { apiKey: listen.apiKey } : {}),
    ...(listen.user !== undefined ? { user: listen.user } : {}),
    ...(listen.licenseCode !== undefined ? { licenseCode: listen.licenseCode } : {}),
    ...(listen.scheme !== undefined ? { scheme: listen.scheme } : {}),
  };
  const password = listen.user?.slice(listen.user.indexOf(':') + 1);
  const scrub = makeScrubber([...creds.secrets, ...(creds.apiKey ? [creds.apiKey] : []), ...(password ? [password] : [])]);
  let listenerUrl = '';
  const fixed = listen.provider && listen.provider !== 'auto' ? listen.provider : undefined;
  const pending = new Map<string, { origin: number; entry?: number }>();
  // With --mapping, the events a tenant mapping reshapes arrive in the tenant's shape (provider:event).
  const mappedEvents = new Set<string>();
  if (listen.mapping !== undefined) {
    for (const p of listen.providers ?? (await loadAllProviders())) for (const e of p.events) if (e.tenantMapping) mappedEvents.add(`${p.id}:${e.name}`);
  }
  const ctx: ApiContext = {
    store,
    hub,
    creds,
    scrub,
    listenerUrl: () => listenerUrl,
    forwardTo: listen.forwardTo,
    forwardInsecure: listen.forwardInsecure === true,
    fixedProvider: fixed,
    mappedEvents,
    pending,
    info: () => ({
      version: VERSION,
      listener: listenerUrl,
      forwardTo: listen.forwardTo === undefined ? null : redactUrl(listen.forwardTo),
      provider: listen.provider ?? 'auto',
      scheme: listen.scheme?.id ?? null,
      secrets: creds.secrets.length,
      apiKey: creds.apiKey !== undefined,
      user: creds.user !== undefined,
      keep: store.options.keep,
      maxBytes: store.options.maxBytes,
      kept: store.size,
      evicted: store.evicted,
    }),
  };
  const warn = (m: string) => options.onWarning?.(m);
  const server = await startUiServer(ctx, assets, token, options.port ?? 0, warn);

  const onDelivery = (report: DeliveryReport | ReportLike, raw: { body: Buffer }) => {
    const r = report as ReportLike;
    let origin: number | undefined;
    if (pending.size > 0) {
      const nonce = (r.headers as Record<string, string> | undefined)?.[RESEND_HEADER];
      const p = nonce === undefined ? undefined : pending.get(nonce);
      if (p) origin = p.origin;
      const id = store.addDelivery(r, raw.body, origin);
      if (p) p.entry = id;
    } else store.addDelivery(r, raw.body);
    hub.changed();
  };

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      hub.close();
      await server.close();
    })();
    return closed;
  };

  return {
    url: `http://127.0.0.1:${server.port}/?token=${token}`,
    port: server.port,
    token,
    onDelivery,
    wrap: (callbacks) => ({
      ...callbacks,
      onDelivery(report, raw) {
        callbacks.onDelivery?.(report, raw);
        try {
          onDelivery(report, raw);
        } catch (e) {
          warn(`inspector: ${(e as Error).message}`);
        }
      },
    }),
    attach(listener) {
      listenerUrl = listener.url;
      return {
        ...listener,
        url: listener.url,
        port: listener.port,
        summary: () => listener.summary(),
        async close() {
          const summary = await listener.close();
          await close();
          return summary;
        },
      };
    },
    close,
    stats: () => ({ kept: store.size, bytes: store.bytes, evicted: store.evicted, clients: hub.size, skipped: hub.skipped }),
  };
}

const UiFlags = z.object({
  ui: z.optional(z.boolean()),
  uiPort: z.optional(z.string()),
  uiKeep: z.optional(z.string()),
});

/** The command's side: `--ui`, `--ui-port <n>`, `--ui-keep <n>` (either of the last two implies --ui). */
export async function startInspectorFor(rawOptions: unknown, listen: ListenOptions, onWarning?: (m: string) => void): Promise<Inspector> {
  const parsed = UiFlags.safeParse(rawOptions);
  const o = parsed.success ? parsed.data : {};
  const whole = (text: string | undefined, flag: string, min: number, max: number) => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) throw new UsageError('bad_option', `${flag}: expected a whole number from ${min} to ${max}, got "${text}"`);
    return Number(text);
  };
  const port = whole(o.uiPort, '--ui-port', 0, 65535);
  const keep = whole(o.uiKeep, '--ui-keep', 1, 1_000_000);
  return startInspector(listen, { ...(port !== undefined ? { port } : {}), ...(keep !== undefined ? { keep } : {}), ...(onWarning ? { onWarning } : {}) });
}
