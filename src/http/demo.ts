// The whole loop, offline: a listener on a free loopback port, one signed delivery of every provider's
// every event sent to it, and the listener's verdict on each. Returns data; the command formats it.
import { createHash, randomBytes } from 'node:crypto';
import { prepareGenerator } from '../core/generate.js';
import { loadAllProviders, loadProvider } from '../providers/index.js';
import { schemeFor } from '../signing/index.js';
import type { CredentialName } from '../signing/schemes/types.js';
import type { ProviderDef } from '../providers/types.js';
import { startListener, type DeliveryReport } from './listen.js';
import { buildSendRequest, type BuildRequestInput } from './request.js';
import { send } from './send.js';

export interface DemoRow {
  provider: string;
  event: string;
  /** The HTTP status the listener answered, or null when the request failed. */
  status: number | null;
  /** What the listener made of the delivery (null when it never arrived). */
  detectedProvider: string | null;
  detectedEvent: string | null;
  /** "valid", "unsigned", "invalid"…: the signature or auth check, whichever the scheme uses. */
  check: string;
  schema: string;
  problems: string[];
  latencyMs: number;
  ok: boolean;
}

export interface DemoReport {
  url: string;
  rows: DemoRow[];
  /**
   * A delivery signed with the wrong secret, which the listener must refuse (401). Only sent when a selected
   * provider signs its deliveries: otherwise there is no signature to forge, and `skipped` says so.
   */
  forged: ForgeryCheck;
  ok: boolean;
  durationMs: number;
}

export type ForgeryCheck =
  | { sent: true; status: number | null; rejected: boolean; diagnosis?: string }
  | { sent: false; skipped: string };

export interface DemoOptions {
  /** Restrict to these providers (default: all). */
  providers?: string[];
  /** Only ASCII in the generated text (see GenerateOptions.ascii). */
  ascii?: boolean;
}

export interface DemoCallbacks {
  onReady?(url: string): void;
  onRow?(row: DemoRow, index: number, total: number): void;
}

/** Throwaway credentials for this run: each scheme gets what it needs, and nothing else, so detection stays honest. */
function demoCredentials() {
  return {
    secret: `demo_${randomBytes(12).toString('hex')}`,
    apiKey: `demo_key_${randomBytes(8).toString('hex')}`,
    user: `demo:${randomBytes(6).toString('hex')}`,
    licenseCode: `~${randomBytes(4).toString('hex')}`,
  };
}

type Credentials = ReturnType<typeof demoCredentials>;

/**
 * The credentials the provider's scheme names, and nothing else: an X-API-KEY sent to a provider that does not use
 * one would make detection dishonest.
 */
function credentialsFor(provider: ProviderDef, c: Credentials): Partial<BuildRequestInput> {
  const needs = schemeFor(provider.signing)?.scheme.needs ?? {};
  const named = new Set<CredentialName>([...(Object.keys(needs).filter((k) => k !== 'oneOf') as CredentialName[]), ...(needs.oneOf ?? []).flat()]);
  const out: Partial<BuildRequestInput> = {};
  for (const name of named) out[name] = c[name];
  return out;
}

function checkOf(report: DeliveryReport): string {
  const parts: string[] = [];
  if (!['unsigned', 'not-checked', 'unknown-provider'].includes(report.signature.status)) parts.push(`signature ${report.signature.status}`);
  if (report.auth.status !== 'none' && report.auth.status !== 'not-configured') parts.push(`${report.auth.kind ?? 'auth'} ${report.auth.status}`);
  return parts.join(', ') || 'unsigned';
}

export async function runDemo(options: DemoOptions = {}, callbacks: DemoCallbacks = {}): Promise<DemoReport> {
  const started = performance.now();
  const providers = options.providers?.length ? await Promise.all(options.providers.map(loadProvider)) : await loadAllProviders();
  const creds = demoCredentials();
  // Reports arrive through the listener's callback; they are matched to what was sent by the body's hash.
  const reports = new Map<string, DeliveryReport>();
  const listener = await startListener(
    { host: '127.0.0.1', port: 0, provider: 'auto', secrets: [creds.secret], apiKey: creds.apiKey, user: creds.user, licenseCode: creds.licenseCode },
    { onDelivery: (report) => reports.set(report.sha256, report) },
  );
  callbacks.onReady?.(listener.url);
  const url = new URL('/webhook', listener.url).href;

  const plan = providers.flatMap((p) => p.events.map((e) => ({ provider: p, event: e.name })));
  const rows: DemoRow[] = [];
  let forged: ForgeryCheck = { sent: false, skipped: 'not run' };
  try {
    for (const [index, item] of plan.entries()) {
      const body = prepareGenerator(item.provider, item.event, options.ascii ? { ascii: true } : {}).make(0).body;
      const request = buildSendRequest({ provider: item.provider, url, body, event: item.event, ...credentialsFor(item.provider, creds) });
      const result = await send(request, { timeoutMs: 5000 });
      const report = reports.get(createHash('sha256').update(body).digest('hex'));
      const status = result.final.response?.status ?? null;
      const row: DemoRow = {
        provider: item.provider.id,
        event: item.event,
        status,
        detectedProvider: report?.provider ?? null,
        detectedEvent: report?.event ?? null,
        check: report ? checkOf(report) : 'not received',
        schema: report ? report.schema.status : 'not received',
        problems: report ? report.problems : [result.final.error?.message ?? 'no delivery reached the listener'],
        latencyMs: Math.round(result.final.latencyMs * 10) / 10,
        ok: false,
      };
      row.ok = status === 200 && report?.verdict === 'valid' && row.detectedProvider === row.provider && row.detectedEvent === row.event;
      if (report && row.ok === false && report.verdict === 'valid') {
        row.problems = [...row.problems, `detected as ${row.detectedProvider ?? '?'} ${row.detectedEvent ?? '?'}`];
      }
      rows.push(row);
      callbacks.onRow?.(row, index, plan.length);
    }

    // One forgery, so the demo also shows what a receiver must refuse and why. Only a signature can be forged:
    // claiming that an unsigned provider "refused" a forgery would report something never observed.
    const signer = providers.find((p) => schemeFor(p.signing)?.scheme.kind === 'hmac');
    if (signer) {
      const event = signer.events[0]!.name;
      const body = prepareGenerator(signer, event).make(0).body;
      const request = buildSendRequest({ provider: signer, url, body, event, secret: `${creds.secret}x` });
      const result = await send(request, { timeoutMs: 5000 });
      const report = reports.get(createHash('sha256').update(body).digest('hex'));
      const status = result.final.response?.status ?? null;
      forged = { sent: true, status, rejected: status === 401 && report?.verdict === 'invalid' };
      const diagnosis = report?.signature.explain ?? report?.signature.reason;
      if (diagnosis) forged.diagnosis = diagnosis;
    } else {
      const ids = providers.map((p) => p.id);
      forged = { sent: false, skipped: `${ids.join(', ')} ${ids.length === 1 ? 'does' : 'do'} not sign deliveries: there is no signature to forge` };
    }
  } finally {
    await listener.close();
  }
  return {
    url,
    rows,
    forged,
    ok: rows.every((r) => r.ok) && (!forged.sent || forged.rejected),
    durationMs: Math.round(performance.now() - started),
  };
}
